"""Chinese and Arabic numerals with scale words: 6億3,283萬2,421 / 八○○ / 四百萬 / 二十三 / 拾貳."""

from __future__ import annotations

import re
from decimal import Decimal

from .constants import BIG_UNITS, CHINESE_DIGITS, FORMAL_DIGITS, SMALL_UNITS

_TOKEN_RE = re.compile(
    rf"\d[\d,]*(?:\.\d+)?|[{''.join(CHINESE_DIGITS)}]+|[{''.join(SMALL_UNITS)}{''.join(BIG_UNITS)}]"
)
_FORMAL = str.maketrans({c: "一二三四五六七八九"[v - 1] for c, v in FORMAL_DIGITS.items()})


def parse_number(expr: str) -> Decimal | None:
    """Value of a numeral expression; a run of Chinese digits is positional (八○○ = 800). None without any.

    A Chinese decimal point 點 is read before any scale word after it: 二百六十九點四十八億 = 269.48 億
    (the digits after 點 as read aloud: 四八 or 四十八 are .48).
    """
    if "點" in expr:
        return _parse_decimal(expr)
    total, section, current = Decimal(0), Decimal(0), None
    seen = False
    for tok in _TOKEN_RE.findall(expr.translate(_FORMAL)):
        seen = True
        if tok[0].isdigit():
            current = Decimal(tok.replace(",", ""))
        elif tok in SMALL_UNITS:
            section += (current if current is not None else Decimal(1)) * SMALL_UNITS[tok]
            current = None
        elif tok in BIG_UNITS:
            section += current if current is not None else Decimal(0)
            if section == 0:
                section = Decimal(1)
            total += section * BIG_UNITS[tok]
            section, current = Decimal(0), None
        else:
            current = Decimal(int("".join(str(CHINESE_DIGITS[c]) for c in tok)))
    if not seen:
        return None
    return total + section + (current if current is not None else Decimal(0))


_SCALE_TAIL = re.compile(rf"[{''.join(BIG_UNITS)}]+\s*$")


def _parse_decimal(expr: str) -> Decimal | None:
    """``<integer>點<digits><scale>``: the integer part, the fraction's digits as written, then the scale."""
    whole, _, rest = expr.partition("點")
    m = _SCALE_TAIL.search(rest)
    scale_words, digits = (m.group().strip(), rest[: m.start()]) if m else ("", rest)
    integer = parse_number(whole)
    fraction = "".join(str(CHINESE_DIGITS[c]) for c in digits.translate(_FORMAL) if c in CHINESE_DIGITS)
    if integer is None or not fraction:
        return None
    value = Decimal(f"{int(integer)}.{fraction}")
    for c in scale_words:
        value *= BIG_UNITS[c]
    return value


def chinese_ordinal(s: str) -> int | None:
    """Value of a Chinese numeral written alone (一, 十二, 二十三, 拾貳); None when ``s`` is anything else."""
    if not s or any(c not in CHINESE_DIGITS and c not in FORMAL_DIGITS and c not in "十拾百" for c in s):
        return None
    value = parse_number(s)
    return None if value is None else int(value)
