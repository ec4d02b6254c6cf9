"""The genre corpus: whole documents of every genre, annotated for entities and sections.

Each document is an excerpt that starts at the document's beginning: the whole document, or
its first ``MIN_EXCERPT``+ characters cut at a line end (``excerpt_end``). Its entities are
written inline in ``corpora/genre/ann/<doc>.ann`` (the markup of ``training/annotate.py``), its
sections in ``corpora/genre/sections/<doc>.tsv`` (the sheet format of ``corpora/sections``, line
numbers of the excerpt). Test documents are annotated twice, independently
(``corpora/genre/double/{a,b}/``), then adjudicated into ``ann/`` and ``sections/``.

    python training/genre_corpus.py select      # (once) choose, deduplicate and split documents
    python training/genre_corpus.py select-stage2  # (once) more product-rich records and training documents
    python training/genre_corpus.py select-stage3  # (once) the pool's written reports, whole
    python training/genre_corpus.py select-stage4  # (once) more recall notices for test
    python training/genre_corpus.py select-stage5  # (once) more recall notices for train
    python training/genre_corpus.py select-stage6  # (once) every pool genre to 12 documents
    python training/genre_corpus.py add-texts DIR/MANIFEST.tsv  # documents found elsewhere (sources listed)
    python training/genre_corpus.py blanks      # write unannotated files for the annotators
    python training/genre_corpus.py check       # markup = source text, hard rules, sheets, reserved overlap
    python training/genre_corpus.py agreement   # test: pairwise agreement of the two annotations
    python training/genre_corpus.py disagreements  # test: what the two annotations do not share
    python training/genre_corpus.py adjudicate  # test: agreed spans + double/adjudication.tsv → ann/, sections/
    python training/genre_corpus.py build       # corpora/genre/{train,dev,test}.jsonl
    python training/genre_corpus.py stats       # documents, characters, spans per genre and split
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from annotate import LABELS, SPAN_RE, markup_problems, parse_markup, reserved_overlaps  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GENRE_DIR = ROOT / "corpora" / "genre"
DOCS_TSV = GENRE_DIR / "documents.tsv"
ANN_DIR = GENRE_DIR / "ann"
SECTIONS_DIR = GENRE_DIR / "sections"
DOUBLE_DIR = GENRE_DIR / "double"
TEXTS_DIR = GENRE_DIR / "texts"  # documents not in ../shared (found elsewhere; sources in texts/MANIFEST.tsv)
POOL = "data/genre_pool"
RECALL = "data/registries/drug_recall_tfda34/data.json"
HEALTH_FOOD = "data/registries/health_food_tfda19/19_2.csv"
SECTION_LABELS = (
    "front_matter", "summary", "purpose", "process", "strategy",
    "results", "reflection", "recommendation", "conclusion", "appendix",
)
MIN_EXCERPT = 1500  # an excerpt is the whole document or at least this many characters from its start
MAX_WHOLE = 2400  # documents up to this length are taken whole
NEAR_COPY = 0.5  # share of a document's 8-character strings found in another: the two are near-copies
SEED = 20261204

# documents per split (test, dev, train) and genre; genres with no dev/train quota are test-only ("unseen")
QUOTAS: dict[str, tuple[int, int, int]] = {
    "tfda_announcement": (8, 4, 6),
    "legislative_record": (6, 3, 4),
    "law_health": (5, 3, 3),
    "regulation_draft_notice": (6, 3, 4),
    "gazette_biotech_other_agencies": (6, 3, 4),
    "nhi_announcement": (6, 3, 4),
    "mohw_order": (5, 3, 3),
    "cdc_hpa_announcement": (5, 3, 3),
    "ly_interpellation": (5, 3, 3),
    "constitutional_interpretation": (6, 0, 0),
    "court_judgment": (10, 0, 0),
    "nhi_drug_committee": (1, 1, 1),
    "drug_recall_notice": (6, 3, 10),
    "health_food_licence": (3, 2, 5),
}
# stage 2 (after the first annotations showed how few products the pool holds): product-rich records and
# more training documents, drawn from what stage 1 left, with another seed
QUOTAS_STAGE2: dict[str, tuple[int, int, int]] = {
    "drug_recall_notice": (40, 15, 250),
    "health_food_licence": (15, 10, 200),
    "tfda_announcement": (0, 0, 10),
    "gazette_biotech_other_agencies": (0, 0, 6),
    "nhi_announcement": (0, 0, 6),
    "legislative_record": (0, 0, 6),
}
# stage 4: the test split still short of the 300 PRODUCT spans asked for — more recall notices to test
QUOTAS_STAGE4: dict[str, tuple[int, int, int]] = {"drug_recall_notice": (40, 0, 0)}
# stage 5: the corpus still short of 1,500 PRODUCT spans outside the supply notices — recall notices to train
QUOTAS_STAGE5: dict[str, tuple[int, int, int]] = {"drug_recall_notice": (0, 0, 80)}
# stage 6: every genre of the pool with at least 12 documents (the pool has more of these)
QUOTAS_STAGE6: dict[str, tuple[int, int, int]] = {
    "cdc_hpa_announcement": (0, 0, 1), "law_health": (0, 0, 1), "mohw_order": (0, 0, 1),
    "ly_interpellation": (0, 0, 1), "constitutional_interpretation": (6, 0, 0),
}
# stage 3: the few pool records that hold a written report with report sections (前言 … 結語): taken whole,
# so that report section types (purpose, results, strategy, conclusion) occur in test
REPORT_HEADING = re.compile(r"^\s*[壹貳參肆伍一二三四五]、\s*(?:前言|結語|結論)", re.M)
REPORT_MAX = 12000
REPORT_SPLITS = ("test", "test", "test", "dev")
UNSEEN_GENRES = tuple(g for g, (_, dev, train) in QUOTAS.items() if dev == 0 and train == 0)
# a document's product signal: drawn with more weight, so that the corpus has products to learn and test
PRODUCT_SIGNAL = re.compile(
    r"®|™|膠囊|錠|注射劑|注射液|疫苗|軟膏|乳膏|內服液|口服液|顆粒|糖漿|[藥醫]器?[製輸]字第|[\"“〝”][^\"“”〝〞\n]{1,6}[\"”〞]"
)


@dataclass
class Document:
    doc: str
    genre: str
    split: str
    source: str
    end: int
    note: str = ""


# ---------------------------------------------------------------- source texts


def recall_notices() -> dict[str, str]:
    """TFDA recall records grouped by their notice number (文號): one notice, one document."""
    records = json.loads((SHARED / RECALL).read_text("utf8"))
    groups: dict[str, list[dict]] = defaultdict(list)
    for rec in records:
        if (rec.get("文號") or "").strip():  # a record without a notice number belongs to no notice
            groups[rec["文號"].strip()].append(rec)
    out = {}
    for number, recs in groups.items():
        blocks = [
            "\n".join(f"{key}：{str(rec.get(key) or '').strip()}" for key in
                      ("回收分級", "文號", "日期", "產品", "許可證字號", "批號", "許可證持有者", "原因"))
            for rec in recs
        ]
        out[hashlib.sha1(number.encode("utf8")).hexdigest()[:10]] = "\n\n".join(blocks).replace("\r\n", "\n")
    return out


def health_food_records() -> dict[str, str]:
    """One registered health food (衛署/衛部健食字) as its licence record."""
    out = {}
    with open(SHARED / HEALTH_FOOD, encoding="utf-8-sig", newline="") as fh:
        for rec in csv.DictReader(fh):
            text = "\n".join(f"{key}：{(rec.get(key) or '').strip()}" for key in
                             ("許可證字號", "中文品名", "核可日期", "申請商", "證況", "保健功效相關成分", "保健功效",
                              "保健功效宣稱", "警語", "注意事項"))
            out[rec["許可證字號"].strip()] = text.replace("\r\n", "\n")
    return out


_CACHE: dict[str, dict[str, str]] = {}


def full_text(source: str) -> str:
    """The whole text of a document named by its `source` (see documents.tsv)."""
    kind, _, key = source.partition(":")
    if kind == "pool":
        return (SHARED / POOL / key).read_text("utf8")
    if kind == "recall":
        return _CACHE.setdefault("recall", recall_notices())[key]
    if kind == "healthfood":
        return _CACHE.setdefault("healthfood", health_food_records())[key]
    if kind == "text":
        return (TEXTS_DIR / key).read_text("utf8")
    raise ValueError(f"unknown source kind in {source!r}")


def excerpt_end(text: str) -> int:
    """Whole document up to MAX_WHOLE characters, else the first line end at or after MIN_EXCERPT."""
    if len(text.rstrip()) <= MAX_WHOLE:
        return len(text.rstrip())
    cut = text.find("\n", MIN_EXCERPT)
    while 0 <= cut and len(text[:cut].rstrip()) < MIN_EXCERPT:  # blank lines at the cut: take the next line too
        cut = text.find("\n", cut + 1)
    if cut < 0 or cut > MAX_WHOLE + 1500:  # one very long line: end after a full stop instead
        stop = text.find("。", MIN_EXCERPT)
        cut = stop + 1 if 0 <= stop < MAX_WHOLE + 1500 else len(text.rstrip())
    return len(text[:cut].rstrip())


def doc_text(doc: Document) -> str:
    return full_text(doc.source)[: doc.end]


# ---------------------------------------------------------------- selection


def _grams(text: str, n: int = 8) -> set[str]:
    s = re.sub(r"\s+", "", text)
    return {s[i : i + n] for i in range(len(s) - n + 1)}


def _candidates() -> dict[str, list[tuple[str, str, str]]]:
    """genre → [(doc id, source, cluster key)], the cluster key grouping parts of one sitting or file."""
    out: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    with open(SHARED / POOL / "MANIFEST.tsv", encoding="utf8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            genre = row["genre"]
            sitting = genre in ("legislative_record", "ly_interpellation")
            cluster = row["source"].split("#")[0] if sitting else row["file"]
            out[genre].append((Path(row["file"]).stem, f"pool:{row['file']}", cluster))
    for key in recall_notices():
        out["drug_recall_notice"].append((f"recall_{key}", f"recall:{key}", f"recall:{key}"))
    for key in health_food_records():
        slug = re.sub(r"\W", "", key)
        out["health_food_licence"].append((f"healthfood_{slug}", f"healthfood:{key}", f"healthfood:{key}"))
    return out


def _old_corpus_grams() -> set[str]:
    grams: set[str] = set()
    for path in sorted((ROOT / "corpora" / "annotation").glob("*.ann")):
        for ex in parse_markup(path):
            grams |= _grams(ex.text)
    return grams


def select(quotas: dict[str, tuple[int, int, int]] = QUOTAS, seed: int = SEED,
           existing: list[Document] | None = None) -> list[Document]:
    """Weighted draw per genre (more weight for product signal), near-copies clustered, quotas filled by cluster.

    With ``existing`` documents (an earlier stage), those are never drawn again, nothing near-copying them
    is drawn, and a sitting or file they come from gives no further document."""
    rng = random.Random(seed)
    old = _old_corpus_grams()
    existing = existing or []
    chosen: list[Document] = list(existing)
    chosen_grams: list[tuple[int, set[str]]] = [(i, _grams(doc_text(d))) for i, d in enumerate(existing)]
    dropped: list[str] = []
    candidates = _candidates()
    taken_ids = {d.doc for d in existing}
    taken_clusters = {cluster for genre in candidates for doc_id, _, cluster in candidates[genre]
                      if doc_id in taken_ids}
    for genre, (n_test, n_dev, n_train) in quotas.items():
        cands = [c for c in candidates[genre] if c[0] not in taken_ids]
        keyed = []
        for doc_id, source, cluster in cands:
            text = full_text(source)
            end = excerpt_end(text)
            signal = len(PRODUCT_SIGNAL.findall(text[:end]))
            if genre == "drug_recall_notice":
                signal = text.count("產品：")
            weight = 1 + min(signal, 20)
            keyed.append((rng.random() ** (1 / weight), doc_id, source, cluster, end))
        keyed.sort(reverse=True)
        need = {"test": n_test, "dev": n_dev, "train": n_train}
        order = [s for s in ("test", "dev", "train") for _ in range(need[s])]
        cluster_split: dict[str, str] = dict.fromkeys(taken_clusters, "earlier stage")
        for _, doc_id, source, cluster, end in keyed:
            if not order and cluster not in cluster_split:
                break
            text = full_text(source)[:end]
            grams = _grams(text)
            if not grams:
                continue
            if len(grams & old) / len(grams) > NEAR_COPY:
                dropped.append(f"{doc_id}\tnear-copy of the old corpus")
                continue
            near = [i for i, g in chosen_grams if len(grams & g) / min(len(grams), len(g)) > NEAR_COPY]
            if near:
                dropped.append(f"{doc_id}\tnear-copy of {chosen[near[0]].doc}")
                continue
            if cluster in cluster_split:
                dropped.append(f"{doc_id}\tsame sitting/file as a chosen document")
                continue
            split = order.pop(0)
            cluster_split[cluster] = split
            chosen_grams.append((len(chosen), grams))
            chosen.append(Document(doc_id, genre, split, source, end))
    GENRE_DIR.mkdir(parents=True, exist_ok=True)
    dropped_tsv = GENRE_DIR / "dropped.tsv"
    if existing:
        with dropped_tsv.open("a", encoding="utf8") as fh:
            fh.writelines(line + "\n" for line in dropped)
    else:
        dropped_tsv.write_text("doc\treason\n" + "\n".join(dropped) + "\n", "utf8")
    return chosen


def select_reports(existing: list[Document]) -> list[Document]:
    """Legislative records of the pool that hold a report with report headings, whole (up to REPORT_MAX)."""
    taken = {d.doc for d in existing}
    clusters = {c for g in ("legislative_record",) for doc_id, _, c in _candidates()[g] if doc_id in taken}
    found = []
    for doc_id, source, cluster in sorted(_candidates()["legislative_record"]):
        text = full_text(source)
        if doc_id in taken or cluster in clusters or len(text.rstrip()) > REPORT_MAX:
            continue
        if len(REPORT_HEADING.findall(text)) >= 1:
            found.append(Document(doc_id, "legislative_record", "", source, len(text.rstrip()), "stage3"))
            clusters.add(cluster)
    random.Random(SEED + 3).shuffle(found)
    for doc, split in zip(found, REPORT_SPLITS * len(found), strict=False):
        doc.split = split
    return found


# documents found elsewhere: test-only genres stay test-only; the others are dealt test, dev, train, test, train …
EXTERNAL_CYCLE = ("test", "dev", "train", "test", "train")
EXTERNAL_TEST_ONLY_CAP = 12  # new documents of a test-only genre (double annotation is the cost)


def add_texts(manifest: Path) -> list[Document]:
    """Documents found outside ../shared (a MANIFEST.tsv of file, genre, source, licence): copied into
    corpora/genre/texts/, checked against the reserved texts and for near-copies, given a split."""
    docs = read_documents()
    known = {d.doc for d in docs}
    taken = [_grams(doc_text(d)) for d in docs]
    old = _old_corpus_grams()
    rows = list(csv.DictReader(manifest.open(encoding="utf8"), delimiter="\t"))
    random.Random(SEED).shuffle(rows)
    rows.sort(key=lambda r: r["genre"])
    counts: Counter = Counter(d.genre for d in docs if d.source.startswith("text:"))
    listed = TEXTS_DIR / "MANIFEST.tsv"
    TEXTS_DIR.mkdir(parents=True, exist_ok=True)
    if not listed.exists():
        listed.write_text("file\tgenre\tsource\tlicence\tnote\n", "utf8")
    added, skipped = [], []
    for row in rows:
        rel = Path(row["file"])
        doc_id = f"ext_{rel.stem}"
        if doc_id in known:
            continue
        text = (manifest.parent / rel).read_text("utf8")
        end = excerpt_end(text)
        grams = _grams(text[:end])
        if not grams or reserved_overlaps([(doc_id, text)]):
            skipped.append(f"{doc_id}\treserved overlap or empty")
            continue
        if len(grams & old) / len(grams) > NEAR_COPY or any(
                len(grams & g) / min(len(grams), len(g)) > NEAR_COPY for g in taken if g):
            skipped.append(f"{doc_id}\tnear-copy of a corpus document")
            continue
        genre = row["genre"]
        if genre in UNSEEN_GENRES and counts[genre] >= EXTERNAL_TEST_ONLY_CAP:
            continue
        split = "test" if genre in UNSEEN_GENRES else EXTERNAL_CYCLE[counts[genre] % len(EXTERNAL_CYCLE)]
        counts[genre] += 1
        (TEXTS_DIR / rel).parent.mkdir(parents=True, exist_ok=True)
        (TEXTS_DIR / rel).write_text(text, "utf8")
        with listed.open("a", encoding="utf8") as fh:
            fh.write(f"{rel}\t{genre}\t{row['source']}\t{row['licence']}\t{row.get('note', '')}\n")
        doc = Document(doc_id, genre, split, f"text:{rel}", end)
        docs.append(doc)
        taken.append(grams)
        known.add(doc_id)
        added.append(doc)
    with (GENRE_DIR / "dropped.tsv").open("a", encoding="utf8") as fh:
        fh.writelines(line + "\n" for line in skipped)
    write_documents(docs)
    return added


def write_documents(docs: list[Document]) -> None:
    GENRE_DIR.mkdir(parents=True, exist_ok=True)
    with open(DOCS_TSV, "w", encoding="utf8") as fh:
        fh.write("doc\tgenre\tsplit\tsource\tend\tchars\tnote\n")
        for d in docs:
            fh.write(f"{d.doc}\t{d.genre}\t{d.split}\t{d.source}\t{d.end}\t{d.end}\t{d.note}\n")


def read_documents() -> list[Document]:
    with open(DOCS_TSV, encoding="utf8") as fh:
        return [Document(r["doc"], r["genre"], r["split"], r["source"], int(r["end"]), r.get("note") or "")
                for r in csv.DictReader(fh, delimiter="\t")]


def header(doc: Document) -> str:
    return f"@@ id={doc.doc} split={doc.split} genre={doc.genre} source={doc.source} start=0 end={doc.end}"


def blanks() -> None:
    """Unannotated markup and numbered-line views for the annotators (never overwrites)."""
    for doc in read_documents():
        text = doc_text(doc)
        dirs = [DOUBLE_DIR / "a", DOUBLE_DIR / "b"] if doc.split == "test" else [ANN_DIR]
        for d in dirs:
            d.mkdir(parents=True, exist_ok=True)
            path = d / f"{doc.doc}.ann"
            if not path.exists():
                path.write_text(f"{header(doc)}\n{text}\n", "utf8")
        view = GENRE_DIR / "views" / f"{doc.doc}.txt"
        view.parent.mkdir(parents=True, exist_ok=True)
        view.write_text("".join(f"{i:>4}\t{line}\n" for i, line in enumerate(text.split("\n"), 1)), "utf8")


# ---------------------------------------------------------------- checks


def read_sheet(path: Path) -> list[tuple[int, int, str, str | None]]:
    rows = []
    for raw in path.read_text("utf8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        cols = raw.split("\t")
        if len(cols) < 4:
            raise ValueError(f"{path.name}: row {raw!r} needs line, level, label, heading")
        line, level, label, heading = cols[:4]
        rows.append((int(line), int(level), label.strip(), None if heading.strip() == "-" else heading))
    return rows


_NOSPACE = re.compile(r"\s+")


def sheet_problems(path: Path, text: str) -> list[str]:
    errs = []
    try:
        rows = read_sheet(path)
    except ValueError as exc:
        return [str(exc)]
    lines = text.split("\n")
    prev = -1
    if not rows:
        return [f"{path.name}: empty sheet (a document without headings is one row: 0 0 <label> -)"]
    for k, (line, level, label, heading) in enumerate(rows):
        if label not in SECTION_LABELS:
            errs.append(f"{path.name}: unknown label {label!r}")
        if line <= prev:
            errs.append(f"{path.name}: line {line} not after {prev}")
        prev = line
        if line == 0:
            if k != 0 or level != 0:
                errs.append(f"{path.name}: line 0 (text before the first heading) must be the first row, level 0")
            continue
        if line > len(lines):
            errs.append(f"{path.name}: line {line} beyond the excerpt ({len(lines)} lines)")
            continue
        if level < 1:
            errs.append(f"{path.name}: heading on line {line} needs level >= 1")
        if heading is None or _NOSPACE.sub("", heading) not in _NOSPACE.sub("", lines[line - 1]):
            errs.append(f"{path.name}: heading {heading!r} is not on line {line}: {lines[line - 1][:40]!r}")
    if rows[0][0] != 0 and text[: sum(len(x) + 1 for x in lines[: rows[0][0] - 1])].strip():
        errs.append(f"{path.name}: text before the first heading needs a row 0 0 <label> -")
    return errs


def problems(path: Path, docs: dict[str, Document]) -> list[str]:
    errs = []
    exs = parse_markup(path)
    if len(exs) != 1:
        return [f"{path}: one document per file expected, found {len(exs)}"]
    ex = exs[0]
    doc = docs.get(ex.id)
    if doc is None:
        return [f"{path}: {ex.id} is not in documents.tsv"]
    ex.split = doc.split  # the split of record is documents.tsv's
    errs += [f"{path.name}: {err}" for err in markup_problems(ex, doc_text(doc))]
    raw = path.read_text("utf8")
    if raw.count("⟦") != raw.count("⟧") or len(SPAN_RE.findall(raw)) != raw.count("⟦"):
        errs.append(f"{path.name}: malformed markup (a ⟦ without its |LABEL⟧)")
    return errs


def check(paths: list[Path] | None = None) -> int:
    docs = {d.doc: d for d in read_documents()}
    if paths is None:
        paths = sorted(ANN_DIR.glob("*.ann")) + sorted(DOUBLE_DIR.glob("*/*.ann"))
    n_bad = 0
    for path in paths:
        if path.suffix == ".tsv":
            doc = docs.get(path.stem)
            errs = [f"{path}: not in documents.tsv"] if doc is None else sheet_problems(path, doc_text(doc))
        else:
            errs = problems(path, docs)
            sheet = path.with_suffix(".tsv") if path.parent.parent == DOUBLE_DIR else SECTIONS_DIR / f"{path.stem}.tsv"
            if sheet.exists() and path.stem in docs:
                errs += sheet_problems(sheet, doc_text(docs[path.stem]))
        for err in errs:
            n_bad += 1
            print(err)
    n_bad += overlap_check(docs.values())
    return n_bad


def overlap_check(docs) -> int:
    """Every document of the corpus against the reserved evaluation texts (../shared/tools/reserved_overlap.py)."""
    flagged = reserved_overlaps((doc.doc, doc_text(doc)) for doc in docs)
    for line in flagged:
        print(line)
    return len(flagged)


# ---------------------------------------------------------------- agreement, build, stats


def _entity_set(path: Path) -> set[tuple[int, int, str]]:
    return {(e["start"], e["end"], e["label"]) for e in parse_markup(path)[0].entities}


def _prf(tp: int, n_a: int, n_b: int) -> float:
    return 2 * tp / (n_a + n_b) if n_a + n_b else 1.0


INDEPENDENCE = DOUBLE_DIR / "independence.tsv"


def not_independent() -> set[str]:
    """Test documents where one annotator saw something of the other's annotation (double/independence.tsv)."""
    if not INDEPENDENCE.exists():
        return set()
    return {line.split("\t")[0] for line in INDEPENDENCE.read_text("utf8").splitlines()[1:] if line.strip()}


