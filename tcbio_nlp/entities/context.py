"""Contexts in which an agency name is not an AGENCY, and text views for matching names across layout.

The guidelines annotate a body where the text names it, not where its name is part of something
else: a document number (公文字號, G1: ``FDA藥字第1051404139號``, ``衛署食字第…``), the name of a law
or regulation (G8: ``衛生福利部優生保健諮詢會組織規程``, an unquoted title line such as
``行政院農業委員會農業藥物毒物試驗所技術服務收費標準``), the publication ``行政院公報``, or a
meeting (G25: ``行政院會``, ``院會``), a standard (``PIC/S GMP``) or a hospital run by the body
(``衛生署基隆醫院``: hospitals are not AGENCY). These checks are shared by the rules (on the statistical
model's predictions) and the agency gazetteer (on its own matches and the units it joins).

``compact_view`` removes the layout whitespace a name may be broken by — a PDF/record line wrap
between two ideographs (G27: ``主計總\\n  處``) and the spaces of a letter-spaced heading (G3:
``教　育　部``) — so that names can be matched on the compact text and mapped back.
"""

from __future__ import annotations

import bisect
import re

from ..constants import ALL_HAN, HAN

# an issuer code of at most three ideographs, then 字第 and a number: the prefix of a document number
_DOCUMENT_NUMBER = re.compile(rf"\s*[{HAN}]{{0,3}}字\s*第?\s*號?\s*[A-Za-z]?\s*\d")
#: the longest name taken for the code of a document number: an acronym or two ideographs (FDA藥字, 衛署食字); a
#: longer name before the code is its issuer and a body (gold: 行政院衛生署衛署醫字第…, 行政院院臺規字第…)
MAX_CODE_NAME = 2

# words that end the name of a law, regulation, table or document: a name that starts such a title is part of it
_REGULATION_END = ("要點", "辦法", "標準", "規程", "規則", "細則", "編制表", "須知", "條例", "準則", "作業程序",
                   "處理程序", "組織法", "移送書", "報告書", "計畫書", "白皮書", "說明書")
# verbs that make the stretch a sentence about a regulation, not its title (衛生福利部修正藥品…準則)
_ISSUING_VERBS = re.compile("公告|訂定|修正|發布|廢止|制定|擬訂|核定|依據|依照|參照|會同|函送|檢送|提出|通過|審查|送請")
_TITLE_START = frozenset("\n、，,。；;：:「『(（")
# an attachment label before a title line: 附件一　行政院衛生署辦理…要點
_ATTACHMENT_LABEL = re.compile("附[件表][一二三四五六七八九十0-9]*$")
_CLAUSE_END = "，,。；;：:、「」『』()（）\n"
MAX_TITLE = 50

#: words directly after a name that make it part of a law, event or publication name (for any component)
NAME_PART_SUFFIXES = ("組織法", "組織條例", "組織規程", "處務規程", "設置條例", "研討會", "論壇", "辦法", "要點",
                      "條例", "公報")
_NAME_PART = re.compile("|".join(NAME_PART_SUFFIXES))
# a standard or code named after the body (PIC/S GMP, PIC/S藥品優良製造規範; decision 4's bodies only as actors)
_STANDARD = re.compile(r"\s?(?:之\s?)?(?:G[MDCLV]P(?![A-Za-z])|藥品優良|優良製造|優良運銷)")
# a hospital named after the body that runs it (衛生署基隆醫院): the hospital is not an AGENCY, nor is the body in it
_HOSPITAL_AFTER = re.compile(rf"(?:(?![所屬各及與和之的等並在於為其])[{HAN}]){{0,4}}(?:醫院|療養院)")
# a body fused with a title (decision 7k: 教育部長, 經濟部長, 行政院長), not 長期, 長照 (衛福部長照司)…
_FUSED_TITLE = re.compile("長(?![期照途遠久大官])")
_BODY_END = tuple("部署局院會處司")
# 院 + 會: the weekly meeting of the Executive or Legislative Yuan (G25), unless 會 starts a verb (會同, 會商…)
_MEETING = re.compile("會(?![同商銜簽辦計核])")


