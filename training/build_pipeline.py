"""Assemble the shipped pipeline from the trained parts (training/configs/pipeline.cfg).

    python training/build_pipeline.py [--config training/configs/pipeline.cfg] [--set paths.output=DIR]

Starts from the trained NER pipeline (its tokenizer carries the segmentation model,
lexicon and patterns), adds the rule and value components in the configured order,
initialises them from their data files, and writes a self-contained pipeline
directory that ``tcbio_nlp.load()`` / ``spacy.load()`` read without outside paths.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import spacy
from spacy.util import load_config

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import tcbio_nlp  # noqa: E402,F401  (registers the components)


def build(config_path: Path, overrides: dict[str, str]) -> Path:
    os.chdir(ROOT)
    cfg = load_config(config_path, overrides=overrides, interpolate=True)
    paths = cfg["paths"]
    if not Path(paths["ner_model"], "config.cfg").exists():
        sys.exit(f"no trained NER at {paths['ner_model']}: run `python training/train_ner.py` first")
    nlp = spacy.load(paths["ner_model"])
    for name in cfg["pipeline"]["after_ner"]:
        init = dict(cfg.get("initialize", {}).get(name, {}))
        if name == "tcbio_sections" and not Path(init.get("model_dir", ""), "cfg.json").exists() and \
                not Path(init.get("model_dir", "")).is_dir():
            print(f"  skipping {name}: no trained model at {init.get('model_dir')}", file=sys.stderr)
            continue
        nlp.add_pipe(name, config=dict(cfg.get("components", {}).get(name, {})))
        pipe = nlp.get_pipe(name)
        if hasattr(pipe, "initialize"):
            pipe.initialize(lambda: [], nlp=nlp, **init)
        print(f"  added {name}", file=sys.stderr)
    nlp.meta.update(cfg.get("meta", {}))
    out = Path(paths["output"])
    nlp.to_disk(out)
    print(f"wrote {out} ({sum(f.stat().st_size for f in out.rglob('*') if f.is_file()) / 1e6:.1f} MB)",
          file=sys.stderr)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", type=Path, default=ROOT / "training/configs/pipeline.cfg")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = ap.parse_args(argv)
    build(args.config, dict(p.split("=", 1) for p in args.set))


if __name__ == "__main__":
    main()
