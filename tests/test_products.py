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
    split_bilingual,
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
