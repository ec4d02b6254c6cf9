"""The output formats of ``tcbio tag``, one module each; a formatter writes each document as its
:class:`~tcbio_nlp.cli.records.Chunk` records arrive (bounded memory on long files)."""

from __future__ import annotations

import importlib
import tempfile
from collections.abc import Iterable
from typing import IO, Any, TextIO

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


def spool() -> IO[str]:
    """A text buffer that moves to disk past 8 MB: what a format writes after the tokens of a long text."""
    return tempfile.SpooledTemporaryFile(max_size=8 << 20, mode="w+", encoding="utf-8")


def copy(buffer: IO[str], out: TextIO) -> None:
    buffer.seek(0)
    while block := buffer.read(1 << 20):
        out.write(block)


def levels(sections: list[dict[str, Any]]) -> tuple[list[int], int]:
    """Each section's level (a missing one as the top level) and the top level, for indenting outlines."""
    known = [s["level"] for s in sections if isinstance(s["level"], int)]
    top = min(known) if known else 1
    return [s["level"] if isinstance(s["level"], int) else top for s in sections], top


def make_formatter(name: str, out: TextIO) -> Formatter:
    """The formatter for ``--format name`` writing to ``out``."""
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}; choose from {', '.join(FORMATS)}")
    module = importlib.import_module(f"{__name__}.{name}")
    return getattr(module, f"{name.capitalize()}Formatter")(out)