def document_number_prefix(text: str, a: int, b: int) -> bool:
    """Whether ``text[a:b]`` is (part of) the issuer code of a document number (G1): ``FDA``藥字第…."""
    if b - a > MAX_CODE_NAME and not text[a:b].isascii():
        return False
    return _DOCUMENT_NUMBER.match(text, b) is not None


def regulation_title(text: str, a: int, b: int) -> bool:
    """Whether a name at ``text[a:b]`` opens the unquoted title of a regulation (G8).

    The name must start a segment (line start, after 、，「…) and the segment must end, within
    ``MAX_TITLE`` characters and with no issuing verb, on a regulation word:
    ``行政院衛生署中央健康保險局委託金融機構辦理全民健康保險基金代收代付業務要點、…``.
    """
    i = a
    while i > 0 and text[i - 1] in " \t\u3000":
        i -= 1
    if i > 0 and text[i - 1] not in _TITLE_START and not _ATTACHMENT_LABEL.search(text, max(0, i - 4), i):
        return False
    end = b
    limit = min(len(text), b + MAX_TITLE)
    while end < limit and text[end] not in _CLAUSE_END:
        end += 1
    if end == limit and end < len(text):
        return False
    rest = text[b:end].rstrip()
    return rest.endswith(_REGULATION_END) and not _ISSUING_VERBS.search(rest)


def part_of_other_name(text: str, a: int, b: int) -> bool:
    """Whether an agency name at ``text[a:b]`` is part of a document number, a title, a publication, a standard,
    a hospital's name, a person's title or a meeting."""
    if _NAME_PART.match(text, b) or _STANDARD.match(text, b) or _HOSPITAL_AFTER.match(text, b) or \
            document_number_prefix(text, a, b) or regulation_title(text, a, b):
        return True
    if text.endswith(_BODY_END, a, b) and _FUSED_TITLE.match(text, b):
        return True
    return text[b - 1:b] == "院" and _MEETING.match(text, b) is not None


# a line wrap between two ideographs; a single space between the ideographs of a letter-spaced run (3+)
_WRAP = re.compile(rf"(?<=[{ALL_HAN}])[ \t\u3000]*\r?\n[ \t\u3000]*(?=[{ALL_HAN}])")
_SPACED_RUN = re.compile(rf"[{ALL_HAN}](?:[ \u3000][{ALL_HAN}]){{2,}}")


def layout_gaps(text: str) -> list[tuple[int, int]]:
    """Sorted (start, end) stretches of layout whitespace inside what may be one name (see module docstring)."""
    gaps = [m.span() for m in _WRAP.finditer(text)] if "\n" in text else []
    if " " in text or "\u3000" in text:
        for m in _SPACED_RUN.finditer(text):
            gaps.extend((i, i + 1) for i in range(m.start() + 1, m.end(), 2))
    return sorted(set(gaps))


def compact_view(text: str, gaps: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """``text`` without the ``gaps``, and the offset in ``text`` of every character of the result."""
    pieces, offsets, pos = [], [], 0
    for a, b in gaps:
        pieces.append(text[pos:a])
        offsets.extend(range(pos, a))
        pos = b
    pieces.append(text[pos:])
    offsets.extend(range(pos, len(text)))
    return "".join(pieces), offsets


def span_in_text(offsets: list[int], a: int, b: int) -> tuple[int, int]:
    """The span of ``text`` that a span ``[a, b)`` of its compact view covers."""
    return offsets[a], offsets[b - 1] + 1


def gap_inside(gaps: list[tuple[int, int]], a: int, b: int) -> bool:
    """Whether one of the sorted ``gaps`` lies inside ``[a, b)``."""
    i = bisect.bisect_left(gaps, (a, a))
    return i < len(gaps) and gaps[i][1] <= b
