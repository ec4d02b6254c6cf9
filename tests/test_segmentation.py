"""The tcbio.Segmenter.v1 tokenizer: names whole, offsets on the input, round-trips.

The pkuseg model here is a tiny one trained in a temporary folder on 200 GSD sentences
for one epoch (a few seconds): these tests check the tokenizer's own behaviour, which
does not depend on the model's quality. Where the shipped pipeline is installed, a few
checks run on it too. Lexicon and patterns come from the package's data files (through
``tcbio_nlp.lexicon``) where they exist, else from the small lists below.
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

import pytest
import spacy

import tcbio_nlp  # noqa: F401  (registers the tokenizer)
from tcbio_nlp.segmentation import Segmenter

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GSD_TRAIN = SHARED / "data" / "ud_chinese_gsd" / "r1.4" / "zh-ud-train.conllu"
SHIPPED = ROOT / "models" / "tcbio_zh_core"

# used only where tcbio_nlp.lexicon / its data files are missing
FALLBACK_LEXICON = ["衛福部", "食藥署", "衛福部食藥署", "衛生福利部中央健康保險署", "國科會", "太捷信膠囊250毫克"]
FALLBACK_PATTERNS = [
    r"(?:衛部|衛署)藥[製輸]\s*字?\s*第\s*\d[\d\s]{3,8}?\s*號",
    r"新臺幣\s*\d[\d,]*(?:\.\d+)?\s*[兆億萬千]*\s*元",
]

CONTRACT = "衛福部食藥署核發衛部藥製字第058540號藥品許可證"


def protected_lists() -> tuple[list[str], list[str]]:
    try:
        from tcbio_nlp.lexicon import domain_lexicon, protected_patterns

        agencies = SHARED / "data" / "tw_agencies" / "tw_gov_org_2016_output.json"
        tfda = SHARED / "data" / "tfda_licenses"
        lexicon = domain_lexicon(str(agencies) if agencies.exists() else None, str(tfda) if tfda.exists() else None)
        return list(lexicon) or FALLBACK_LEXICON, list(protected_patterns()) or FALLBACK_PATTERNS
    except (ImportError, OSError, KeyError, ValueError):
        return FALLBACK_LEXICON, FALLBACK_PATTERNS


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """pkuseg trained on the first 200 GSD training sentences, one epoch."""
    if not GSD_TRAIN.exists():
        pytest.skip(f"GSD training data not found at {GSD_TRAIN}")
    import spacy_pkuseg

    sys.path.insert(0, str(ROOT / "training"))
    from train_segmenter import map_r14_punct, model_words, read_conllu, replace_rare_chars

    tmp = tmp_path_factory.mktemp("pkuseg")
    sents = [model_words(map_r14_punct(w)) for _, w in read_conllu(GSD_TRAIN)[:200]]
    train, dev, _ = replace_rare_chars(sents[:180], sents[180:], 2)  # as the shipped model
    (tmp / "train.txt").write_text("\n".join(" ".join(s) for s in train) + "\n", encoding="utf8")
    (tmp / "dev.txt").write_text("\n".join(" ".join(s) for s in dev) + "\n", encoding="utf8")
    with contextlib.redirect_stdout(io.StringIO()):
        spacy_pkuseg.train(str(tmp / "train.txt"), str(tmp / "dev.txt"), str(tmp / "model"), train_iter=1)
    return tmp / "model"


@pytest.fixture(scope="session")
def nlp_seg(tiny_model):
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "tcbio.Segmenter.v1"}}})
    lexicon, patterns = protected_lists()
    nlp.tokenizer.initialize(pkuseg_model=str(tiny_model), lexicon=lexicon, patterns=patterns)
    return nlp


def tokens(nlp, text: str) -> list[str]:
    return [t.text for t in nlp(text)]


def boundaries(doc) -> list[tuple[int, int]]:
    return [(t.idx, t.idx + len(t)) for t in doc if not t.is_space]


def assert_whole(doc, name: str) -> None:
    """`name` occurs in the text and token boundaries fall at both its ends."""
    start = doc.text.index(name)
    assert doc.char_span(start, start + len(name)) is not None, (name, [t.text for t in doc])


# -- domain text ---------------------------------------------------------------------------
def test_contract_sentence_keeps_names_whole(nlp_seg) -> None:
    doc = nlp_seg(CONTRACT)
    assert doc.text == CONTRACT
    assert_whole(doc, "衛福部食藥署")
    assert "衛部藥製字第058540號" in [t.text for t in doc]


@pytest.mark.parametrize(
    ("text", "names", "single"),
    [
        ("衛生福利部中央健康保險署與國科會共同補助新臺幣 4,880 萬元。",
         ["衛生福利部中央健康保險署", "國科會"], ["新臺幣 4,880 萬元"]),
        ("食藥署核准太捷信膠囊250毫克上市", ["食藥署", "太捷信膠囊250毫克"], []),
        ("依衛署藥輸字第025123號許可證，補助新臺幣6億3,283萬2,421元",
         [], ["衛署藥輸字第025123號", "新臺幣6億3,283萬2,421元"]),
    ],
)
def test_domain_sentences(nlp_seg, text: str, names: list[str], single: list[str]) -> None:
    doc = nlp_seg(text)
    assert doc.text == text
    for name in names + single:
        assert_whole(doc, name)
    for name in single:
        assert name in [t.text for t in doc]


@pytest.mark.parametrize("brk", ["\n", "\r\n", " \n", "\n  "])
def test_licence_number_broken_by_a_pdf_line_break_is_one_token(nlp_seg, brk: str) -> None:
    licence = f"衛部藥製字第{brk}058540號"
    text = f"核發{licence}藥品許可證"
    doc = nlp_seg(text)
    assert doc.text == text
    token = next(t for t in doc if t.text.startswith("衛部"))
    assert token.text == licence
    assert token.norm_ == "衛部藥製字第058540號"


def test_agency_broken_by_a_line_break_stays_whole(nlp_seg) -> None:
    doc = nlp_seg("本案由衛福部食\n藥署核准")
    assert doc.text == "本案由衛福部食\n藥署核准"
    assert_whole(doc, "衛福部食\n藥署")


def test_agency_in_a_letter_spaced_heading_is_one_token(nlp_seg) -> None:
    doc = nlp_seg("衛生福利部\n\n教　育　部令\n")
    assert "教　育　部" in [t.text for t in doc]  # G3: the spaced name is one name; 令 is its own word


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("ULSAFE F.C.TABLETS 150MG(RANITIDINE)", ["150MG", "(", "RANITIDINE", ")"]),
        ("歐洲CHMP(The Agency’s Committee)", ["CHMP", "(", "The"]),
        ("Oncoginase(L-asparaginase)注射劑", ["Oncoginase", "("]),
    ],
)
def test_a_parenthesis_after_a_latin_word_is_a_word_of_its_own(nlp_seg, text: str, words: list[str]) -> None:
    toks = tokens(nlp_seg, text)
    i = toks.index(words[0])
    assert toks[i: i + len(words)] == words


def test_unseen_ideographs_go_to_the_model_as_one_symbol(nlp_seg) -> None:
    from tcbio_nlp.segmentation import UNKNOWN_CHAR, unknown_char_table

    table = nlp_seg.tokenizer._unknown_table
    assert table is not None and table[ord("鱻")] == UNKNOWN_CHAR
    assert ord("的") not in table and ord("四") not in table  # seen; numerals are pkuseg's **Num
    assert unknown_char_table({"c.的": 0}) is None  # a model trained without the symbol
    text = "鱻𩸞龘的研究"
    assert nlp_seg(text).text == text


def test_lexicon_names_do_not_match_inside_latin_words() -> None:
    seg = Segmenter(spacy.blank("zh").vocab)
    seg.set_protected(lexicon=["NIH", "立院", "國科會"])
    assert seg.lexicon == ["NIH", "國科會"]  # two-ideograph names are left to the model
    assert seg.protected_spans("NIHON與NIH") == [(6, 9)]


# -- normalisation: Simplified, full-width ------------------------------------------------
def test_simplified_input_keeps_text_and_offsets(nlp_seg) -> None:
    simplified = "卫福部食药署核发卫部药制字第058540号药品许可证"
    doc = nlp_seg(simplified)
    assert doc.text == simplified
    assert "".join(t.text_with_ws for t in doc) == simplified
    assert all(simplified[t.idx : t.idx + len(t)] == t.text for t in doc)
    # segmented exactly like the Traditional text, and the norms are Traditional
    assert boundaries(doc) == boundaries(nlp_seg(CONTRACT))
    assert [t.norm_ for t in doc][:2] == ["衛福部食藥署", "核發"]
    assert doc.user_data["tcbio_norm_text"] == CONTRACT


@pytest.mark.parametrize(
    ("full", "half"),
    [("每錠含１０．８公絲", "每錠含10.8公絲"), ("（一）申請人應檢附", "(一)申請人應檢附"),
     ("ＤＮＡ資料，共９８．５３％", "DNA資料,共98.53%")],
)
def test_full_width_input_segments_like_half_width(nlp_seg, full: str, half: str) -> None:
    doc = nlp_seg(full)
    assert doc.text == full
    assert boundaries(doc) == boundaries(nlp_seg(half))


def test_numbers_latin_words_and_punctuation(nlp_seg) -> None:
    text = "以98.53%通過，DNA資料（共1,500筆）。"
    words = tokens(nlp_seg, text)
    for w in ("DNA", "，", "（", "）", "。"):  # always words of their own
        assert w in words
    for w in ("98.53%", "1,500"):  # never split (what they attach to is the model's call)
        assert any(w in t for t in words), words


@pytest.mark.parametrize(
    "text", ["", " ", "\n\n", "  前後空白  ", "第一行\n\n\x0c第二行\t表格  欄位", "ABC def 123", "。，"]
)
def test_text_is_never_altered(nlp_seg, text: str) -> None:
    doc = nlp_seg(text)
    assert doc.text == text


# -- serialisation -------------------------------------------------------------------------
def test_round_trip_to_disk_and_spacy_load(nlp_seg, tmp_path) -> None:
    text = "衛福部食藥署核發衛部藥製字第\n058540號，補助新臺幣 4,880 萬元。"
    nlp_seg.to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    assert isinstance(loaded.tokenizer, Segmenter)
    assert tokens(loaded, text) == tokens(nlp_seg, text)
    assert loaded.tokenizer.lexicon == nlp_seg.tokenizer.lexicon
    assert loaded.tokenizer.patterns == nlp_seg.tokenizer.patterns


def test_round_trip_bytes(nlp_seg) -> None:
    other = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "tcbio.Segmenter.v1"}}})
    other.tokenizer.from_bytes(nlp_seg.tokenizer.to_bytes())
    assert tokens(other, CONTRACT) == tokens(nlp_seg, CONTRACT)


def test_uninitialised_segmenter_says_what_to_do() -> None:
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "tcbio.Segmenter.v1"}}})
    with pytest.raises(ValueError, match="pkuseg_model"):
        nlp("衛福部")


# -- the shipped pipeline, where installed -------------------------------------------------
@pytest.fixture(scope="module")
def shipped():
    if not (SHIPPED / "config.cfg").exists():
        pytest.skip("shipped pipeline models/tcbio_zh_core not built")
    return spacy.load(SHIPPED)


def test_shipped_tokenizer_segments_domain_and_general_text(shipped) -> None:
    doc = shipped.tokenizer(CONTRACT)
    assert_whole(doc, "衛福部食藥署")
    assert "衛部藥製字第058540號" in [t.text for t in doc]
    # a GSD-style general sentence (dev-s2) segments as the treebank does
    assert tokens(shipped.tokenizer, "大多數的加長型禮車則是租車公司的財產。")[-4:] == ["公司", "的", "財產", "。"]
    # a parenthesis around one letter is left to the model: the treebank writes f(x) as one word
    assert "f(x" in tokens(shipped.tokenizer, "函數f(x)的值")
