"""``--format table``: rich tables for the terminal, per document its entities and section outline."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from ..records import Chunk, DocInfo, merge_chunks
from . import ENTITY_COLORS, Formatter, count, levels

_RIGHT, _DIM = {"justify": "right"}, {"justify": "right", "style": "dim"}


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


def _table(title: str, columns: dict[str, dict[str, str]], empty: tuple[int, str],
           rows: Iterable[tuple[Any, ...]]) -> Table:
    table = Table(title=title, title_justify="left")
    for name, kwargs in columns.items():
        table.add_column(name, **kwargs)
    for row in rows:
        table.add_row(*row)
    if not table.rows:
        table.add_row(*(Text(empty[1], style="dim") if i == empty[0] else "" for i in range(len(columns))))
    return table


def _entity_table(rows: list[dict[str, Any]], first: int) -> Table:
    return _table("Entities" if first == 0 else f"Entities (continued from #{first + 1})",
                  {"#": _DIM, "label": {}, "text": {}, "offsets": _DIM, "norm": {}}, (2, "(no entities)"),
                  ((str(i), Text(e["label"], style=f"bold black on {ENTITY_COLORS.get(e['label'], '#dddddd')}"),
                    Text(e["text"]), f"{e['start']}–{e['end']}", Text(_norm_summary(e.get("norm"))))
                   for i, e in enumerate(rows, first + 1)))


def _section_table(sections: list[dict[str, Any]]) -> Table:
    section_levels, top = levels(sections)
    return _table("Sections", {"heading": {}, "label": {}, "level": _RIGHT, "score": _RIGHT, "offsets": _DIM},
                  (0, "(no sections)"),
                  ((Text("  " * max(0, level - top) + str(s["heading"] or "(no heading)")), str(s["label"]),
                    "" if s["level"] is None else str(s["level"]), "" if s["score"] is None else f"{s['score']:.2f}",
                    f"{s['start']}–{s['end']}") for s, level in zip(sections, section_levels, strict=True)))


def _norm_summary(norm: Any) -> str:
    if not isinstance(norm, dict) or not norm:
        return str(norm or "")
    if "value" in norm:
        value = norm["value"]
        return f"{f'{value:,}' if isinstance(value, (int, float)) else value} {norm.get('currency', '')}".strip()
    return str(norm["canonical"]) if "canonical" in norm else ", ".join(f"{k}={v}" for k, v in norm.items())