def agreement() -> str:
    """Agreement of the two test annotations, over all documents and over the strictly independent ones."""
    seen = not_independent()
    return "\n\n".join([
        "All test documents annotated twice:", _agreement(lambda d: True),
        f"Leaving out the {len(seen)} documents of double/independence.tsv:", _agreement(lambda d: d.doc not in seen)])


def _agreement(keep) -> str:
    """Pairwise F between the two independent test annotations (one as gold, the other as prediction)."""
    tp, na, nb = Counter(), Counter(), Counter()
    head_tp = head_a = head_b = lab_same = lab_n = 0
    docs = [d for d in read_documents() if d.split == "test" and keep(d)]
    done = 0
    for doc in docs:
        pa, pb = DOUBLE_DIR / "a" / f"{doc.doc}.ann", DOUBLE_DIR / "b" / f"{doc.doc}.ann"
        sa, sb = pa.with_suffix(".tsv"), pb.with_suffix(".tsv")
        if not (pa.exists() and pb.exists() and sa.exists() and sb.exists()):
            continue
        done += 1
        ea, eb = _entity_set(pa), _entity_set(pb)
        for label in LABELS:
            a = {x for x in ea if x[2] == label}
            b = {x for x in eb if x[2] == label}
            tp[label] += len(a & b)
            na[label] += len(a)
            nb[label] += len(b)
        ra = {(line, level): label for line, level, label, _ in read_sheet(sa)}
        rb = {(line, level): label for line, level, label, _ in read_sheet(sb)}
        ha = {k for k in ra if k[0]}
        hb = {k for k in rb if k[0]}
        head_tp += len(ha & hb)
        head_a += len(ha)
        head_b += len(hb)
        for k in set(ra) & set(rb):
            lab_n += 1
            lab_same += ra[k] == rb[k]
    lines = [f"Test documents with both annotations: {done} of {len(docs)}", "",
             "| label | annotator A | annotator B | both | pairwise F |", "|---|---:|---:|---:|---:|"]
    for label in LABELS:
        f = _prf(tp[label], na[label], nb[label])
        lines.append(f"| {label} | {na[label]} | {nb[label]} | {tp[label]} | {f:.3f} |")
    t, a, b = sum(tp.values()), sum(na.values()), sum(nb.values())
    lines.append(f"| all | {a} | {b} | {t} | {_prf(t, a, b):.3f} |")
    lines += ["", f"Section headings (line and level): A {head_a}, B {head_b}, both {head_tp}, "
              f"F {_prf(head_tp, head_a, head_b):.3f}; section type on the sections both found: "
              f"{lab_same}/{lab_n} = {lab_same / max(lab_n, 1):.3f}"]
    return "\n".join(lines)


