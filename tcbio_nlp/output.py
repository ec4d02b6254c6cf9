"""Output for the ``tcbio`` command line: Doc → plain record, and the four output formats.

A processed Doc (or one chunk of a large file) becomes a *record*: plain JSON-able data
with character offsets into the whole input file — the shape of the JSONL output in
``docs/interface-contract.md``::

    {"tokens": [[0, 3], ...],
     "entities": [{"start", "end", "label", "text", "norm"?}, ...],
     "sections": [{"start", "end", "label", "heading", "level", "score"}, ...]}

Records are what worker processes send back, so formatting never needs a Doc. A
formatter receives one document at a time as a stream of :class:`Chunk` objects and
writes as it goes: ``jsonl`` (the contract), ``conll`` (token per line, BIO tags),
``html`` (one self-contained page per run: displaCy entities and a section outline)
and ``table`` (rich tables for the terminal).
"""

from __future__ import annotations

import html
import json
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TextIO

import numpy
from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START
from spacy.tokens import Doc, Span

FORMATS = ("jsonl", "conll", "html", "table")
ENTITY_COLORS = {
    "AGENCY": "#7aecec",
    "PRODUCT": "#bfeeb7",
    "LICENSE_NO": "#feca74",
    "MONEY": "#e4e7d2",
}
_SENT_END = frozenset("。！？；!?;")
#: key of a section record that continues a section of the previous chunk (internal, never written)
CONTINUES = "_continues"


# -- Doc → record ------------------------------------------------------------------------
def doc_to_record(
    doc: Doc, offset: int = 0, sentences: bool = False, tokens_json: bool = False, cut: int | None = None
) -> dict[str, Any]:
    """Plain record for ``doc``, all offsets shifted by ``offset`` (the chunk's position in its file).

    Whitespace tokens are left out of ``tokens`` (they are not words). With
    ``sentences``, and when the pipeline sets sentence boundaries, ``sent_starts`` lists
    the indices (into ``tokens``) of sentence-initial tokens. With ``tokens_json``,
    ``tokens`` is the JSON text of the token list without its outer brackets
    (``"[0,3],[3,5]"``), so that worker processes do the formatting.

    ``cut`` (a shifted offset): the doc text before it is context that is not part of the
    chunk (the heading lines above a chunk of a long file): tokens, entities and sections
    that end there are dropped, and a section running across ``cut`` is clipped to start
    at ``cut`` and marked as the continuation of an earlier chunk's section.
    """
    has_sents = sentences and doc.has_annotation("SENT_START")
    sent_starts: list[int] = []
    if len(doc):
        attrs = [IDX, LENGTH, IS_SPACE] + ([SENT_START] if has_sents else [])
        arr = doc.to_array(attrs).astype(numpy.int64).reshape(len(doc), len(attrs))
        word = arr[:, 2] == 0
        if cut is not None:
            word &= arr[:, 0] + offset >= cut
        keep = numpy.flatnonzero(word)
        starts = arr[keep, 0] + offset
        ends = starts + arr[keep, 1]
        if has_sents:
            positions = numpy.flatnonzero(arr[:, 3] == 1)
            # a sentence that starts on a whitespace token starts at the next word
            sent_starts = sorted({int(k) for k in numpy.searchsorted(keep, positions) if k < len(keep)})
        if tokens_json:
            tokens: Any = ",".join(map("[{},{}]".format, starts.tolist(), ends.tolist()))
        else:
            tokens = numpy.stack([starts, ends], axis=1).tolist()
    else:
        tokens = "" if tokens_json else []
    has_norm = Span.has_extension("norm")
    entities = []
    for ent in doc.ents:
        if cut is not None and ent.start_char + offset < cut:
            continue
        item: dict[str, Any] = {
            "start": ent.start_char + offset,
            "end": ent.end_char + offset,
            "label": ent.label_,
            "text": ent.text,
        }
        norm = getattr(ent._, "norm", None) if has_norm else None
        if norm is not None:
            item["norm"] = _plain(norm)
        entities.append(item)
    sections = []
    if "sections" in doc.spans:
        has_heading = Span.has_extension("heading")
        has_level = Span.has_extension("level")
        has_score = Span.has_extension("score")
        for span in doc.spans["sections"]:
            start, end = span.start_char + offset, span.end_char + offset
            continues = False
            if cut is not None and start < cut:
                if end <= cut:
                    continue
                start, continues = cut, True
            score = getattr(span._, "score", None) if has_score else None
            level = getattr(span._, "level", None) if has_level else None
            section = {
                "start": start,
                "end": end,
                "label": span.label_,
                "heading": _plain(getattr(span._, "heading", None)) if has_heading else None,
                "level": int(level) if level is not None else None,
                "score": round(float(score), 4) if score is not None else None,
            }
            if continues:
                section[CONTINUES] = True
            sections.append(section)
        sections.sort(key=lambda s: (s["start"], -s["end"]))
    record: dict[str, Any] = {"tokens": tokens, "entities": entities, "sections": sections}
    if has_sents:
        record["sent_starts"] = sent_starts
    return record


