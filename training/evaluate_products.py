"""Precision of the product gazetteer's written forms, and the share of PRODUCT spans linked, on a genre split.

    python training/evaluate_products.py [--model PATH] [--data corpora/genre/dev.jsonl] [--sample N]

The gazetteer runs alone on each document (no statistical NER, no rules); each match is scored
against the gold PRODUCT spans (exact offsets) and counted by the kind of form that matched:
a registered name, a bare brand, a brand with ®/™, a brand-quote variant. The pipeline's PRODUCT
spans are then counted as linked (``span._.norm`` carries registry entries) or not; ``--sample``
prints that many linked spans with their first link, for a review by hand (dev only).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import tcbio_nlp  # noqa: E402
from tcbio_nlp.resources import product_registry  # noqa: E402


def form_kind(text: str) -> str:
    if any(m in text for m in "®™"):
        return "brand + ®/™"
    if any(q in text for q in '"“〝'):
        return "brand-quote variant"
    if any(c.isdigit() for c in text) or len(text) > 12:
        return "registered name"
    return "bare brand"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="tcbio_zh_core")
    ap.add_argument("--data", type=Path, default=ROOT / "corpora" / "genre" / "dev.jsonl")
    ap.add_argument("--sample", type=int, default=0, help="print this many linked spans (never on test)")
    args = ap.parse_args(argv)
    if args.sample and "test" in args.data.name:
        ap.error("--sample lists spans: dev only")
    nlp = tcbio_nlp.load(args.model)
    gaz = nlp.get_pipe("tcbio_product_gazetteer")
    forms = product_registry(nlp.vocab)[1]
    rows = [json.loads(line) for line in args.data.open(encoding="utf8") if line.strip()]
    hits, total = Counter(), Counter()
    linked, spans, sample = 0, 0, []
    for row in rows:
        gold = {(e["start"], e["end"]) for e in row["entities"] if e["label"] == "PRODUCT"}
        doc = nlp.make_doc(row["text"])
        for a, b, _ in gaz.matches(tcbio_nlp.normalization.normalize_text(row["text"])):
            kind = form_kind(row["text"][a:b])
            total[kind] += 1
            hits[kind] += (a, b) in gold
        doc = nlp(row["text"])
        for ent in doc.ents:
            if ent.label_ == "PRODUCT":
                spans += 1
                if ent._.norm and ent._.norm.get("links"):
                    linked += 1
                    sample.append((ent.text, ent._.norm["links"][0]))
    print(f"# Product gazetteer on `{args.data.relative_to(ROOT) if args.data.is_relative_to(ROOT) else args.data}`"
          f" ({len(rows)} documents; {len(forms)} written forms)\n")
    print("| form matched | matches | exact gold PRODUCT | precision |\n|---|---:|---:|---:|")
    for kind in sorted(total):
        print(f"| {kind} | {total[kind]} | {hits[kind]} | {hits[kind] / total[kind]:.3f} |")
    n, h = sum(total.values()), sum(hits.values())
    print(f"| **all** | {n} | {h} | {h / max(n, 1):.3f} |\n")
    print(f"PRODUCT spans of the pipeline linked to a registry entry: {linked}/{spans} = {linked / max(spans, 1):.3f}")
    random.Random(0).shuffle(sample)
    for text, link in sample[: args.sample]:
        print(f"- {text!r} → {link['licence_no']} {link['name_zh']} / {link['name_en']} ({link['source']})")


if __name__ == "__main__":
    main()