def disagreements(doc: Document) -> str:
    """The spans and section rows the two test annotations do not share, with context, for adjudication."""
    pa, pb = DOUBLE_DIR / "a" / f"{doc.doc}.ann", DOUBLE_DIR / "b" / f"{doc.doc}.ann"
    text = doc_text(doc)
    ea = {(e["start"], e["end"], e["label"]): e for e in parse_markup(pa)[0].entities}
    eb = {(e["start"], e["end"], e["label"]): e for e in parse_markup(pb)[0].entities}
    lines = [f"## {doc.doc} ({doc.genre})", ""]

    def where(key: tuple[int, int, str]) -> str:
        s, e, label = key
        return f"{s}-{e} {label} `{text[s:e]}` in …{text[max(0, s - 12):s]}【{text[s:e]}】{text[e:e + 12]}…"

    for key in sorted(ea.keys() - eb.keys()):
        lines.append(f"- only A: {where(key)}".replace("\n", "⏎"))
    for key in sorted(eb.keys() - ea.keys()):
        lines.append(f"- only B: {where(key)}".replace("\n", "⏎"))
    for key in sorted(ea.keys() & eb.keys()):
        ga, gb = ea[key].get("gold_norm"), eb[key].get("gold_norm")
        if ga != gb:
            lines.append(f"- value: {where(key)}: A {ga!r}, B {gb!r}".replace("\n", "⏎"))
    ra = {(line, level, label) for line, level, label, _ in read_sheet(pa.with_suffix(".tsv"))}
    rb = {(line, level, label) for line, level, label, _ in read_sheet(pb.with_suffix(".tsv"))}
    for row in sorted(ra - rb):
        lines.append(f"- section only A: line {row[0]} level {row[1]} {row[2]}")
    for row in sorted(rb - ra):
        lines.append(f"- section only B: line {row[0]} level {row[1]} {row[2]}")
    return "\n".join(lines) + "\n"


