"""Pre-mark obvious spans in fresh markup files so that annotators review rather than type.

Proposals only: every span is then read, corrected, removed or added by hand
(see corpora/README.md, "How the corpus was annotated").
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from annotate import HEADER_RE, SHARED

LICENSE_RE = re.compile(
    r"(?:衛部|衛署|內衛|衛)(?:罕)?(?:藥|菌疫|醫器|健食|成|粧|罕藥|罕菌疫|罕醫器)[\u4e00-\u9fff]{0,4}?"
    r"字?第\s*[A-Za-z]?\d{5,6}(?:\s*[、,]\s*\d{5,6})*\s*號"
)
MONEY_RE = re.compile(
    r"(?:新臺幣|新台幣|NT\$|US\$|美金|人民幣|日幣)?\s*(?:\(下同\))?\s*"
    r"\d[\d,.]*(?:\s*[兆億萬千百]+\s*\d[\d,.]*)*\s*[兆億萬千百]*"
    r"(?:\s*(?:至|~)\s*\d[\d,.]*\s*[兆億萬千]*)?\s*(?:元|美元|歐元|日圓|日元|英鎊)"
)


def agency_names() -> list[str]:
    orgs = json.loads((SHARED / "data/tw_agencies/tw_gov_org_2016_output.json").read_text("utf8"))
    names = {n for n in orgs if len(n) >= 3}
    names |= {
        "衛生福利部食品藥物管理署", "國家科學及技術委員會", "經濟部產業發展署", "衛福部食藥署", "衛福部",
        "食藥署", "國科會", "健保署", "智慧局", "國發會", "貿易署", "中央研究院", "中研院", "工研院",
        "國衛院", "生技中心", "藥技中心", "醫藥品查驗中心", "農科院", "農業部", "經濟部", "行政院",
        "立法院", "衛生福利部", "環境部", "數位發展部", "FDA", "WHO", "世界衛生組織",
    }
    return sorted(names, key=len, reverse=True)


def propose_text(text: str, agency_re: re.Pattern) -> str:
    spans = []
    for label, rx in (("LICENSE_NO", LICENSE_RE), ("MONEY", MONEY_RE), ("AGENCY", agency_re)):
        for m in rx.finditer(text):
            a, b = m.start(), m.end()
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if b > a and not any(a < y and x < b for x, y, _ in spans):
                spans.append((a, b, label))
    out, pos = [], 0
    for a, b, label in sorted(spans):
        out.append(text[pos:a] + f"⟦{text[a:b]}|{label}⟧")
        pos = b
    return "".join(out) + text[pos:]


def propose_file(path: Path) -> None:
    agency_re = re.compile("|".join(re.escape(n) for n in agency_names()))
    raw = path.read_text("utf8")
    if "⟦" in raw:
        raise SystemExit(f"{path} already has markup; not proposing again")
    heads = list(HEADER_RE.finditer(raw))
    parts, pos = [], 0
    for i, h in enumerate(heads):
        body_end = heads[i + 1].start() if i + 1 < len(heads) else len(raw)
        parts.append(raw[pos : h.end() + 1])
        parts.append(propose_text(raw[h.end() + 1 : body_end], agency_re))
        pos = body_end
    path.write_text("".join(parts), "utf8")
    print(f"proposed spans in {path}: {''.join(parts).count('⟦')}")
