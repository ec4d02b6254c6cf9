"""MONEY → exact amount and ISO currency, with Decimal arithmetic (no float rounding)."""

from __future__ import annotations

import re
from decimal import Decimal

from ..constants import BIG_UNITS
from ..normalization import normalize_text
from ..numerals import parse_number

_CURRENCIES = [
    ("美元", "USD"), ("US$", "USD"), ("美金", "USD"), ("歐元", "EUR"), ("日圓", "JPY"), ("日元", "JPY"),
    ("日幣", "JPY"), ("英鎊", "GBP"), ("人民幣", "CNY"), ("港元", "HKD"), ("港幣", "HKD"),
    ("NT$", "TWD"), ("新臺幣", "TWD"), ("臺幣", "TWD"), ("元", "TWD"),
]
_ENGLISH_SCALE = {"thousand": 10**3, "k": 10**3, "million": 10**6, "m": 10**6, "billion": 10**9, "bn": 10**9}
# joiners of a range's two bounds (G24: 新臺幣十萬元以上三十萬元 is the range 100000-300000)
_RANGE_RE = re.compile(r"\s*(?:至|到|~|～|-|－|以上)\s*")
# a spoken range of two neighbouring digits: 4、500元 (400 to 500), 四、五百元, 三、四十萬元
_NEIGHBOURS_RE = re.compile(r"^\s*(\d|[一二三四五六七八])、(\d|[二三四五六七八九])")


def parse_money(text: str) -> dict | None:
    """``{"value": Decimal, "currency": "TWD"}``, or low/high for a range; None when not an amount.

    A vague amount with no figure (數千萬元) gives ``value: None``.
    """
    norm = normalize_text(text)
    currency = next((code for word, code in _CURRENCIES if word in norm), None)
    if currency is None:
        return None
    body = re.sub(r"\(下同\)", "", norm)
    for word, _ in _CURRENCIES:
        body = body.replace(word, " ")
    english = re.search(r"(thousand|million|billion|bn|k|m)\b", body, re.I)
    body = re.sub(r"[A-Za-z$]+", " ", body).strip()
    if re.search(r"[數幾]", body):
        return {"value": None, "currency": currency}
    body = body.replace("多", "").replace("餘", "")
    neighbours = _NEIGHBOURS_RE.match(body)
    if neighbours:  # the high bound is written out; the low one scales the same way
        high = parse_number(body[neighbours.start(2):])
        low_digit, high_digit = (parse_number(neighbours.group(i)) for i in (1, 2))
        if high is None or not low_digit or high_digit != low_digit + 1:
            return None
        return {"low": _plain(high * low_digit / high_digit), "high": _plain(high), "currency": currency}
    parts = _RANGE_RE.split(body)
    values = [parse_number(p) for p in parts if p.strip()]
    if not values or any(v is None for v in values):
        return None
    if english:
        values = [v * _ENGLISH_SCALE[english.group(1).lower()] for v in values]
    if len(values) == 2:
        low, high = values
        # "3至5億元": the scale written once applies to both ends
        scale = _trailing_scale(parts[1])
        if scale and not _trailing_scale(parts[0]) and low < high / scale:
            low *= scale
        return {"low": _plain(low), "high": _plain(high), "currency": currency}
    return {"value": _plain(values[0]), "currency": currency}


def _trailing_scale(expr: str) -> int | None:
    m = re.search(r"([萬億兆]+)\s*$", expr.strip())
    if not m:
        return None
    scale = 1
    for c in m.group(1):
        scale *= BIG_UNITS[c]
    return scale


def _plain(value: Decimal) -> Decimal:
    """Integral amounts without exponent or trailing zeros (Decimal('6.3E+8') → 630000000)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