ADJUDICATION = DOUBLE_DIR / "adjudication.tsv"


def _entity_key(e: dict) -> str:
    return f"{e['start']}-{e['end']} {e['label']}"


def read_adjudication() -> dict[tuple[str, str, str], str]:
    """(doc, kind, key) → decision, from double/adjudication.tsv.

    Kinds: ``entity`` (a span only one annotation has: keep/drop), ``value`` (the gold value where they
    differ), ``section`` (a sheet row only one has: keep/drop), and from the review of the adjudicated
    test set: ``add`` (a span both missed; decision ``keep`` or its gold value), ``drop`` (a span both
    had), ``section-label`` (key ``line level``: the corrected type)."""
    out = {}
    if ADJUDICATION.exists():
        for line in ADJUDICATION.read_text("utf8").splitlines()[1:]:
            if line.strip():
                doc, kind, key, decision = line.split("\t")[:4]
                out[(doc, kind, key)] = decision
    return out


def markup(text: str, entities: list[dict]) -> str:
    """Inline markup of non-overlapping entities (the inverse of parse_markup)."""
    out, pos = [], 0
    for e in sorted(entities, key=lambda e: e["start"]):
        if e["start"] < pos:
            raise ValueError(f"overlapping entities at {e['start']}")
        value = f"|{e['gold_norm']}" if e.get("gold_norm") else ""
        out += [text[pos : e["start"]], f"⟦{text[e['start']:e['end']]}|{e['label']}{value}⟧"]
        pos = e["end"]
    return "".join(out) + text[pos:]


