"""Entities of a pipeline against the gold corpora: per label, per genre, seen vs unseen genres, old splits.

    python training/evaluate_ner.py [--model tcbio_zh_core] [--report training/reports/ner.md]
                                    [--data corpora/genre/test.jsonl ... | --split dev ...]

Without ``--data`` it scores the genre corpus (``corpora/genre/test.jsonl`` — whole documents of
every genre, none of them trained on — and ``dev.jsonl``) and the old seeds split
(``corpora/ner/seeds-test.jsonl``: excerpts cut from the same documents as the training excerpts).
An entity counts as correct only with exact character offsets and label (spaCy's ``PRFScore``
does the counting). For correctly found MONEY and LICENSE_NO entities with a hand-written
``gold_norm`` the pipeline's ``span._.norm`` is compared with it. Errors are listed for dev
only: test errors are never printed, so that nobody tunes on them. ``--split dev`` (or ``train``,
``seeds-dev``, …) scores named splits alone, e.g. while working on the rules: ``--split dev --errors``
lists every dev error without running the test split at all.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from spacy.scorer import PRFScore

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import tcbio_nlp  # noqa: E402
from tcbio_nlp.corpora import LABELS  # noqa: E402

GENRE_TEST = ROOT / "corpora/genre/test.jsonl"
GENRE_DEV = ROOT / "corpora/genre/dev.jsonl"
SEEDS_TEST = ROOT / "corpora/ner/seeds-test.jsonl"
#: ``--split`` names: the genre corpus splits and the seeds corpus splits
SPLITS = {**{s: ROOT / f"corpora/genre/{s}.jsonl" for s in ("train", "dev", "test")},
          **{f"seeds-{s}": ROOT / f"corpora/ner/seeds-{s}.jsonl" for s in ("train", "dev", "test")}}


def norm_as_gold(label: str, norm: dict | None) -> str | None:
    """The pipeline's value written in the gold-value notation of corpora/README.md."""
    if not norm:
        return None
    if label == "LICENSE_NO":
        return norm.get("canonical")
    if "low" in norm:
        return f"{norm['low']}-{norm['high']} {norm['currency']}"
    value = norm.get("value")
    return f"{'none' if value is None else value} {norm['currency']}"


def same_gold(pred: str | None, gold: str) -> bool:
    if pred is None:
        return False
    if pred == gold:
        return True
    # numeric comparison: "8.60 TWD" == "8.6 TWD"
    try:
        pv, pc = pred.rsplit(" ", 1)
        gv, gc = gold.rsplit(" ", 1)
        return pc == gc and [Decimal(x) for x in pv.split("-")] == [Decimal(x) for x in gv.split("-")]
    except Exception:  # noqa: BLE001  (malformed values are simply wrong)
        return False


