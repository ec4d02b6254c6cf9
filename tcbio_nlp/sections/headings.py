"""Heading detection and section segmentation for Taiwan government documents.

Rules are data (``tcbio_nlp/data/section_rules.json``, loaded into :class:`HeadingRules`):

- numbering styles, from high to low: 第…章, 第…節, 壹、, 一、, (一)/（一）, 1、/1., (1)/（1）, A、;
- bare heading words (摘要, 關鍵字, 目次, 主旨, 說明, 依據, 公告事項, 主文, 理由 …), alone on
  their line or followed by ``：`` and inline text; some carry a fixed section type
  (the official-letter and judgment parts of the annotation guidelines);
- Markdown ``#`` headings (``**bold**`` markup is ignored).

A numbered line is a heading unless it is a list item. Hard evidence of a list item:
a bullet (``- (1) …``), a table-of-contents line (dot leaders or a trailing page
number), a sentence end (``。``), an intro sentence (``…如下：``) or a title over the
hard length limit. Soft evidence: a title over ``max_title_chars``, or no content of
its own before the next sibling/higher heading (one-line list entries, contents
lists). Numbered lines are judged per *series* — consecutive siblings of one style
with increasing numbers — so that ``(一) long prose…`` followed by ``- (二) …`` items
is a list, while one long title in a series of headings stays a heading.

Levels are relative: the highest numbering style present is level 1, and a heading
is one level below the nearest open heading of a higher style. Standalone words
(摘要, 目次, 關鍵字, 主旨 …) close everything and are level 1. Sections are flat and
cover the document: each runs from its heading line to the next heading; text before
the first heading is a level-0 section without heading; ``parent`` links a section to
the section of its nearest higher heading.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..numerals import chinese_ordinal

DEFAULT_RULES_RESOURCE = "section_rules.json"

_MARKDOWN_RE = re.compile(r"^(#{1,6})\s+")
_BOLD_RE = re.compile(r"\*\*|__")
_SPACE_RE = re.compile(r"\s+")
# characters two columns wide (East Asian Wide and Fullwidth: CJK, kana, hangul, full-width forms)
_WIDE_RE = re.compile("[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
                      "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]")


def numbering_value(marker: str) -> int | None:
    """Ordinal value of a numbering marker: 一、 → 1, (十二) → 12, 3. → 3, B、 → 2."""
    core = re.sub(r"[第章節、．.()（）\s]", "", marker)
    if not core:
        return None
    core = core.translate(str.maketrans("０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ",
                                        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    if core.isdigit():
        return int(core)
    if len(core) == 1 and "A" <= core <= "Z":
        return ord(core) - ord("A") + 1
    return chinese_ordinal(core)


@dataclass
class NumberingRule:
    """One numbering style: a regex matched at the start of the cleaned line, and its rank (0 = highest)."""

    name: str
    rank: int
    pattern: str
    regex: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.regex = re.compile(self.pattern)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "rank": self.rank, "pattern": self.pattern}


@dataclass
class HeadingWord:
    """A bare heading word (摘要, 說明 …) with its aliases, fixed label (or None) and behaviour."""

    word: str
    aliases: list[str] = field(default_factory=list)
    label: str | None = None
    standalone: bool = True
    toc: bool = False
    fixed_part: bool = False  # a fixed part of a letter/notice/judgment: numbered items after it are list items
    suffix: str | None = None  # what may follow the word on its line besides a colon ('附表一 …')
    # where the word may run straight into its text without a colon ('依據臺中市政府…函。', '摘要藥品之…'):
    # 'document_start' (the first line of the document), 'before_part' (the next line is a fixed part)
    run_in: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        keep = ("word", "label", "standalone")
        return {k: v for k, v in asdict(self).items() if v not in (None, [], False) or k in keep}


@dataclass
class _WordMatch:
    word: HeadingWord
    text: str  # the word as written ('主　　旨')
    inline: str  # text after the colon on the same line, '' if none
    suffixed: bool = False  # '附表一 食品添加物…': the whole line is the heading
    run_in: bool = False  # '依據臺中市政府…': the word runs into its text (accepted by context only)

    @property
    def compact(self) -> str:
        """The word without the spaces inside ('主　　旨' → '主旨'); a suffixed line stays as written."""
        return self.text if self.suffixed else _SPACE_RE.sub("", self.text)



@dataclass
class HeadingRules:
    """All heading rules; built from and written back to the JSON data file."""

    numbering: list[NumberingRule]
    heading_words: list[HeadingWord]
    word_rank: int = -5
    markdown_rank_base: int = -10
    list_bullet: str = r"^[-*•●▪‧·]\s*"
    toc_line: str = r"(?:\.{3,}|…{2,})\s*\d*\s*$|\t\s*\d{1,3}\s*$"
    sentence_end: str = r"[。；;！!？?]\s*$"
    intro_sentence: str = r"如下\s*[:：]\s*$"
    max_title_chars: int = 40
    hard_max_title_chars: int = 80
    series_list_fraction: float = 0.5
    word_max_gap: int = 3
    inline_item: str = ""
    numeral_max: int = 60
    statute_article: str = ""
    statute_min_articles: int = 2
    record_field: str = ""
    record_lead_lines: int = 3
    wrap_min_share: float = 0.3
    wrapped_line: str = ""  # a line ending inside a word ('…且Anti-HCV與HCV' / 'RNA均為陽性'):
    wrapped_next: str = ""  # ... when the next line starts like this, the line is wrapped prose
    wrap_display_width: bool = False  # measure the wrap width in display columns (CJK characters count 2)
    list_intro: str = ""  # a prose line introducing a list of criteria ('…並符合下列三項之一：'): the
    # numbered line right after it is a list item
    weak_series_min: int = 0  # a series of at least this many headings keeps a member whose only list
    # evidence is an intro ending or a wrapped title ('參、…評估意見說明如下：'); 0 = off
    field_block_words: bool = False  # '關鍵詞: …' between record fields ('出國類別: 考察') is a field
    toc_repeats: bool = False  # a numbered line written again later, with no text of its own, is a contents line
    version: int = 1
    description: str = ""
    cues: dict[str, list[str]] = field(default_factory=dict)  # classifier cue groups, kept with the rules
    cues_description: str = ""
    heading_cues: dict[str, list[str]] = field(default_factory=dict)  # section type → typical heading words
    heading_cues_description: str = ""
    body_cues: dict[str, list[str]] = field(default_factory=dict)  # section type → phrases that decide it
    body_cues_description: str = ""

    def __post_init__(self) -> None:
        self._bullet = re.compile(self.list_bullet)
        self._toc = re.compile(self.toc_line)
        self._sentence_end = re.compile(self.sentence_end)
        self._intro = re.compile(self.intro_sentence)
        self._inline_item = re.compile(self.inline_item) if self.inline_item else None
        self._statute = re.compile(self.statute_article, re.MULTILINE) if self.statute_article else None
        self._wrapped = (re.compile(self.wrapped_line), re.compile(self.wrapped_next)) if self.wrapped_line else None
        self._record = re.compile(self.record_field) if self.record_field else None
        self._list_intro = re.compile(self.list_intro) if self.list_intro else None
        self._numbering = sorted(self.numbering, key=lambda r: r.rank)
        words: dict[str, HeadingWord] = {}
        for hw in self.heading_words:
            for w in [hw.word, *hw.aliases]:
                words[_SPACE_RE.sub("", w).lower()] = hw
        self._words = words
        self._suffix = {key: re.compile(hw.suffix) for key, hw in words.items() if hw.suffix}
        alts = sorted(words, key=len, reverse=True)
        # the characters of a word may be spaced out ('主　　旨'); a colon may follow with inline text
        spaced = ("[ \t\u3000]*".join(re.escape(ch) for ch in w) for w in alts)
        self._word_re = re.compile(r"^(" + "|".join(spaced) + r")(.*)$", re.IGNORECASE)
        self._colon_re = re.compile(r"^\s*[:：︰]\s*(.*)$")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HeadingRules:
        data = dict(data)
        numbering = [NumberingRule(**r) for r in data.pop("numbering")]
        words = [HeadingWord(**w) for w in data.pop("heading_words")]
        known = {f for f in cls.__dataclass_fields__} - {"numbering", "heading_words"}
        return cls(numbering=numbering, heading_words=words, **{k: v for k, v in data.items() if k in known})

    @classmethod
    def from_json(cls, path: str | Path) -> HeadingRules:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    @classmethod
    def default(cls) -> HeadingRules:
        text = (resources.files("tcbio_nlp") / "data" / DEFAULT_RULES_RESOURCE).read_text(encoding="utf-8")
        return cls.from_dict(json.loads(text))

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "description": self.description,
            "numbering": [r.to_dict() for r in self.numbering],
            "heading_words": [w.to_dict() for w in self.heading_words],
            "word_rank": self.word_rank,
            "markdown_rank_base": self.markdown_rank_base,
            "list_bullet": self.list_bullet,
            "toc_line": self.toc_line,
            "sentence_end": self.sentence_end,
            "intro_sentence": self.intro_sentence,
            "max_title_chars": self.max_title_chars,
            "hard_max_title_chars": self.hard_max_title_chars,
            "series_list_fraction": self.series_list_fraction,
            "word_max_gap": self.word_max_gap,
            "inline_item": self.inline_item,
            "numeral_max": self.numeral_max,
            "statute_article": self.statute_article,
            "statute_min_articles": self.statute_min_articles,
            "record_field": self.record_field,
            "record_lead_lines": self.record_lead_lines,
            "wrap_min_share": self.wrap_min_share,
            "wrapped_line": self.wrapped_line,
            "wrapped_next": self.wrapped_next,
            "wrap_display_width": self.wrap_display_width,
            "list_intro": self.list_intro,
            "weak_series_min": self.weak_series_min,
            "field_block_words": self.field_block_words,
            "toc_repeats": self.toc_repeats,
            "cues_description": self.cues_description,
            "cues": self.cues,
            "heading_cues_description": self.heading_cues_description,
            "heading_cues": self.heading_cues,
            "body_cues_description": self.body_cues_description,
            "body_cues": self.body_cues,
        }

    def word_for(self, text: str) -> HeadingWord | None:
        """The heading word a heading text is (numbering ignored), if any: '五、 附錄' → 附錄,
        '主　　旨：公告…' → 主旨, '附表一' → 附表."""
        key = _SPACE_RE.sub("", text).lower()
        if key in self._words:
            return self._words[key]
        m = self.match_word(text.strip())
        return m.word if m is not None and not m.run_in else None

    def match_word(self, clean: str) -> _WordMatch | None:
        """The heading word a line is, alone, with a colon and inline text, or with its suffix."""
        wm = self._word_re.match(clean)
        if wm is None or self._toc.search(clean):
            return None
        written, rest = wm.group(1), wm.group(2)
        key = _SPACE_RE.sub("", written).lower()
        hw = self._words[key]
        colon = self._colon_re.match(rest)
        if colon is not None:
            return _WordMatch(hw, written, colon.group(1).strip())
        if len(written) - len(key) > self.word_max_gap:  # '說　　　　　明': a table's column header
            return None
        if not rest.strip():
            return _WordMatch(hw, written, "")
        suffix = self._suffix.get(key)
        if suffix is not None and suffix.fullmatch(rest):
            return _WordMatch(hw, clean, "", suffixed=True)
        # run into its text: the text must start like a new phrase ('依據臺中…', 'Abstract This …'),
        # not continue the word ('Summary of …')
        first = rest.lstrip()[:1]
        if hw.run_in and len(written) == len(key) and first and ("\u4e00" <= first <= "\u9fff" or first.isupper()):
            return _WordMatch(hw, written, rest.strip(), run_in=True)
        return None


@dataclass
class Heading:
    """A heading line. ``start``/``end``: the line's character span (without the newline)."""

    start: int
    end: int
    text: str  # cleaned heading as written, numbering included: '四、 建議事項', '摘要'
    title: str  # without numbering: '建議事項'
    kind: str  # 'numbering' | 'word' | 'markdown'
    style: str  # numbering rule name, 'word' or 'markdown'
    rank: int
    level: int = 0
    standalone: bool = False
    label: str | None = None  # fixed section type (official-letter parts …), else None
    inline_body: bool = False  # '關鍵字：…' — the body starts on the heading line