def _kept(doc: Document, kind: str, a: dict, b: dict, decisions: dict, pending: list[str]) -> list[str]:
    """Keys both annotations share, plus those only one has that a decision keeps (undecided ones go to
    `pending`), in document order for entities."""
    kept = []
    for key in sorted(a.keys() | b.keys(), key=lambda k: int(k.split("-")[0]) if kind == "entity" else k):
        if key not in a or key not in b:
            decision = decisions.get((doc.doc, kind, key))
            if decision is None:
                pending.append(f"{doc.doc}\t{kind}\t{key}")
                continue
            if decision != "keep":
                continue
        kept.append(key)
    return kept


def adjudicate(doc: Document, decisions: dict[tuple[str, str, str], str]) -> list[str]:
    """Write the adjudicated ann/<doc>.ann and sections/<doc>.tsv; return the disagreements still undecided."""
    pa, pb = DOUBLE_DIR / "a" / f"{doc.doc}.ann", DOUBLE_DIR / "b" / f"{doc.doc}.ann"
    ea = {_entity_key(e): e for e in parse_markup(pa)[0].entities}
    eb = {_entity_key(e): e for e in parse_markup(pb)[0].entities}
    pending: list[str] = []
    final = []
    for key in _kept(doc, "entity", ea, eb, decisions, pending):
        e = dict(ea.get(key) or eb[key])
        va, vb = (ea.get(key) or {}).get("gold_norm"), (eb.get(key) or {}).get("gold_norm")
        if key in ea and key in eb and va != vb:
            value = decisions.get((doc.doc, "value", key))
            if value is None:
                pending.append(f"{doc.doc}\tvalue\t{key}")
                continue
            e["gold_norm"] = value
        elif (doc.doc, "value", key) in decisions:
            e["gold_norm"] = decisions[(doc.doc, "value", key)]
        final.append(e)
    rows_a = {f"{r[0]} {r[1]} {r[2]}": r for r in read_sheet(pa.with_suffix(".tsv"))}
    rows_b = {f"{r[0]} {r[1]} {r[2]}": r for r in read_sheet(pb.with_suffix(".tsv"))}
    rows = [rows_a.get(key) or rows_b[key] for key in _kept(doc, "section", rows_a, rows_b, decisions, pending)]
    if pending:
        return pending
    text = doc_text(doc)
    for (name, kind, key), decision in decisions.items():
        if name != doc.doc:
            continue
        if kind == "drop":
            final = [e for e in final if _entity_key(e) != key]
        elif kind == "add":
            span, label = key.split(" ")
            start, end = (int(x) for x in span.split("-"))
            added = {"start": start, "end": end, "label": label, "text": text[start:end]}
            if decision != "keep":
                added["gold_norm"] = decision
            final.append(added)
        elif kind == "section-label":
            line, level = (int(x) for x in key.split(" "))
            rows = [(r[0], r[1], decision, r[3]) if (r[0], r[1]) == (line, level) else r for r in rows]
    ANN_DIR.mkdir(parents=True, exist_ok=True)
    SECTIONS_DIR.mkdir(parents=True, exist_ok=True)
    (ANN_DIR / f"{doc.doc}.ann").write_text(f"{header(doc)}\n{markup(text, final)}\n", "utf8")
    sheet = ["# line\tlevel\tlabel\theading (adjudicated from double/a and double/b)"]
    sheet += [f"{line}\t{level}\t{label}\t{heading or '-'}" for line, level, label, heading in sorted(rows)]
    (SECTIONS_DIR / f"{doc.doc}.tsv").write_text("\n".join(sheet) + "\n", "utf8")
    return []


