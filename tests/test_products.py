"""Product registries: written forms, short/ambiguous brands, gazetteer matches and links; agency data files."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.vocab import Vocab

from tcbio_nlp.entities.gazetteer import AgencyGazetteer, ProductGazetteer
from tcbio_nlp.normalization import normalize_text
from tcbio_nlp.products import (
    brand_fires_alone,
    chinese_brand,
    english_brand,
    generic_entry,
    ingredient_names,
    split_bilingual,
    split_products,
    written_forms,
)
from tcbio_nlp.resources import create_resources
from tcbio_nlp.values.component import EntityNormalizer

SHARED = Path(__file__).resolve().parents[1].parent / "shared"



def test_brand_without_dosage_form_and_strength() -> None:
    assert english_brand("Keytruda 100mg/4ml Concentrate for Solution for Infusion") == "Keytruda"
    assert english_brand('ATENO F.C. TABLETS 100MG (ATENOLOL) "CHINTENG"') == "ATENO"
    assert chinese_brand('"大豐"癒尿寧膜衣錠100毫克') == ("大豐", "癒尿寧")


def test_recall_names_split_into_chinese_and_english() -> None:
    assert split_bilingual("亞恬膜衣錠50毫克 ATENO F.C. TABLETS 50MG") == (
        "亞恬膜衣錠50毫克", "ATENO F.C. TABLETS 50MG")
    assert split_bilingual('"大豐"必治痛錠３００毫克（乙醯胺酚）') == ('"大豐"必治痛錠３００毫克（乙醯胺酚）', "")


def test_a_recall_field_naming_several_products_gives_each_name() -> None:
    assert split_products('熱風可鎮膠囊、痢博新膠囊、"木村"胃散、青蘭油') == [
        "熱風可鎮膠囊", "痢博新膠囊", '"木村"胃散', "青蘭油"]
    # lot numbers are left out, also when they list several lots
    assert split_products('哈泰利咳露（批號M127）、"尼斯可"立淨黴乳膏（批號M104、M168、M176）') == [
        "哈泰利咳露", '"尼斯可"立淨黴乳膏']
    # two strengths of one product, and a Chinese name with its English name, stay one
    assert split_products("優凡可注射劑500毫克、1公克") == ["優凡可注射劑500毫克、1公克"]
    assert split_products('好視多眼用懸浮液0.2公絲/公撮 、 FOXONE OPHTHALMIC SUSPENSION 0.2MG/ML "WINSTON"') == [
        '好視多眼用懸浮液0.2公絲/公撮 FOXONE OPHTHALMIC SUSPENSION 0.2MG/ML "WINSTON"']


def test_bilingual_split_keeps_the_brand_quote_and_drops_wrapping_parentheses() -> None:
    assert split_bilingual('酯膽 生僉錠25公絲"強生"BETHANECHOL TABLETS 25MG "JOHNSON"') == (
        '酯膽 生僉錠25公絲"強生"', 'BETHANECHOL TABLETS 25MG "JOHNSON"')
    assert split_bilingual('"美時" 美胰持續性藥效錠30公絲 (MEZIDE MR TABLETS 30MG "LOTUS")') == (
        '"美時" 美胰持續性藥效錠30公絲', 'MEZIDE MR TABLETS 30MG "LOTUS"')


def test_products_named_after_their_ingredient_are_not_matched_by_the_bare_brand() -> None:
    ampicillin = ["衛署藥製字第016378號", "安比西林膠囊", 'AMPICILLIN CAPSULES "SINTONG"', "", "x"]
    morphine = ["衛署藥製字第056306號", '"管制藥品廠"硫酸嗎啡錠15毫克', '"PPCD"Morphine Sulfate Tablets 15mg', "", "x"]
    # ingredients are known from the parentheses of other registered names
    others = [["", "安必林膠囊(AMPICILLIN)", "", "", "x"], ["", "嗎啡錠(MORPHINE)", "", "", "x"]]
    ingredients = ingredient_names(None, [*others, ampicillin, morphine])
    assert generic_entry(ampicillin, ingredients) and generic_entry(morphine, ingredients)
    assert not generic_entry(["", "艾必克凝膜衣錠5毫克", "Eliquis Film-Coated Tablet 5mg", "", "x"], ingredients)
    for entry in (ampicillin, morphine):
        forms = set(written_forms(entry, ingredients))
        assert not forms & {"安比西林", "AMPICILLIN", "AMPICILLIN®", "硫酸嗎啡", "Morphine Sulfate"}, forms
    assert "安比西林膠囊" in written_forms(ampicillin, ingredients)  # the registered name still is one
    assert not brand_fires_alone("維生素B6", set())


def test_parentheses_of_registered_names_follow_the_corpus_decisions() -> None:
    # a health food's flavour is part of its name, its ingredient (from the licence's ingredient field) is not (G10)
    food = ["衛署健食字第A00066號", "引藻™片(小球藻W-87)", "", "", "health_food_tfda19"]
    assert "引藻™片" in written_forms(food, set(), frozenset({"小球藻W-87"}))
    assert "引藻™片(小球藻W-87)" not in written_forms(food, set(), frozenset({"小球藻W-87"}))
    oats = ["衛署健食字第A00161號", "桂格喝的燕麥(原味)", "", "", "health_food_tfda19"]
    assert "桂格喝的燕麥(原味)" in written_forms(oats, set())
    assert "珍藍藻錠 (暫停生產)" not in written_forms(["", "珍藍藻錠 (暫停生產)", "", "", "health_food_tfda19"], set())
    # a Latin name ends before an ingredient in parentheses inside it
    implant = ["衛署藥輸字第025360號", "傲迪適眼後段植入劑", "Ozurdex (dexamethasone intravitreal implant) 0.7mg", "",
               "x"]
    assert "Ozurdex" in written_forms(implant, {"DEXAMETHASONE"})
    # a flavour and a formulation code in parentheses belong to a drug's name
    assert "舒清喉錠(檸檬口味)" in written_forms(["", "舒清喉錠(檸檬口味)", "SUCIN TROCHES", "", "x"], set())
    coded = '"百特" 克里密絲輸注液（N9G15E）'
    assert coded in written_forms(["", coded, "", "", "x"], set())


def test_written_forms_cover_marks_and_brand_quotes() -> None:
    forms = written_forms(["衛部藥輸字第026133號", "艾必克凝膜衣錠5毫克", "Eliquis Film-Coated Tablet 5mg", "", "x"],
                          set())
    assert {"Eliquis", "Eliquis®", "Eliquis™", "艾必克凝", "艾必克凝膜衣錠5毫克"} <= set(forms)
    quoted = written_forms(["", '"晟德"寧可舒錠', "", "", "x"], set())
    assert {'"晟德"寧可舒錠', "“晟德”寧可舒錠", "〝晟德〞 寧可舒錠", "寧可舒"} <= set(quoted)


@pytest.mark.parametrize("brand", ["克癇", "DEXAMETHASONE", "麻黃素", "AID", "VITAMIN"])
def test_short_or_ambiguous_brands_do_not_fire_alone(brand: str) -> None:
    assert not brand_fires_alone(brand, {"DEXAMETHASONE"})


@pytest.fixture(scope="module")
def vocab() -> Vocab:
    shared = str(SHARED)
    return Vocab(lookups=create_resources(f"{shared}/data/tw_agencies/tw_gov_org_2016_output.json",
                                          f"{shared}/data/tfda_licenses", shared))


def _found(component, text: str) -> list[str]:
    return [text[a:b] for a, b, _ in component.matches(normalize_text(text))]


def test_product_gazetteer_finds_brands_and_the_normaliser_links_them(vocab: Vocab) -> None:
    gaz = ProductGazetteer(vocab=vocab)
    gaz.initialize()
    text = "本署核准Ozempic®注射劑，並回收“大豐”癒尿寧膜衣錠100毫克及Eliquis膜衣錠。"
    assert _found(gaz, text) == ["Ozempic®", "“大豐”癒尿寧膜衣錠100毫克", "Eliquis"]
    norm = EntityNormalizer(vocab=vocab)
    norm.initialize()
    value = norm.link_product("Eliquis®")
    assert value["links"][0]["name_en"].startswith("Eliquis")
    assert value["links"][0]["licence_no"].startswith("衛部藥輸字")
    assert norm.link_product("“大豐”癒尿寧膜衣錠100毫克")["links"][0]["holder"] == "大豐製藥股份有限公司"


def test_agency_gazetteer_knows_local_bodies_courts_and_foreign_acronyms(vocab: Vocab) -> None:
    gaz = AgencyGazetteer(vocab=vocab)
    gaz.initialize()
    assert _found(gaz, "屏東縣政府衛生局及前鎮區衛生所配合辦理") == ["屏東縣政府衛生局", "前鎮區衛生所"]
    assert _found(gaz, "本案經臺灣臺北地方法院判決確定") == ["臺灣臺北地方法院"]
    assert "CDER" in _found(gaz, "美國FDA之CDER表示")
    norm = EntityNormalizer(vocab=vocab)
    norm.initialize()
    assert norm.registry.canonical("屏東縣衛生局") == "屏東縣政府衛生局"
    assert norm.registry.canonical("衛生署疾病管制局") == "行政院衛生署疾病管制局"


def test_segmenter_keeps_product_names_whole_only_up_to_a_parenthesis(vocab: Vocab) -> None:
    from tcbio_nlp.resources import lexicon_names

    words = set(lexicon_names(vocab))
    # the registered name 防栓塞腸溶微粒膠囊１００公絲（乙醯水楊酸）〝井田〞: ingredient and maker are left out (G10)
    assert "防栓塞腸溶微粒膠囊100公絲" in {normalize_text(w) for w in words}
    assert not any("（" in w or "(" in w for w in words if "膠囊" in w)


def test_latin_product_name_broken_by_a_line_is_found_and_quoted_makers_belong_to_english_names(vocab: Vocab) -> None:
    gaz = ProductGazetteer(vocab=vocab)
    gaz.initialize()
    assert "Eliquis\nFilm-Coated Tablet 5mg" in _found(gaz, "如Eliquis\nFilm-Coated Tablet 5mg）")
    text = '產品：溫美眼眼藥水 WINMEGEN OPHTHALMIC SOLUTION "WINSTON"\n許可證字號：'
    assert 'WINMEGEN OPHTHALMIC SOLUTION "WINSTON"' in _found(gaz, text)
