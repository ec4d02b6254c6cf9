"""Train the statistical NER from the annotated corpus (corpora/ner) with fixed seeds.

    python training/train_ner.py [--config training/configs/ner.cfg] [--output training/output/ner]
                                 [--set paths.pkuseg_model=...] [--set training.max_epochs=...]

1. tokenises train and dev with the configured segmenter and writes DocBins
   (every entity that does not fit the token boundaries is listed, never dropped);
2. runs ``spacy train`` with the config (seed in ``[system]``);
3. the trained pipeline is ``<output>/model-best``; ``training/build_pipeline.py`` adds
   the pattern, gazetteer, alias, value and section components and writes models/.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import spacy
from spacy.cli.train import train as spacy_train
from spacy.util import load_config, registry

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tcbio_nlp.corpora import load_corpus, to_docbin  # noqa: E402
from tcbio_nlp.ops import fast_cpu_ops  # noqa: E402


def parse_overrides(pairs: list[str]) -> dict[str, object]:
    """KEY=VALUE pairs; values are parsed as JSON where they can be (20 → int), else kept as strings."""
    out: dict[str, object] = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        if not value:
            sys.exit(f"--set expects KEY=VALUE, got {pair!r}")
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


def tokenizer_pipeline(config_path: Path, overrides: dict[str, str]) -> spacy.Language:
    """A blank pipeline whose tokenizer is initialised exactly as training will initialise it."""
    config = load_config(config_path, overrides=overrides, interpolate=True)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": config["nlp"]["tokenizer"]}})
    init = registry.resolve({"t": config["initialize"]["tokenizer"]})["t"]
    pkuseg_model = init.get("pkuseg_model")
    if not pkuseg_model or not Path(pkuseg_model).exists():
        sys.exit(f"segmentation model not found at {pkuseg_model!r}: run `python training/train_segmenter.py` "
                 "first, or pass --set paths.pkuseg_model=DIR")
    nlp.tokenizer.initialize(**init)
    return nlp


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", type=Path, default=ROOT / "training/configs/ner.cfg")
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpora/ner")
    ap.add_argument("--output", type=Path, default=ROOT / "training/output/ner")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="config override, e.g. --set training.max_epochs=20")
    args = ap.parse_args(argv)
    os.chdir(ROOT)  # config paths are relative to the repository root
    overrides = parse_overrides(args.set)
    args.output.mkdir(parents=True, exist_ok=True)
    overrides.setdefault("paths.train", str(args.output / "train.spacy"))
    overrides.setdefault("paths.dev", str(args.output / "dev.spacy"))
    overrides = {k: str(v) if k.startswith("paths.") else v for k, v in overrides.items()}

    print(f"[1/2] tokenising the corpus in {args.corpus}", file=sys.stderr)
    nlp = tokenizer_pipeline(args.config, overrides)
    corpus = load_corpus(args.corpus)
    for split in ("train", "dev"):
        db, report = to_docbin(nlp, corpus[split])
        db.to_disk(overrides[f"paths.{split}"])
        print(f"  {split}: {len(corpus[split])} excerpts; {report}", file=sys.stderr)

    print(f"[2/2] spacy train {args.config} → {args.output}", file=sys.stderr)
    with fast_cpu_ops():  # numpy's BLAS for the matrix products (tcbio_nlp/ops.py)
        spacy_train(args.config, args.output, overrides=overrides)


if __name__ == "__main__":
    main()
