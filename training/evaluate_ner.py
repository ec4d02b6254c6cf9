"""Per-label precision/recall/F of a pipeline's entities on a JSONL set, and value accuracy.

    python training/evaluate_ner.py [--model models/tcbio_zh_core] [--data corpora/ner/test.jsonl]
                                    [--report training/reports/ner.md]

An entity counts as correct only with exact character offsets and label. For MONEY
and LICENSE_NO entities that carry a hand-written ``gold_norm`` and were found
correctly, the pipeline's ``span._.norm`` is compared with it.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import tcbio_nlp  # noqa: E402
from tcbio_nlp.corpora import LABELS, read_jsonl  # noqa: E402


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


def evaluate(nlp, rows: list[dict]) -> dict:
    tp, fp, fn = Counter(), Counter(), Counter()
    norm_total, norm_ok, errors, norm_errors = Counter(), Counter(), [], []
    docs = nlp.pipe((r["text"] for r in rows), batch_size=16)
    for row, doc in zip(rows, docs, strict=True):
        gold = {(e["start"], e["end"], e["label"]): e for e in row["entities"]}
        pred = {(e.start_char, e.end_char, e.label_): e for e in doc.ents}
        for key in gold.keys() & pred.keys():
            tp[key[2]] += 1
            g = gold[key].get("gold_norm")
            if g and key[2] in ("MONEY", "LICENSE_NO"):
                norm_total[key[2]] += 1
                got = norm_as_gold(key[2], pred[key]._.norm)
                if same_gold(got, g):
                    norm_ok[key[2]] += 1
                else:
                    norm_errors.append(f"{row['id']}: {gold[key]['text']!r} gold {g!r} got {got!r}")
        for key in pred.keys() - gold.keys():
            fp[key[2]] += 1
            errors.append(f"FP {row['id']}: {key[2]} {row['text'][key[0]:key[1]]!r}")
        for key in gold.keys() - pred.keys():
            fn[key[2]] += 1
            errors.append(f"FN {row['id']}: {key[2]} {row['text'][key[0]:key[1]]!r}")
    return {"tp": tp, "fp": fp, "fn": fn, "norm_total": norm_total, "norm_ok": norm_ok,
            "errors": errors, "norm_errors": norm_errors}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def report(result: dict, model: str, data: str, command: str) -> str:
    tp, fp, fn = result["tp"], result["fp"], result["fn"]
    lines = [f"# NER evaluation\n\nModel `{model}` on `{data}`.\n\nCommand: `{command}`\n",
             "| label | P | R | F | gold | predicted |", "|---|---|---|---|---|---|"]
    for label in LABELS:
        p, r, f = prf(tp[label], fp[label], fn[label])
        lines.append(f"| {label} | {p:.3f} | {r:.3f} | {f:.3f} | {tp[label] + fn[label]} | {tp[label] + fp[label]} |")
    p, r, f = prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    lines.append(f"| **micro** | {p:.3f} | {r:.3f} | **{f:.3f}** | {sum(tp.values()) + sum(fn.values())} | "
                 f"{sum(tp.values()) + sum(fp.values())} |")
    total, ok = sum(result["norm_total"].values()), sum(result["norm_ok"].values())
    lines.append(f"\nNormalised values of correctly found MONEY and LICENSE_NO spans with a gold value: "
                 f"{ok}/{total} = {ok / total if total else 0:.3f}")
    for label in ("MONEY", "LICENSE_NO"):
        t, o = result["norm_total"][label], result["norm_ok"][label]
        lines.append(f"- {label}: {o}/{t}")
    lines.append("\n## Errors\n")
    lines += [f"- {e}" for e in result["errors"] + result["norm_errors"]] or ["(none)"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="tcbio_zh_core", help="shipped pipeline name or a pipeline directory")
    ap.add_argument("--data", type=Path, default=ROOT / "corpora/ner/test.jsonl")
    ap.add_argument("--report", type=Path, default=None, help="write the Markdown report here")
    args = ap.parse_args(argv)
    nlp = tcbio_nlp.load(args.model)
    result = evaluate(nlp, read_jsonl(args.data))
    command = "python training/evaluate_ner.py " + " ".join(argv if argv is not None else sys.argv[1:])
    text = report(result, str(args.model), str(args.data.relative_to(ROOT) if args.data.is_relative_to(ROOT)
                                                  else args.data), command.strip())
    print(text.split("\n## Errors")[0])
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(text, encoding="utf8")


if __name__ == "__main__":
    main()
