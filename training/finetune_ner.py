"""Fine-tune the shipped pipeline's NER on your own annotations and save a new pipeline.

    python training/finetune_ner.py MY.jsonl --output my_pipeline [--model tcbio_zh_core]
                                    [--iterations 20] [--rehearse 200] [--seed 0]

MY.jsonl uses the corpus format (corpora/README.md): one excerpt per line with
``text`` and ``entities`` (character offsets, labels). Starting from the shipped
model, the statistical NER is updated on your examples mixed with a sample of the
original training excerpts ("rehearsal", so the labels it already knows are not
forgotten); every other component is kept as it is. New labels are added.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterable
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch

import tcbio_nlp
from tcbio_nlp.training.corpus import read_jsonl, to_docbin

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REHEARSAL = ROOT / "corpora/ner/seeds-train.jsonl"


def examples_from_rows(nlp: Language, rows: Iterable[dict]) -> list[Example]:
    rows = list(rows)
    db, report = to_docbin(nlp, rows)
    if report.misaligned:
        print(report, file=sys.stderr)
    return [Example(nlp.make_doc(doc.text), doc) for doc in db.get_docs(nlp.vocab)]


def finetune(nlp: Language, rows: list[dict], *, iterations: int = 20, rehearse: int = 200,
             rehearsal_path: Path | None = DEFAULT_REHEARSAL, seed: int = 0, log: bool = True) -> Language:
    """Update ``nlp``'s ner in place on ``rows`` (plus rehearsal excerpts) and return it."""
    fix_random_seed(seed)
    rng = random.Random(seed)
    ner = nlp.get_pipe("ner")
    for row in rows:
        for ent in row["entities"]:
            ner.add_label(ent["label"])
    new = examples_from_rows(nlp, rows)
    old: list[Example] = []
    if rehearse and rehearsal_path is not None and Path(rehearsal_path).exists():
        pool = read_jsonl(rehearsal_path)
        old = examples_from_rows(nlp, rng.sample(pool, min(rehearse, len(pool))))
    trainable = [p for p in ("tok2vec", "ner") if p in nlp.pipe_names]
    with nlp.select_pipes(enable=trainable):
        optimizer = nlp.resume_training()
        for i in range(iterations):
            batch_pool = new * 3 + rng.sample(old, min(len(old), max(8, len(new) * 3)))
            rng.shuffle(batch_pool)
            losses: dict[str, float] = {}
            for batch in minibatch(batch_pool, size=8):
                nlp.update(batch, sgd=optimizer, drop=0.2, losses=losses)
            if log:
                print(f"  iteration {i + 1}/{iterations}: ner loss {losses.get('ner', 0):.2f}", file=sys.stderr)
    return nlp


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path, help="your annotations, corpus JSONL format")
    ap.add_argument("--output", type=Path, required=True, help="directory for the fine-tuned pipeline")
    ap.add_argument("--model", default="tcbio_zh_core", help="starting pipeline (name or directory)")
    ap.add_argument("--iterations", type=int, default=20)
    ap.add_argument("--rehearse", type=int, default=200, help="original training excerpts mixed in")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    nlp = tcbio_nlp.load(args.model)
    rows = read_jsonl(args.data)
    print(f"fine-tuning {args.model} on {len(rows)} excerpts from {args.data}", file=sys.stderr)
    finetune(nlp, rows, iterations=args.iterations, rehearse=args.rehearse, seed=args.seed)
    nlp.to_disk(args.output)
    print(f"saved {args.output}; load it with tcbio_nlp.load({str(args.output)!r})", file=sys.stderr)
    spacy.load(args.output)  # fail here, not later, if the saved pipeline does not load


if __name__ == "__main__":
    main()
