"""LICENSE_NO → issuer, kind, serial(s) and the canonical printed form."""

from __future__ import annotations

import re

from ..normalization import normalize_text

_ISSUERS = ("衛部", "衛署", "內衛", "衛")
_LICENCE_RE = re.compile(
    r"^(?P<issuer>衛部|衛署|內衛|衛|農藥|動物藥)?(?P<kind>.*?)字?第(?P<serials>.+?)號$", re.S
)


def parse_licence(text: str) -> dict | None:
    """``{"issuer", "kind", "serial", "canonical"}`` (plus ``numbers`` for a shared-prefix list)."""
    compact = re.sub(r"\s+", "", normalize_text(text))
    m = _LICENCE_RE.match(compact)
    if not m:
        return None
    issuer, kind = m.group("issuer") or "", m.group("kind")
    if issuer in ("農藥", "動物藥"):  # agricultural series: the prefix is the kind
        issuer, kind = "", issuer + kind
    kind = kind.replace("制", "製")  # Simplified 药制 converts to 藥制
    serials = [s for s in re.split(r"[、,及]", m.group("serials")) if s]
    if not serials or not all(re.fullmatch(r"[A-Za-z]?\d+", s) for s in serials):
        return None
    forms = [f"{issuer}{kind}字第{s}號" for s in serials]
    out = {"issuer": issuer, "kind": kind, "serial": serials[0], "canonical": forms[0]}
    if len(serials) > 1:
        out["numbers"] = forms
        out["canonical"] = ";".join(forms)
    return out
