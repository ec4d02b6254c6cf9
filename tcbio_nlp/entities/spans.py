"""Shared helpers for components that add character-offset matches to ``doc.ents``."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Any

from spacy.tokens import Doc, Span


def char_spans(doc: Doc, matches: Iterable[tuple[int, int, str]]) -> list[Span]:
    """Token-aligned spans for (start, end, label) character matches; a match that cuts a token is skipped."""
    spans = []
    for start, end, label in matches:
        span = doc.char_span(start, end, label=label, alignment_mode="strict")
        if span is not None:
            spans.append(span)
    return spans


def add_entities(doc: Doc, spans: list[Span], overwrite: bool) -> None:
    """Add spans to ``doc.ents``.

    ``overwrite``: a new span replaces every entity it overlaps. Otherwise a new span is
    added where nothing is, and replaces entities it wholly contains (a gazetteer's
    `Ministry of Health, Labour and Welfare` over a predicted `Ministry of Health`), but
    never one it only partly overlaps.
    """
    new = non_overlapping(spans)
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
