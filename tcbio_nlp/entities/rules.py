"""Guideline rules applied to predicted entities, where a rule is exactly right.

The statistical model learns boundaries from examples; a few boundary conventions of
the annotation guidelines hold without exception and are cheaper to enforce than to
learn:

- a MONEY entity has a currency or 元 (a bare number, a telephone number is not money);
- an entity never starts or ends with surrounding punctuation or a list symbol (◎, 、,
  「…」 around a name), while brand quotes that open a registered name stay (”晟德”…);
- a Chinese and an English name of the same product are two spans
  (`治敏健注射液 Soragen-S Injection` → two PRODUCT spans);
- a trailing parenthesised active ingredient is outside a PRODUCT
  (`太捷信膠囊250毫克(奈諾沙星)` → `太捷信膠囊250毫克`), a parenthesised part of the
  registered name such as `(未滅菌)`, `(含利多卡因)`, a flavour `(檸檬口味)` or a code `(N9G15E)` is inside; a
  Latin name ends before an ingredient in parentheses inside it (`Ezzicad (Ezetimibe) 10mg Tablets` → `Ezzicad`);
- a name never runs across a clause or a table cell: a predicted AGENCY or PRODUCT ends before
  the first ，。；, table rule | or blank line in it (and a PRODUCT before an enumeration comma 、);
- a name is made of Han characters, Latin letters or digits: emoji, symbols, byte-order marks and
  other format characters at its edges are cut off, and a span with none of those is dropped
  (``spans.without_junk``, also applied to what the other entity components add);
- an agency inside a quoted title is part of that name, not an AGENCY
  (辦理「美國 FDA 申請查驗登記實務」課程; ``spans.inside_title``), and so is one in a document number,
  an unquoted regulation title, 行政院公報 or the meeting 行政院會 (``context.part_of_other_name``);
- a predicted AGENCY ends before a word that starts a clause (亦, 將, 設有…) or a verb
  whose subject it is (批准, 判處…; ``CLAUSE_WORDS``), and an all-lowercase Latin word is
  not an agency;
- a Chinese agency name ends in the word for a body (部, 署, 中心, 所, 場…): a predicted
  AGENCY that runs on (`農業部高雄區農業改良場與臺灣大學合作`) is cut back to its last
  such character, and one with none (`美國醫材`) is dropped. The characters are those
  that end the corpus's gold AGENCY names (``AGENCY_FINAL_CHARS``).
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..constants import HAN
from ..normalization import doc_norm_text
from ..products import NAME_PART_PAREN
from .context import part_of_other_name
from .spans import StatelessPipe, inside_title, non_overlapping, without_junk

_CURRENCY = re.compile(r"元|幣|\$|美金|美元|歐元|日圓|英鎊|鎊|人民幣|港元|NT|US")
_EDGE_PUNCT = "◎●○■□◆◇※★☆·•、，。：；,.:;!?！？「」『』()（）[]【】《》〈〉-–—/ \t\n"
_OPEN_QUOTES = "\"“”'‘’〝〞"
_TRAILING_INGREDIENT = re.compile(rf"\s*[（(](?!{NAME_PART_PAREN})[^（()）]*[）)]$")
_CJK_THEN_LATIN = re.compile(rf"(?<=[{HAN}0-9%])\s+(?=[A-Za-z])")
CJK = re.compile(f"[{HAN}]")
# a parenthesised active ingredient inside a Latin name, more of the name after it:
# CARDOLOL TABLETS 10MG (PROPRANOLOL) "VPP" → CARDOLOL TABLETS 10MG (corpus convention, NOTES-a6.md 1)
_INNER_INGREDIENT = re.compile(r"\s*[（(][A-Za-z][A-Za-z\-]{4,}(?: [A-Za-z][A-Za-z\-]+)?[）)]\s+(?=[\w\"“〝'])")
# on the text as written (normalisation turns ，into ,): a comma right before Chinese also ends a clause
# and a table cell ends at its rule (| 品名 | 許可證字號 |, Markdown and plain-text tables)
_CLAUSE_BREAK = {"AGENCY": re.compile(rf"[，。；|｜¦]|,(?=[{HAN}])|\n\s*\n"),
                 "PRODUCT": re.compile(rf"[，。；、|｜¦]|,(?=[{HAN}])|\n\s*\n")}
# last characters of Chinese agency names: those that end gold AGENCY names in corpora/ner/seeds-train.jsonl
# (without 作 議 壇 區, which end one name each and many ordinary words: 合作, 建議, 園區), plus
# 館 廳 科 隊 from the guidelines' kinds of public bodies
AGENCY_FINAL_CHARS = frozenset("心部署所院會場組局司府室省盟處織" "館廳科隊")
# verbs of which an agency is the subject (外管局批准…, 法院判處…, 政府試圖…)
SUBJECT_VERBS = frozenset([
    "批准", "核准", "核定", "宣布", "決定", "試圖", "判處", "判決", "要求", "發布", "公告", "通過",
])
# words that start a clause and never sit inside an agency name (none is inside a gold name of the corpus;
# conjunctions are: 健康政策與醫療科技評估中心, 經濟部中小及新創企業署)
CLAUSE_WORDS = frozenset([
    "亦", "將", "並", "已", "也", "均", "皆", "為", "是", "於", "在", "的", "之", "等", "設有", "分別",
    "以及", "透過", "經由", "由於", "共同", "協助", "推動", "辦理", "進行", "提供", "表示", "指出",
    *SUBJECT_VERBS,
])
_LOWERCASE_WORDS = re.compile(r"[a-z][a-z\- ]*")


@Language.factory("tcbio_entity_rules")
def make_entity_rules(nlp: Language, name: str) -> EntityRules:
    return EntityRules(name)


class EntityRules(StatelessPipe):
    def __init__(self, name: str = "tcbio_entity_rules") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        if not doc.ents:
            return doc
        norm, text = doc_norm_text(doc), doc.text
        out: list[Span] = []
        for ent in doc.ents:
            out.extend(self.fix(doc, norm, ent, text))
        doc.ents = non_overlapping(without_junk(doc, out, text))
        return doc

    def fix(self, doc: Doc, norm: str, ent: Span, text: str) -> list[Span]:
        """The spans that replace ``ent`` (none, one, or a Chinese and a Latin name).

        ``norm`` is the normalised text, ``text`` the text as written (``doc.text``, built once).
        """
        label = ent.label_
        if label == "MONEY" and not _CURRENCY.search(norm[ent.start_char:ent.end_char]):
            return []
        start, end = ent.start_char, ent.end_char
        if label in _CLAUSE_BREAK:
            m = _CLAUSE_BREAK[label].search(text, start, end)
            if m:
                end = m.start()
        if label == "AGENCY":
            if _LOWERCASE_WORDS.fullmatch(norm, start, end):
                return []  # "biomedical": Latin agency names are acronyms or capitalised
            if inside_title(norm, start, end) or part_of_other_name(norm, start, end):
                return []  # part of a quoted course, plan or law name, a document number, a meeting
            clause = next((t.idx for t in ent[1:] if t.text in CLAUSE_WORDS and t.idx < end), None)
            if clause is not None:
                end = clause
            end = _agency_end(norm, start, end)
        pieces = [(start, end)]
        if label == "PRODUCT":
            pieces = _split_chinese_latin(norm, start, end)
        spans = []
        for a, b in pieces:
            a, b = _trim(norm, a, b)
            if label == "PRODUCT":
                m = _INNER_INGREDIENT.search(norm, a, b)
                if m and m.start() > a and not CJK.search(norm, a, b):
                    a, b = _trim(norm, a, m.start())
                m = _TRAILING_INGREDIENT.search(norm, a, b)
                if m and m.start() > a:
                    a, b = _trim(norm, a, m.start())
            if b <= a:
                continue
            span = doc.char_span(a, b, label=label, alignment_mode="strict")
            if span is None:  # the rule cannot be applied on token boundaries: keep the prediction
                return [ent]
            spans.append(span)
        return spans



def _agency_end(text: str, a: int, b: int) -> int:
    """End of an AGENCY cut back to its last body-word character; ``a`` when a Chinese name has none.

    Whether the name is Chinese is read from its last character before edge punctuation
    (a predicted `…牌照.` is a Chinese name, not a Latin one).
    """
    a, b = _trim(text, a, b)
    if not CJK.match(text[b - 1:b]):
        return b  # Latin names and acronyms (FDA, International Coalition of …) are left alone
    for i in range(b - 1, a - 1, -1):
        c = text[i]
        if c in AGENCY_FINAL_CHARS or (c.isascii() and c.isalnum()) or c in ")）":
            return i + 1
    return a


def _split_chinese_latin(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """A Chinese name followed by a wholly Latin one (治敏健注射液 Soragen-S Injection) → two pieces.

    Only where the left part has Chinese and the right none: ``TIMOPTOL XE 0.5% OPHTHALMIC
    SOLUTION`` and ``長興 COVID-19 抗原快速檢測試劑`` stay whole.
    """
    for m in _CJK_THEN_LATIN.finditer(text, a, b):
        if CJK.search(text, a, m.start()) and not CJK.search(text, m.end(), b):
            return [(a, m.start()), (m.end(), b)]
    return [(a, b)]


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    """Drop edge punctuation; an opening brand quote stays when the span also closes it."""
    while a < b and text[a] in _EDGE_PUNCT:
        a += 1
    while b > a and text[b - 1] in _EDGE_PUNCT + _OPEN_QUOTES:
        if text[b - 1] in _OPEN_QUOTES and sum(text[i] in _OPEN_QUOTES for i in range(a, b)) % 2 == 0:
            break
        if text[b - 1] in ")）" and text.count("(", a, b) + text.count("（", a, b) >= \
                text.count(")", a, b) + text.count("）", a, b):
            break  # a closing parenthesis that belongs to the name, e.g. (未滅菌)
        b -= 1
    return a, b

