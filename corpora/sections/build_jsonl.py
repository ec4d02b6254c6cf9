"""Build ``corpora/sections/seeds.jsonl`` from the reviewed sheets in ``review/*.tsv``.

    python corpora/sections/build_jsonl.py [--seeds ../shared/seeds] [--check]

Each sheet lists, for one seed document, every heading line (1-based line number), its level,
its section type and the heading as written; line 0 stands for text before the first heading.
This script does not use the heading rules: offsets come from the line numbers alone, and the
heading text of each row is checked against its line, so the gold set stays independent of
``tcbio_nlp.sections.headings``. ``--check`` verifies that the JSONL on disk is up to date.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = (
    "front_matter", "summary", "purpose", "process", "strategy",
    "results", "reflection", "recommendation", "conclusion", "appendix",
)
_NOSPACE = re.compile(r"\s+")


def default_seeds() -> Path:
    return HERE.parents[2] / "shared" / "seeds"


def read_sheet(path: Path) -> list[tuple[int, int, str, str | None]]:
    rows = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        line, level, label, heading = raw.split("\t")[:4]
        if label not in LABELS:
            raise ValueError(f"{path.name}: unknown label {label!r}")
        rows.append((int(line), int(level), label, None if heading == "-" else heading))
    return rows


def build_record(sheet: Path, seeds: Path) -> dict:
    name = sheet.stem
    text = (seeds / f"{name}.txt").read_text(encoding="utf-8")
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    rows = read_sheet(sheet)
    sections = []
    for k, (line, level, label, heading) in enumerate(rows):
        if line == 0:
            if k != 0:
                raise ValueError(f"{name}: line 0 must come first")
            heading_start = None
            start = 0
        else:
            heading_start = line_starts[line - 1]
            line_text = text[heading_start : text.find("\n", heading_start) if "\n" in text[heading_start:] else None]
            if _NOSPACE.sub("", heading) not in _NOSPACE.sub("", line_text.replace("**", "")):
                raise ValueError(f"{name}: line {line} is {line_text!r}, not heading {heading!r}")
            start = heading_start if k > 0 else 0
        sections.append({"start": start, "heading_start": heading_start, "heading": heading,
                         "level": level, "label": label})
    for k, s in enumerate(sections):
        s["end"] = sections[k + 1]["start"] if k + 1 < len(sections) else len(text)
        if s["end"] <= s["start"]:
            raise ValueError(f"{name}: empty section at {s}")
    # parent: the nearest preceding section of a lower level (level-0 sections have none)
    for k, s in enumerate(sections):
        s["parent"] = None
        if s["level"] > 1:
            for j in range(k - 1, -1, -1):
                if 0 < sections[j]["level"] < s["level"]:
                    s["parent"] = j
                    break
    ordered = [{key: s[key] for key in ("start", "end", "heading", "level", "label", "heading_start", "parent")}
               for s in sections]
    return {
        "id": name,
        "source": f"seeds/{name}.txt",
        "sha1": hashlib.sha1(text.encode("utf-8")).hexdigest(),
        "sections": ordered,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=Path, default=default_seeds())
    ap.add_argument("--out", type=Path, default=HERE / "seeds.jsonl")
    ap.add_argument("--check", action="store_true", help="fail if the JSONL on disk differs from the sheets")
    args = ap.parse_args(argv)
    records = [build_record(p, args.seeds) for p in sorted((HERE / "review").glob("*.tsv"))]
    payload = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if args.check:
        ok = args.out.exists() and args.out.read_text(encoding="utf-8") == payload
        print("seeds.jsonl is up to date" if ok else "seeds.jsonl is stale: rebuild it")
        return 0 if ok else 1
    args.out.write_text(payload, encoding="utf-8")
    print(f"wrote {args.out} ({len(records)} documents, {sum(len(r['sections']) for r in records)} sections)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