def read_rows(path: Path) -> list[dict]:
    """Gold rows (id, text, entities, and genre where the corpus has one)."""
    rows = []
    for n, line in enumerate(path.read_text("utf8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            for key in ("id", "text", "entities"):
                if key not in row:
                    raise ValueError(f"{path}:{n}: missing field {key!r}")
            row.setdefault("genre", "seeds")
            rows.append(row)
    return rows


class Tally:
    """Entity and value counts of one group of documents."""

    def __init__(self) -> None:
        self.labels: dict[str, PRFScore] = defaultdict(PRFScore)
        self.values: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # label → [correct, total]
        self.docs = 0
        self.chars = 0

    def __iadd__(self, other: Tally) -> Tally:
        for label, score in other.labels.items():
            self.labels[label] += score
        for label, (ok, total) in other.values.items():
            self.values[label][0] += ok
            self.values[label][1] += total
        self.docs += other.docs
        self.chars += other.chars
        return self

    @property
    def micro(self) -> PRFScore:
        total = PRFScore()
        for score in self.labels.values():
            total += score
        return total


def score_rows(nlp, rows: list[dict]) -> tuple[dict[str, Tally], list[str]]:
    """One Tally per document id, and the error lines."""
    tallies, errors = {}, []
    for row, doc in zip(rows, nlp.pipe((r["text"] for r in rows), batch_size=16), strict=True):
        tally = Tally()
        tally.docs, tally.chars = 1, len(row["text"])
        gold = {(e["start"], e["end"], e["label"]): e for e in row["entities"]}
        pred = {(e.start_char, e.end_char, e.label_): e for e in doc.ents}
        for label in LABELS:
            tally.labels[label].score_set({k for k in pred if k[2] == label}, {k for k in gold if k[2] == label})
        for key in gold.keys() & pred.keys():
            g = gold[key].get("gold_norm")
            if g and key[2] in ("MONEY", "LICENSE_NO"):
                got = norm_as_gold(key[2], pred[key]._.norm)
                ok = same_gold(got, g)
                tally.values[key[2]][0] += ok
                tally.values[key[2]][1] += 1
                if not ok:
                    errors.append(f"value {row['id']}: {gold[key]['text']!r} gold {g!r} got {got!r}")
        errors += [f"FP {row['id']}: {k[2]} {row['text'][k[0]:k[1]]!r}" for k in sorted(pred.keys() - gold.keys())]
        errors += [f"FN {row['id']}: {k[2]} {row['text'][k[0]:k[1]]!r}" for k in sorted(gold.keys() - pred.keys())]
        tallies[row["id"]] = tally
    return tallies, errors


def token_alignment(nlp, rows: list[dict]) -> tuple[int, int]:
    """Gold entities whose both edges fall on token boundaries of the tokenizer alone, and all gold entities."""
    ok = total = 0
    for row in rows:
        doc = nlp.make_doc(row["text"])
        starts = {t.idx for t in doc}
        ends = {t.idx + len(t) for t in doc}
        for e in row["entities"]:
            total += 1
            ok += e["start"] in starts and e["end"] in ends
    return ok, total


def group(rows: list[dict], tallies: dict[str, Tally], key) -> dict[str, Tally]:
    out: dict[str, Tally] = defaultdict(Tally)
    for row in rows:
        out[key(row)] += tallies[row["id"]]
    return out


def label_table(tally: Tally) -> list[str]:
    lines = ["| label | P | R | F | gold | predicted |", "|---|---:|---:|---:|---:|---:|"]
    for label in LABELS:
        s = tally.labels[label]
        lines.append(f"| {label} | {s.precision:.3f} | {s.recall:.3f} | {s.fscore:.3f} | {s.tp + s.fn} | "
                     f"{s.tp + s.fp} |")
    m = tally.micro
    lines.append(f"| **micro** | {m.precision:.3f} | {m.recall:.3f} | **{m.fscore:.3f}** | {m.tp + m.fn} | "
                 f"{m.tp + m.fp} |")
    return lines


def genre_table(groups: dict[str, Tally], unseen: set[str]) -> list[str]:
    head = "| genre | docs | chars | micro P | micro R | **micro F** | "
    head += " | ".join(f"{lab} F (gold)" for lab in LABELS)
    lines = [head + " |", "|---|---:|---:|---:|---:|---:|" + "---:|" * len(LABELS)]
    for genre in sorted(groups):
        t = groups[genre]
        m = t.micro
        cells = []
        for label in LABELS:
            s = t.labels[label]
            cells.append(f"{s.fscore:.3f} ({s.tp + s.fn})" if s.tp + s.fn + s.fp else "—")
        name = f"{genre} (unseen)" if genre in unseen else genre
        lines.append(f"| {name} | {t.docs} | {t.chars} | {m.precision:.3f} | {m.recall:.3f} | **{m.fscore:.3f}** | "
                     + " | ".join(cells) + " |")
    return lines


def value_line(tally: Tally) -> str:
    ok = sum(v[0] for v in tally.values.values())
    total = sum(v[1] for v in tally.values.values())
    parts = ", ".join(f"{label} {tally.values[label][0]}/{tally.values[label][1]}" for label in ("MONEY", "LICENSE_NO"))
    share = ok / total if total else 0
    return f"Values of correctly found MONEY and LICENSE_NO spans: {ok}/{total} = {share:.3f} ({parts})"


def unseen_genres() -> set[str]:
    """Genres with test documents only (corpora/genre/documents.tsv)."""
    path = ROOT / "corpora/genre/documents.tsv"
    if not path.exists():
        return set()
    splits: dict[str, set[str]] = defaultdict(set)
    for line in path.read_text("utf8").splitlines()[1:]:
        cols = line.split("\t")
        splits[cols[1]].add(cols[2])
    return {g for g, s in splits.items() if s == {"test"}}


def evaluate_set(nlp, path: Path, unseen: set[str], *, errors: bool) -> list[str]:
    rows = read_rows(path)
    tallies, error_lines = score_rows(nlp, rows)
    total = group(rows, tallies, lambda r: "all")["all"]
    rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    md = [f"## `{rel}` — {total.docs} documents, {total.chars} characters", ""]
    md += label_table(total)
    md += ["", value_line(total), ""]
    genres = {r["genre"] for r in rows}
    if len(genres) > 1:
        by_genre = group(rows, tallies, lambda r: r["genre"])
        md += ["### Per genre", ""] + genre_table(by_genre, unseen) + [""]
        if unseen & genres:
            seen = group(rows, tallies, lambda r: "unseen genres" if r["genre"] in unseen else "seen genres")
            md += ["### Seen vs unseen genres", "", f"Unseen genres (test only, never trained on): "
                   f"{', '.join(sorted(unseen & genres))}.", ""]
            for name in ("seen genres", "unseen genres"):
                md += [f"**{name}** ({seen[name].docs} documents)", ""] + label_table(seen[name]) + [""]
        aligned, n = token_alignment(nlp, rows)
        md += [f"Gold entities whose edges fall on token boundaries of the tokenizer alone: {aligned}/{n} = "
               f"{aligned / n if n else 0:.4f}", ""]
    if errors:
        md += ["### Errors", ""] + ([f"- {e}" for e in error_lines] or ["(none)"]) + [""]
    return md


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="tcbio_zh_core", help="shipped pipeline name or a pipeline directory")
    ap.add_argument("--data", type=Path, nargs="*", default=None,
                    help="JSONL sets to score (default: genre test and dev, old seeds test)")
    ap.add_argument("--split", nargs="*", choices=sorted(SPLITS), default=None,
                    help="score these named splits only (genre train/dev/test, seeds-train/dev/test)")
    ap.add_argument("--errors", action="store_true", help="also list the errors of every set except a test split")
    ap.add_argument("--report", type=Path, default=None, help="write the Markdown report here")
    args = ap.parse_args(argv)
    if args.data and args.split:
        ap.error("--data and --split are alternatives")
    sets = args.data or [SPLITS[s] for s in args.split or ()] or \
        [p for p in (GENRE_TEST, GENRE_DEV, SEEDS_TEST) if p.exists()]
    for path in sets:
        if not path.exists():
            sys.exit(f"no such corpus file: {path}")
    t0 = time.time()
    nlp = tcbio_nlp.load(args.model)
    unseen = unseen_genres()
    command = ("python training/evaluate_ner.py " + " ".join(argv if argv is not None else sys.argv[1:])).strip()
    md = [f"# NER evaluation\n\nModel `{args.model}`. Command: `{command}`.\n",
          "Exact character offsets and label; one row of gold per span. Test errors are not listed.\n"]
    for path in sets:
        md += evaluate_set(nlp, path, unseen, errors=("dev" in path.stem or args.errors) and "test" not in path.stem)
    md.append(f"Evaluated in {time.time() - t0:.0f} s.")
    text = "\n".join(md) + "\n"
    print(text.split("### Errors")[0] if len(text) > 20000 else text)
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(text, encoding="utf8")


if __name__ == "__main__":
    main()
