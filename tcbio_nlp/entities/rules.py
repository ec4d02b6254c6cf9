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
  registered name such as `(未滅菌)` or `(含利多卡因)` is inside.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..normalization import doc_norm_text
from .spans import StatelessPipe, non_overlapping

_CURRENCY = re.compile(r"元|幣|\$|美金|美元|歐元|日圓|英鎊|鎊|人民幣|港元|NT|US")
_EDGE_PUNCT = "◎●○■□◆◇※★☆·•、，。：；,.:;!?！？「」『』()（）[]【】《》〈〉-–—/ \t\n"
_OPEN_QUOTES = "\"“”'‘’〝〞"
_TRAILING_INGREDIENT = re.compile(r"\s*[（(](?![^（()）]*(?:滅菌|含))[^（()）]*[）)]$")
_CJK_THEN_LATIN = re.compile(r"(?<=[\u4e00-\u9fff0-9%])\s+(?=[A-Za-z])")


@Language.factory("tcbio_entity_rules")
def make_entity_rules(nlp: Language, name: str) -> EntityRules:
    return EntityRules(name)


class EntityRules(StatelessPipe):
    def __init__(self, name: str = "tcbio_entity_rules") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        norm = doc_norm_text(doc)
        out: list[Span] = []
        for ent in doc.ents:
            out.extend(self.fix(doc, norm, ent))
        doc.ents = non_overlapping(out)
        return doc

    def fix(self, doc: Doc, norm: str, ent: Span) -> list[Span]:
        label = ent.label_
        if label == "MONEY" and not _CURRENCY.search(norm[ent.start_char:ent.end_char]):
            return []
        pieces = [(ent.start_char, ent.end_char)]
        if label == "PRODUCT":
            pieces = []
            pos = ent.start_char
            for m in _CJK_THEN_LATIN.finditer(norm, ent.start_char, ent.end_char):
                pieces.append((pos, m.start()))
                pos = m.end()
            pieces.append((pos, ent.end_char))
        spans = []
        for a, b in pieces:
            a, b = _trim(norm, a, b)
            if label == "PRODUCT":
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

