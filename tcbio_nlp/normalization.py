"""Length-preserving text normalisation: what the models see, never what the user gets back.

Every mapping here replaces one character by one character, so an offset into the
normalised text is the same offset into the input. That is what lets the pipeline
convert Simplified Chinese, full-width forms and character variants for its models
while ``doc.text`` stays the input and every span's offsets refer to it.

Two layers:

- ``normalize_text``: the canonical form every component matches against (entity
  patterns, lexicons, value parsers): full-width letters, digits and punctuation folded
  to ASCII, Simplified converted to Traditional (OpenCC ``s2t``) when the text looks
  Simplified, Taiwan-standard character forms (OpenCC ``t2tw``) and the variants listed
  in ``data/variants.tsv`` (台 → 臺).
- ``segmenter_text``: applied on top of ``normalize_text`` for the word-segmentation
  model only. The treebank it is trained on (UD_Chinese-GSD) writes the East Asian
  punctuation marks ，；：？！（） wherever the text is Chinese, so ASCII punctuation
  in Chinese context is mapped to those forms; between two ASCII letters/digits
  (``16,250``, ``9:30``, ``f(x)``) it stays ASCII unless the input had the full-width
  form there. Middle-dot variants become ·.
  The training script applies exactly this chain to the training sentences.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

import opencc

from .constants import BASIC_IDEOGRAPHS, EXTENSION_A_IDEOGRAPHS

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space

# CJK Unified Ideographs (basic block + extension A): the characters whose script is checked
_CJK_RANGES = (BASIC_IDEOGRAPHS, EXTENSION_A_IDEOGRAPHS)


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@cache
def _variant_table() -> dict[int, int]:
    """Variant → standard characters from ``data/variants.tsv`` (source recorded per row)."""
    table: dict[int, int] = {}
    path = resources.files("tcbio_nlp") / "data" / "variants.tsv"
    with path.open(encoding="utf8") as f:
        for row in csv.reader((line for line in f if not line.startswith("#")), delimiter="\t"):
            if len(row) >= 2 and len(row[0]) == 1 and len(row[1]) == 1:
                table[ord(row[0])] = ord(row[1])
    return table


def _char_class(chars: str) -> re.Pattern:
    return re.compile("[" + "".join(re.escape(c) for c in sorted(set(chars))) + "]")


@cache
def _script_markers() -> tuple[re.Pattern, re.Pattern]:
    """Regexes for characters that OpenCC changes s→t (Simplified forms) and t→s (Traditional forms).

    Computed once from OpenCC's own character tables: each ideograph converted on its own line.
    """
    chars = [chr(cp) for lo, hi in _CJK_RANGES for cp in range(lo, hi + 1)]
    joined = "\n".join(chars)
    to_trad = _converter("s2t").convert(joined).split("\n")
    to_simp = _converter("t2s").convert(joined).split("\n")
    simplified = "".join(c for c, t in zip(chars, to_trad, strict=True) if t != c)
    traditional = "".join(c for c, s in zip(chars, to_simp, strict=True) if s != c)
    return _char_class(simplified), _char_class(traditional)


def _convert_same_length(text: str, config: str) -> str:
    """OpenCC conversion that never changes the length (falls back to one character at a time)."""
    conv = _converter(config)
    out = conv.convert(text)
    if len(out) == len(text):
        return out
    return "".join(c2 if len(c2 := conv.convert(c)) == 1 else c for c in text)


# s2t keeps 制 where no phrase says otherwise, but licence numbers are always 製字 ("made"):
# 卫部药制字第… → 衛部藥製字第… (TFDA licence-number format, ../shared/data/tfda_licenses)
_S2T_FIXES = ((re.compile(r"制(?=\s*字\s*第)"), "製"),)


def looks_simplified(text: str) -> bool:
    """True when the text has more Simplified-only character forms than Traditional-only ones."""
    simplified, traditional = _script_markers()
    return len(simplified.findall(text)) > len(traditional.findall(text))


def normalize_text(text: str) -> str:
    """Canonical form for the models: ASCII for full-width forms, Traditional (Taiwan) script.

    ``len(normalize_text(t)) == len(t)`` always holds.
    """
    norm = text.translate(_FULLWIDTH)
    if looks_simplified(norm):
        norm = _convert_same_length(norm, "s2t")
        for rx, repl in _S2T_FIXES:
            norm = rx.sub(repl, norm)
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


# -- what the segmentation model sees ------------------------------------------------------
_EA_PUNCT = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_ASCII_PUNCT_RE = re.compile(r"[,;:?!()]")
_MIDDLE_DOTS = str.maketrans({"‧": "·", "・": "·", "･": "·"})


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def segmenter_text(norm: str, text: str | None = None) -> str:
    """The segmentation model's view of a normalised text (see the module docstring).

    With the original `text` given, a mark that was written in its East Asian (full-width)
    form there keeps that form whatever its neighbours. ``len(segmenter_text(t)) == len(t)``.
    """
    if _ASCII_PUNCT_RE.search(norm) is not None:
        n = len(norm)

        def east_asian(m: re.Match) -> str:
            i = m.start()
            if (
                0 < i < n - 1
                and _is_ascii_alnum(norm[i - 1])
                and _is_ascii_alnum(norm[i + 1])
                and (text is None or text[i].isascii())
            ):
                return m.group()
            return _EA_PUNCT[m.group()]

        norm = _ASCII_PUNCT_RE.sub(east_asian, norm)
    return norm.translate(_MIDDLE_DOTS)


def strip_span(text: str, a: int, b: int) -> tuple[int, int]:
    """``(a, b)`` without whitespace at its edges: pattern matches are taken this way by the segmenter and
    the entity patterns alike."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b
