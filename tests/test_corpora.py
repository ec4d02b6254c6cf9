"""The annotated corpus loads as a DatasetDict, splits are disjoint, misalignments are reported."""

import json

import pytest
import spacy

from tcbio_nlp.corpora import CorpusError, load_corpus, read_jsonl, to_docbin


def test_corpus_loads_with_fixed_disjoint_splits() -> None:
    corpus = load_corpus()
    assert set(corpus) == {"train", "dev", "test"}
    ids = [set(corpus[s]["id"]) for s in ("train", "dev", "test")]
    assert not (ids[0] & ids[1] or ids[0] & ids[2] or ids[1] & ids[2])
    for split in corpus.values():
        for row in split.select(range(min(20, len(split)))):
            for ent in row["entities"]:
                assert row["text"][ent["start"]:ent["end"]] == ent["text"]


def test_every_test_money_and_licence_has_a_gold_value() -> None:
    test = load_corpus()["test"]
    for row in test:
        for ent in row["entities"]:
            if ent["label"] in ("MONEY", "LICENSE_NO"):
                assert ent["gold_norm"], (row["id"], ent["text"])


def test_misaligned_entities_are_reported_not_dropped(tmp_path) -> None:
    nlp = spacy.blank("en")  # whitespace tokenizer: a span inside a token cannot align
    rows = [{"id": "x", "source": "", "text": "食藥署核發 許可證",
             "entities": [{"start": 0, "end": 3, "label": "AGENCY", "text": "食藥署"}]}]
    db, report = to_docbin(nlp, rows)
    assert report.n_entities == 1 and len(report.misaligned) == 1
    assert report.misaligned[0]["tokens"] == ["食藥署核發"]
    docs = list(db.get_docs(nlp.vocab))
    assert [e.text for e in docs[0].ents] == ["食藥署核發"]  # kept, widened


def test_bad_rows_give_clear_errors(tmp_path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "abc", "entities": [
        {"start": 0, "end": 9, "label": "AGENCY"}]}) + "\n", encoding="utf8")
    with pytest.raises(CorpusError, match="outside the text"):
        read_jsonl(path)


def test_reader_takes_several_files_including_the_genre_corpus(tmp_path) -> None:
    from tcbio_nlp.training.corpus import NerCorpus

    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text(json.dumps({"id": "a", "genre": "press_release", "sections": [], "text": "食藥署 核發",
                             "entities": [{"start": 0, "end": 3, "label": "AGENCY"}]}) + "\n", encoding="utf8")
    b.write_text(json.dumps({"id": "b", "text": "衛福部 公告",
                             "entities": [{"start": 0, "end": 3, "label": "AGENCY"}]}) + "\n", encoding="utf8")
    examples = list(NerCorpus(f"{a},{b}")(spacy.blank("en")))
    assert [[e.text for e in ex.reference.ents] for ex in examples] == [["食藥署"], ["衛福部"]]


def test_overlapping_widened_entities_are_reported() -> None:
    nlp = spacy.blank("en")
    rows = [{"id": "x", "source": "", "text": "食藥署核發 許可證", "entities": [
        {"start": 0, "end": 3, "label": "AGENCY", "text": "食藥署"},
        {"start": 3, "end": 5, "label": "PRODUCT", "text": "核發"}]}]
    _, report = to_docbin(nlp, rows)
    assert len(report.overlapping) == 1 and "left out" in str(report)
