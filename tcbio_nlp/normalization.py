"""Length-preserving text normalisation: what the models see, never what the user gets back.

Every mapping here replaces one character by one character, so an offset into the
normalised text is the same offset into the input. That is what lets the pipeline
convert Simplified Chinese, full-width forms and character variants for its models
while ``doc.text`` stays the input and every span's offsets refer to it.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

import opencc

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
_FULLWIDTH[0x3002] = 0x3002  # keep 。 (no ASCII equivalent needed)


@lru_cache(maxsize=None)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@lru_cache(maxsize=None)
def _variant_table() -> dict[int, int]:
    """Variant → standard characters from ``data/variants.tsv`` (source recorded per row)."""
    table: dict[int, int] = {}
    path = resources.files("tcbio_nlp") / "data" / "variants.tsv"
    with path.open(encoding="utf8") as f:
        for row in csv.reader((line for line in f if not line.startswith("#")), delimiter="\t"):
            if len(row) >= 2 and len(row[0]) == 1 and len(row[1]) == 1:
                table[ord(row[0])] = ord(row[1])
    return table


def _convert_same_length(text: str, config: str) -> str:
    """OpenCC conversion that never changes the length (falls back to one character at a time)."""
    out = _converter(config).convert(text)
    if len(out) == len(text):
        return out
    conv = _converter(config)
    return "".join(c2 if len(c2 := conv.convert(c)) == 1 else c for c in text)


def looks_simplified(text: str) -> bool:
    """True when more characters change under Simplified→Traditional than the reverse."""
    to_trad = sum(a != b for a, b in zip(text, _converter("s2t").convert(text)))
    to_simp = sum(a != b for a, b in zip(text, _converter("t2s").convert(text)))
    return to_trad > to_simp


def normalize_text(text: str) -> str:
    """Canonical form for the models: ASCII for full-width forms, Traditional (Taiwan) script.

    ``len(normalize_text(t)) == len(t)`` always holds.
    """
    norm = text.translate(_FULLWIDTH)
    if looks_simplified(norm):
        norm = _convert_same_length(norm, "s2t")
    norm = _convert_same_length(norm, "t2tw")
    norm = norm.translate(_variant_table())
    assert len(norm) == len(text)
    return norm


def doc_norm_text(doc) -> str:  # noqa: ANN001  (spacy.tokens.Doc; avoids an import cycle)
    """The normalised text of a Doc, computed once and kept in ``doc.user_data``."""
    cached = doc.user_data.get("tcbio_norm_text")
    if cached is None or len(cached) != len(doc.text):
        cached = normalize_text(doc.text)
        doc.user_data["tcbio_norm_text"] = cached
    return cached
