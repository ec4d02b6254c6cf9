"""Product registries → registry entries and the forms people write them in.

Every product registry of the shared data folder with a source (``SOURCE.md`` next to each file)
is read into entries ``[licence_no, name_zh, name_en, holder, source]``:

- ``tfda_licenses/tfda_drug_licence_names.csv`` — TFDA drug appearance data (opendata 42 subset);
- ``tfda_licenses/tfda_device_licences_hearing_aids_G3300.csv`` — device licences (hearing aids);
- ``tfda_licenses/tfda_drug_supply_status_*.json`` — TFDA drug supply notices (opendata 104–106);
- ``registries/drug_recall_tfda34/data.json`` — TFDA drug recalls 2008–2026 (holder included);
- ``registries/health_food_tfda19/19_2.csv`` — TFDA health-food licences (holder included);
- ``registries/twcore_codesystems_partial/*FDA.fsh`` — TW Core code-system samples (drugs, devices).

The written forms of an entry (``written_forms``): the registered Chinese and English names,
the brand quotes of the Chinese name in their variants (``"晟德"``, ``“晟德”``, ``〝晟德〞``,
with or without a space after), the brand without dosage form and strength (``Keytruda 100mg/4ml
Concentrate …`` → ``Keytruda``) and the English brand with ``®``/``™`` attached. A bare brand is a
form only when it is not short or ambiguous (``brand_fires_alone``): Chinese at least three
characters, Latin at least four letters, and neither an ingredient name (the generic groups of the
NHI usage statistics, the parenthesised ingredients of the registered names) nor a common word.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from .normalization import normalize_text

#: columns of an entry
ENTRY_FIELDS = ("licence_no", "name_zh", "name_en", "holder", "source")
# registries whose bare "brand" is a product type (氣導式助聽器) or a whole food name: full names only
_NO_BARE_BRAND = ("tfda_device_licences_hearing_aids_G3300", "health_food_tfda19",
                  "twcore_CodeSystem_TWMedicationDeviceFDA")

_QUOTES = (('"', '"'), ("“", "”"), ("〝", "〞"))
# an English name and the quoted maker right after it, before any parenthesis: WEIDOS F.C. TABLETS 150MG "WEIDAR"
_EN_WITH_MAKER = re.compile(r'^([^()（）"“”]*?[^\s()（）"“”]\s*(?:"[^"]+"|“[^”]+”))')
# a parenthesis inside an English registered name, and what it holds
_INNER_PAREN = re.compile(r"\s*[（(]([^（()）]+)[）)]")
MAX_PAREN = 40
# a brand quote at the start of a registered Chinese name: "晟德"…, “晟德”…, 〝晟德〞…, 「晟德」…
_QUOTED_PREFIX = re.compile(r'^\s*["“〝「]([^"”〞」]{1,12})["”〞」]\s*(.+)$')
_PARENS = re.compile(r"[（(]([^（()）]*)[）)]")
_TRAILING_PAREN = re.compile(r"\s*[（(][^（()）]*[）)]\s*$")
# strength: a number followed by a unit, and everything after it (only where the first one starts
# matters). Written so that the search is linear: it starts only where a run of these characters
# starts (a match from inside a run is one from the run's start too), and after the last digit only
# separators may follow (the same strings as ``[\d０-９.．,，]*`` there, without retrying every split).
_STRENGTH = re.compile(r"(?<![\s\d０-９.．,，/／%％])[\s\d０-９.．,，/／%％]*[\d０-９][.．,，]*\s*"
                       r"(?:毫克|公絲|公克|微克|毫升|公撮|單位|國際單位|%|％|mg|mcg|µg|g|ml|iu|u|w/w|w/v)",
                       re.IGNORECASE)
# Chinese dosage forms, longest first, stripped from the end of a brand
_ZH_FORMS = sorted([
    "膜衣錠", "糖衣錠", "腸溶錠", "腸溶膜衣錠", "持續性藥效膜衣錠", "持續性藥效錠", "緩釋錠", "長效錠", "速崩錠",
    "口溶錠", "口含錠", "咀嚼錠", "發泡錠", "舌下錠", "錠", "軟膠囊", "硬膠囊", "腸溶膠囊", "持續性藥效膠囊", "膠囊",
    "注射劑", "注射液", "凍晶注射劑", "乾粉注射劑", "持續性注射劑", "輸注液", "點滴注射液", "預充填注射劑",
    "口服液", "口服液劑", "內服液", "內服液劑", "懸液劑", "懸浮液", "液劑", "糖漿", "糖漿劑", "酏劑", "顆粒",
    "細粒", "散", "粉劑", "乳膏", "軟膏", "凝膠", "眼藥水", "點眼液", "眼用液劑", "眼藥膏", "點鼻液", "噴霧劑",
    "鼻用噴霧劑", "吸入劑", "吸入器", "吸入粉劑", "貼片", "貼布", "栓劑", "陰道錠", "洗劑", "乳液", "溶液", "液",
    "濃縮液", "濃縮輸注液", "外用液", "漱口水", "膠囊劑", "錠劑", "溶液劑", "液劑",
], key=len, reverse=True)
#: the Chinese dosage forms (written after a brand, part of a product name)
ZH_DOSAGE_FORMS = tuple(_ZH_FORMS)
# English dosage-form and packaging words: the brand ends before the first of them
_EN_FORM_WORDS = frozenset("""
TABLET TABLETS TAB TABS CAPSULE CAPSULES CAP CAPS INJECTION INJECTIONS INJ SOLUTION SOLUTIONS SUSPENSION
CONCENTRATE FOR INFUSION ORAL FILM-COATED FILM COATED SUGAR-COATED ENTERIC-COATED ENTERIC PROLONGED-RELEASE
EXTENDED-RELEASE SUSTAINED-RELEASE MODIFIED-RELEASE DELAYED-RELEASE CONTROLLED-RELEASE RELEASE RETARD SR XR ER
CR LA DEPOT SYRUP CREAM OINTMENT GEL LOTION DROPS DROP EYE NASAL SPRAY INHALER INHALATION POWDER GRANULES
GRANULE PATCH SUPPOSITORY SUPPOSITORIES PESSARY LIQUID ELIXIR EMULSION CHEWABLE DISPERSIBLE EFFERVESCENT
ORALLY DISINTEGRATING PREFILLED PRE-FILLED SYRINGE PEN VIAL LYOPHILIZED LYOPHILISED STERILE NON-STERILE
HEARING AID AIDS SYSTEM IV IM SC F.C. F.C FC S.C. INTRAVENOUS SUBCUTANEOUS TOPICAL
""".split())
# Chinese brands ending like an ingredient or a class of drugs (麻黃素, 暈動藥) are not matched alone
_ZH_CLASS_ENDINGS = ("素", "藥", "劑", "鹼", "酸", "酶", "醇", "鹽")
# English words that are brands' first words but common words in text
_COMMON_WORDS = frozenset("""
THE AND WITH PLUS NEW BABY CHILDREN CHILD KIDS ADULT FORTE MINI NATURAL VITAMIN VITAMINS MULTI COMPOUND
COMPLEX HEALTH CARE MEDICAL DIGITAL SMART POWER SUPER GOLD BEST GOOD SOFT EASY CLEAR PURE ACTIVE FAST
""".split())


def read_product_registries(shared: str | Path | None) -> list[list[str]]:
    """Entries ``[licence_no, name_zh, name_en, holder, source]`` from every product registry found."""
    if shared is None:
        return []
    data = Path(shared) / "data"
    entries: list[list[str]] = []
    tfda = data / "tfda_licenses"
    reg = data / "registries"
    for row in _csv_rows(tfda / "tfda_drug_licence_names.csv"):
        entries.append([row["許可證字號"], row["中文品名"], row["英文品名"], "", "tfda_drug_licence_names"])
    for row in _csv_rows(tfda / "tfda_device_licences_hearing_aids_G3300.csv"):
        entries.append([row["許可證字號"], row["中文品名"], row["英文品名"], row.get("申請商名稱", ""),
                        "tfda_device_licences_hearing_aids_G3300"])
    for path in sorted(tfda.glob("tfda_drug_supply_status_*.json")):
        for rows in json.loads(path.read_text("utf8")).get("datasets", {}).values():
            for row in rows:
                zh, _, en = (row.get("中文品名") or "").partition("\n")
                entries.append([row.get("許可證字號", ""), zh, en, "", "tfda_drug_supply_status"])
    recall = reg / "drug_recall_tfda34" / "data.json"
    if recall.exists():
        for row in json.loads(recall.read_text("utf8")):
            entries.append([row.get("許可證字號", ""), row.get("產品", ""), "", row.get("許可證持有者", ""),
                            "drug_recall_tfda34"])
    for row in _csv_rows(reg / "health_food_tfda19" / "19_2.csv"):
        entries.append([row["許可證字號"], row["中文品名"], "", row.get("申請商", ""), "health_food_tfda19"])
    for path in sorted((reg / "twcore_codesystems_partial").glob("CodeSystem*FDA.fsh")):
        for m in re.finditer(r'^\* #(\S+) "((?:[^"\\]|\\.)*)"\s*$', path.read_text("utf8"), re.MULTILINE):
            entries.append([m.group(1), m.group(2).replace('\\"', '"'), "", "", "twcore_" + path.stem])
    out = []
    for entry in entries:
        entry = [" ".join((v or "").split()) for v in entry]
        if entry[4] == "drug_recall_tfda34":  # one recall may name several products: 金胃錠、悅目愛福液、克黴安乳膏
            names = [split_bilingual(name) for name in split_products(entry[1])]
        elif not entry[2] and entry[4] != "health_food_tfda19":  # names carrying both: 亞恬膜衣錠50毫克 ATENO…
            names = [split_bilingual(entry[1])]
        else:
            names = [(entry[1], entry[2])]
        for zh, en in names:
            if (zh or en) and not _NOT_A_NAME.search(zh):
                out.append([entry[0], zh, en, *entry[3:]])
    return out


# what a recall's 產品 field says instead of a name: 包裝室所發現之「生產流程進度表」內所列之所有產品, 凍晶注射劑產品
_NOT_A_NAME = re.compile(r"產品|「|所列|以下")


# a list separator between two product names (not between two strengths: 500公絲、1公克)
_PRODUCT_SEPARATOR = re.compile(r"\s*[、；;]\s*(?![\d０-９.．])")


def split_products(field: str) -> list[str]:
    """The product names of a recall record's 產品 field, which may list several.

    ``熱風可鎮膠囊、痢博新膠囊、"木村"胃散`` → three names; a Chinese name and its English name
    written as two items (``好視多眼用懸浮液0.2公絲/公撮 、 FOXONE OPHTHALMIC …``) stay one, and the
    parenthesised lot numbers of a name (``（批號M127）``) are left out.
    """
    pieces = [p.strip() for p in _PRODUCT_SEPARATOR.split(_LOT_NUMBER.sub("", field)) if p.strip()]
    names: list[str] = []
    for piece in pieces:
        if names and not _HAN_CHAR.search(piece) and _HAN_CHAR.search(names[-1]) and \
                not re.search("[A-Za-z]{3}", names[-1]):
            names[-1] = f"{names[-1]} {piece}"  # the English name of the Chinese name before it
        elif piece:
            names.append(piece)
    return names


_LOT_NUMBER = re.compile(r"\s*[（(]\s*批號[^（()）]*[）)]")
_HAN_CHAR = re.compile("[\u3400-\u9fff]")


_BILINGUAL = re.compile(r"^(.*[\u3400-\u9fff][^A-Za-z\u3400-\u9fff]*?)\s*([A-Za-z\"“][^\u3400-\u9fff]*)$")


def split_bilingual(name: str) -> tuple[str, str]:
    """A registered name written Chinese then English → (Chinese, English); else (name, "").

    A brand quote closing the Chinese name stays with it (``…25公絲"強生"BETHANECHOL …``), and an English
    name in parentheses loses them (``美胰持續性藥效錠30公絲 (MEZIDE MR TABLETS 30MG "LOTUS")``).
    """
    m = _BILINGUAL.match(name)
    if not m or sum(c.isalpha() and c.isascii() for c in m.group(2)) < 3:
        return name, ""
    zh, en = m.group(1).strip(), m.group(2).strip()
    if zh.count('"') % 2 and en.startswith('"'):
        zh, en = zh + '"', en[1:].strip()
    if zh.endswith(("(", "（")) and en.endswith((")", "）")) and en.count("(") < en.count(")"):
        zh, en = zh[:-1].strip(), en[:-1].strip()
    return zh, en


# a trailing parenthesis holds the ingredient, except those that belong to the name: (未滅菌), (含利多卡因), a
# flavour (舒清喉錠(檸檬口味), 桂格喝的燕麥(原味)), a dosage form (莎林生理食鹽水(沖洗液)), a formulation code
# (克里密絲輸注液（N9G15E）)
_CODE_LETTER = "A-ZＡ-Ｚ"
NAME_PART_PAREN = (r"(?:[^（()）]*(?:滅菌|含|口味|風味|原味)[^（()）]*|[^（()）]*[液劑]"
                   rf"|[{_CODE_LETTER}]+\d[{_CODE_LETTER}\d]*|\d+[{_CODE_LETTER}][{_CODE_LETTER}\d]*)[）)]")
#: a trailing parenthesis that does not belong to the name it follows (the name ends before it)
TRAILING_INGREDIENT = re.compile(rf"\s*[（(](?!{NAME_PART_PAREN})[^（()）]*[）)]\s*$")
_TRAILING_INGREDIENT = TRAILING_INGREDIENT
# a parenthesised ingredient followed by the maker in brand quotes, at the end of a name
_INGREDIENT_THEN_MAKER = re.compile(
    rf'\s*[（(](?!{NAME_PART_PAREN})[^（()）]*[）)]\s*(?:"[^"]*"|“[^”]*”|〝[^〞]*〞)\s*$')
# a status note after a registered name (珍藍藻錠 (暫停生產)): never part of the name
_STATUS_PAREN = re.compile(r"暫停|停產|停止|不得|失效|註銷|廢止")
# what follows an English registered name: (INGREDIENT) and the quoted maker, "CHINTENG"
_EN_TAIL = re.compile(r'(?:\s*(?:\([^()]*\)|"[^"]*"|“[^”]*”))+\s*$')


def bare_name(name: str, english: bool = False) -> str:
    """A registered name without the trailing ingredient (and, for English, the quoted maker); a Chinese name
    without a parenthesised ingredient and the quoted maker after it (G10:
    防栓塞腸溶微粒膠囊100公絲（乙醯水楊酸）〝井田〞 → 防栓塞腸溶微粒膠囊100公絲)."""
    name = _INGREDIENT_THEN_MAKER.sub("", name).strip()
    name = _TRAILING_INGREDIENT.sub("", name).strip()
    return _EN_TAIL.sub("", name).strip() if english else name


def _csv_rows(path: Path) -> Iterator[dict]:
    if path.exists():
        with open(path, encoding="utf-8-sig") as f:
            yield from csv.DictReader(f)


# salts, ions and joining words of generic drug names (MORPHINE SULFATE, SODIUM CHLORIDE, DEXTROSE IN SALINE)
_SALT_WORDS = frozenset("""
SULFATE SULPHATE HYDROCHLORIDE HCL HCI HYDROBROMIDE PHOSPHATE SODIUM POTASSIUM CALCIUM MAGNESIUM ZINC CHLORIDE
ACETATE CITRATE MALEATE TARTRATE BITARTRATE BROMIDE BESYLATE MESYLATE FUMARATE SUCCINATE NITRATE OXIDE HYDROXIDE
CARBONATE BICARBONATE GLUCONATE LACTATE DIHYDRATE MONOHYDRATE TRIHYDRATE ANHYDROUS DISODIUM SALINE WATER IN AND
WITH & +
""".split())
# Chinese names that are an ingredient by their shape: a salt or ion first (硫酸嗎啡, 鹽酸配西汀, 氯化鉀), a
# vitamin (維生素B6)
_ZH_GENERIC = re.compile(r"^(?:鹽酸|硫酸|磷酸|醋酸|碳酸|檸檬酸|枸櫞酸|氫氧化|氯化|溴化|碘化|維生素|維他命)")


def generic_entry(entry: list[str], ingredients: set[str]) -> bool:
    """An entry named after its ingredient: every word of its English brand is an ingredient or a salt word
    (``AMPICILLIN CAPSULES``, ``MORPHINE SULFATE TABLETS``, ``SODIUM CHLORIDE INJECTION``)."""
    words = english_brand(entry[2]).upper().split() if entry[2] else []
    return bool(words) and all(w in _SALT_WORDS or w in ingredients for w in words)


def ingredient_names(shared: str | Path | None, entries: Iterable[list[str]] = ()) -> set[str]:
    """Ingredient names, upper-cased: NHI generic groups, the parenthesised parts of registered names, and the
    Chinese and English brands of entries named after their ingredient (``generic_entry``: 安比西林膠囊 /
    AMPICILLIN CAPSULES → 安比西林, AMPICILLIN)."""
    names: set[str] = set()
    if shared is not None:
        for path in sorted((Path(shared) / "data" / "registries" / "nhi_drug_usage_2022_2024").glob("*.csv")):
            for row in _csv_rows(path):
                group = (row.get("藥品分類分組名稱") or "").split("，")[0].split(",")[0].strip().upper()
                if group:
                    names.add(group)
                    names.update(w for w in re.split(r"[\s&+/]+", group) if len(w) >= 4)
    entries = list(entries)
    for entry in entries:
        for part in _PARENS.findall(entry[1]) + _PARENS.findall(entry[2]):
            for word in re.split(r"[、,，及與]", part):
                if word.strip():
                    names.add(normalize_text(word.strip()).upper())
    for entry in entries:
        if generic_entry(entry, names):
            names.add(normalize_text(english_brand(entry[2])).upper())
            if entry[1]:
                names.add(normalize_text(chinese_brand(entry[1])[1]).upper())
    return names


def chinese_brand(name: str) -> tuple[str, str]:
    """(quoted maker, brand) of a registered Chinese name: ``"大豐"癒尿寧膜衣錠100毫克`` → (大豐, 癒尿寧)."""
    maker = ""
    m = _QUOTED_PREFIX.match(name)
    if m:
        maker, name = m.group(1).strip(), m.group(2)
    name = _TRAILING_PAREN.sub("", name)
    name = _STRENGTH.split(name, maxsplit=1)[0].strip()
    name = _PARENS.sub("", name).strip()
    for _ in range(2):  # 持續性藥效 + 膜衣錠
        for form in _ZH_FORMS:
            if name.endswith(form) and len(name) > len(form):
                name = name[: -len(form)].strip()
                break
    return maker, name.strip(" -_/、")


def english_brand(name: str) -> str:
    """The brand of a registered English name: words before the first strength or dosage-form word."""
    name = re.sub(r'"[^"]*"|“[^”]*”|\([^()]*\)', " ", name)
    words = []
    for word in name.split():
        w = word.strip(",;:").upper()
        if not w or w[0].isdigit() or w in _EN_FORM_WORDS or "/" in w:
            break
        words.append(word.strip(",;:"))
        if len(words) == 3:
            break
    return " ".join(words).strip(" -")


def brand_fires_alone(brand: str, ingredients: set[str]) -> bool:
    """A bare brand may be matched alone: not short, not an ingredient, not a common word."""
    key = normalize_text(brand).upper()
    if not key or key in ingredients or key in _COMMON_WORDS:
        return False
    if key.isascii():
        letters = sum(c.isalpha() for c in key)
        return letters >= 4 and not all(w in _COMMON_WORDS or w in ingredients for w in key.split())
    return len(key) >= 3 and not key.endswith(_ZH_CLASS_ENDINGS) and not _ZH_GENERIC.match(key)


def written_forms(entry: list[str], ingredients: set[str], not_name_parens: frozenset[str] = frozenset()) -> list[str]:
    """The forms an entry is written in (see the module docstring); all are matched whole.

    ``not_name_parens``: parenthesised parts that name an ingredient of the product (a health food's 保健功效相關成分:
    ``引藻™片(小球藻W-87)`` is written ``引藻™片``, annotation decision G10).
    """
    zh, en = entry[1], entry[2]
    bare = entry[4] not in _NO_BARE_BRAND
    forms: set[str] = set()
    fulls = [bare_name(zh), bare_name(en, english=True)]
    for name in list(fulls):  # a Latin name ends before an ingredient in parentheses inside it (G10):
        m = _INNER_PAREN.search(name)  # Ozurdex (dexamethasone intravitreal implant) 0.7mg → Ozurdex
        head = name[: m.start()].strip() if m else ""
        if head and not _HAN_CHAR.search(head) and (m.group(1).split()[0].upper() in ingredients
                                                    or head.split()[-1].upper() in _EN_FORM_WORDS):
            fulls.append(head)
    quoted = _EN_WITH_MAKER.match(en)
    if quoted:  # decision 8: a brand in quotes at the end of an English name is part of it (… "WEIDAR" (RANITIDINE))
        fulls.append(quoted.group(1))
    for full in fulls:
        # DEXAMETHASONE "SWISS" → not DEXAMETHASONE; a three-character name only with its dosage form (金胃錠)
        long_enough = len(full) >= 4 or (len(full) == 3 and full.endswith(ZH_DOSAGE_FORMS))
        if long_enough and form_key(full) not in ingredients:
            forms.add(full)
    paren = _PARENS.search(zh[-MAX_PAREN:]) if zh.endswith((")", "）")) else None
    if not bare and len(zh) >= 4 and not (paren and (paren.group(1) in not_name_parens
                                                     or _STATUS_PAREN.search(paren.group(1)))):
        forms.add(zh)  # a food's or device's parenthesis is part of its name: 桂格喝的燕麥(原味)
    if zh:
        maker, brand = chinese_brand(zh)
        m = _QUOTED_PREFIX.match(bare_name(zh))
        rests = {m.group(2)} if m else set()
        for rest in rests | ({brand} if maker and len(brand) >= 2 else set()):
            for q0, q1 in _QUOTES:
                for space in ("", " "):
                    forms.add(f"{q0}{maker}{q1}{space}{rest}")
        if bare and brand_fires_alone(brand, ingredients):
            forms.add(brand)
    en_brand = english_brand(en) if en else ""
    if bare and en_brand and len(en_brand) >= 2 and normalize_text(en_brand).upper() not in ingredients:
        forms.update(f"{en_brand}{mark}" for mark in ("®", "™", " ®"))
        if brand_fires_alone(en_brand, ingredients):
            forms.add(en_brand)
    return sorted(f for f in forms if f.strip())


def health_food_ingredient_parens(shared: str | Path | None) -> frozenset[str]:
    """The trailing parenthesised parts of health-food names that name the food's ingredient: their ideographs
    occur in its 保健功效相關成分 (``引藻™片(小球藻W-87)``: 小球藻). Flavours and forms (原味, 飲品) do not."""
    out = set()
    if shared is not None:
        for row in _csv_rows(Path(shared) / "data" / "registries" / "health_food_tfda19" / "19_2.csv"):
            name = " ".join((row.get("中文品名") or "").split())
            m = _PARENS.search(name[-MAX_PAREN:]) if name.endswith((")", "）")) else None
            han = "".join(_HAN_CHAR.findall(m.group(1))) if m else ""
            if han and han in (row.get("保健功效相關成分") or ""):
                out.add(m.group(1))
    return frozenset(out)


def form_key(text: str) -> str:
    """The matching key of a written form: normalised, upper-cased, spaces collapsed."""
    return " ".join(normalize_text(text).upper().split())


def product_table(shared: str | Path | None) -> dict:
    """``entries`` and ``forms`` (form key → entry indices) for the vocab's product table."""
    entries = read_product_registries(shared)
    holders = {e[0]: e[3] for e in entries if e[0] and e[3]}
    for entry in entries:  # the holder of a licence, wherever one registry has it
        entry[3] = entry[3] or holders.get(entry[0], "")
    ingredients = ingredient_names(shared, entries)
    not_name_parens = health_food_ingredient_parens(shared)
    forms: dict[str, list[int]] = {}
    for i, entry in enumerate(entries):
        for form in written_forms(entry, ingredients, not_name_parens):
            ids = forms.setdefault(form_key(form), [])
            if i not in ids:
                ids.append(i)
    return {"entries": entries, "forms": forms}


def link_value(entries: list[list[str]], ids: list[int], max_links: int = 10) -> dict:
    """The value of a linked PRODUCT: the first entry's names, and every entry's licence and holder."""
    links = [dict(zip(ENTRY_FIELDS, entries[i], strict=True)) for i in ids[:max_links]]
    first = links[0]
    return {"canonical": first["name_zh"] or first["name_en"], "links": links}
