"""Normalised values on the forms the annotation guidelines and the seed documents print."""

from decimal import Decimal

import pytest

from tcbio_nlp.values import parse_licence, parse_money


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("新臺幣6億3,283萬2,421元", "632832421", "TWD"),
        ("836 萬美元", "8360000", "USD"),
        ("新臺幣六十萬元", "600000", "TWD"),
        ("八○○多億元", "80000000000", "TWD"),
        ("16億9,225萬6千元", "1692256000", "TWD"),
        ("330 元日幣", "330", "JPY"),
        ("1,519.41 億元", "151941000000", "TWD"),
        ("8.6元", "8.6", "TWD"),
        ("新台幣四百萬元", "4000000", "TWD"),
        ("ＮＴ＄ ５００", "500", "TWD"),
        ("US$1.2 billion", "1200000000", "USD"),
        ("新臺幣(下同)15萬元", "150000", "TWD"),
        ("新台币6亿元", "600000000", "TWD"),
    ],
)
def test_money_values_are_exact_decimals(text: str, value: str, currency: str) -> None:
    norm = parse_money(text)
    assert norm == {"value": Decimal(value), "currency": currency}
    assert isinstance(norm["value"], Decimal)


def test_money_range_gives_low_and_high() -> None:
    assert parse_money("3至5億元") == {"low": Decimal(300000000), "high": Decimal(500000000), "currency": "TWD"}
    assert parse_money("新臺幣 1 億至 2 億元")["low"] == Decimal(100000000)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        # a range of two full amounts (guidelines: a range is one span), and G24's 以上 … 以下 fine range
        ("500億元至600億元", "50000000000", "60000000000"),
        ("新臺幣十萬元以上三十萬元", "100000", "300000"),
        ("四百多元至六百多元", "400", "600"),
        # a spoken range of two neighbouring digits: "four or five hundred"
        ("4、500元", "400", "500"),
        ("三、四十萬元", "300000", "400000"),
    ],
)
def test_ranges_written_out_give_low_and_high(text: str, low: str, high: str) -> None:
    assert parse_money(text) == {"low": Decimal(low), "high": Decimal(high), "currency": "TWD"}


@pytest.mark.parametrize(
    ("text", "value"),
    [("新臺幣壹佰貳拾萬元", "1200000"), ("二百六十九點四十八億元", "26948000000"), ("三點五萬元", "35000")],
)
def test_formal_numerals_and_the_chinese_decimal_point(text: str, value: str) -> None:
    assert parse_money(text) == {"value": Decimal(value), "currency": "TWD"}


def test_a_list_of_two_amounts_is_not_a_spoken_range() -> None:
    assert parse_money("4、6元") is None  # 4 and 6 are not neighbours: no amount to read


def test_vague_amount_has_no_value_but_a_currency() -> None:
    assert parse_money("數千萬元") == {"value": None, "currency": "TWD"}


def test_unit_header_without_number_is_not_money() -> None:
    assert parse_money("單位") is None


def test_licence_variants_get_the_canonical_form() -> None:
    norm = parse_licence("衛部藥製第 061572 號")
    assert norm == {"issuer": "衛部", "kind": "藥製", "serial": "061572", "canonical": "衛部藥製字第061572號"}
    assert parse_licence("衛部藥製字第\n058540號")["canonical"] == "衛部藥製字第058540號"
    assert parse_licence("衛部醫器陸輸壹登字第a00073號")["kind"] == "醫器陸輸壹登"
    assert parse_licence("卫部药制字第058540号")["canonical"] == "衛部藥製字第058540號"


def test_shared_prefix_list_lists_each_number() -> None:
    norm = parse_licence("衛署藥輸字第025129、025647、025648號")
    assert norm["numbers"] == ["衛署藥輸字第025129號", "衛署藥輸字第025647號", "衛署藥輸字第025648號"]


def test_document_numbers_are_not_licences() -> None:
    assert parse_licence("第17條之1") is None


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("內衛藥製000465號", "內衛藥製字第000465號"),  # 字 and 第 missing as printed in a recall record
        ("衛署成字第007869號", "衛署成字第007869號"),
        ("衛部健食規字第000041號", "衛部健食規字第000041號"),
        ("動物藥製字第F0184號", "動物藥製字第F0184號"),
        ("動物藥製字第07419", "動物藥製字第07419號"),  # 號 missing in a veterinary list
    ],
)
def test_licence_forms_of_the_records_get_their_canonical_form(text: str, canonical: str) -> None:
    assert parse_licence(text)["canonical"] == canonical


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        # bodies of the 2022-2023 reorganisations, missing from the 2016 registry data
        ("中企署", "經濟部中小及新創企業署"),
        ("農村發展及水土保持署", "農業部農村發展及水土保持署"),
        ("核安會", "核能安全委員會"),
        # the full name an alias row gives is itself a name of the body
        ("國際醫藥法規協和會", "國際醫藥法規協和會"),
        ("財團法人醫藥品查驗中心", "財團法人醫藥品查驗中心"),
        # the 2016 data still counts
        ("經濟部標準檢驗局", "經濟部標準檢驗局"),
    ],
)
def test_agency_registry_gives_canonical_names(name: str, canonical: str) -> None:
    from pathlib import Path

    from tcbio_nlp.values.agency import AgencyRegistry

    shared = Path(__file__).resolve().parents[2] / "shared"
    registry = AgencyRegistry.from_sources(shared / "data" / "tw_agencies" / "tw_gov_org_2016_output.json")
    assert registry.canonical(name) == canonical