def _on_line(text: str, line: int, span: str, name: str) -> tuple[int, int]:
    """Offsets of the first occurrence of `span` that starts on `line` (1-based) of `text`."""
    line_start = sum(len(x) + 1 for x in text.split("\n")[: line - 1])
    line_end = text.find("\n", line_start)
    k = text.find(span, line_start)
    if k < 0 or (line_end >= 0 and k > line_end):
        raise ValueError(f"{name}: {span!r} is not on line {line}")
    return k, k + len(span)


def unannotated_occurrences(min_len: int = 3) -> list[str]:
    """Every place where a string annotated somewhere in the corpus occurs outside any span (for review)."""
    docs = [d for d in read_documents() if (SECTIONS_DIR / f"{d.doc}.tsv").exists()]
    parsed = {d.doc: parse_markup(ANN_DIR / f"{d.doc}.ann")[0] for d in docs}
    names: dict[str, str] = {}
    for ex in parsed.values():
        for e in ex.entities:
            if len(e["text"]) >= min_len and "\n" not in e["text"]:
                names.setdefault(e["text"], e["label"])
    out = []
    for d in docs:
        ex = parsed[d.doc]
        covered = [(e["start"], e["end"]) for e in ex.entities]
        for name, label in names.items():
            k = ex.text.find(name)
            while k >= 0:
                inside = any(s <= k and k + len(name) <= e for s, e in covered)
                overlap = any(s < k + len(name) and k < e for s, e in covered)
                if not inside and not overlap:
                    line = ex.text.count("\n", 0, k) + 1
                    ctx = ex.text[max(0, k - 12) : k + len(name) + 12].replace("\n", "⏎")
                    out.append(f"{d.doc}\t{d.split}\t{line}\t{label}\t{name}\t{ctx}")
                k = ex.text.find(name, k + 1)
    return out