def _plain(value: Any) -> Any:
    """JSON-able copy of a norm value (numpy scalars, Decimals, sets, Spans → plain types)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, Span):
        return value.text
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    try:
        as_int = int(value)
        if as_int == value:
            return as_int
        return float(value)
    except (TypeError, ValueError):
        return str(value)


# -- streams of chunks -----------------------------------------------------------------------
@dataclass
class DocInfo:
    """What a formatter knows about an input document besides its records."""

    id: str
    text: str
    encoding: str = ""
    index: int = 0


@dataclass
class Chunk:
    """One processed chunk of a document: ``text[start:end]`` and its record (file offsets)."""

    start: int
    end: int
    record: dict[str, Any]
    #: set by :func:`merge_chunks`: the chunk opens inside a section of an earlier chunk
    continues_section: bool = False


def merge_chunks(chunks: Iterable[Chunk]) -> Iterator[Chunk]:
    """Re-join sections across chunk boundaries, yielding each chunk once its sections are final.

    A chunk's first section continues the section(s) that ran up to the boundary in the
    previous chunk when it was opened by the context above the chunk (marked by
    :func:`doc_to_record`) or starts at the boundary without a heading: it is dropped and
    the earlier ones are extended over it. Text before a chunk's first section, or a
    chunk without sections, also extends them. One chunk is held back, so memory stays
    bounded by two chunks' records.
    """
    prev: Chunk | None = None
    open_sections: list[dict[str, Any]] = []  # sections of earlier chunks reaching the boundary
    for chunk in chunks:
        sections = chunk.record.get("sections") or []
        continuation = [
            s for s in sections if s.pop(CONTINUES, False) or (s["start"] <= chunk.start and not s.get("heading"))
        ]
        if prev is not None and open_sections:
            if continuation:
                reach = max(s["end"] for s in continuation)
                sections[:] = [s for s in sections if not any(s is c for c in continuation)]
                chunk.continues_section = True
            elif sections and sections[0]["start"] > chunk.start:
                reach = sections[0]["start"]
                chunk.continues_section = True
            elif not sections:
                reach = chunk.end
                chunk.continues_section = True
            else:
                reach = chunk.start
            for sec in open_sections:
                sec["end"] = max(sec["end"], reach)
        elif continuation:  # nothing to continue (first chunk): keep them as sections of their own
            for s in continuation:
                s.pop(CONTINUES, None)
        if prev is not None:
            yield prev
        still_open = [s for s in open_sections if s["end"] >= chunk.end]
        open_sections = still_open + [s for s in sections if s["end"] >= chunk.end]
        prev = chunk
    if prev is not None:
        yield prev


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_plain)


# -- formatters ---------------------------------------------------------------------------
class Formatter:
    """Writes documents to ``out`` as their chunks arrive."""

    #: whether records should carry sentence starts
    needs_sentences = False

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def start(self) -> None:
        """Called once before the first document."""

    def write(self, doc: DocInfo, chunks: Iterable[Chunk]) -> None:
        raise NotImplementedError

    def finish(self, stats: dict[str, Any] | None = None) -> None:
        """Called once after the last document (also when there were none)."""


class JsonlFormatter(Formatter):
    """One JSON object per document, exactly as in the interface contract, streamed chunk by chunk."""

    def write(self, doc: DocInfo, chunks: Iterable[Chunk]) -> None:
        out = self.out
        out.write('{"id":' + _dumps(doc.id) + ',"text":' + _dumps(doc.text) + ',"tokens":[')
        sections: list[dict[str, Any]] = []
        first_tok = first_ent = True
        with tempfile.SpooledTemporaryFile(max_size=8 << 20, mode="w+", encoding="utf-8") as ents:
            for chunk in merge_chunks(chunks):
                rec = chunk.record
                tokens = rec["tokens"]
                if tokens:
                    if not first_tok:
                        out.write(",")
                    out.write(tokens if isinstance(tokens, str) else _dumps(tokens)[1:-1])
                    first_tok = False
                if rec["entities"]:
                    if not first_ent:
                        ents.write(",")
                    ents.write(_dumps(rec["entities"])[1:-1])
                    first_ent = False
                sections.extend(rec["sections"])
            out.write('],"entities":[')
            ents.seek(0)
            while block := ents.read(1 << 20):
                out.write(block)
        sections.sort(key=lambda s: (s["start"], -s["end"]))
        out.write('],"sections":' + _dumps(sections) + "}\n")


class ConllFormatter(Formatter):
    """``TOKEN<TAB>START<TAB>END<TAB>BIO-TAG``, one token per line.

    Each document opens with a ``# id = …`` comment line; a blank line ends every
    sentence (and so every document). Sentences come from the pipeline when it sets
    them, else they end after 。！？；!?; and at line breaks.
    """

    needs_sentences = True

    def write(self, doc: DocInfo, chunks: Iterable[Chunk]) -> None:
        out = self.out
        text = doc.text
        out.write(f"# id = {_one_line(doc.id)}\n")
        open_sentence = False
        for chunk in chunks:
            rec = chunk.record
            tokens = rec["tokens"]
            tags = bio_tags(tokens, rec["entities"])
            starts = set(rec["sent_starts"]) if "sent_starts" in rec else None
            lines = []
            prev_end = None
            for i, ((a, b), tag) in enumerate(zip(tokens, tags, strict=True)):
                if starts is not None:
                    new_sentence = i in starts
                else:
                    new_sentence = prev_end is None or "\n" in text[prev_end:a] or text[prev_end - 1] in _SENT_END
                if new_sentence and open_sentence:
                    lines.append("")
                lines.append(f"{_one_line(text[a:b])}\t{a}\t{b}\t{tag}")
                open_sentence = True
                prev_end = b
            if lines:
                out.write("\n".join(lines) + "\n")
        out.write("\n")


def bio_tags(tokens: list[list[int]], entities: list[dict[str, Any]]) -> list[str]:
    """B-/I-/O tag per token: a token belongs to the entity its characters overlap."""
    tags = ["O"] * len(tokens)
    ents = sorted(entities, key=lambda e: (e["start"], e["end"]))
    j = 0
    for i, (a, b) in enumerate(tokens):
        while j < len(ents) and ents[j]["end"] <= a:
            j += 1
        if j < len(ents) and ents[j]["start"] < b:
            ent = ents[j]
            begins = i == 0 or tokens[i - 1][1] <= ent["start"] or a <= ent["start"]
            tags[i] = ("B-" if begins else "I-") + ent["label"]
    return tags


def _one_line(s: str) -> str:
    return re.sub(r"[\t\r\n]", " ", s)


_HTML_STYLE = """
body{font-family:"Noto Sans CJK TC","Noto Sans TC","PingFang TC","Microsoft JhengHei",sans-serif;
margin:0 auto;max-width:60em;padding:1em 2em;color:#222;line-height:1.6}
header.tcbio-run{border-bottom:2px solid #ccc;margin-bottom:1em}
section.tcbio-doc{border-bottom:1px solid #ddd;padding-bottom:1.5em;margin-bottom:1.5em}
nav.tcbio-outline ol{list-style:none;padding-left:0;margin:.3em 0}
nav.tcbio-outline li{margin:.15em 0}
nav.tcbio-outline .label{font-size:.8em;background:#eef;border-radius:3px;padding:0 .4em;margin-left:.5em}
nav.tcbio-outline .score,nav.tcbio-outline .range,.tcbio-meta{font-size:.8em;color:#777;margin-left:.4em}
div.tcbio-section{border-left:3px solid #eee;padding-left:.8em;margin:.6em 0}
div.tcbio-section > .tcbio-section-head{font-size:.75em;color:#888}
details.tcbio-entities table{border-collapse:collapse;font-size:.9em}
details.tcbio-entities td,details.tcbio-entities th{border:1px solid #ddd;padding:.2em .5em;text-align:left}
.entities{line-height:1.9!important}
"""


class HtmlFormatter(Formatter):
    """One self-contained HTML page per run: per document a section outline, the text with
    entities rendered by displaCy (one block per section, anchored from the outline) and a
    collapsible entity table with normalised values."""

    def start(self) -> None:
        self.n_docs = 0
        self.out.write(
            '<!DOCTYPE html>\n<html lang="zh-Hant">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            "<title>tcbio tag</title>\n<style>" + _HTML_STYLE + _legend_css() + "</style>\n</head>\n<body>\n"
            '<header class="tcbio-run"><h1>tcbio tag</h1>' + _legend_html() + "</header>\n<main>\n"
        )

    def write(self, doc: DocInfo, chunks: Iterable[Chunk]) -> None:
        from spacy import displacy

        self.n_docs += 1
        d = doc.index
        text = doc.text
        sections: list[dict[str, Any]] = []
        n_ents = 0
        with (
            tempfile.SpooledTemporaryFile(max_size=8 << 20, mode="w+", encoding="utf-8") as body,
            tempfile.SpooledTemporaryFile(max_size=8 << 20, mode="w+", encoding="utf-8") as table,
        ):
            for chunk in merge_chunks(chunks):
                rec = chunk.record
                chunk_sections = rec["sections"]
                base = len(sections)
                sections.extend(chunk_sections)
                # flat segments of the chunk between section starts
                starts = sorted({s["start"] for s in chunk_sections if chunk.start <= s["start"] < chunk.end})
                cuts = [chunk.start, *[s for s in starts if s > chunk.start], chunk.end]
                ents = rec["entities"]
                k = 0
                for a, b in zip(cuts, cuts[1:], strict=False):
                    seg_ents = []
                    while k < len(ents) and ents[k]["start"] < b:
                        e = ents[k]
                        seg_ents.append({"start": e["start"] - a, "end": min(e["end"], b) - a, "label": e["label"]})
                        k += 1
                    anchors = [(base + j, s) for j, s in enumerate(chunk_sections) if s["start"] == a]
                    body.write('<div class="tcbio-section"')
                    if anchors:
                        body.write(f' id="d{d}-s{anchors[0][0]}"')
                    body.write(">")
                    for j, _s in anchors[1:]:
                        body.write(f'<span id="d{d}-s{j}"></span>')
                    if anchors:
                        s = anchors[-1][1]
                        body.write(
                            '<div class="tcbio-section-head">'
                            + html.escape(f"{s['label']} · level {s['level']} · {s['start']}–{s['end']}")
                            + "</div>"
                        )
                    body.write(
                        displacy.render(
                            {"text": text[a:b], "ents": seg_ents, "title": None},
                            style="ent",
                            manual=True,
                            page=False,
                            jupyter=False,
                            options={"colors": ENTITY_COLORS},
                        )
                    )
                    body.write("</div>\n")
                for e in ents:
                    n_ents += 1
                    norm = _dumps(e["norm"]) if "norm" in e else ""
                    table.write(
                        f"<tr><td>{e['start']}–{e['end']}</td><td>{html.escape(e['label'])}</td>"
                        f"<td>{html.escape(e['text'])}</td><td><code>{html.escape(norm)}</code></td></tr>\n"
                    )
            out = self.out
            out.write(f'<section class="tcbio-doc" id="d{d}">\n<h2>{html.escape(doc.id)}</h2>\n')
            meta = " · ".join(
                (_count(len(text), "character"), _count(n_ents, "entity", "entities"), _count(len(sections), "section"))
            )
            if doc.encoding:
                meta += f" · {doc.encoding}"
            out.write(f'<div class="tcbio-meta">{html.escape(meta)}</div>\n')
            out.write(_outline_html(d, sections))
            out.write('<div class="tcbio-text">\n')
            body.seek(0)
            while block := body.read(1 << 20):
                out.write(block)
            out.write("</div>\n")
            out.write(
                f'<details class="tcbio-entities"><summary>Entities ({n_ents})</summary>\n'
                "<table><thead><tr><th>offsets</th><th>label</th><th>text</th><th>norm</th></tr></thead><tbody>\n"
            )
            table.seek(0)
            while block := table.read(1 << 20):
                out.write(block)
            out.write("</tbody></table></details>\n</section>\n")

    def finish(self, stats: dict[str, Any] | None = None) -> None:
        if not self.n_docs:
            self.out.write("<p>No documents were tagged.</p>\n")
        self.out.write("</main>\n</body>\n</html>\n")


def _legend_css() -> str:
    return "".join(f".tcbio-legend .l-{k}{{background:{v}}}" for k, v in ENTITY_COLORS.items())


def _legend_html() -> str:
    items = "".join(
        f'<span class="l-{k}" style="padding:0 .4em;margin-right:.4em;border-radius:3px">{k}</span>'
        for k in ENTITY_COLORS
    )
    return f'<p class="tcbio-legend">{items}</p>'


def _outline_html(d: int, sections: list[dict[str, Any]]) -> str:
    if not sections:
        return '<nav class="tcbio-outline"><p>(no sections)</p></nav>\n'
    levels = [s["level"] for s in sections if isinstance(s["level"], int)]
    top = min(levels) if levels else 1
    items = []
    for j, s in enumerate(sections):
        level = s["level"] if isinstance(s["level"], int) else top
        indent = max(0, level - top) * 1.5
        heading = s["heading"] or "(no heading)"
        score = f"{s['score']:.2f}" if isinstance(s["score"], (int, float)) else ""
        items.append(
            f'<li class="level-{level}" data-label="{html.escape(str(s["label"]))}" '
            f'style="margin-left:{indent}em"><a href="#d{d}-s{j}">{html.escape(str(heading))}</a>'
            f'<span class="label">{html.escape(str(s["label"]))}</span>'
            f'<span class="score">{score}</span><span class="range">{s["start"]}–{s["end"]}</span></li>'
        )
    return '<nav class="tcbio-outline"><h3>Sections</h3><ol>\n' + "\n".join(items) + "\n</ol></nav>\n"


class TableFormatter(Formatter):
    """Readable rich tables: per document a summary line, its entities and its section outline."""

    ROWS_PER_TABLE = 500

    def __init__(self, out: TextIO, width: int | None = None) -> None:
        super().__init__(out)
        from rich.console import Console

        is_tty = hasattr(out, "isatty") and out.isatty()
        self.console = Console(
            file=out,
            width=None if is_tty else (width or 120),
            highlight=False,
            force_terminal=None if is_tty else False,
            soft_wrap=False,
        )

    def write(self, doc: DocInfo, chunks: Iterable[Chunk]) -> None:
        from rich.rule import Rule

        con = self.console
        text = doc.text
        con.print(Rule(f"[bold]{_markup_escape(doc.id)}[/]", align="left"))
        sections: list[dict[str, Any]] = []
        rows: list[dict[str, Any]] = []
        n_tokens = n_ents = 0
        for chunk in merge_chunks(chunks):
            rec = chunk.record
            n_tokens += len(rec["tokens"])
            sections.extend(rec["sections"])
            for e in rec["entities"]:
                rows.append(e)
                n_ents += 1
                if len(rows) >= self.ROWS_PER_TABLE:
                    con.print(self._entity_table(rows, n_ents - len(rows)))
                    rows = []
        if rows or not n_ents:
            con.print(self._entity_table(rows, n_ents - len(rows)))
        con.print(self._section_table(sections))
        meta = " · ".join(
            (
                _count(len(text), "character"),
                _count(n_tokens, "token"),
                _count(n_ents, "entity", "entities"),
                _count(len(sections), "section"),
            )
        )
        if doc.encoding:
            meta += f" · {doc.encoding}"
        con.print(f"[dim]{_markup_escape(meta)}[/]\n")

    def _entity_table(self, rows: list[dict[str, Any]], first: int):
        from rich.table import Table
        from rich.text import Text

        title = "Entities" if first == 0 else f"Entities (continued from #{first + 1})"
        table = Table(title=title, title_justify="left", show_lines=False, expand=False)
        table.add_column("#", justify="right", style="dim")
        table.add_column("label")
        table.add_column("text")
        table.add_column("offsets", justify="right", style="dim")
        table.add_column("norm")
        for i, e in enumerate(rows, first + 1):
            color = ENTITY_COLORS.get(e["label"], "#dddddd")
            table.add_row(
                str(i),
                Text(e["label"], style=f"bold black on {color}"),
                Text(e["text"]),
                f"{e['start']}–{e['end']}",
                Text(_norm_summary(e.get("norm"))),
            )
        if not rows:
            table.add_row("", "", Text("(no entities)", style="dim"), "", "")
        return table

    def _section_table(self, sections: list[dict[str, Any]]):
        from rich.table import Table
        from rich.text import Text

        table = Table(title="Sections", title_justify="left")
        table.add_column("heading")
        table.add_column("label")
        table.add_column("level", justify="right")
        table.add_column("score", justify="right")
        table.add_column("offsets", justify="right", style="dim")
        levels = [s["level"] for s in sections if isinstance(s["level"], int)]
        top = min(levels) if levels else 1
        for s in sections:
            level = s["level"] if isinstance(s["level"], int) else top
            heading = s["heading"] or "(no heading)"
            table.add_row(
                Text("  " * max(0, level - top) + str(heading)),
                str(s["label"]),
                "" if s["level"] is None else str(s["level"]),
                "" if s["score"] is None else f"{s['score']:.2f}",
                f"{s['start']}–{s['end']}",
            )
        if not sections:
            table.add_row(Text("(no sections)", style="dim"), "", "", "", "")
        return table


def _count(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


def _norm_summary(norm: Any) -> str:
    if not norm:
        return ""
    if isinstance(norm, dict):
        if "value" in norm:
            value = norm["value"]
            shown = f"{value:,}" if isinstance(value, (int, float)) else str(value)
            return f"{shown} {norm.get('currency', '')}".strip()
        if "canonical" in norm:
            return str(norm["canonical"])
        return ", ".join(f"{k}={v}" for k, v in norm.items())
    return str(norm)


def _markup_escape(s: str) -> str:
    from rich.markup import escape

    return escape(s)


def make_formatter(name: str, out: TextIO) -> Formatter:
    """The formatter for ``--format name`` writing to ``out``."""
    if name == "jsonl":
        return JsonlFormatter(out)
    if name == "conll":
        return ConllFormatter(out)
    if name == "html":
        return HtmlFormatter(out)
    if name == "table":
        return TableFormatter(out)
    raise ValueError(f"unknown format {name!r}; choose from {', '.join(FORMATS)}")


__all__ = [
    "Chunk",
    "DocInfo",
    "ENTITY_COLORS",
    "FORMATS",
    "Formatter",
    "bio_tags",
    "doc_to_record",
    "make_formatter",
    "merge_chunks",
]
