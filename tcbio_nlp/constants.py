"""Constants shared across the package: scripts, labels, numerals and numbering styles.

Each is written here once; the modules that match text build their regexes from these.
"""

from __future__ import annotations

# -- scripts ------------------------------------------------------------------------------------
#: CJK Unified Ideographs (basic block), extension A, and the compatibility ideographs
BASIC_IDEOGRAPHS = (0x4E00, 0x9FFF)
EXTENSION_A_IDEOGRAPHS = (0x3400, 0x4DBF)
COMPATIBILITY_IDEOGRAPHS = (0xF900, 0xFAFF)
IDEOGRAPH_RANGES = (EXTENSION_A_IDEOGRAPHS, BASIC_IDEOGRAPHS, COMPATIBILITY_IDEOGRAPHS)


def char_class(*ranges: tuple[int, int]) -> str:
    """The body of a regex character class for code-point ranges: ``[{char_class(...)}]``."""
    return "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in ranges)


#: regex class body of the basic ideograph block (most script checks) and of every ideograph range
HAN = char_class(BASIC_IDEOGRAPHS)
ALL_HAN = char_class(*IDEOGRAPH_RANGES)

# -- labels -------------------------------------------------------------------------------------
ENTITY_LABELS: tuple[str, ...] = ("AGENCY", "PRODUCT", "LICENSE_NO", "MONEY")
SECTION_LABELS: tuple[str, ...] = (
    "front_matter", "summary", "purpose", "process", "strategy",
    "results", "reflection", "recommendation", "conclusion", "appendix",
)  # fmt: skip

# -- numerals -----------------------------------------------------------------------------------
CHINESE_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6,
                  "七": 7, "八": 8, "九": 9}
#: the formal (financial) digits 壹貳參… used by the highest numbering style
FORMAL_DIGITS = {"壹": 1, "貳": 2, "參": 3, "叁": 3, "叄": 3, "肆": 4, "伍": 5, "陸": 6, "柒": 7, "捌": 8, "玖": 9}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"萬": 10**4, "億": 10**8, "兆": 10**12}

# -- numbering styles of Taiwan government documents, highest first (annotation guidelines) ------
#: formal numerals (壹、), Chinese numerals (一、), parenthesised Chinese ((一)), Arabic (1、),
#: parenthesised Arabic ((1)), letters (A、)
NUMBERING_STYLES: tuple[str, ...] = (
    r"[壹貳參叁叄肆伍陸柒捌玖拾]+\s*[、.．]",
    r"[一二三四五六七八九十]+\s*[、.．]",
    r"[（(]\s*[一二三四五六七八九十]+\s*[)）]",
    r"\d{1,2}\s*[、.．](?![\d.．])",
    r"[（(]\s*\d{1,2}\s*[)）]",
    r"[A-Za-z]\s*[、.．]",
)