def review_rows(path: Path) -> list[str]:
    """Adjudication rows for the accepted proposals of a review sheet (columns: doc, line, action, span,
    label, new, reason, verdict); the span is found on its line of the excerpt."""
    docs = {d.doc: d for d in read_documents()}
    out = []
    for row in csv.DictReader(path.open(encoding="utf8"), delimiter="\t"):
        if (row.get("verdict") or "").strip() != "accept":
            continue
        doc = docs[row["doc"]]
        text = doc_text(doc)
        action, label, new = row["action"].strip(), row["label"].strip(), (row.get("new") or "").strip()
        note = f"review: {row.get('reason', '').strip()}"
        if action == "section":
            level = next(r[1] for r in read_sheet(SECTIONS_DIR / f"{doc.doc}.tsv") if r[0] == int(row["line"]))
            out.append(f"{doc.doc}\tsection-label\t{row['line']} {level}\t{new}\t{note}")
            continue
        s, e = _on_line(text, int(row["line"]), row["span"], doc.doc)
        if action in ("drop", "relabel", "boundary"):
            out.append(f"{doc.doc}\tdrop\t{s}-{e} {label}\tdrop\t{note}")
        if action == "add":
            out.append(f"{doc.doc}\tadd\t{s}-{e} {label}\t{new or 'keep'}\t{note}")
        elif action == "relabel":
            out.append(f"{doc.doc}\tadd\t{s}-{e} {new}\tkeep\t{note}")
        elif action == "boundary":
            s2, e2 = _on_line(text, int(row["line"]), new, doc.doc)
            out.append(f"{doc.doc}\tadd\t{s2}-{e2} {label}\t{row.get('value') or 'keep'}\t{note}")
        elif action == "value":
            out.append(f"{doc.doc}\tvalue\t{s}-{e} {label}\t{new}\t{note}")
    return out


def sections_record(doc: Document, sheet: Path) -> list[dict]:
    """Flat sections covering the excerpt, from a sheet (same layout as corpora/sections/seeds.jsonl)."""
    text = doc_text(doc)
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    out: list[dict] = []
    for line, level, label, heading in read_sheet(sheet):
        start = 0 if line == 0 else line_starts[line - 1]
        parent = next((i for i in range(len(out) - 1, -1, -1) if 1 <= out[i]["level"] < level), None)
        if out:
            out[-1]["end"] = start
        elif start:
            start = 0  # leading blank lines belong to the first section
        out.append({"start": start, "end": len(text), "heading": heading, "level": level, "label": label,
                    "heading_start": None if line == 0 else line_starts[line - 1], "parent": parent})
    return out


def build() -> None:
    if check():
        sys.exit("genre corpus has problems; not written")
    rows: dict[str, list[dict]] = defaultdict(list)
    missing = []
    for doc in read_documents():
        ann, sheet = ANN_DIR / f"{doc.doc}.ann", SECTIONS_DIR / f"{doc.doc}.tsv"
        if not ann.exists() or not sheet.exists() or not _annotated(ann, sheet):
            missing.append(doc.doc)
            continue
        ex = parse_markup(ann)[0]
        rows[doc.split].append({"id": doc.doc, "genre": doc.genre, "source": doc.source, "start": 0,
                                "text": ex.text, "entities": ex.entities, "sections": sections_record(doc, sheet)})
    for split in ("train", "dev", "test"):
        with open(GENRE_DIR / f"{split}.jsonl", "w", encoding="utf8") as fh:
            for row in rows[split]:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    if missing:
        print(f"{len(missing)} document(s) not annotated yet, left out: {' '.join(missing)}")
    print(stats())


def _annotated(ann: Path, sheet: Path) -> bool:
    """A document counts as annotated once its section sheet exists (the annotator writes it last)."""
    return sheet.exists() and ann.exists()


