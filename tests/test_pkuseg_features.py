"""PkusegFeatures gives exactly what spacy-pkuseg's per-character feature function gives.

The Viterbi adds up the weight of every listed feature, duplicates included, in list order,
so the lists are compared as they are (same indices, same order), which is more than the
same multiset. Checked on the shipped pkuseg model for real text (the seed documents, GSD
sentences) and awkward strings, on a small model whose features include the ``**noWord``
combinations the shipped model trimmed, and on the Segmenter's token boundaries.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from spacy_pkuseg.config import config as pkuseg_config
from spacy_pkuseg.feature_extractor import FeatureExtractor

from tcbio_nlp import pkuseg_features
from tcbio_nlp.pkuseg_features import PkusegFeatures, node_features, original_node_features

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "seeds"
GSD_DIR = SHARED / "data" / "ud_chinese_gsd"
N_GSD = 300

AWKWARD = [
    "1",
    "a",
    "中",
    "12",
    "ab",
    "中文",
    "A1",
    "2024年3月5日",
    "１２３４５６７８９０％",
    "ＡＢＣｘｙｚ－／・",
    "-._,|/*:",
    "a-b.c_d,e|f/g*h:i",
    "衛福部113年度預算為新臺幣1,234.5億元",
    "COVID-19疫苗EUA第2劑",
    "iPhone15Pro售價NT$36,900元",
    "第十二屆立法委員三百六十五人",
    "ISO/IEC 27001:2022",
    "𠀀𠀁中文𡃁",  # astral ideographs
    "\ue000\ue000的\ue000",  # the tokenizer's stand-in for unseen ideographs
    "一二三四五六七八九十",
    "的的的的的的的的的的的的的的的",
    "中華民國臺灣食品藥物管理署衛生福利部",
]


def nodes_of(seg, text: str) -> list[str]:
    """What Segmenter._pkuseg_cuts passes to the feature function for `text`."""
    if seg._unknown_table is not None:
        text = text.translate(seg._unknown_table)
    return list(map(seg._node_map.get, text, text))


def original(nodes: list[str], feature_to_idx: dict[str, int], unigram: set[str]) -> list[list[int]]:
    return [original_node_features(pkuseg_config, i, nodes, feature_to_idx, unigram) for i in range(len(nodes))]


def gsd_sentences() -> list[str]:
    texts: list[str] = []
    for path in sorted(GSD_DIR.rglob("*.conllu")):
        for line in path.read_text("utf8").splitlines():
            if line.startswith("# text = "):
                texts.append(line[len("# text = ") :])
                if len(texts) >= N_GSD:
                    return texts
    return texts


@pytest.fixture(scope="module")
def seg(nlp):
    if nlp.tokenizer.pkuseg is None:
        pytest.skip("the shipped pipeline has no pkuseg model")
    return nlp.tokenizer


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    lines = [line for p in sorted(SEEDS.glob("*.txt")) for line in p.read_text("utf8").splitlines()]
    if not lines:
        pytest.skip(f"no seed documents in {SEEDS}")
    return lines


def assert_same(fast: PkusegFeatures, seg, texts: list[str]) -> None:
    fe = seg.pkuseg.feature_extractor
    for text in texts:
        for run in (text, *text.split()):  # a whole line (spaces are nodes too) and its runs
            nodes = nodes_of(seg, run)
            got, want = fast(nodes), original(nodes, fe.feature_to_idx, fe.unigram)
            assert len(got) == len(want), run
            for i, (g, w) in enumerate(zip(got, want, strict=True)):
                assert sorted(g) == sorted(w), (run, i)
                assert g == w, (run, i)  # the order too


def test_config_is_what_the_fast_path_assumes() -> None:
    assert pkuseg_config.wordFeature
    assert pkuseg_config.wordMin >= 2


def test_seed_lines(seg, seed_lines) -> None:
    assert_same(seg._fast_features, seg, seed_lines)


def test_gsd_sentences(seg) -> None:
    texts = gsd_sentences()
    if not texts:
        pytest.skip(f"no GSD conllu files under {GSD_DIR}")
    assert_same(seg._fast_features, seg, texts)


def test_awkward_strings(seg) -> None:
    fast = PkusegFeatures(seg.pkuseg.feature_extractor)  # cold caches
    assert_same(fast, seg, AWKWARD)
    assert fast([]) == []


def test_random_mixtures(seg) -> None:
    rng = random.Random(7)
    alphabet = list("的一是在不了有和人這中大為上個國我以要他時來用們生到地於出就分對成會可主發年動")
    alphabet += list("0123456789abcXYZ１２ＡＢ-._,|/*: %％．。，、（）") + ["\ue000", "𠀀"]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(400)]
    assert_same(PkusegFeatures(seg.pkuseg.feature_extractor), seg, texts)


def test_fallbacks_and_cache_reset(seg, monkeypatch) -> None:
    fe = seg.pkuseg.feature_extractor
    fast = PkusegFeatures(fe)
    fast(["**Num", "年"])  # gives "**Num" its private-use character
    code = fast._codes["**Num"]
    for nodes in (
        ["a", code, "b", "**Num"],  # that character in the run itself: the original function
        ["中", "", "文", "**Num"],  # an empty node
        ["中文", "**Num", "的"],  # a node of several characters that is part of a word
    ):
        assert fast(nodes) == original(nodes, fe.feature_to_idx, fe.unigram), nodes
    monkeypatch.setattr(pkuseg_features, "_MAX_CACHE", 50)
    assert_same(fast, seg, AWKWARD)  # the caches start over many times


def test_node_features_function_and_no_word_features(seg) -> None:
    fe = seg.pkuseg.feature_extractor
    nodes = nodes_of(seg, "衛生福利部食品藥物管理署公告2024年")
    want = original(nodes, fe.feature_to_idx, fe.unigram)
    assert node_features(nodes, fe.feature_to_idx, fe.unigram, pkuseg_config.wordMin, pkuseg_config.wordMax) == want
    no_words = PkusegFeatures(fe, word_feature=False)
    assert no_words(nodes) == want  # the original function, as pkuseg calls it


def test_no_word_duplicates_with_a_model_that_keeps_them() -> None:
    """pkuseg keeps a ww. feature only for a word bigram seen in training, so a model has no
    **noWord ones; here every combination of a few sentences is a feature, and 'ww.l.**noWord
    ***noWord' is listed many times for one position."""

    class Everything:
        def __contains__(self, item: object) -> bool:
            return True

    sentences = [
        "我們 在 臺北 市 的 醫院 工作",
        "衛生 福利部 公告 新 的 藥品 許可證",
        "他 說 2024 年 的 預算 為 一百 億 元",
        "中華民國 臺灣 食品 藥物 管理署",
    ]
    fe = FeatureExtractor()
    fe.bigram = Everything()  # every word (or **noWord) pair makes a ww. feature
    feats: dict[str, int] = {}
    for line in sentences:
        words = FeatureExtractor.keyword_rename(line).split()
        fe.unigram.update(words)
        chars = [FeatureExtractor._num_letter_normalize_char(c) for w in words for c in w]
        for i in range(len(chars)):
            for f in fe.get_node_features(i, chars):
                if f != "/":
                    feats.setdefault(f, len(feats))
    fe.feature_to_idx = feats
    assert "ww.l.**noWord***noWord" in feats
    fast = PkusegFeatures(fe)
    texts = [s.replace(" ", "") for s in sentences] + ["在臺北市工作的他說", "的", "公告", "2024年", "臺北臺北臺北"]
    dup = False
    for text in texts:
        nodes = list(FeatureExtractor.normalize_text(text))
        got, want = fast(nodes), original(nodes, feats, fe.unigram)
        assert got == want, text
        dup = dup or any(len(w) != len(set(w)) for w in want)
    assert dup  # duplicates were there to be kept


def test_segmenter_boundaries_unchanged(seg, seed_texts) -> None:
    assert seg.fast_features
    fast = {name: seg.segment(text) for name, text in seed_texts.items()}
    seg.fast_features = False
    try:
        slow = {name: seg.segment(text) for name, text in seed_texts.items()}
    finally:
        seg.fast_features = True
    for name in seed_texts:
        assert fast[name] == slow[name], name
