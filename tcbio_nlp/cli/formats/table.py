"""``--format table``: readable rich tables for the terminal, per document entities and section outline."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from ..records import Chunk, DocInfo, merge_chunks
from . import ENTITY_COLORS, Formatter, count


class TableFormatter(Formatter):
    ROWS_PER_TABLE = 500

    def __init__(self, out: TextIO, width: int | None = None) -> None:
        super().__init__(out)
        is_tty = hasattr(out, "isatty") and out.isatty()
        self.console = Console(file=out, width=None if is_tty else (width or 120), highlight=False,
                               force_terminal=None if is_tty else False, soft_wrap=False)

    def write(self, doc: DocInfo, chunks: Iterable[Chunk]) -> None:
        con = self.console
        con.print(Rule(f"[bold]{escape(doc.id)}[/]", align="left"))
        sections: list[dict[str, Any]] = []
        rows: list[dict[str, Any]] = []
        n_tokens = n_ents = 0
        for chunk in merge_chunks(chunks):
            n_tokens += len(chunk.record["tokens"])
            sections.extend(chunk.record["sections"])
            for e in chunk.record["entities"]:
                rows.append(e)
                n_ents += 1
                if len(rows) >= self.ROWS_PER_TABLE:
                    con.print(_entity_table(rows, n_ents - len(rows)))
                    rows = []
        if rows or not n_ents:
            con.print(_entity_table(rows, n_ents - len(rows)))
        con.print(_section_table(sections))
        meta = " · ".join((count(len(doc.text), "character"), count(n_tokens, "token"),
                           count(n_ents, "entity", "entities"), count(len(sections), "section")))
        con.print(f"[dim]{escape(meta + (f' · {doc.encoding}' if doc.encoding else ''))}[/]\n")


def _entity_table(rows: list[dict[str, Any]], first: int) -> Table:
    table = Table(title="Entities" if first == 0 else f"Entities (continued from #{first + 1})", title_justify="left")
    for name, kwargs in (("#", {"justify": "right", "style": "dim"}), ("label", {}), ("text", {}),
                         ("offsets", {"justify": "right", "style": "dim"}), ("norm", {})):
        table.add_column(name, **kwargs)
    for i, e in enumerate(rows, first + 1):
        color = ENTITY_COLORS.get(e["label"], "#dddddd")
        table.add_row(str(i), Text(e["label"], style=f"bold black on {color}"), Text(e["text"]),
                      f"{e['start']}–{e['end']}", Text(_norm_summary(e.get("norm"))))
    if not rows:
        table.add_row("", "", Text("(no entities)", style="dim"), "", "")
    return table


def _section_table(sections: list[dict[str, Any]]) -> Table:
    table = Table(title="Sections", title_justify="left")
    for name, kwargs in (("heading", {}), ("label", {}), ("level", {"justify": "right"}),
                         ("score", {"justify": "right"}), ("offsets", {"justify": "right", "style": "dim"})):
        table.add_column(name, **kwargs)
    levels = [s["level"] for s in sections if isinstance(s["level"], int)]
    top = min(levels) if levels else 1
    for s in sections:
        level = s["level"] if isinstance(s["level"], int) else top
        table.add_row(Text("  " * max(0, level - top) + str(s["heading"] or "(no heading)")), str(s["label"]),
                      "" if s["level"] is None else str(s["level"]),
                      "" if s["score"] is None else f"{s['score']:.2f}", f"{s['start']}–{s['end']}")
    if not sections:
        table.add_row(Text("(no sections)", style="dim"), "", "", "", "")
    return table


def _norm_summary(norm: Any) -> str:
    if not norm:
        return ""
    if isinstance(norm, dict):
        if "value" in norm:
            value = norm["value"]
            return f"{f'{value:,}' if isinstance(value, (int, float)) else value} {norm.get('currency', '')}".strip()
        if "canonical" in norm:
            return str(norm["canonical"])
        return ", ".join(f"{k}={v}" for k, v in norm.items())
    return str(norm)
