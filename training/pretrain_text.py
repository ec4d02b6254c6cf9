"""Raw text for pretraining the NER's tok2vec, from ``../shared/data/pretraining_text``.

The genre corpus was drawn from the same gazette and law database, so any record that shares a
passage with a document of the genre corpus's **test or dev** split is left out (dev too, so the
choice "keep pretraining if dev improves" is made on clean documents), and every chunk kept
passes ``../shared/tools/reserved_overlap.py`` (the reserved evaluation texts).

Two cores cannot pretrain on all 125 M characters in reasonable time, so a seeded sample of
records is taken, an equal share of characters from each of the three sources (gazette notices,
Legislative Yuan committee records, laws), cut into chunks of at most ``--chunk`` characters at
line ends; chunks that are mostly tables or numbers (less than 30 % Han) are skipped.

    python training/pretrain_text.py --shared ../shared --output training/output/pretrain/text.jsonl
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from annotate import reserved_overlap_tool  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (
    "gazette_health_2005_2016.jsonl.gz",
    "ly_committee_records_2017_2021_health.jsonl.gz",
    "moj_laws_all_20241011.jsonl.gz",
)
WINDOW = 20
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
SPACE = re.compile(r"\s+")


def held_out_windows(corpus_dir: Path, splits: tuple[str, ...] = ("test", "dev")) -> set[str]:
    """Every 20-character window (whitespace removed) of the genre corpus's held-out documents."""
    windows: set[str] = set()
    for split in splits:
        with open(corpus_dir / f"{split}.jsonl", encoding="utf-8") as f:
            for line in f:
                text = SPACE.sub("", json.loads(line)["text"])
                windows.update(text[i:i + WINDOW] for i in range(len(text) - WINDOW + 1))
    return windows


def shares_passage(text: str, windows: set[str], run_limit: int = 20) -> bool:
    """True if ``text`` holds a passage of about 40 characters (20 consecutive windows) of a held-out document."""
    s = SPACE.sub("", text)
    run = 0
    for i in range(len(s) - WINDOW + 1):
        if s[i:i + WINDOW] in windows:
            run += 1
            if run >= run_limit:
                return True
        else:
            run = 0
    return False


def chunks(text: str, size: int) -> list[str]:
    """``text`` cut at line ends into pieces of at most ``size`` characters (longer lines cut hard)."""
    out, cur = [], ""
    for line in text.splitlines(keepends=True):
        while len(line) > size:
            if cur:
                out.append(cur)
                cur = ""
            out.append(line[:size])
            line = line[size:]
        if len(cur) + len(line) > size:
            out.append(cur)
            cur = ""
        cur += line
    if cur:
        out.append(cur)
    return [c for c in out if c.strip()]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpora" / "genre")
    ap.add_argument("--output", type=Path, default=ROOT / "training" / "output" / "pretrain" / "text.jsonl")
    ap.add_argument("--chars", type=int, default=6_000_000, help="characters to keep in all (default 6 M)")
    ap.add_argument("--chunk", type=int, default=1000, help="longest chunk in characters")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    windows = held_out_windows(args.corpus)
    tool = reserved_overlap_tool()
    rng = random.Random(args.seed)
    per_source = args.chars // len(SOURCES)
    kept: list[dict] = []
    stats: Counter = Counter()
    for name in SOURCES:
        path = args.shared / "data" / "pretraining_text" / name
        with gzip.open(path, "rt", encoding="utf-8") as f:
            records = [json.loads(line) for line in f]
        rng.shuffle(records)
        got = 0
        for rec in records:
            if got >= per_source:
                break
            if shares_passage(rec["text"], windows):
                stats[f"{name}: records left out (held-out passage)"] += 1
                continue
            for i, piece in enumerate(chunks(rec["text"], args.chunk)):
                if len(HAN.findall(piece)) < 0.3 * len(piece):
                    stats[f"{name}: chunks skipped (<30% Han)"] += 1
                    continue
                share, run = tool.overlap(piece)
                if share >= 0.2 or run >= 60:
                    stats[f"{name}: chunks left out (reserved overlap)"] += 1
                    continue
                kept.append({"id": f"{rec['id']}#{i}", "text": piece})
                got += len(piece)
                if got >= per_source:
                    break
            stats[f"{name}: records used"] += 1
        stats[f"{name}: characters kept"] = got
        print(f"{name}: {got:,} characters", file=sys.stderr)
    rng.shuffle(kept)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with open(args.output, "w", encoding="utf-8") as f:
        for row in kept:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    for key, value in sorted(stats.items()):
        print(f"{key}: {value:,}", file=sys.stderr)
    print(f"{len(kept):,} chunks, {sum(len(r['text']) for r in kept):,} characters → {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
