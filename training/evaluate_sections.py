"""Evaluate section segmentation and section-type classification; write ``training/reports/sections.md``.

    python training/evaluate_sections.py [--config training/configs/sections.cfg] [--report PATH]
                                         [--model tcbio_zh_core]

A. The genre corpus (``corpora/genre/{test,dev}.jsonl``: whole documents, held out from the
   classifier's training — it learns from the seeds and ``corpora/genre/train.jsonl``), scored
   with the heading rules and classifier of the pipeline ``--model``:
   heading P/R/F (a detected heading is correct when it starts on the line of a gold heading) and
   level accuracy; section types of the gold sections with every heading removed and with
   headings kept — accuracy, macro-F over the ten types, per genre, seen vs unseen genres,
   confusion matrix. Errors are listed for dev only.
   ``--dev-only`` prints the dev figures and every dev error (heading and type) and never reads
   the test split; ``--train`` scores a classifier trained from the config and rules instead of the
   pipeline's (what to look at while choosing rules and settings); ``--cv genre|family`` adds
   held-out figures on train + dev: each genre (or family of genres: letters, records,
   proceedings, reports) is predicted by a classifier trained on the seeds and every other genre —
   how the types carry over to a genre never trained on.
B. The old seed figures:

1. Heading detection: the rules (``tcbio_nlp/data/section_rules.json``) run on each labelled
   seed document; a detected heading is correct when it starts on the line of a gold heading.
   Precision, recall and F1 per document and over all; level accuracy on the matched headings.
2. Section types, leave-one-document-out: for each seed document a classifier is trained on the
   other four (hyper-parameters from the config) and predicts the held-out document's gold
   sections, in three settings:
   - **own heading removed** (the target): each section is judged without its own heading; the
     headings of its ancestors stay (a subsection inherits its parent's type, annotation
     guidelines), fixed heading-word labels (主旨 → summary …) are not used;
   - **all headings removed**: no heading at all, bodies and document structure only;
   - **headings kept**: the way the component runs on real input.
   Accuracy is pooled over all sections of all folds; confusion matrix and per-label P/R/F1 for
   the target setting; the majority-class baseline of each fold is reported for context.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from tcbio_nlp.sections import LABELS, HeadingDetector, HeadingRules, build_inputs
from tcbio_nlp.sections.corpus import GoldDocument, gold_spans, load_genre, load_gold

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evaluate_ner import unseen_genres  # noqa: E402
from train_sections import DEFAULT_CONFIG, ROOT, load_settings, train, training_documents  # noqa: E402

GENRE_SETS = (ROOT / "corpora/genre/test.jsonl", ROOT / "corpora/genre/dev.jsonl")
GENRE_SETTINGS = {
    "removed": ("every heading removed (bodies and document structure only)", False, False),
    "kept": ("headings kept (as the component runs)", True, True),
}

SETTINGS = {
    "own_removed": ("own heading removed (ancestor headings kept) — target", False, True),
    "all_removed": ("all headings removed", False, False),
    "kept": ("headings kept", True, True),
}


# -- heading detection --------------------------------------------------------------------------

def heading_scores(docs: list[GoldDocument], rules: HeadingRules) -> tuple[list[dict], list[str]]:
    detector = HeadingDetector(rules)
    rows, misses = [], []
    for d in docs:
        gold = {s["heading_start"]: s for s in d.sections if s["heading_start"] is not None}
        found = {h.start: h for h in detector.detect(d.text)}
        tp = set(gold) & set(found)
        level_ok = sum(1 for k in tp if gold[k]["level"] == found[k].level)
        rows.append({"doc": d.id, "gold": len(gold), "found": len(found), "tp": len(tp), "level_ok": level_ok})
        for k in sorted(set(found) - set(gold)):
            misses.append(f"{d.id}: false heading at line {d.text.count(chr(10), 0, k) + 1}: {found[k].text!r}")
        for k in sorted(set(gold) - set(found)):
            misses.append(f"{d.id}: missed heading at line {d.text.count(chr(10), 0, k) + 1}: {gold[k]['heading']!r}")
    return rows, misses


def naive_heading_starts(text: str, rules: HeadingRules) -> set[int]:
    """Baseline for the report: every line that starts with a numbering marker (after any bullet or
    Markdown markup), is a heading word, or is a Markdown heading — no list/TOC/series tests."""
    starts, pos = set(), 0
    for line in text.split("\n"):
        clean = line.strip().lstrip("#").strip().replace("**", "")
        clean = clean[1:].strip() if clean[:1] in "-*•" else clean
        if clean and (line.lstrip().startswith("#") or rules._word_re.match(clean.replace(" ", ""))
                      or any(r.regex.match(clean) for r in rules.numbering)):
            starts.add(pos)
        pos += len(line) + 1
    return starts


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# -- classification ---------------------------------------------------------------------------

def lodo(docs: list[GoldDocument], rules: HeadingRules, params: dict) -> dict[str, dict]:
    """Predictions per setting: {'gold': [...], 'pred': [...], 'doc': [...]} pooled over folds."""
    out = {k: {"gold": [], "pred": [], "doc": []} for k in SETTINGS}
    out["baseline"] = {"gold": [], "pred": [], "doc": []}
    for i, held in enumerate(docs):
        train_docs = [d for j, d in enumerate(docs) if j != i]
        clf = train(train_docs, rules, params)
        majority = Counter(lab for d in train_docs for lab in d.labels).most_common(1)[0][0]
        spans = gold_spans(held, rules)
        for key, (_, keep_heading, keep_anc) in SETTINGS.items():
            xs = build_inputs(held.text, spans, keep_heading=keep_heading, keep_ancestors=keep_anc,
                              max_chars=int(clf.config["max_chars"]))
            pred = [lab for lab, _ in clf.predict(xs)]
            out[key]["gold"] += held.labels
            out[key]["pred"] += pred
            out[key]["doc"] += [held.id] * len(pred)
        out["baseline"]["gold"] += held.labels
        out["baseline"]["pred"] += [majority] * len(held.labels)
        out["baseline"]["doc"] += [held.id] * len(held.labels)
    return out


def accuracy(r: dict) -> float:
    return float(np.mean([g == p for g, p in zip(r["gold"], r["pred"], strict=True)])) if r["gold"] else 0.0


def confusion_table(r: dict) -> list[str]:
    labels = [lab for lab in LABELS if lab in r["gold"] or lab in r["pred"]]
    short = {lab: lab[:6] for lab in labels}
    cm = Counter(zip(r["gold"], r["pred"], strict=True))
    lines = ["| gold \\ predicted | " + " | ".join(short[lab] for lab in labels) + " | total |",
             "|---|" + "---:|" * (len(labels) + 1)]
    for g in labels:
        row = [cm[(g, p)] for p in labels]
        cells = [f"**{v}**" if g == p and v else (str(v) if v else "·") for v, p in zip(row, labels, strict=True)]
        lines.append(f"| {g} | " + " | ".join(cells) + f" | {sum(row)} |")
    return lines


def per_label_table(r: dict) -> list[str]:
    lines = ["| label | gold | predicted | P | R | F1 |", "|---|---:|---:|---:|---:|---:|"]
    for lab in LABELS:
        n_gold = r["gold"].count(lab)
        n_pred = r["pred"].count(lab)
        tp = sum(1 for g, p in zip(r["gold"], r["pred"], strict=True) if g == p == lab)
        p, rec, f = prf(tp, n_pred, n_gold)
        lines.append(f"| {lab} | {n_gold} | {n_pred} | {p:.2f} | {rec:.2f} | {f:.2f} |")
    return lines


# -- genre corpus ------------------------------------------------------------------------------

def macro_f(r: dict) -> tuple[float, int]:
    """Mean F1 over the types that occur in gold or prediction, and how many there are."""
    fs = []
    for lab in LABELS:
        n_gold, n_pred = r["gold"].count(lab), r["pred"].count(lab)
        if n_gold or n_pred:
            tp = sum(1 for g, p in zip(r["gold"], r["pred"], strict=True) if g == p == lab)
            fs.append(prf(tp, n_pred, n_gold)[2])
    return (float(np.mean(fs)) if fs else 0.0), len(fs)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset)


def genre_scores(docs: list[GoldDocument], detector: HeadingDetector, clf) -> dict:
    """Heading and type results per document: {doc id: {...}}."""
    out = {}
    for d in docs:
        gold = {_line_of(d.text, s["heading_start"]): s["level"] for s in d.sections if s["heading_start"] is not None}
        found = {_line_of(d.text, h.start): (h.level, h.text) for h in detector.detect(d.text)}
        headings = {_line_of(d.text, s["heading_start"]): s["heading"] for s in d.sections
                    if s["heading_start"] is not None}
        both = set(gold) & set(found)
        res = {"gold": len(gold), "found": len(found), "tp": len(both),
               "level_ok": sum(1 for k in both if gold[k] == found[k][0]),
               "false": [found[k][1] for k in sorted(set(found) - set(gold))],
               "missed": [headings[k] for k in sorted(set(gold) - set(found))]}
        spans = gold_spans(d, detector.rules)
        for key, (_, keep_heading, keep_anc) in GENRE_SETTINGS.items():
            xs = build_inputs(d.text, spans, keep_heading=keep_heading, keep_ancestors=keep_anc,
                              max_chars=int(clf.config["max_chars"]))
            res[key] = [lab for lab, _ in clf.predict(xs)]
        res["labels"] = d.labels
        out[d.id] = res
    return out


def _pool(docs: list[GoldDocument], scores: dict, key: str, keep=lambda d: True) -> dict:
    r = {"gold": [], "pred": [], "doc": []}
    for d in docs:
        if keep(d):
            r["gold"] += scores[d.id]["labels"]
            r["pred"] += scores[d.id][key]
            r["doc"] += [d.id] * len(d.labels)
    return r


def _heading_prf(docs: list[GoldDocument], scores: dict, keep=lambda d: True) -> tuple[float, float, float, float, int]:
    tp = sum(scores[d.id]["tp"] for d in docs if keep(d))
    found = sum(scores[d.id]["found"] for d in docs if keep(d))
    gold = sum(scores[d.id]["gold"] for d in docs if keep(d))
    level = sum(scores[d.id]["level_ok"] for d in docs if keep(d))
    p, r, f = prf(tp, found, gold)
    return p, r, f, (level / tp if tp else 0.0), gold


def genre_report(path: Path, docs: list[GoldDocument], scores: dict, unseen: set[str], errors: bool) -> list[str]:
    rel = path.relative_to(ROOT)
    n_sections = sum(len(d.sections) for d in docs)
    hp, hr, hf, lacc, n_head = _heading_prf(docs, scores)
    md = [f"### `{rel}` — {len(docs)} documents, {n_sections} sections, {n_head} headings", "",
          "| measure | value |", "|---|---:|",
          f"| heading detection P / R / **F1** (start line) | {hp:.3f} / {hr:.3f} / **{hf:.3f}** |",
          f"| level accuracy of the matched headings | {lacc:.3f} |"]
    for key, (desc, _, _) in GENRE_SETTINGS.items():
        r = _pool(docs, scores, key)
        mf, n_types = macro_f(r)
        md.append(f"| section types, {desc}: accuracy / macro-F ({n_types} types) | **{accuracy(r):.3f}** / {mf:.3f} |")
    majority = Counter(_pool(docs, scores, "removed")["gold"]).most_common(1)
    if majority:
        share = majority[0][1] / n_sections
        md.append(f"| always answering the most common type ({majority[0][0]}) | {share:.3f} |")
    md += ["", "Per genre:", "", "| genre | docs | sections | headings | heading F1 | level acc. | "
           "type acc., headings removed | type acc., headings kept |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    genres = sorted({d.genre for d in docs})
    groups = [(g, lambda d, g=g: d.genre == g) for g in genres]
    if unseen & set(genres):
        groups += [("**seen genres**", lambda d: d.genre not in unseen),
                   ("**unseen genres**", lambda d: d.genre in unseen)]
    for name, keep in groups:
        sub = [d for d in docs if keep(d)]
        _, _, f, la, n_h = _heading_prf(docs, scores, keep)
        label = f"{name} (unseen)" if name in unseen else name
        removed, kept = (accuracy(_pool(docs, scores, key, keep)) for key in ("removed", "kept"))
        md.append(f"| {label} | {len(sub)} | {sum(len(d.sections) for d in sub)} | {n_h} | {f:.3f} | {la:.3f} | "
                  f"{removed:.3f} | {kept:.3f} |")
    md += ["", "Confusion matrix, every heading removed:", ""] + confusion_table(_pool(docs, scores, "removed"))
    md += ["", "Per type, every heading removed:", ""] + per_label_table(_pool(docs, scores, "removed"))
    if errors:
        md += ["", "Heading errors:", ""]
        for d in docs:
            md += [f"- {d.id}: false heading {h!r}" for h in scores[d.id]["false"]]
            md += [f"- {d.id}: missed heading {h!r}" for h in scores[d.id]["missed"]]
    return md + [""]


def _summary_row(name: str, docs: list[GoldDocument], scores: dict, unseen: set[str]) -> str:
    _, _, hf, _, n_head = _heading_prf(docs, scores)
    removed = _pool(docs, scores, "removed")
    unseen_docs = [d for d in docs if d.genre in unseen]
    unseen_cell = f"{accuracy(_pool(unseen_docs, scores, 'removed')):.3f}" if unseen_docs else "—"
    heading_cell = f"{hf:.3f}" if n_head else "—"
    return (f"| {name} | {len(docs)} | {heading_cell} | {accuracy(removed):.3f} | {macro_f(removed)[0]:.3f} | "
            f"{accuracy(_pool(docs, scores, 'kept')):.3f} | {unseen_cell} |")


def evaluate_genre_corpus(model: str, paths: dict, params: dict) -> tuple[list[str], list[str]]:
    """Report lines and summary lines for the genre corpus sets that exist: the pipeline on test and dev,
    a classifier trained without dev on dev (the figures the settings were chosen on), and the
    held-out genres and families of train + dev."""
    import tcbio_nlp  # noqa: PLC0415  (only this part needs the pipeline)

    component = tcbio_nlp.load(model).get_pipe("tcbio_sections")
    unseen = unseen_genres()
    md, summary = [], []
    for path in GENRE_SETS:
        if not path.exists():
            continue
        docs = load_genre(path)
        scores = genre_scores(docs, component.detector, component.classifier)
        md += genre_report(path, docs, scores, unseen, errors=path.stem == "dev")
        note = " (trained on)" if path == DEV_SET and "genre_dev" in paths else ""
        summary.append(_summary_row(f"`{path.relative_to(ROOT)}`{note}", docs, scores, unseen))
    if DEV_SET.exists():
        rules = HeadingRules.from_json(paths["rules"])
        clf = train(training_documents(paths, dev=False), rules, params)
        docs = load_genre(DEV_SET)
        scores = genre_scores(docs, HeadingDetector(rules), clf)
        summary.append(_summary_row("`corpora/genre/dev.jsonl`, classifier trained without it (settings chosen on "
                                    "this)", docs, scores, unseen))
        for kind in ("genre", "family"):
            cv_docs, cv_scores = held_out_scores(kind, paths, params, rules)
            summary.append(_summary_row(f"train + dev, each {kind} held out", cv_docs, cv_scores, unseen))
            multi = [d for d in cv_docs if len(d.sections) > 1]
            summary.append(_summary_row(f"train + dev, each {kind} held out: documents of more than one section",
                                        multi, cv_scores, unseen))
    return md, summary


DEV_SET = ROOT / "corpora/genre/dev.jsonl"
TRAIN_SET = ROOT / "corpora/genre/train.jsonl"
#: families of the train/dev genres for --cv family (a held-out family shares no structure with training)
FAMILIES = {
    "letters": ("tfda_announcement", "regulation_draft_notice", "gazette_biotech_other_agencies",
                "cdc_hpa_announcement", "nhi_announcement", "mohw_order", "recall_notice", "formulary"),
    "records": ("drug_recall_notice", "health_food_licence", "law_health"),
    "proceedings": ("legislative_record", "ly_interpellation", "nhi_drug_committee"),
    "reports": ("trip_report", "press_release", "risk_communication"),
}


def _summary_line(name: str, docs: list[GoldDocument], scores: dict) -> str:
    cells = []
    for key in GENRE_SETTINGS:
        r = _pool(docs, scores, key)
        cells.append(f"{key} {accuracy(r):.3f} (macro-F {macro_f(r)[0]:.3f})")
    n = sum(len(d.sections) for d in docs)
    return f"{name:34s} {len(docs):4d} docs {n:4d} sections  " + "  ".join(cells)


def dev_only(args: argparse.Namespace, paths: dict, params: dict) -> int:
    """Dev figures and errors on stdout (the test split is not read)."""
    rules = HeadingRules.from_json(paths["rules"])
    if args.train:
        detector, clf = HeadingDetector(rules), train(training_documents(paths, dev=False), rules, params)
        source = f"classifier trained now on the seeds and train split, {args.config.name}, {paths['rules'].name}"
    else:
        import tcbio_nlp  # noqa: PLC0415

        component = tcbio_nlp.load(args.model).get_pipe("tcbio_sections")
        detector, clf, source = component.detector, component.classifier, f"pipeline {args.model}"
    docs = load_genre(DEV_SET)
    scores = genre_scores(docs, detector, clf)
    hp, hr, hf, lacc, n_head = _heading_prf(docs, scores)
    print(f"dev ({source}): heading P {hp:.3f} R {hr:.3f} F1 {hf:.3f}, level accuracy {lacc:.3f} ({n_head} headings)")
    print(_summary_line("all", docs, scores))
    print(_summary_line("documents of more than one section", [d for d in docs if len(d.sections) > 1], scores))
    for g in sorted({d.genre for d in docs}):
        print(_summary_line(g, [d for d in docs if d.genre == g], scores))
    for d in docs:
        for h in scores[d.id]["false"]:
            print(f"  {d.id}: false heading {h!r}")
        for h in scores[d.id]["missed"]:
            print(f"  {d.id}: missed heading {h!r}")
        for i, sec in enumerate(d.sections):
            got = {key: scores[d.id][key][i] for key in GENRE_SETTINGS}
            if any(v != sec["label"] for v in got.values()):
                body = d.text[sec["start"]:sec["end"]].strip().replace("\n", " ")[:50]
                print(f"  {d.id} #{i} gold {sec['label']}: " + ", ".join(f"{k} {v}" for k, v in got.items())
                      + f" — {body!r}")
    if args.cv:
        cross_validate(args.cv, paths, params, rules)
    return 0


def held_out_scores(kind: str, paths: dict, params: dict, rules: HeadingRules,
                    verbose: bool = False) -> tuple[list[GoldDocument], dict]:
    """Leave one genre (or family of genres) of train + dev out at a time; the seeds are always trained on.
    Returns the documents and their scores (each predicted by the classifier that did not see its genre)."""
    seeds = load_gold(paths["gold"], paths["seeds"])
    docs = load_genre(TRAIN_SET) + load_genre(DEV_SET)
    if kind == "family":
        folds = [(name, set(genres)) for name, genres in FAMILIES.items()]
    else:
        folds = [(g, {g}) for g in sorted({d.genre for d in docs})]
    detector = HeadingDetector(rules)
    scores: dict = {}
    for name, held in folds:
        test_docs = [d for d in docs if d.genre in held]
        if not test_docs:
            continue
        clf = train(seeds + [d for d in docs if d.genre not in held], rules, params)
        scores.update(genre_scores(test_docs, detector, clf))
        if verbose:
            print(_summary_line(name, test_docs, scores))
    return [d for d in docs if d.id in scores], scores


def cross_validate(kind: str, paths: dict, params: dict, rules: HeadingRules) -> None:
    print(f"leave one {kind} out (train + dev; trained on the seeds and the other {kind}s):")
    docs, scores = held_out_scores(kind, paths, params, rules, verbose=True)
    print(_summary_line("all", docs, scores))
    print(_summary_line("documents of more than one section", [d for d in docs if len(d.sections) > 1], scores))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Evaluate tcbio_sections; write the Markdown report.")
    ap.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    ap.add_argument("--report", type=Path, default=None, help="default: [paths] report of the config")
    ap.add_argument("--model", default="tcbio_zh_core",
                    help="pipeline whose sections component is scored on the genre corpus")
    ap.add_argument("--dev-only", action="store_true",
                    help="print dev figures and dev errors only (never reads the test split; writes no report)")
    ap.add_argument("--train", action="store_true",
                    help="with --dev-only: score a classifier trained now from --config instead of --model's")
    ap.add_argument("--cv", choices=("genre", "family"), default=None,
                    help="with --dev-only: also leave one genre / family of genres of train + dev out")
    args = ap.parse_args(argv)
    paths, params = load_settings(args.config)
    if args.dev_only:
        return dev_only(args, paths, params)
    report = args.report or paths["report"]
    rules = HeadingRules.from_json(paths["rules"])
    docs = load_gold(paths["gold"], paths["seeds"])
    t0 = time.time()

    rows, misses = heading_scores(docs, rules)
    tp, n_found, n_gold = (sum(r[k] for r in rows) for k in ("tp", "found", "gold"))
    hp, hr, hf = prf(tp, n_found, n_gold)
    naive = [(naive_heading_starts(d.text, rules), {s["heading_start"] for s in d.sections} - {None}) for d in docs]
    bp, br, bf = prf(sum(len(f & g) for f, g in naive), sum(len(f) for f, _ in naive), sum(len(g) for _, g in naive))
    level_acc = sum(r["level_ok"] for r in rows) / tp if tp else 0.0

    res = lodo(docs, rules, params)
    target = res["own_removed"]
    acc = {k: accuracy(v) for k, v in res.items()}
    genre_md, genre_summary = evaluate_genre_corpus(args.model, paths, params)
    elapsed = time.time() - t0
    command = " ".join(["python training/evaluate_sections.py", *(argv if argv is not None else sys.argv[1:])])

    md: list[str] = [
        "# Section segmentation and section types — evaluation",
        "",
        f"Written by `{command}` "
        f"({elapsed:.0f} s on this machine). Seeds gold: `corpora/sections/seeds.jsonl` — "
        f"{len(docs)} seed documents, {sum(len(d.sections) for d in docs)} sections, {n_gold} headings "
        "(see `corpora/sections/README.md`).",
        "",
        "## Genre corpus (whole documents; test held out)",
        "",
        f"Pipeline `{args.model}` (its heading rules and classifier) on test and dev. Rules "
        "(`tcbio_nlp/data/section_rules.json`) and settings (`training/configs/sections.cfg`) were chosen on "
        "dev with a classifier trained on the seeds and `corpora/genre/train.jsonl` "
        "(`python training/evaluate_sections.py --dev-only --train --cv genre|family`) and on train + dev with one "
        "genre, or one family of genres (letters, records, proceedings, reports), held out at a time; the "
        "shipped classifier is then trained on the seeds, train and dev, so its dev row is in-sample — the "
        "held-out figures are the rows below it. The test split was scored once, for this report.",
        "",
        "| set | documents | heading F1 | type accuracy, headings removed | macro-F, headings removed | "
        "type accuracy, headings kept | unseen genres: type accuracy, headings removed |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *genre_summary,
        "",
        *genre_md,
        "## Seed documents",
        "",
        "| measure | value | target |",
        "|---|---:|---:|",
        f"| heading detection F1 (P {hp:.3f}, R {hr:.3f}) | **{hf:.3f}** | ≥ 0.95 |",
        f"| section-type accuracy, LODO, own heading removed | **{acc['own_removed']:.3f}** | ≥ 0.85 |",
        f"| section-type accuracy, LODO, all headings removed (strict reading) | **{acc['all_removed']:.3f}** "
        "| ≥ 0.85 |",
        f"| section-type accuracy, LODO, headings kept | {acc['kept']:.3f} | — |",
        f"| majority-class baseline (LODO) | {acc['baseline']:.3f} | — |",
        "",
        "## Heading detection",
        "",
        "A detected heading is correct when it starts on the line of a gold heading. The heading "
        "rules were written while reading these same five documents, so this is an in-sample "
        "figure for the rules (there is no other labelled document).",
        "",
        "| document | gold | detected | correct | P | R | F1 | level correct |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        p, rec, f = prf(r["tp"], r["found"], r["gold"])
        cells = "— | — | —" if not r["gold"] and not r["found"] else f"{p:.3f} | {rec:.3f} | {f:.3f}"
        md.append(f"| {r['doc']} | {r['gold']} | {r['found']} | {r['tp']} | {cells} | {r['level_ok']}/{r['tp']} |")
    md.append(f"| **all** | {n_gold} | {n_found} | {tp} | {hp:.3f} | {hr:.3f} | {hf:.3f} | "
              f"{sum(r['level_ok'] for r in rows)}/{tp} ({level_acc:.3f}) |")
    md += ["", f"For comparison, taking every numbered line, heading word and Markdown heading as a heading "
           f"(no table-of-contents, list-item or series tests) gives P {bp:.3f}, R {br:.3f}, F1 {bf:.3f}.", ""]
    md += ["", "Errors: " + ("none." if not misses else ""), ""]
    md += [f"- {m}" for m in misses]
    md += [
        "",
        "## Section types — leave-one-document-out",
        "",
        "For each seed document, a classifier trained on the other four predicts the types of the "
        "held-out document's gold sections. Settings:",
        "",
    ]
    for key, (desc, _, _) in SETTINGS.items():
        md.append(f"- `{key}`: {desc} — accuracy **{acc[key]:.3f}**")
    md += ["", "| held-out document | sections | " + " | ".join(SETTINGS) + " | majority baseline |",
           "|---|---:|" + "---:|" * (len(SETTINGS) + 1)]
    for d in docs:
        cells = []
        for key in [*SETTINGS, "baseline"]:
            r = res[key]
            idx = [i for i, x in enumerate(r["doc"]) if x == d.id]
            ok = sum(1 for i in idx if r["gold"][i] == r["pred"][i])
            cells.append(f"{ok}/{len(idx)}")
        md.append(f"| {d.id} | {len(d.sections)} | " + " | ".join(cells) + " |")
    md += ["", "### Confusion matrix — own heading removed (target setting)", ""]
    md += confusion_table(target)
    md += ["", "### Per label — own heading removed", ""]
    md += per_label_table(target)
    md += ["", "### Errors — own heading removed", "", "| document | heading (removed) | gold | predicted |",
           "|---|---|---|---|"]
    for d in docs:
        idx = [i for i, x in enumerate(target["doc"]) if x == d.id]
        for k, i in enumerate(idx):
            if target["gold"][i] != target["pred"][i]:
                heading = d.sections[k]["heading"] or "(no heading)"
                md.append(f"| {d.id[:3]} | {heading} | {target['gold'][i]} | {target['pred'][i]} |")
    md += ["", "### Confusion matrix — all headings removed", ""]
    md += confusion_table(res["all_removed"])
    md += [
        "",
        "## Notes",
        "",
        "- Hyper-parameters (`training/configs/sections.cfg`) were chosen on the genre corpus's dev split and "
        "on train + dev with one genre or family of genres held out (issue 12; the seed figures below were "
        "looked at, not optimised).",
        "- The deciding phrases of `section_rules.json: body_cues` (上訴駁回, 訴訟費用由…負擔, 本院按, 云云, "
        "與憲法…尚無牴觸 …) were written for the judgments and interpretations the issue names, from the "
        "annotation guidelines and the structure of these documents, not from any of their test documents; "
        "train and dev hold almost none of them, so their weight was set, not tuned. The unseen-genre figure "
        "is therefore that of a classifier never trained on those genres plus rules written for them.",
        "- A section's body starts after its heading; for a heading word run into its text (`依據臺中市…`) or "
        "written by the annotator with its colon (`主　　旨：`) the body starts after the word (before issue 12 "
        "such bodies were empty in the evaluation).",
        "- A label absent from the four training documents of a fold cannot be predicted in that fold "
        "(`conclusion` occurs only in 003; 002 is the only news text). `recommendation` occurs in the "
        "two trip reports only, so each of their folds learns it from a single document — its F1 is the "
        "weakest.",
        "- The target setting removes each section's own heading but keeps the headings of its ancestors "
        "(the annotation guidelines: a subsection inherits its parent's type unless its body clearly does "
        "something else); they enter as character n-grams and as the typical-heading-word prior "
        "(`ancestor_mixture`). With every heading removed — bodies and document structure only — the "
        f"accuracy is {acc['all_removed']:.3f}, {'at or above' if acc['all_removed'] >= 0.85 else 'below'} "
        "the 0.85 of the target; there a subsection leans on its parent's *predicted* type "
        "(`headless_inherit_weight`), which uses neither gold labels nor heading words.",
        "- Heading detection is measured on the documents the rules were written against (in-sample).",
        "- Classifier configuration used:",
        "",
        "```",
        *[f"{k} = {v}" for k, v in sorted(params.items())],
        "```",
        "",
    ]
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("\n".join(md), encoding="utf-8")
    print(f"heading detection P {hp:.3f} R {hr:.3f} F1 {hf:.3f}; level accuracy {level_acc:.3f}")
    for key in [*SETTINGS, "baseline"]:
        print(f"LODO accuracy [{key}]: {acc[key]:.3f}")
    print(f"report written to {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
