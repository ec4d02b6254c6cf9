"""The output formats of ``tcbio tag``, one module each: jsonl (the contract), conll, html, table.

A formatter receives one document at a time as a stream of :class:`~tcbio_nlp.cli.records.Chunk`
objects and writes as it goes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from ..records import Chunk, DocInfo

FORMATS = ("jsonl", "conll", "html", "table")
ENTITY_COLORS = {"AGENCY": "#7aecec", "PRODUCT": "#bfeeb7", "LICENSE_NO": "#feca74", "MONEY": "#e4e7d2"}


class Formatter:
    """Writes documents to ``out`` as their chunks arrive."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def start(self) -> None:
        """Called once before the first document."""

    def write(self, doc: DocInfo, chunks: Iterable[Chunk]) -> None:
        raise NotImplementedError

    def finish(self, stats: dict[str, Any] | None = None) -> None:
        """Called once after the last document (also when there were none)."""


def count(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


def make_formatter(name: str, out: TextIO) -> Formatter:
    """The formatter for ``--format name`` writing to ``out``."""
    from .conll import ConllFormatter
    from .html import HtmlFormatter
    from .jsonl import JsonlFormatter
    from .table import TableFormatter

    formatters = {"jsonl": JsonlFormatter, "conll": ConllFormatter, "html": HtmlFormatter, "table": TableFormatter}
    if name not in formatters:
        raise ValueError(f"unknown format {name!r}; choose from {', '.join(FORMATS)}")
    return formatters[name](out)
