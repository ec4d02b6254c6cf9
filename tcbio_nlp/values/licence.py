"""LICENSE_NO → issuer, kind, serial(s) and the canonical printed form."""

from __future__ import annotations

import re

from ..normalization import normalize_text

_ISSUERS = ("衛部", "衛署", "內衛", "衛")
# 字, 第 and (in veterinary lists) 號 may be missing as printed: 內衛藥製000465號, 動物藥製字第07419
_LICENCE_RE = re.compile(
    r"^(?P<issuer>衛部|衛署|內衛|衛|農藥|動物藥)?(?P<kind>[^\d第號]*?)字?(?P<di>第?)"
    r"(?P<serials>[A-Za-z]?\d+(?:[、,及][A-Za-z]?\d+)*)(?P<hao>號?)$",
    re.S,
)


def parse_licence(text: str) -> dict | None:
    """``{"issuer", "kind", "serial", "canonical"}`` (plus ``numbers`` for a shared-prefix list)."""
    compact = re.sub(r"\s+", "", normalize_text(text))
    m = _LICENCE_RE.match(compact)
    if not m or not (m.group("di") or m.group("hao")) or not m.group("kind"):
        return None  # a bare number, 第17條之1
    issuer, kind = m.group("issuer") or "", m.group("kind")
    if issuer in ("農藥", "動物藥"):  # agricultural series: the prefix is the kind
        issuer, kind = "", issuer + kind
    kind = kind.replace("制", "製")  # Simplified 药制 converts to 藥制
    serials = [s for s in re.split(r"[、,及]", m.group("serials")) if s]
    forms = [f"{issuer}{kind}字第{s}號" for s in serials]
    out = {"issuer": issuer, "kind": kind, "serial": serials[0], "canonical": forms[0]}
    if len(serials) > 1:
        out["numbers"] = forms
        out["canonical"] = ";".join(forms)
    return out
