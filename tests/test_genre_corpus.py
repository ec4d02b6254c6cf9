"""The genre corpus: markup equals its sources, no reserved text, splits by whole document, nothing lost."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "training"))
import genre_corpus  # noqa: E402
from annotate import parse_markup, reserved_overlap_tool  # noqa: E402

DOCS = genre_corpus.read_documents()


def test_corpus_check_passes_including_the_reserved_overlap_check(capsys) -> None:
    assert genre_corpus.check() == 0, capsys.readouterr().out


def test_check_flags_a_document_that_copies_reserved_text(monkeypatch, capsys) -> None:
    """Pretend one corpus document were reserved: the corpus check must name it (the CI wiring works)."""
    tool = reserved_overlap_tool()
    doc = next(d for d in DOCS if d.split == "train")
    s = re.sub(r"\s+", "", genre_corpus.doc_text(doc))
    windows = {hashlib.sha256(tool.SALT + s[i : i + tool.W].encode("utf-8")).hexdigest()[:16]
               for i in range(len(s) - tool.W + 1)}
    monkeypatch.setattr(tool, "RESERVED", tool.RESERVED | windows)
    assert genre_corpus.overlap_check(DOCS) >= 1
    assert f"RESERVED OVERLAP {doc.doc}" in capsys.readouterr().out


def test_splits_are_by_whole_document_without_near_copies_across_them() -> None:
    assert len({d.doc for d in DOCS}) == len(DOCS)
    grams = {d.doc: genre_corpus._grams(genre_corpus.doc_text(d)) for d in DOCS}
    by_split = defaultdict(list)
    for d in DOCS:
        by_split[d.split].append(d.doc)
    for a in by_split["test"] + by_split["dev"]:
        for b in by_split["train"] + (by_split["dev"] if a in by_split["test"] else []):
            shared = len(grams[a] & grams[b]) / min(len(grams[a]), len(grams[b]))
            assert shared <= genre_corpus.NEAR_COPY, (a, b, shared)


def test_unseen_genres_are_in_test_only() -> None:
    splits = defaultdict(set)
    for d in DOCS:
        splits[d.genre].add(d.split)
    unseen = [g for g, s in splits.items() if s == {"test"}]
    assert len(unseen) >= 2, unseen


def test_excerpts_start_at_the_beginning_and_are_whole_or_long_enough() -> None:
    for d in DOCS:
        full = genre_corpus.full_text(d.source)
        assert d.end >= genre_corpus.MIN_EXCERPT or d.end == len(full.rstrip()), d.doc


@pytest.mark.parametrize("split", ["train", "dev", "test"])
def test_built_jsonl_keeps_every_annotated_span_and_section(split: str) -> None:
    """corpora/genre/<split>.jsonl is up to date with the markup and sheets: no span or section lost."""
    path = ROOT / "corpora" / "genre" / f"{split}.jsonl"
    rows = {json.loads(line)["id"]: json.loads(line) for line in path.read_text("utf8").splitlines()}
    done = [d for d in DOCS if d.split == split and (genre_corpus.SECTIONS_DIR / f"{d.doc}.tsv").exists()]
    assert set(rows) == {d.doc for d in done}
    for d in done:
        ex = parse_markup(genre_corpus.ANN_DIR / f"{d.doc}.ann")[0]
        row = rows[d.doc]
        assert row["genre"] == d.genre and row["text"] == ex.text
        assert [(e["start"], e["end"], e["label"]) for e in row["entities"]] == \
               [(e["start"], e["end"], e["label"]) for e in ex.entities]
        for e in row["entities"]:
            assert row["text"][e["start"]:e["end"]] == e["text"]
        sections = row["sections"]
        assert sections[0]["start"] == 0 and sections[-1]["end"] == len(row["text"])
        assert all(a["end"] == b["start"] for a, b in zip(sections, sections[1:], strict=False))
        assert len(sections) == len(genre_corpus.read_sheet(genre_corpus.SECTIONS_DIR / f"{d.doc}.tsv"))
