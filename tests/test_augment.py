"""The name-swap augmenter on real training excerpts: copies keep the context and aligned gold spans."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from spacy.training import Example

from tcbio_nlp.augment import agency_pool, create_name_swap_augmenter, product_pool

SHARED = Path(__file__).resolve().parents[2] / "shared"
TFDA_DIR = SHARED / "data" / "tfda_licenses"
TW_AGENCIES = SHARED / "data" / "tw_agencies" / "tw_gov_org_2016_output.json"
TEXT = "◎治敏健注射液 Soragen-S Injection (衛署藥製字第044551號)，由衛福部食藥署公告，經濟部產業發展署協助。"
GOLD = [("治敏健注射液", "PRODUCT"), ("Soragen-S Injection", "PRODUCT"), ("衛署藥製字第044551號", "LICENSE_NO"),
        ("衛福部食藥署", "AGENCY"), ("經濟部產業發展署", "AGENCY")]


def _example(nlp) -> Example:
    doc = nlp.make_doc(TEXT)
    ref = doc.copy()
    ref.ents = [ref.char_span(TEXT.index(s), TEXT.index(s) + len(s), label=label) for s, label in GOLD]
    return Example(doc, ref)


def test_swapped_copies_keep_the_context_and_align_every_span(nlp) -> None:
    augment = create_name_swap_augmenter(level=1.0, tfda_dir=str(TFDA_DIR), tw_agencies_json=str(TW_AGENCIES),
                                         swap_probability=1.0, seed=3)
    chinese_agencies, _ = agency_pool(TW_AGENCIES)
    chinese_products, latin_products = product_pool(TFDA_DIR)
    swapped = 0
    for _ in range(20):
        out = list(augment(nlp, _example(nlp)))
        assert out[0].reference.text == TEXT  # the original is always kept
        if len(out) == 1:  # a drawn name did not fit the tokens: no copy
            continue
        swapped += 1
        ents = [(e.text, e.label_) for e in out[1].reference.ents]
        assert [label for _, label in ents] == [label for _, label in GOLD]
        assert ents[2] == GOLD[2]  # LICENSE_NO is never swapped
        assert ents[0][0] in chinese_products and ents[1][0] in latin_products
        assert ents[3][0] in chinese_agencies and ents[4][0] in chinese_agencies
        assert "公告，" in out[1].reference.text and out[1].reference.text.endswith("協助。")
    assert swapped >= 10


def test_unknown_label_is_refused() -> None:
    with pytest.raises(ValueError, match="MONEY"):
        create_name_swap_augmenter(level=0.5, tfda_dir=str(TFDA_DIR), labels=["MONEY"])


def test_agency_pool_holds_body_names_only() -> None:
    chinese, latin = agency_pool(TW_AGENCIES)
    rng = random.Random(0)
    assert len(chinese) > 300 and "FDA" in latin
    assert all(name[-1] in "心部署所院會場組局司府室省盟處織館廳科隊" for name in rng.sample(chinese, 100))
