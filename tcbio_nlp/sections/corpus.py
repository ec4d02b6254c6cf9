"""Reading the labelled section corpus (``corpora/sections/seeds.jsonl``) and turning
sections — gold or detected — into classifier inputs.

A record: ``{"id", "source", "sha1", "sections": [{start, end, heading, level, label,
heading_start, parent}]}`` with character offsets into the source file (see
``corpora/sections/README.md``).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .classifier import SpanInfo
from .headings import HeadingRules, Section

_NOSPACE_RE = re.compile(r"\s+")


@dataclass
class GoldDocument:
    id: str
    source: str
    text: str
    sections: list[dict[str, Any]]

    @property
    def labels(self) -> list[str]:
        return [s["label"] for s in self.sections]


def load_gold(path: str | Path, seeds_dir: str | Path) -> list[GoldDocument]:
    """Gold documents with their texts; ``source`` is resolved against the parent of ``seeds_dir``."""
    seeds_dir = Path(seeds_dir)
    docs = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        text = (seeds_dir / Path(rec["source"]).name).read_text(encoding="utf-8")
        if rec.get("sha1") and hashlib.sha1(text.encode("utf-8")).hexdigest() != rec["sha1"]:
            raise ValueError(f"{rec['id']}: the seed text changed since it was annotated")
        docs.append(GoldDocument(rec["id"], rec["source"], text, rec["sections"]))
    return docs


def heading_body_start(text: str, heading_start: int, heading: str, run_in: bool = False) -> int:
    """Where the body starts after a heading that begins its line at ``heading_start``.

    The whole line is the heading unless the heading is a word followed by inline text
    ('關鍵字：臺立生醫…'), in which case the body starts at the colon after the word (also when the
    annotator wrote the colon into the heading: '主　　旨：'), or — ``run_in``, a heading word —
    the word runs straight into its text ('依據臺中市政府…'), in which case the body starts after it.
    """
    eol = text.find("\n", heading_start)
    eol = len(text) if eol < 0 else eol
    line = text[heading_start:eol]
    target = _NOSPACE_RE.sub("", heading)
    seen = ""
    for i, ch in enumerate(line):
        if not ch.isspace() and ch != "*":
            seen += ch
        if seen.endswith(target) and target:
            rest = line[i + 1 :].replace("*", "").strip()
            if rest and rest[0] in "：:" and rest[1:].strip():
                return heading_start + i + 1
            if rest and target[-1] in "：:":  # '主　　旨：' written with its colon
                return heading_start + i
            if rest and run_in:
                return heading_start + i + 1
            break
    return eol


def gold_spans(doc: GoldDocument, rules: HeadingRules | None = None) -> list[SpanInfo]:
    """SpanInfos of the gold sections; heading words with a fixed type (主旨 …) carry it."""
    spans = []
    for s in doc.sections:
        hs = s.get("heading_start")
        heading = s.get("heading")
        fixed = None
        run_in = False
        if heading and rules is not None:
            hw = rules.word_for(heading)
            run_in = hw is not None and bool(hw.run_in)
            if hw is None:
                from .classifier import heading_title

                hw = rules.word_for(heading_title(heading))
            fixed = hw.label if hw is not None else None
        written = heading
        if heading and rules is not None:  # '主　　旨：公告…' annotated whole: the heading is the word
            m = rules.match_word(heading.strip())
            if m is not None and m.inline and not m.run_in:
                written = m.text
        body_start = s["start"] if hs is None else heading_body_start(doc.text, hs, written, run_in)
        spans.append(SpanInfo(s["start"], s["end"], body_start, heading, s["level"], s.get("parent"), fixed))
    return spans


def detected_spans(sections: list[Section]) -> list[SpanInfo]:
    """SpanInfos of detected sections (``HeadingDetector.segment``)."""
    return [
        SpanInfo(
            s.start,
            s.end,
            s.body_start,
            s.heading.text if s.heading else None,
            s.level,
            s.parent,
            s.heading.label if s.heading else None,
        )
        for s in sections
    ]


def load_genre(path: str | Path) -> list[GoldDocument]:
    """Documents of the genre corpus (``corpora/genre/*.jsonl``: text and sections inline);
    each also carries its ``genre``."""
    docs = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            doc = GoldDocument(rec["id"], rec.get("source", rec["id"]), rec["text"], rec["sections"])
            doc.genre = rec["genre"]  # type: ignore[attr-defined]
            docs.append(doc)
    return docs