@dataclass
class Section:
    """A flat section: [start, end) of the text, its heading (None for the leading/only section)."""

    start: int
    end: int
    heading: Heading | None
    level: int
    parent: int | None = None  # index of the parent section, or None

    @property
    def body_start(self) -> int:
        """Where the body begins: after the heading line (or after '關鍵字：' when inline)."""
        if self.heading is None:
            return self.start
        return self.heading.end


@dataclass
class _Line:
    start: int
    end: int
    raw: str
    clean: str  # markdown/bold markup stripped, trimmed
    markdown: int  # number of leading '#', 0 if none
    bullet: bool


@dataclass
class _Candidate:
    line: int
    rule: NumberingRule
    marker: str
    title: str
    value: int | None
    hard: bool = False
    weak: bool = False
    soft: bool = False
    content: bool = True
    accepted: bool = False


class HeadingDetector:
    """Find headings in a text and cut it into sections. Pure Python; no spaCy needed."""

    def __init__(self, rules: HeadingRules | None = None) -> None:
        self.rules = rules or HeadingRules.default()

    # -- lines ------------------------------------------------------------------------
    def _lines(self, text: str) -> list[_Line]:
        lines: list[_Line] = []
        pos = 0
        for raw in text.split("\n"):
            start, end = pos, pos + len(raw)
            pos = end + 1
            body = raw.rstrip("\r")
            end = start + len(body)
            stripped = body.strip()
            md = 0
            m = _MARKDOWN_RE.match(stripped)
            if m:
                md = len(m.group(1))
                stripped = stripped[m.end():]
            bullet = False
            b = self.rules._bullet.match(stripped)
            if b and not md and not stripped.startswith("**"):
                bullet = True
                stripped = stripped[b.end():]
            clean = _BOLD_RE.sub("", stripped).strip()
            lines.append(_Line(start, end, body, clean, md, bullet))
        return lines

    def _match_numbering(self, clean: str) -> tuple[NumberingRule, str, str] | None:
        for rule in self.rules._numbering:
            m = rule.regex.match(clean)
            if m:
                title = clean[m.end():].strip()
                if not title:
                    return None
                return rule, m.group(0), title
        return None

    def _wrapped_at(self, lines: list[_Line], i: int) -> bool:
        """Line ``i`` breaks inside a word that the next line finishes (PDF table cells)."""
        w = self.rules._wrapped
        if w is None or i + 1 >= len(lines):
            return False
        return bool(w[0].search(lines[i].clean) and w[1].match(lines[i + 1].clean))

    def _width(self, line: _Line) -> int:
        """A line's length as wrapped: characters, or display columns (CJK = 2) when
        ``wrap_display_width`` is set."""
        raw = line.raw.rstrip()
        if not self.rules.wrap_display_width:
            return len(raw)
        return len(raw) + len(_WIDE_RE.findall(raw))

    def _wrap_width(self, lines: list[_Line]) -> int:
        """The width a text was hard-wrapped at (0 if not): the most common length of its long
        lines when at least ``wrap_min_share`` of them have it. A numbered line running to that
        width and continuing on the next line is wrapped prose, not a title."""
        share = self.rules.wrap_min_share
        if share <= 0:
            return 0
        lengths = [w for w in (self._width(ln) for ln in lines) if w >= 20]
        if len(lengths) < 10:
            return 0
        width, n = Counter(lengths).most_common(1)[0]
        if self.rules.wrap_display_width:  # a line may end one column short (a wide character did not fit)
            n += Counter(lengths)[width - 1] + Counter(lengths)[width + 1]
        return width if n >= share * len(lengths) else 0

    def _run_in_ok(self, lines: list[_Line], i: int, contexts: list[str]) -> bool:
        """A heading word run into its text counts only where the document shows it is one: on the
        document's first line ('document_start') or right before a fixed part ('before_part':
        '依據臺中市政府…函。' followed by '主旨:…')."""
        rest = [j for j in range(len(lines)) if lines[j].clean]
        if "document_start" in contexts and rest and rest[0] == i:
            return True
        if "before_part" in contexts:
            nxt = next((j for j in rest if j > i), None)
            if nxt is not None:
                m = self.rules.match_word(lines[nxt].clean)
                if m is not None and m.word.fixed_part and not m.run_in:
                    return True
        return False

    def _in_field_block(self, lines: list[_Line], i: int) -> bool:
        """Line ``i`` stands between two record fields ('出國類別: 考察' / '備註:')."""
        rx = self.rules._record
        if rx is None:
            return False
        prev = next((lines[j].clean for j in range(i - 1, -1, -1) if lines[j].clean), "")
        nxt = next((lines[j].clean for j in range(i + 1, len(lines)) if lines[j].clean), "")
        return bool(rx.match(prev) and rx.match(nxt))

    def _numbering_off(self, text: str, lines: list[_Line]) -> bool:
        """No numbered headings in a statute (its articles: 第一條 …) or a record of fields
        (許可證字號：… / 中文品名：… at the top): their numbered lines are list items."""
        rules = self.rules
        if rules._statute is not None and len(rules._statute.findall(text)) >= rules.statute_min_articles:
            return True
        if rules._record is not None and rules.record_lead_lines > 0:
            lead = [ln.clean for ln in lines if ln.clean][: rules.record_lead_lines]
            if len(lead) == rules.record_lead_lines and all(rules._record.match(c) for c in lead):
                return True
        return False

    # -- detection --------------------------------------------------------------------
    def detect(self, text: str) -> list[Heading]:
        """Headings in document order, with levels."""
        rules = self.rules
        lines = self._lines(text)
        headings: dict[int, Heading] = {}
        candidates: list[_Candidate] = []
        cand_at: dict[int, _Candidate] = {}
        fixed_from: int | None = None  # first line of a fixed part (主旨, 說明, 公告事項, 主文 …)
        no_numbering = self._numbering_off(text, lines)
        wrap = self._wrap_width(lines)

        prev_prose: str | None = None  # the last non-empty line that is neither a heading nor a candidate
        for i, ln in enumerate(lines):
            if not ln.clean:
                continue
            # bare heading words: '摘要', '目 次', '主　　旨：…', '附表一', '## 摘要'
            wmatch = None if ln.bullet else rules.match_word(ln.clean)
            if wmatch is not None and wmatch.run_in and not self._run_in_ok(lines, i, wmatch.word.run_in):
                wmatch = None
            if (wmatch is not None and wmatch.inline and not wmatch.word.fixed_part and rules.field_block_words
                    and self._in_field_block(lines, i)):
                wmatch = None
            if wmatch is not None:
                hw = wmatch.word
                inline = bool(wmatch.inline)
                headings[i] = Heading(
                    start=ln.start, end=ln.end, text=wmatch.compact, title=hw.word,
                    kind="word", style="word", rank=rules.word_rank, standalone=hw.standalone,
                    label=hw.label, inline_body=inline,
                )
                if hw.fixed_part and fixed_from is None:
                    fixed_from = i
                if inline:  # the heading is the word; its body starts after it
                    at = ln.raw.find(wmatch.text)
                    headings[i].end = ln.start + (at + len(wmatch.text) if at >= 0 else 0)
                prev_prose = None
                continue
            num = self._match_numbering(ln.clean)
            if num is not None:
                rule, marker, title = num
                c = _Candidate(i, rule, marker, title, numbering_value(marker))
                # a title that introduces a list or runs on to the next line is weak evidence of a
                # list item: a long series of headings keeps it ('參、…評估意見說明如下：')
                c.weak = bool(
                    rules._intro.search(title)
                    or self._wrapped_at(lines, i)
                    or (wrap > 0 and self._width(ln) >= wrap - 1 and i + 1 < len(lines)
                        and bool(lines[i + 1].clean) and not rules._sentence_end.search(title))
                )
                c.hard = bool(
                    ln.bullet
                    or rules._toc.search(ln.clean)
                    or rules._sentence_end.search(title)
                    or len(title) > rules.hard_max_title_chars
                    or (rules._inline_item is not None and rules._inline_item.search(title))
                    or c.value is None
                    or c.value > rules.numeral_max
                    or no_numbering
                    or fixed_from is not None
                    # the line before introduces a list of criteria ('…並符合下列三項之一：')
                    or (rules._list_intro is not None and prev_prose is not None
                        and bool(rules._list_intro.search(prev_prose)))
                )
                c.soft = len(title) > rules.max_title_chars
                candidates.append(c)
                cand_at[i] = c
                prev_prose = None
                continue
            if ln.markdown and not rules._toc.search(ln.clean):
                headings[i] = Heading(
                    start=ln.start, end=ln.end, text=ln.clean, title=ln.clean, kind="markdown",
                    style="markdown", rank=rules.markdown_rank_base + ln.markdown,
                )
                prev_prose = None
                continue
            prev_prose = ln.clean

        if rules.toc_repeats:
            self._mark_contents_lines(lines, candidates, cand_at, headings)

        # content test: does a candidate have text of its own (or children) before the next
        # candidate of the same or a higher style?
        for c in candidates:
            c.content = False
            for j in range(c.line + 1, len(lines)):
                ln = lines[j]
                if not ln.clean:
                    continue
                if j in headings:
                    break
                other = cand_at.get(j)
                if other is not None and not other.hard and other.rule.rank <= c.rule.rank:
                    break
                c.content = True
                break

        # series: consecutive candidates of one style with increasing numbers, not interrupted
        # by a candidate or heading of a higher style
        series: list[list[_Candidate]] = []
        open_series: dict[str, list[_Candidate]] = {}
        for i in range(len(lines)):
            if i in headings:
                h = headings[i]
                open_series = {k: s for k, s in open_series.items() if s[0].rule.rank < h.rank}
                continue
            c = cand_at.get(i)
            if c is None:
                continue
            for name in [n for n, s in open_series.items() if s[0].rule.rank > c.rule.rank]:
                del open_series[name]
            cur = open_series.get(c.rule.name)
            if cur is not None and c.value is not None and cur[-1].value is not None and c.value > cur[-1].value:
                cur.append(c)
            else:
                cur = [c]
                series.append(cur)
                open_series[c.rule.name] = cur

        for s in series:
            listy = sum(1 for c in s if c.hard or c.weak or c.soft or not c.content)
            is_list = listy / len(s) >= rules.series_list_fraction
            keep_weak = 0 < rules.weak_series_min <= len(s)
            for c in s:
                c.accepted = (not is_list and not c.hard and (c.content or not c.soft)
                              and (not c.weak or (keep_weak and c.content)))
                if c.accepted:
                    ln = lines[c.line]
                    headings[c.line] = Heading(
                        start=ln.start, end=ln.end, text=ln.clean, title=c.title, kind="numbering",
                        style=c.rule.name, rank=c.rule.rank,
                    )
                    hw = rules.word_for(c.title)
                    if hw is not None and hw.label is not None:
                        headings[c.line].label = hw.label

        ordered = [headings[i] for i in sorted(headings)]
        self._assign_levels(ordered)
        return ordered

    @staticmethod
    def _mark_contents_lines(lines: list[_Line], candidates: list[_Candidate], cand_at: dict[int, _Candidate],
                             headings: dict[int, Heading], min_run: int = 3) -> None:
        """A table of contents without page numbers: a run of at least ``min_run`` numbered lines
        with no text between them, most of them written again later in the document, is a list
        of contents lines, not of headings."""
        last: dict[str, int] = {}
        for c in candidates:
            last[_SPACE_RE.sub("", lines[c.line].clean)] = c.line
        runs: list[list[_Candidate]] = []
        cur: list[_Candidate] = []
        for j, ln in enumerate(lines):
            if not ln.clean:
                continue
            if j in cand_at:
                cur.append(cand_at[j])
                continue
            if j in headings and not cur:
                continue
            runs.append(cur)
            cur = []
        runs.append(cur)
        for run in runs:
            run = [c for c in run if not lines[c.line].bullet]  # bullet items are list items anyway
            if len(run) < min_run:
                continue
            repeated = [c for c in run if last[_SPACE_RE.sub("", lines[c.line].clean)] != c.line]
            if len(repeated) >= 0.8 * len(run):
                for c in repeated:
                    c.hard = True

    @staticmethod
    def _assign_levels(headings: list[Heading]) -> None:
        stack: list[Heading] = []
        for h in headings:
            if h.standalone:
                stack.clear()
                h.level = 1
                continue
            while stack and stack[-1].rank >= h.rank:
                stack.pop()
            h.level = len(stack) + 1
            stack.append(h)

    # -- segmentation ------------------------------------------------------------------
    def segment(self, text: str, headings: list[Heading] | None = None) -> list[Section]:
        """Flat sections covering ``text``, in order; one level-0 section when there is no heading."""
        if headings is None:
            headings = self.detect(text)
        sections: list[Section] = []
        if not headings:
            return [Section(0, len(text), None, 0, None)]
        first = headings[0].start
        if text[:first].strip():
            sections.append(Section(0, first, None, 0, None))
        for k, h in enumerate(headings):
            start = h.start if sections else 0
            end = headings[k + 1].start if k + 1 < len(headings) else len(text)
            sections.append(Section(start, end, h, h.level, None))
        # parents: nearest preceding section with a lower level (standalone words have none)
        stack: list[int] = []
        for idx, s in enumerate(sections):
            if s.heading is None:
                continue
            if s.heading.standalone:
                stack.clear()
                continue
            while stack and sections[stack[-1]].level >= s.level:
                stack.pop()
            s.parent = stack[-1] if stack else None
            stack.append(idx)
        return sections


def section_body(text: str, section: Section) -> str:
    """The section's own text without its heading line."""
    return text[section.body_start : section.end]
