"""Length-preserving normalisation: what the models see, never what the user gets back."""

from __future__ import annotations

import pytest

from tcbio_nlp.normalization import (
    doc_norm_text,
    looks_simplified,
    normalize_text,
    segmenter_text,
)

SAMPLES = [
    "衛福部食藥署核發衛部藥製字第058540號藥品許可證",
    "卫福部食药署核发卫部药制字第058540号药品许可证，补助新台币4,880万元。",
    "每錠含１０．８公絲（一）ＡＢＣ　ｄｅｆ",
    "台北市、台中市與臺南市",
    "",
    "Kate (born 1990) 與 f(x)，16,250 元；9:30 開會？",
    "衛部藥製字第\n058540號\r\n\x0c第 12 頁",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_every_mapping_preserves_length(text: str) -> None:
    norm = normalize_text(text)
    assert len(norm) == len(text)
    assert len(segmenter_text(norm)) == len(text)


def test_full_width_folds_to_ascii() -> None:
    assert normalize_text("１０．８公絲") == "10.8公絲"
    assert normalize_text("（一）") == "(一)"
    assert normalize_text("ＴＦＤＡ　ｐｉｌｌ") == "TFDA pill"


def test_taiwan_standard_forms_and_variants() -> None:
    assert normalize_text("台北市") == "臺北市"
    assert normalize_text("新台幣") == "新臺幣"


def test_traditional_text_is_unchanged_apart_from_variants() -> None:
    text = "衛生福利部中央健康保險署與國家科學及技術委員會"
    assert normalize_text(text) == text


def test_simplified_is_converted_to_traditional() -> None:
    assert looks_simplified("卫生福利部食品药物管理署")
    assert not looks_simplified("衛生福利部食品藥物管理署")
    assert normalize_text("卫生福利部食品药物管理署核发药品许可证") == "衛生福利部食品藥物管理署核發藥品許可證"


def test_segmenter_text_uses_east_asian_punctuation_in_chinese_context() -> None:
    # full-width and ASCII input give the same model text
    for text in ("（一）本品，每錠；", "(一)本品,每錠;"):
        assert segmenter_text(normalize_text(text)) == "（一）本品，每錠；"
    # between ASCII letters/digits the marks stay ASCII: numbers, times, formulas
    assert segmenter_text("金額16,250元，9:30開會，f(x)") == "金額16,250元，9:30開會，f(x）"
    assert segmenter_text("卡爾‧馬克思・恩格斯") == "卡爾·馬克思·恩格斯"


def test_doc_norm_text_is_cached_on_the_doc() -> None:
    import spacy

    nlp = spacy.blank("zh")  # character tokenizer: any Doc will do
    doc = nlp("台北")
    assert doc_norm_text(doc) == "臺北"
    assert doc.user_data["tcbio_norm_text"] == "臺北"


def test_simplified_licence_number_becomes_the_traditional_form() -> None:
    assert normalize_text("卫部药制字第058540号") == "衛部藥製字第058540號"
    assert normalize_text("制度") == "制度"
