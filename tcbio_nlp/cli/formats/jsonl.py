"""``--format jsonl``: one JSON object per document, exactly as in the interface contract."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..records import Chunk, DocInfo, dumps, merge_chunks
from . import Formatter, copy, spool

_TEXT_PIECE = 1 << 20


class JsonlFormatter(Formatter):
    """Streamed chunk by chunk: tokens are written as they come, entities spooled until the tokens end."""

    def write(self, doc: DocInfo, chunks: Iterable[Chunk]) -> None:
        out = self.out
        out.write('{"id":' + dumps(doc.id) + ',"text":"')
        for i in range(0, len(doc.text), _TEXT_PIECE):  # JSON-escaped a piece at a time: no second copy of a long text
            out.write(dumps(doc.text[i : i + _TEXT_PIECE])[1:-1])
        out.write('","tokens":[')
        sections: list[dict[str, Any]] = []
        sep_tok = sep_ent = ""
        with spool() as ents:
            for chunk in merge_chunks(chunks):
                rec = chunk.record
                if tokens := rec["tokens"]:
                    out.write(sep_tok + (tokens if isinstance(tokens, str) else dumps(tokens)[1:-1]))
                    sep_tok = ","
                if rec["entities"]:
                    ents.write(sep_ent + dumps(rec["entities"])[1:-1])
                    sep_ent = ","
                sections.extend(rec["sections"])
            out.write('],"entities":[')
            copy(ents, out)
        sections.sort(key=lambda s: (s["start"], -s["end"]))
        pages = ',"pages":' + dumps(doc.pages) if doc.pages is not None else ""  # PDF documents only
        out.write('],"sections":' + dumps(sections) + pages + "}\n")
