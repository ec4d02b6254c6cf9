"""Every extension attribute the pipeline sets, declared in one place.

- ``doc._.aliases`` — alias → long form declared in the text (以下簡稱…), ``tcbio_aliases``;
- ``span._.norm`` — an entity's normalised value (``tcbio_entity_norm``; read back from
  ``doc.user_data`` so that it travels with the Doc through ``nlp.pipe(n_process=…)`` and ``DocBin``);
- ``span._.heading``, ``level``, ``score``, ``section_parent``, ``section_body`` — for the
  spans of ``doc.spans["sections"]`` (``tcbio_sections``).
"""

from __future__ import annotations

from decimal import Decimal

from spacy.tokens import Doc, Span

#: where ``tcbio_entity_norm`` keeps the values of a Doc's entities ("start:end" → value)
NORMS_KEY = "tcbio_ent_norms"
_DECIMAL_FIELDS = ("value", "low", "high")


def entity_norm(span: Span) -> dict | None:
    stored = span.doc.user_data.get(NORMS_KEY, {}).get(f"{span.start_char}:{span.end_char}")
    if stored is None:
        return None
    return {k: (Decimal(v) if k in _DECIMAL_FIELDS and v is not None else v) for k, v in stored.items()}


def section_body(span: Span) -> str:
    """The section's text without its heading line."""
    from .sections.corpus import heading_body_start

    text = span.text
    heading = span._.heading
    if not heading:
        return text
    start = 0
    while start < len(text) and text[start] in "\r\n":
        start += 1
    return text[heading_body_start(text, start, heading):]


def register() -> None:
    """Declare the extensions (idempotent: a name already declared is left alone)."""
    for cls, name, kwargs in (
        (Doc, "aliases", {"default": None}),
        (Span, "norm", {"getter": entity_norm}),
        (Span, "heading", {"default": None}),
        (Span, "level", {"default": None}),
        (Span, "score", {"default": None}),
        (Span, "section_parent", {"default": None}),
        (Span, "section_body", {"getter": section_body}),
    ):
        if not cls.has_extension(name):
            cls.set_extension(name, **kwargs)


register()
