"""Shared helpers for components that add character-offset matches to ``doc.ents``."""

from __future__ import annotations

from collections.abc import Iterable

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
    """Add spans to ``doc.ents``: either replacing what they overlap, or only where nothing is."""
    taken = set()
    kept = []
    new = sorted(spans, key=lambda s: (s.start, -len(s)))
    if overwrite:
        for s in new:
            if not any(t in taken for t in range(s.start, s.end)):
                kept.append(s)
                taken.update(range(s.start, s.end))
        others = [e for e in doc.ents if not any(t in taken for t in range(e.start, e.end))]
        doc.ents = sorted(kept + others, key=lambda s: s.start)
    else:
        taken = {t for e in doc.ents for t in range(e.start, e.end)}
        for s in new:
            if not any(t in taken for t in range(s.start, s.end)):
                kept.append(s)
                taken.update(range(s.start, s.end))
        doc.ents = sorted(list(doc.ents) + kept, key=lambda s: s.start)