def stats() -> str:
    docs = {d.doc: d for d in read_documents()}
    count: Counter = Counter()
    for split in ("train", "dev", "test"):
        path = GENRE_DIR / f"{split}.jsonl"
        if not path.exists():
            continue
        for line in path.read_text("utf8").splitlines():
            row = json.loads(line)
            key = (split, docs[row["id"]].genre)
            count[key + ("docs",)] += 1
            count[key + ("chars",)] += len(row["text"])
            count[key + ("sections",)] += len(row["sections"])
            for e in row["entities"]:
                count[key + (e["label"],)] += 1
            for s in row["sections"]:
                count[(split, "section type", s["label"])] += 1
    genres = sorted({key[1] for key in count})
    cols = ("docs", "chars", *LABELS, "sections")
    lines = ["| split | genre | " + " | ".join(cols) + " |", "|---|---|" + "---:|" * len(cols)]
    for split in ("train", "dev", "test"):
        for genre in genres:
            if count[(split, genre, "docs")]:
                lines.append(f"| {split} | {genre}{' (unseen)' if genre in UNSEEN_GENRES else ''} | "
                             + " | ".join(str(count[(split, genre, c)]) for c in cols) + " |")
        lines.append(f"| **{split}** | all | "
                     + " | ".join(str(sum(count[(split, g, c)] for g in genres)) for c in cols) + " |")
    genres = [g for g in genres if g != "section type"]
    lines += ["", "| genre | docs | chars | " + " | ".join(LABELS) + " | splits |",
              "|---|---:|---:|" + "---:|" * len(LABELS) + "---|"]
    for genre in genres:
        splits = [s for s in ("train", "dev", "test") if count[(s, genre, "docs")]]
        cells = [sum(count[(s, genre, c)] for s in splits) for c in ("docs", "chars", *LABELS)]
        name = f"{genre} (unseen)" if genre in UNSEEN_GENRES else genre
        lines.append(f"| {name} | " + " | ".join(str(c) for c in cells) + f" | {', '.join(splits)} |")
    lines += ["", "| section type | train | dev | test |", "|---|---:|---:|---:|"]
    for label in SECTION_LABELS:
        cells = (str(count[(s, "section type", label)]) for s in ("train", "dev", "test"))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


COMMANDS = ("select", "select-stage2", "select-stage3", "select-stage4", "select-stage5", "select-stage6",
            "add-texts", "blanks",
            "check", "agreement", "disagreements", "adjudicate", "unannotated", "apply-review", "build", "stats")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=COMMANDS)
    ap.add_argument("files", nargs="*", type=Path)
    args = ap.parse_args()
    if args.command == "select":
        if DOCS_TSV.exists():
            sys.exit(f"{DOCS_TSV} exists: the selection and splits are fixed")
        write_documents(select())
        print(f"wrote {DOCS_TSV}")
    elif args.command in ("select-stage2", "select-stage4", "select-stage5", "select-stage6"):
        stage = args.command.removeprefix("select-")
        docs = read_documents()
        if any(d.note == stage for d in docs):
            sys.exit(f"{stage} is already drawn: the selection and splits are fixed")
        quotas = {"stage2": QUOTAS_STAGE2, "stage4": QUOTAS_STAGE4, "stage5": QUOTAS_STAGE5,
                  "stage6": QUOTAS_STAGE6}[stage]
        more = select(quotas, SEED + int(stage[-1]), existing=docs)[len(docs):]
        for d in more:
            d.note = stage
        write_documents(docs + more)
        print(f"added {len(more)} document(s)")
    elif args.command == "select-stage3":
        docs = read_documents()
        if any(d.note == "stage3" for d in docs):
            sys.exit("stage 3 is already drawn: the selection and splits are fixed")
        more = select_reports(docs)
        write_documents(docs + more)
        print(f"added {len(more)} document(s): " + ", ".join(f"{d.doc} ({d.split})" for d in more))
    elif args.command == "add-texts":
        if len(args.files) != 1:
            sys.exit("add-texts takes the MANIFEST.tsv of a folder of documents")
        added = add_texts(args.files[0])
        print(f"added {len(added)} document(s): " + ", ".join(f"{d.doc} ({d.genre}, {d.split})" for d in added))
    elif args.command == "blanks":
        blanks()
    elif args.command == "check":
        n = check(args.files or None)
        print(f"{n} problem(s)")
        sys.exit(1 if n else 0)
    elif args.command == "agreement":
        print(agreement())
    elif args.command == "disagreements":
        names = {p.stem for p in args.files} if args.files else None
        for doc in read_documents():
            if doc.split == "test" and (names is None or doc.doc in names):
                pair = [DOUBLE_DIR / r / f"{doc.doc}{ext}" for r in "ab" for ext in (".ann", ".tsv")]
                if all(p.exists() for p in pair):
                    print(disagreements(doc))
    elif args.command == "unannotated":
        print("doc\tsplit\tline\tlabel elsewhere\tstring\tcontext")
        print("\n".join(unannotated_occurrences()))
    elif args.command == "apply-review":
        rows = [row for path in args.files for row in review_rows(path)]
        with ADJUDICATION.open("a", encoding="utf8") as fh:
            fh.writelines(row + "\n" for row in rows)
        print(f"{len(rows)} adjudication row(s) added from the review; run adjudicate")
    elif args.command == "adjudicate":
        decisions = read_adjudication()
        pending, written = [], 0
        for doc in read_documents():
            pair = [DOUBLE_DIR / r / f"{doc.doc}{ext}" for r in "ab" for ext in (".ann", ".tsv")]
            if doc.split == "test" and all(p.exists() for p in pair):
                left = adjudicate(doc, decisions)
                pending += left
                written += not left
        print(f"{written} test document(s) adjudicated; {len(pending)} disagreement(s) without a decision:")
        print("\n".join(pending))
    elif args.command == "build":
        build()
    else:
        print(stats())


if __name__ == "__main__":
    main()
