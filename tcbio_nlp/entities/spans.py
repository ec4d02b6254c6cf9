"""Shared helpers for components that add character-offset matches to ``doc.ents``."""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from spacy.tokens import Doc, Span

from ..constants import ALL_HAN

#: Unicode categories never at the edge of a name: symbols and emoji (So, Sk, Sm: 😀, ★, |, ｜),
#: format and control characters (U+FEFF, the zero-width joiner of emoji sequences), private-use and
#: unassigned code points, separators, marks without a base (U+FE0F after an emoji) and the
#: underscores of a form's blanks (____)
_JUNK_CATEGORIES = frozenset({"So", "Sk", "Sm", "Cf", "Cc", "Co", "Cn", "Cs", "Zs", "Zl", "Zp", "Mn", "Me", "Pc"})
#: signs of those categories the guidelines keep inside a name (Humira®, Lipitor™) and + (drug
#: combinations in registered names: AMOXICILLIN+CLAVULANATE)
_KEPT_SIGNS = frozenset("®™©℠℗+")
_HAN = re.compile(f"[{ALL_HAN}]")


def char_spans(doc: Doc, matches: Iterable[tuple[int, int, str]]) -> list[Span]:
    """Token-aligned spans for (start, end, label) character matches; a match that cuts a token is skipped."""
    spans = []
    for start, end, label in matches:
        span = doc.char_span(start, end, label=label, alignment_mode="strict")
        if span is not None:
            spans.append(span)
    return spans


def is_junk(c: str) -> bool:
    """Whether a character is never at the edge of an entity (an emoji, ``|``, a BOM, a space …)."""
    return c not in _KEPT_SIGNS and unicodedata.category(c) in _JUNK_CATEGORIES


def is_content(c: str) -> bool:
    """A Han character, a Latin letter (full-width and accented too) or a digit: what a name is made of."""
    if c.isascii():
        return c.isalnum()
    return bool(_HAN.match(c)) or unicodedata.category(c) == "Nd" or (
        c.isalpha() and "LATIN" in unicodedata.name(c, ""))


def trim_junk(text: str, a: int, b: int) -> tuple[int, int]:
    """``(a, b)`` without junk characters at either edge (a combining accent on a letter stays)."""
    while a < b and is_junk(text[a]):
        a += 1
    while b > a and is_junk(text[b - 1]):
        if unicodedata.category(text[b - 1]) == "Mn" and b - 2 >= a and is_content(text[b - 2]) \
                and not 0xFE00 <= ord(text[b - 1]) <= 0xFE0F:
            break  # e + U+0301: part of the letter
        b -= 1
    return a, b


def without_junk(doc: Doc, spans: Iterable[Span], text: str | None = None) -> list[Span]:
    """The spans with junk edges cut off, and without those with no Han, Latin letter or digit.

    The guidelines' names start and end on a character of the name; an emoji, a table rule ``|``
    or a byte-order mark is never one, however the statistical model labels it (issue 14).
    ``text`` is ``doc.text`` when the caller already has it. A span whose cut edge is not a token
    boundary keeps its edges (its content is real).
    """
    out = []
    for span in spans:
        if text is None:
            text = doc.text
        a, b = trim_junk(text, span.start_char, span.end_char)
        if not any(is_content(c) for c in text[a:b]):
            continue
        if (a, b) != (span.start_char, span.end_char):
            span = doc.char_span(a, b, label=span.label, alignment_mode="strict") or span
        out.append(span)
    return out


def add_entities(doc: Doc, spans: list[Span], overwrite: bool) -> None:
    """Add spans to ``doc.ents``.

    ``overwrite``: a new span replaces every entity it overlaps. Otherwise a new span is
    added where nothing is, and replaces entities it wholly contains (a gazetteer's
    `Ministry of Health, Labour and Welfare` over a predicted `Ministry of Health`), but
    never one it only partly overlaps.
    """
    new = non_overlapping(without_junk(doc, spans))
    kept, taken = [], set()
    existing = list(doc.ents)  # in document order and non-overlapping: their ends are sorted too
    ends = [e.end for e in existing]
    for s in new:
        # the entities s overlaps: from the first that ends after s starts, while they start before s ends
        i = bisect.bisect_right(ends, s.start)
        hit = []
        while i < len(existing) and existing[i].start < s.end:
            hit.append(existing[i])
            i += 1
        if overwrite or all(s.start <= e.start and e.end <= s.end for e in hit):
            kept.append(s)
            taken.update(range(s.start, s.end))
    others = [e for e in existing if not taken.intersection(range(e.start, e.end))]
    doc.ents = sorted(kept + others, key=lambda s: s.start)

def non_overlapping(spans: list[Span]) -> list[Span]:
    """Keep the earliest, then longest, of overlapping spans; in document order."""
    taken: set[int] = set()
    out = []
    for s in sorted(spans, key=lambda s: (s.start, -len(s))):
        if not taken.intersection(range(s.start, s.end)):
            out.append(s)
            taken.update(range(s.start, s.end))
    return sorted(out, key=lambda s: s.start)


class StatelessPipe:
    """Serialisation and ``pipe`` for a component with no data of its own (nothing to save)."""

    def __call__(self, doc: Doc) -> Doc:  # pragma: no cover - overridden
        raise NotImplementedError

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def to_bytes(self, **kwargs: Any) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> StatelessPipe:
        return self

    def to_disk(self, path: Any, **kwargs: Any) -> None:
        return None

    def from_disk(self, path: Any, **kwargs: Any) -> StatelessPipe:
        return self


_TITLE_CLOSE = {"「": "」", "《": "》", "『": "』"}
_NOT_IN_TITLE = frozenset("，。；,;\n「」《》『』")
MAX_TITLE = 60


def inside_title(text: str, a: int, b: int) -> bool:
    """Whether ``text[a:b]`` is part of, but not all of, a quoted title (「…」《…》『…』).

    The guidelines do not annotate an agency inside the name of a law, plan, course or event,
    and this genre quotes such names: 辦理「美國 FDA 申請查驗登記實務」課程, 「行政院生物技術產業單一窗口」.
    A quotation with a clause break in it (，。；) is speech, not a title.
    """
    start = max(text.rfind(q, max(0, a - MAX_TITLE), a) for q in _TITLE_CLOSE)
    if start < 0:
        return False
    end = text.find(_TITLE_CLOSE[text[start]], b, b + MAX_TITLE)
    if end < 0 or any(c in _NOT_IN_TITLE for c in text[start + 1:end]):
        return False
    return (start + 1, end) != (a, b)
