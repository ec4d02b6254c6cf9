"""Entity rules and the agency gazetteer on sentences from the seed documents and TFDA notices.

Each test sets the entities a previous component would have produced, runs one component
of the shipped pipeline, and checks what the guidelines ask for. The junk tests (issue 14) run the
whole pipeline on real documents decorated as they also reach users (emoji bullets, Markdown
tables, concatenated files' byte-order marks): no entity is junk or has junk at an edge.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest


def _with_ents(nlp, text: str, ents: list[tuple[str, str]]):
    doc = nlp.make_doc(text)
    spans = []
    for surface, label in ents:
        start = text.index(surface)
        span = doc.char_span(start, start + len(surface), label=label, alignment_mode="expand")
        assert span is not None
        spans.append(span)
    doc.ents = spans
    return doc


def _ents(doc) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in doc.ents]


@pytest.mark.parametrize(
    ("text", "predicted", "expected"),
    [
        # an agency name that runs on into the clause is cut back to the body word (seed 004, 生技研發)
        ("農業部高雄區農業改良場與臺灣大學合作，運用分子標誌輔助回交育種",
         "農業部高雄區農業改良場與臺灣大學合作", [("農業部高雄區農業改良場", "AGENCY")]),
        ("經濟部中小及新創企業署未來將持續引導創育機構串接公私協力資源",
         "經濟部中小及新創企業署未來將持續引導創育機構串接公私協力資源", [("經濟部中小及新創企業署", "AGENCY")]),
        # no body word at all: not an agency
        ("預計帶來數百萬的商機", "數百萬", []),
        # a Latin name is left alone, a lowercase word is not an agency
        ("已獲美國 FDA 核准", "FDA", [("FDA", "AGENCY")]),
        ("促進 biomedical 產業", "biomedical", []),
        # a verb of which the agency is the subject ends it, though it ends in a body character (treebank)
        ("他在首都高等法院判處死刑", "首都高等法院判處", [("首都高等法院", "AGENCY")]),
        # a Chinese name followed by a full stop is still a Chinese name: no body word, no agency (treebank)
        ("總共13 家銀行獲得了首批人民幣做市商牌照.", "首批人民幣做市商牌照.", []),
        # a clause word ends the name; what is left names no body
        ("財團法人研究機構亦分別設有生技創新育成中心，協助將研發成果",
         "財團法人研究機構亦分別設有生技創新育成中心", []),
    ],
)
def test_agency_prediction_ends_on_a_body_word(nlp, text, predicted, expected) -> None:
    doc = nlp.get_pipe("tcbio_entity_rules")(_with_ents(nlp, text, [(predicted, "AGENCY")]))
    assert _ents(doc) == expected


def test_product_prediction_stops_at_a_clause_break(nlp) -> None:
    text = "QOCA智能體溫貼片，與廣達電腦公司合作進行第二代產品開發"
    predicted = [("QOCA智能體溫貼片，與廣達電腦公司合作進行第二代", "PRODUCT")]
    doc = nlp.get_pipe("tcbio_entity_rules")(_with_ents(nlp, text, predicted))
    assert _ents(doc) == [("QOCA智能體溫貼片", "PRODUCT")]


def test_chinese_and_english_names_split_but_english_names_stay_whole(nlp) -> None:
    text = ("◎治敏健注射液 Soragen-S Injection (衛署藥製字第044551號)\n"
            "暉致速悅持續性藥效膠囊37.5毫克\nEffexor XR 37.5mg Sustained-release Capsules")
    doc = _with_ents(nlp, text, [("治敏健注射液 Soragen-S Injection", "PRODUCT"),
                                 ("Effexor XR 37.5mg Sustained-release Capsules", "PRODUCT")])
    doc = nlp.get_pipe("tcbio_entity_rules")(doc)
    assert _ents(doc) == [("治敏健注射液", "PRODUCT"), ("Soragen-S Injection", "PRODUCT"),
                          ("Effexor XR 37.5mg Sustained-release Capsules", "PRODUCT")]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ezzicad (Ezetimibe) 10mg Tablets", "Ezzicad"),  # ingredient inside the name: the name ends before it
        ('CARDOLOL TABLETS 10MG (PROPRANOLOL) "VPP"', "CARDOLOL TABLETS 10MG"),
        ("Humulin N (NPH) 1000 U/10 mL/vial", "Humulin N (NPH) 1000 U/10 mL/vial"),  # a type, not an ingredient
        *[(n, n) for n in ["RHO (D) IMMUNE GLOBULIN (HUMAN), HYPERRHO S/D FULL DOSE"]],
    ],
)
def test_latin_product_name_ends_before_an_inner_ingredient(nlp, name, expected) -> None:
    text = f"◎{name} (衛署藥輸字第024018號)"
    doc = nlp.get_pipe("tcbio_entity_rules")(_with_ents(nlp, text, [(name, "PRODUCT")]))
    assert _ents(doc) == [(expected, "PRODUCT")]


@pytest.mark.parametrize(
    ("text", "before", "expected"),
    [
        # parent + unit written together is one span (guidelines), also when the unit is not in the registry
        ("農業部花蓮區農業改良場長期推動青蔥病蟲害整合管理", [], [("農業部花蓮區農業改良場", "AGENCY")]),
        ("國發會產業發展處表示", [], [("國發會產業發展處", "AGENCY")]),
        # a verb after the name starts a clause: 國衛院 and 經濟部產業技術司 are two bodies
        ("國衛院受經濟部產業技術司委託", [], [("國衛院", "AGENCY"), ("經濟部產業技術司", "AGENCY")]),
        # a lab is a place, not a unit
        ("國科會搭配國家實驗研究院跨領域核心實驗室能量", [],
         [("國科會", "AGENCY"), ("國家實驗研究院", "AGENCY")]),
        # whichever component found the parent: the model's 財團法人生物技術開發中心 is extended too
        ("\t\t財團法人生物技術開發中心南港生技育成中心\n", [("財團法人生物技術開發中心", "AGENCY")],
         [("財團法人生物技術開發中心南港生技育成中心", "AGENCY")]),
        # parts found separately but written together are one body
        ("中央研究院生醫轉譯研究中心創服育成專題中心\n",
         [("中央研究院生醫轉譯研究中心", "AGENCY"), ("創服育成專題中心", "AGENCY")],
         [("中央研究院生醫轉譯研究中心創服育成專題中心", "AGENCY")]),
        # a building a body runs is not its unit (treebank)
        ("他花費了許多時間來比較加拿大地質調查局博物館中的恐龍化石", [("加拿大地質調查局", "AGENCY")],
         [("加拿大地質調查局", "AGENCY")]),
        # a verb that ends in a unit character is not a unit
        ("與亞蔬-世界蔬菜中心簽署合作備忘錄", [("亞蔬-世界蔬菜中心", "AGENCY")], [("亞蔬-世界蔬菜中心", "AGENCY")]),
        # a name the model already found after a title is not swallowed
        ("工研院副總暨生醫與醫材研究所所長也指出", [("生醫與醫材研究所", "AGENCY")],
         [("工研院", "AGENCY"), ("生醫與醫材研究所", "AGENCY")]),
    ],
)
def test_agency_gazetteer_joins_a_unit_written_after_the_name(nlp, text, before, expected) -> None:
    doc = nlp.get_pipe("tcbio_agency_gazetteer")(_with_ents(nlp, text, before))
    assert _ents(doc) == expected


def test_agency_gazetteer_finds_a_body_by_the_full_name_its_alias_row_gives(nlp) -> None:
    # ICH is in the alias table with its full name; the full name written alone is a body too (seed 004)
    text = "衛福部食藥署參與第二季及第四季國際醫藥法規協和會(ICH)會員大會(Assembly)"
    doc = nlp.get_pipe("tcbio_agency_gazetteer")(nlp.make_doc(text))
    assert ("國際醫藥法規協和會", "AGENCY") in _ents(doc)
    assert ("ICH", "AGENCY") in _ents(doc)


def test_agency_gazetteer_finds_a_body_created_after_the_2016_registry_data(nlp) -> None:
    text = "經濟部中小及新創企業署未來將持續引導創育機構串接公私協力資源"  # seed 004, 生技育成
    doc = nlp.get_pipe("tcbio_agency_gazetteer")(nlp.make_doc(text))
    assert _ents(doc) == [("經濟部中小及新創企業署", "AGENCY")]


@pytest.mark.parametrize(
    ("text", "predicted", "expected"),
    [
        # an agency inside a quoted course or programme name is part of that name (seed 004)
        ("辦理「美國 FDA 申請查驗登記實務」及「歐盟醫療器材法規(MDR)申請查驗登記實務」課程", "美國 FDA", []),
        ("執行「行政院生物技術產業單一窗口」，提供60件有關法規查驗", "行政院", []),
        # a quoted name that is the agency itself stays
        ("成立「經濟部生技醫藥產業發展推動小組」", "經濟部生技醫藥產業發展推動小組",
         [("經濟部生技醫藥產業發展推動小組", "AGENCY")]),
        # a quotation with a clause break in it is speech, not a title
        ("他說「衛福部已完成審查，將於下月公告」", "衛福部", [("衛福部", "AGENCY")]),
    ],
)
def test_agency_inside_a_quoted_title_is_not_an_agency(nlp, text, predicted, expected) -> None:
    doc = nlp.get_pipe("tcbio_entity_rules")(_with_ents(nlp, text, [(predicted, "AGENCY")]))
    assert _ents(doc) == expected
    # nor does the gazetteer find the name there
    assert _ents(nlp.get_pipe("tcbio_agency_gazetteer")(nlp.make_doc(text))) == expected


# -- issue 11: examples written for the issue (not from any evaluation set), through the whole pipeline ----------
def _pipeline_ents(nlp, text: str) -> list[tuple[str, str]]:
    return _ents(nlp(text))


def test_issue_examples_products_with_trademark_signs(nlp) -> None:
    # a Latin name with ® attached is a product (guidelines: trademark signs are inside), registered or not
    assert ("Keytruda®", "PRODUCT") in _pipeline_ents(nlp, "醫師處方Keytruda®時應注意免疫相關不良反應。")
    # the parenthesised ingredient stays out (guidelines: Lipitor®（atorvastatin） → Lipitor®)
    assert ("Ozempic®", "PRODUCT") in _pipeline_ents(nlp, "本署核准Ozempic®（semaglutide）注射劑用於第二型糖尿病。")
    # dosage form and strength written with the name are one span (guidelines: Lipitor® 10mg)
    assert _pipeline_ents(nlp, "Eliquis®膜衣錠 5 mg") == [("Eliquis®膜衣錠 5 mg", "PRODUCT")]


def test_issue_examples_local_bodies_and_courts(nlp) -> None:
    assert _pipeline_ents(nlp, "屏東縣政府衛生局及前鎮區衛生所配合辦理") == [
        ("屏東縣政府衛生局", "AGENCY"), ("前鎮區衛生所", "AGENCY")]
    assert _pipeline_ents(nlp, "本案經臺灣臺北地方法院判決確定") == [("臺灣臺北地方法院", "AGENCY")]


# -- junk is never an entity (issue 14) ---------------------------------------------------------------
_POOL = Path(__file__).resolve().parents[2] / "shared" / "data" / "genre_pool"
#: real documents: a seed (a 國發會 policy text) and two CDC gazette notices of the genre corpus's train split
_JUNK_DOCS = [("seed", "003"), ("pool", "cdc_hpa_announcement/eyg_23111.txt"),
              ("pool", "cdc_hpa_announcement/eyg_59643.txt")]
_EMOJI = ["📢", "✅", "👉", "❤️", "🔔", "⚠️", "👨\u200d⚕️", "💊"]


def _junk_doc(source: str) -> str:
    from test_cli import seed

    kind, name = source
    return (seed(name) if kind == "seed" else _POOL / name).read_text("utf-8")


def _decorated(text: str, how: str) -> str:
    """The text as it also reaches users: a social-media post with emoji bullets, a Markdown table,
    files concatenated with their byte-order marks."""
    paras = [p.strip() for p in text.split("\n") if p.strip()]
    if how == "emoji":
        return "\n".join(f"{_EMOJI[i % 8]}{p}{_EMOJI[(i + 5) % 8]}" for i, p in enumerate(paras))
    if how == "emoji-spaced":
        return "\n".join(f"{_EMOJI[i % 8]} {p} {_EMOJI[(i + 3) % 8]}" for i, p in enumerate(paras))
    if how == "table":
        return "\n".join("| " + " | ".join(re.split(r"[，。；]", p)) + " |" for p in paras)
    assert how == "bom"
    return "\n".join("\ufeff" + p for p in paras)


def _is_content(c: str) -> bool:  # Han, a Latin letter or a digit
    return bool(re.match(r"[\u3400-\u9fff\uf900-\ufaff]", c)) or unicodedata.category(c) == "Nd" or (
        c.isalpha() and "LATIN" in unicodedata.name(c, ""))


def _is_junk(c: str) -> bool:  # emoji and other symbols, format characters (BOM, ZWJ), separators, |
    category = unicodedata.category(c)
    return c not in "®™+" and category in ("So", "Sk", "Sm", "Mn", "Me") or category[0] in "CZ"


@pytest.mark.parametrize("how", ["emoji", "emoji-spaced", "table", "bom"])
@pytest.mark.parametrize("source", _JUNK_DOCS, ids=lambda s: s[1].split("/")[-1])
def test_junk_is_never_an_entity(nlp, source, how) -> None:
    text = _decorated(_junk_doc(source), how)
    doc = nlp(text)
    assert doc.ents
    for ent in doc.ents:
        assert any(_is_content(c) for c in ent.text), ent.text
        assert not _is_junk(ent.text[0]) and not _is_junk(ent.text[-1]), ent.text
        assert "|" not in ent.text, ent.text  # a name never runs across a table cell


@pytest.mark.parametrize("text", ["😀😀😀", "👨\u200d👩\u200d👧\u200d👦", "｜", "|", "\ufeff", "| 衛福部 |",
                                  "🙂 Humira® 🙂", "❤️", "\ufeff\n|\n😀"])
def test_junk_strings_of_issue_14(nlp, text) -> None:
    for ent in nlp(text).ents:
        assert any(_is_content(c) for c in ent.text) and not _is_junk(ent.text[0]) and not _is_junk(ent.text[-1])


@pytest.mark.parametrize(
    ("text", "predicted", "expected"),
    [
        # the model's label loses to a full registry name (issue 11: 屏東縣政府衛生局 as PRODUCT)
        ("屏東縣政府衛生局及前鎮區衛生所配合辦理", [("屏東縣政府衛生局", "PRODUCT")],
         [("屏東縣政府衛生局", "AGENCY"), ("前鎮區衛生所", "AGENCY")]),
        # registry names written together that cross the model's span win
        ("由衛福部國健署推動計畫", [("國健署推動", "AGENCY")], [("衛福部國健署", "AGENCY")]),
        # a longer AGENCY of the model containing the registry name stays (a unit written after it)
        ("請衛福部食藥署藥品組說明", [("衛福部食藥署藥品組", "AGENCY")], [("衛福部食藥署藥品組", "AGENCY")]),
        # never over MONEY or LICENSE_NO
        ("補助新臺幣3萬元", [("新臺幣3萬元", "MONEY")], [("新臺幣3萬元", "MONEY")]),
    ],
)
def test_registry_names_win_over_another_label_or_a_crossing_span(nlp, text, predicted, expected) -> None:
    doc = nlp.get_pipe("tcbio_agency_gazetteer")(_with_ents(nlp, text, predicted))
    assert _ents(doc) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the issuer code of a document number is not a body (G1); the issuer written before it is
        ("文號：105年4月18日 FDA藥字第1051404139號", []),
        ("中華民國97年10月6日行政院衛生署衛署醫字第0970206855號令", [("行政院衛生署", "AGENCY")]),
        # the name that opens an unquoted regulation title is part of it (G8)
        ("部　　長　林某\n\n經濟部標準檢驗局檢驗規費收費標準\n", []),
        # the gazette and the cabinet meeting (G25) are not the body; the body that approves is
        ("刊登行政院公報，並陳報行政院會。", []),
        ("本計畫經行政院核定。", [("行政院", "AGENCY")]),
        # a hospital run by a body, and a body fused with a title (decision 7k)
        ("前衛生署基隆醫院急診科主任", []),
        ("你做過經濟部長，對產業很熟", []),
        ("衛福部長期照顧司表示", [("衛福部長期照顧司", "AGENCY")]),
        # a standard named after the body
        ("全面實施PIC/S GMP之國際標準", []),
        # a declared alias that is a generic reference is not a body
        ("行政院衛生署（以下簡稱本署）辦理查驗登記，本署得終止委託。", [("行政院衛生署", "AGENCY")]),
    ],
)
def test_names_inside_other_names_and_generic_references(nlp, text, expected) -> None:
    assert [e for e in _pipeline_ents(nlp, text) if e[1] == "AGENCY"] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a letter-spaced heading and a line wrap (G3, G27) hide no name
        ("衛生福利部\n\n教　育　部令\n", ["衛生福利部", "教　育　部"]),
        ("今天主計總\n  處也在場", ["主計總\n  處"]),
        ("資料來源:衛生福利部 食品藥物管理署\n", ["衛生福利部 食品藥物管理署"]),
        # table cells stay two names
        ("薛某\t行政院衛生署\t食品衛生處\t科長", ["行政院衛生署", "食品衛生處"]),
        # a country written before the body is part of its name (decision 7a), "our country" is not
        ("歐盟EMA也建議撤銷許可", ["歐盟EMA"]),
        ("邀請台灣衛生福利部次長出席", ["台灣衛生福利部"]),
        ("我國衛生署自民國六十年起", ["衛生署"]),
        # a named unit written alone (decision 1), from the registry's full name 經濟部標準檢驗局
        ("檢送標準檢驗局書面報告", ["標準檢驗局"]),
        # a unit of several words and a one-character unit word
        ("研習行程主要在日本厚生省國立感染症研究所與日本化學", ["日本厚生省國立感染症研究所"]),
        ("報請衛生福利部國民年金監理會備查", ["衛生福利部國民年金監理會"]),
    ],
)
def test_agency_names_across_layout_with_countries_and_units(nlp, text, expected) -> None:
    assert [t for t, label in _pipeline_ents(nlp, text) if label == "AGENCY"] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a quoted name followed by its licence number; a name written after a licence number (quotes outside)
        ("禁止製造「促進激素針」（動物藥製字第3835號）及「滅蟲精」（動物藥製字第3869號）",
         ["促進激素針", "滅蟲精"]),
        ("回收衛署醫器輸字第006908號 樂母麗避孕器，並通知醫療院所", ["樂母麗避孕器"]),
        # a trademark sign on a strain code or in a list of ingredients names no product
        ("保健功效相關成分：安卓奎諾爾® (Antroquinonol®)", []),
        ("每份含GMNL®-263乳酸菌", []),
    ],
)
def test_products_by_context_and_shape(nlp, text, expected) -> None:
    assert [t for t, label in _pipeline_ents(nlp, text) if label == "PRODUCT"] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今年預估要虧損500億元到600億元。", ["500億元到600億元"]),
        ("處新臺幣三萬元以上十五萬元以下罰鍰。", ["新臺幣三萬元以上十五萬元"]),  # G24: 以下 stays out
        ("一劑疫苗動輒4、500元甚至要600元", ["4、500元", "600元"]),
        ("裁處罰鍰新臺幣壹佰萬元整。", ["新臺幣壹佰萬元"]),
        ("共計二百六十九點四十八億元", ["二百六十九點四十八億元"]),
        # a numbered item is not a spoken range, and a lone 參 is a word, not a numeral
        ("說明：\n一、二十萬元以下之罰鍰", ["二十萬元"]),
        ("中文品名：活力蔘元素膠囊", []),
    ],
)
def test_money_spans_follow_the_guidelines(nlp, text, expected) -> None:
    assert [t for t, label in _pipeline_ents(nlp, text) if label == "MONEY"] == expected


@pytest.mark.parametrize("licence", ["衛署成字第007869號", "內衛藥製000465號", "衛部健食規字第000041號"])
def test_licence_numbers_as_the_records_print_them(nlp, licence) -> None:
    text = f"產品：某藥\n許可證字號：{licence}\n批號：A123"
    assert (licence, "LICENSE_NO") in _pipeline_ents(nlp, text)


@pytest.mark.parametrize(
    ("text", "name", "canonical"),
    [
        ("歐盟EMA也建議撤銷許可", "歐盟EMA", "歐洲藥品管理局"),
        ("邀請台灣衛生福利部次長出席", "台灣衛生福利部", "衛生福利部"),
        ("今天主計總\n  處也在場", "主計總\n  處", "行政院主計總處"),
        ("衛生福利部\n\n教　育　部令\n", "教　育　部", "教育部"),
    ],
)
def test_names_with_a_country_or_layout_get_the_canonical_name(nlp, text, name, canonical) -> None:
    ent = next(e for e in nlp(text).ents if e.text == name)
    assert ent._.norm == {"canonical": canonical}


@pytest.mark.parametrize(
    ("text", "predicted", "expected"),
    [
        # a TFDA post with emoji bullets: the emoji are cut off, the trademark sign stays (guidelines)
        ("📢太捷信膠囊250毫克✅已核准", "📢太捷信膠囊250毫克✅", [("太捷信膠囊250毫克", "PRODUCT")]),
        ("🔔 Humira® ✅ 上市", "🔔 Humira® ✅", [("Humira®", "PRODUCT")]),
        # nothing but junk: no entity
        ("本表｜品名｜", "｜", []),
        ("👨\u200d👩\u200d👧\u200d👦 家庭", "👨\u200d👩\u200d👧\u200d👦", []),
        ("\ufeff\n衛生福利部", "\ufeff", []),
        # a table cell ends a name
        ("| 衛生福利部 | 核准 |", "衛生福利部 | 核准", [("衛生福利部", "AGENCY")]),
    ],
)
def test_rules_cut_junk_off_predicted_entities(nlp, text, predicted, expected) -> None:
    label = expected[0][1] if expected else "PRODUCT"
    doc = nlp.get_pipe("tcbio_entity_rules")(_with_ents(nlp, text, [(predicted, label)]))
    assert _ents(doc) == expected
