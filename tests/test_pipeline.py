"""The shipped pipeline: the interface contract on real text from the seeds."""

from __future__ import annotations

import spacy
from spacy.language import Language

import tcbio_nlp

LICENCE_TABLE_ROW = "1\t衛部藥製字第058540號\t太捷信膠囊250毫克(奈諾沙星)\t太景生物科技股份有限公司"


def test_load_returns_a_chinese_language(nlp) -> None:
    assert isinstance(nlp, Language)
    assert nlp.lang == "zh"
    for name in ("ner", "tcbio_entity_patterns", "tcbio_agency_gazetteer", "tcbio_entity_norm"):
        assert name in nlp.pipe_names


def test_contract_example(nlp) -> None:
    text = "衛福部食藥署核發衛部藥製字第058540號藥品許可證"
    doc = nlp(text)
    assert doc.text == text
    ents = [(e.text, e.label_) for e in doc.ents]
    assert ("衛福部食藥署", "AGENCY") in ents
    assert ("衛部藥製字第058540號", "LICENSE_NO") in ents
    agency = next(e for e in doc.ents if e.label_ == "AGENCY")
    assert agency._.norm == {"canonical": "衛生福利部食品藥物管理署"}


def test_licence_table_row_from_seed(nlp, seed_texts) -> None:
    assert LICENCE_TABLE_ROW in seed_texts["004_3317a80c5cf8af67.txt"]
    doc = nlp(LICENCE_TABLE_ROW)
    licence = [e for e in doc.ents if e.label_ == "LICENSE_NO"]
    assert [e.text for e in licence] == ["衛部藥製字第058540號"]
    assert licence[0]._.norm["serial"] == "058540"


def test_money_with_value_in_seed_sentence(nlp, seed_texts) -> None:
    sentence = "首發新藥之健保醫令申報金額共計新臺幣6億3,283萬2,421元"
    assert sentence in seed_texts["004_3317a80c5cf8af67.txt"]
    money = [e for e in nlp(sentence).ents if e.label_ == "MONEY"]
    assert [e.text for e in money] == ["新臺幣6億3,283萬2,421元"]
    assert str(money[0]._.norm["value"]) == "632832421"


def test_declared_alias_resolves_to_the_long_form(nlp) -> None:
    doc = nlp("經濟部國際貿易署(以下簡稱貿易署)邀集廠商參展，貿易署並補助攤位費。")
    later = [e for e in doc.ents if e.text == "貿易署"]
    assert later and all(e._.norm["canonical"] == "經濟部國際貿易署" for e in later)


def test_simplified_input_keeps_text_and_offsets(nlp) -> None:
    text = "卫福部食药署核发卫部药制字第058540号药品许可证，补助新台币4,880万元。"
    doc = nlp(text)
    assert doc.text == text
    labels = {e.label_: e for e in doc.ents}
    assert labels["LICENSE_NO"].text == text[labels["LICENSE_NO"].start_char:labels["LICENSE_NO"].end_char]
    assert labels["LICENSE_NO"]._.norm["canonical"] == "衛部藥製字第058540號"
    assert labels["MONEY"]._.norm["value"] == 48800000


def test_licence_broken_by_pdf_line_break_is_one_entity(nlp) -> None:
    doc = nlp("本品許可證字號為衛部藥製字第\n058540號，已核准上市。")
    assert [e.text for e in doc.ents if e.label_ == "LICENSE_NO"] == ["衛部藥製字第\n058540號"]


def test_round_trip_through_disk(nlp, tmp_path) -> None:
    text = "國科會與中央研究院合作，補助新臺幣 4,880 萬元。"
    nlp.to_disk(tmp_path / "pipe")
    again = spacy.load(tmp_path / "pipe")
    a, b = nlp(text), again(text)
    assert [t.text for t in a] == [t.text for t in b]
    assert [(e.text, e.label_, e._.norm) for e in a.ents] == [(e.text, e.label_, e._.norm) for e in b.ents]


def test_model_path_names_the_installed_model() -> None:
    assert (tcbio_nlp.model_path() / "config.cfg").exists()
