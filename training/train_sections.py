"""Train the section-type classifier on the labelled sections and save the component data.

    python training/train_sections.py [--config training/configs/sections.cfg] [--output DIR] [--no-dev]

Settings are chosen on the dev split with a classifier trained without it (``--no-dev``; that is the
classifier ``training/evaluate_sections.py --dev-only --train`` scores); the shipped classifier is then
trained on the dev split too.

Reads the hyper-parameters from ``training/configs/sections.cfg`` (``[classifier]``) and the
paths from its ``[paths]`` section (relative paths are relative to the repository root), trains
on every section of ``corpora/sections/seeds.jsonl`` and of the genre corpus's train and dev splits
(``[paths] genre_train``, ``genre_dev``; never test) with fixed seeds (the result is the same on every
run) and writes ``training/output/sections/``: ``rules.json``, ``classifier.msgpack`` and
``meta.json``. Add it to a pipeline with::

    nlp.add_pipe("tcbio_sections")
    nlp.get_pipe("tcbio_sections").initialize(model_dir="training/output/sections")
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from thinc.api import Config

from tcbio_nlp.sections import HeadingRules, SectionClassifier, build_inputs, save_component_data
from tcbio_nlp.sections.corpus import GoldDocument, gold_spans, load_genre, load_gold

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CONFIG = ROOT / "training" / "configs" / "sections.cfg"


def load_settings(path: Path = DEFAULT_CONFIG) -> tuple[dict[str, Path], dict[str, Any]]:
    """(paths, classifier hyper-parameters) from the .cfg file; paths resolved against the repo root."""
    cfg = Config().from_disk(path)
    paths = {k: (ROOT / v).resolve() if not Path(v).is_absolute() else Path(v) for k, v in cfg["paths"].items()}
    return paths, dict(cfg["classifier"])


def set_seeds(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)


def training_documents(paths: dict[str, Path], *, dev: bool = True) -> list[GoldDocument]:
    """The seeds plus, when the config names them, the genre corpus's train split and (``dev``) its dev split."""
    docs = load_gold(paths["gold"], paths["seeds"])
    for key in ("genre_train", "genre_dev") if dev else ("genre_train",):
        if paths.get(key) is not None and paths[key].exists():
            docs += load_genre(paths[key])
    return docs


def train(docs: list[GoldDocument], rules: HeadingRules, params: dict[str, Any]) -> SectionClassifier:
    """A classifier trained on all sections of ``docs`` (gold boundaries, headings kept + dropped)."""
    set_seeds(int(params.get("seed", 0)))
    clf = SectionClassifier(params, rules.cues, rules.heading_cues, rules.body_cues)
    max_chars = int(clf.config["max_chars"])
    clf.fit([build_inputs(d.text, gold_spans(d, rules), max_chars=max_chars) for d in docs], [d.labels for d in docs])
    return clf


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Train the tcbio_sections classifier on the seeds and the genre corpus's train split.")
    ap.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    ap.add_argument("--output", type=Path, default=None, help="default: [paths] output of the config")
    ap.add_argument("--no-dev", action="store_true",
                    help="leave the genre corpus's dev split out (the classifier whose dev scores choose settings)")
    args = ap.parse_args(argv)
    paths, params = load_settings(args.config)
    out = args.output or paths["output"]
    rules = HeadingRules.from_json(paths["rules"])
    docs = training_documents(paths, dev=not args.no_dev)
    t0 = time.time()
    clf = train(docs, rules, params)
    counts = Counter(lab for d in docs for lab in d.labels)
    meta = {
        "component": "tcbio_sections",
        "trained_on": [d.id for d in docs],
        "gold_sha1": hashlib.sha1(paths["gold"].read_bytes()).hexdigest(),
        **{f"{key}_sha1": hashlib.sha1(paths[key].read_bytes()).hexdigest()
           for key in (("genre_train",) if args.no_dev else ("genre_train", "genre_dev"))
           if paths.get(key) is not None and paths[key].exists()},
        "config": str(args.config.resolve().relative_to(ROOT)) if args.config.resolve().is_relative_to(ROOT)
        else str(args.config),
        "classifier": clf.config,
        "label_counts": dict(sorted(counts.items())),
    }
    save_component_data(out, rules, clf, meta)
    print(f"trained on {sum(counts.values())} sections of {len(docs)} documents in {time.time() - t0:.1f}s")
    print(f"saved to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
