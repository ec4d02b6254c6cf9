"""Train the word-segmentation model (spacy-pkuseg) on UD_Chinese-GSD.

    python training/train_segmenter.py [--config training/configs/segmenter.cfg]
                                        [--no-dev] [--train-iter N] [--output DIR]
                                        [--SECTION.KEY VALUE ...]  (spaCy's config overrides)

About 10 minutes on 2 idle cores (20 epochs of ~15 s, plus feature extraction); the
measured time is written to ``meta.json`` and the evaluation report.

Steps (all settings in ``training/configs/segmenter.cfg``):

1. read the r1.4 train file and map its ASCII punctuation tokens to the current
   East Asian scheme (``, . ( ) : ; ?`` → ``， 。 （ ） ： ； ？``, see r1.4/SOURCE.md);
2. pass every sentence through the same normalisation the tokenizer applies at run
   time (``normalize_text`` then ``segmenter_text``: Taiwan-standard Traditional forms,
   臺 for 台, ASCII digits/letters, East Asian punctuation in Chinese context) — the
   mapping is length-preserving, so the gold word boundaries carry over unchanged;
   ideographs seen fewer than ``unk_min_count`` times become ``UNKNOWN_CHAR``, the symbol
   the tokenizer gives the model for any ideograph it has no feature for;
3. train pkuseg's CRF (fixed seed, ``[pkuseg]`` optimiser settings) on train (+ dev with ``include_dev = true``; dev is
   used for tuning with ``--no-dev`` first), reporting F1 on dev after every epoch;
4. save the model to ``training/output/segmenter/pkuseg/`` (``--no-dev``:
   ``training/output/segmenter-train-only/pkuseg/``), the prepared training text next
   to it, and ``meta.json`` with the settings, data checksums and training time.

The test split (``zh_gsd-ud-test.conllu``) is never read here. The model is derived
from UD_Chinese-GSD and is distributed under CC BY-SA 4.0.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from spacy.cli._util import parse_config_overrides

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEFAULT_CONFIG = ROOT / "training" / "configs" / "segmenter.cfg"
DEFAULT_OUTPUT = ROOT / "training" / "output" / "segmenter"
TRAIN_ONLY_OUTPUT = ROOT / "training" / "output" / "segmenter-train-only"

# r1.4 writes ASCII punctuation where the current release writes East Asian forms, token for
# token, and only when the token is that mark alone (../shared/data/ud_chinese_gsd/r1.4/SOURCE.md)
R14_PUNCT = {",": "，", ".": "。", "(": "（", ")": "）", ":": "：", ";": "；", "?": "？"}
# pkuseg settings that only affect training (the feature templates used at run time stay fixed)
TRAINING_SETTINGS = {"reg", "rate0", "nUpdate", "upper", "lower", "featureTrim"}


def read_conllu(path: Path) -> list[tuple[str | None, list[str]]]:
    """(``# text`` or None, word forms) per sentence; multiword ranges and empty nodes skipped."""
    sents: list[tuple[str | None, list[str]]] = []
    words: list[str] = []
    text: str | None = None
    with open(path, encoding="utf8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# text = "):
                text = line[len("# text = ") :]
            elif line.startswith("#"):
                continue
            elif not line.strip():
                if words:
                    sents.append((text, words))
                words, text = [], None
            else:
                cols = line.split("\t")
                if cols[0].isdigit():
                    words.append(cols[1])
    if words:
        sents.append((text, words))
    return sents


def map_r14_punct(words: list[str]) -> list[str]:
    return [R14_PUNCT.get(w, w) for w in words]


def model_words(words: list[str]) -> list[str]:
    """The words as the segmentation model sees them at run time (same lengths, same boundaries)."""
    from tcbio_nlp.normalization import normalize_text, segmenter_text

    words = ["".join(w.split()) for w in words]
    original = "".join(words)
    text = segmenter_text(normalize_text(original), original)
    out, pos = [], 0
    for w in words:
        out.append(text[pos : pos + len(w)])
        pos += len(w)
    return out


def replace_rare_chars(
    train: list[list[str]], dev: list[list[str]], min_count: int
) -> tuple[list[list[str]], list[list[str]], int]:
    """Ideographs seen fewer than `min_count` times in `train` become UNKNOWN_CHAR, in train
    and (with the ideographs train lacks) in dev, as the tokenizer does at run time."""
    from tcbio_nlp.segmentation import UNKNOWN_CHAR, unknown_candidates

    counts = Counter(ch for words in train for w in words for ch in w)
    table = {cp: UNKNOWN_CHAR for cp in unknown_candidates() if counts[chr(cp)] < min_count}
    n_rare = sum(1 for ch, n in counts.items() if n < min_count and ord(ch) in table)

    def apply(sentences: list[list[str]]) -> list[list[str]]:
        return [[w.translate(table) for w in words] for words in sentences]

    return apply(train), apply(dev), n_rare


def write_lines(path: Path, sentences: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf8") as f:
        for words in sentences:
            f.write(" ".join(w for w in words if w) + "\n")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_settings(config_path: Path, overrides: dict | None = None) -> dict:
    """The config with overrides in spaCy's syntax (``--pkuseg.reg 2``)."""
    from spacy.util import load_config

    return load_config(config_path, overrides=overrides or {}, interpolate=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    ap.add_argument("--no-dev", action="store_true", help="train on train only (for tuning on dev)")
    ap.add_argument("--train-iter", type=int, default=None, help="override [training] train_iter")
    ap.add_argument("--output", type=Path, default=None, help="output folder (model goes to OUTPUT/pkuseg)")
    ap.add_argument("--shared", type=Path, default=SHARED, help="shared data folder (default ../shared)")
    args, extra = ap.parse_known_args(argv)  # the rest: config overrides, e.g. --pkuseg.reg 2

    cfg = load_settings(args.config, parse_config_overrides(extra))
    include_dev = bool(cfg["data"]["include_dev"]) and not args.no_dev
    train_iter = args.train_iter or int(cfg["training"]["train_iter"])
    seed = int(cfg["training"]["seed"])
    out = args.output or (DEFAULT_OUTPUT if include_dev else TRAIN_ONLY_OUTPUT)
    train_path = args.shared / cfg["data"]["train"]
    dev_path = args.shared / cfg["data"]["dev"]
    if "test" in train_path.name or "test" in dev_path.name:
        sys.exit("refusing to train on a test split")
    for p in (train_path, dev_path):
        if not p.exists():
            sys.exit(f"missing data file {p} (the shared data folder sits beside the checkout)")

    random.seed(seed)
    np.random.seed(seed)

    t0 = time.time()
    print(f"[1/3] reading {train_path.name} (r1.4, punctuation mapped) and {dev_path.name}", flush=True)
    train = [model_words(map_r14_punct(w)) for _, w in read_conllu(train_path)]
    dev = [model_words(w) for _, w in read_conllu(dev_path)]
    data_dir = out / "data"
    train_set = train + (dev if include_dev else [])
    unk_min_count = int(cfg["training"].get("unk_min_count", 0))
    if unk_min_count > 1:
        train_set, dev, n_rare = replace_rare_chars(train_set, dev, unk_min_count)
        print(f"      {n_rare} ideographs seen fewer than {unk_min_count} times stand for unseen ones", flush=True)
    write_lines(data_dir / "train.txt", train_set)
    write_lines(data_dir / "dev.txt", dev)
    n_train = len(train) + (len(dev) if include_dev else 0)
    print(f"      {n_train} training sentences ({'train + dev' if include_dev else 'train only'}), "
          f"{len(dev)} dev sentences, prepared in {time.time() - t0:.1f}s", flush=True)

    import spacy_pkuseg
    from spacy_pkuseg.config import config as pkuseg_config

    optimiser = dict(cfg.get("pkuseg", {}))
    for key, value in optimiser.items():  # training-only settings of pkuseg's (global) config
        if key not in TRAINING_SETTINGS:
            sys.exit(f"[pkuseg] {key}: not one of the training settings {sorted(TRAINING_SETTINGS)}")
        setattr(pkuseg_config, key, value)

    model_dir = out / "pkuseg"
    model_dir.mkdir(parents=True, exist_ok=True)
    print(f"[2/3] training pkuseg for {train_iter} epochs (seed {seed}); f-score is on dev"
          + (" (seen in training)" if include_dev else ""), flush=True)
    t1 = time.time()
    spacy_pkuseg.train(str(data_dir / "train.txt"), str(data_dir / "dev.txt"), str(model_dir),
                       train_iter=train_iter)
    train_seconds = time.time() - t1

    meta = {
        "model": "spacy-pkuseg CRF word segmenter",
        "data": {
            "train": str(cfg["data"]["train"]), "train_sha256": sha256(train_path),
            "dev": str(cfg["data"]["dev"]), "dev_sha256": sha256(dev_path),
            "include_dev": include_dev, "sentences": n_train,
        },
        "train_iter": train_iter, "seed": seed, "unk_min_count": unk_min_count, "pkuseg": optimiser,
        "train_seconds": round(train_seconds, 1),
        "license": "CC BY-SA 4.0 (derived from UD_Chinese-GSD, https://github.com/UniversalDependencies/UD_Chinese-GSD)",
        "command": "python training/train_segmenter.py" + (" --no-dev" if args.no_dev else "")
        + (f" --train-iter {args.train_iter}" if args.train_iter else ""),
    }
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf8")
    print(f"[3/3] saved {model_dir} (training {train_seconds / 60:.1f} min, total "
          f"{(time.time() - t0) / 60:.1f} min)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
