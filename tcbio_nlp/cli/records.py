"""Doc → plain record (the JSONL of the interface contract, offsets into the whole input file), what workers
send back so that formatting never needs a Doc; and the chunks of a long file joined back into one document."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy
from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START
from spacy.tokens import Doc, Span

from .. import extensions  # noqa: F401  (span._.norm, heading, level, score also on a blank pipeline)

#: key of a section record that continues a section of the previous chunk (internal, never written)
CONTINUES = "_continues"


def doc_to_record(
    doc: Doc, offset: int = 0, sentences: bool = False, tokens_json: bool = False, cut: int | None = None
) -> dict[str, Any]:
    """Plain record for ``doc`` (whitespace tokens left out), offsets shifted by ``offset``. ``sentences``: add
    ``sent_starts`` (indices into ``tokens``); ``tokens_json``: ``tokens`` as JSON text without the brackets.
    Text before ``cut`` is heading context: what ends there is dropped, a section across it clipped and marked."""
    has_sents = sentences and doc.has_annotation("SENT_START")
    sent_starts: list[int] = []
    tokens: Any = "" if tokens_json else []
    if len(doc):
        attrs = [IDX, LENGTH, IS_SPACE] + ([SENT_START] if has_sents else [])
        arr = doc.to_array(attrs).astype(numpy.int64).reshape(len(doc), len(attrs))
        word = arr[:, 2] == 0
        if cut is not None:
            word &= arr[:, 0] + offset >= cut
        keep = numpy.flatnonzero(word)
        starts = arr[keep, 0] + offset
        ends = starts + arr[keep, 1]
        if has_sents:  # a sentence that starts on a whitespace token starts at the next word
            positions = numpy.flatnonzero(arr[:, 3] == 1)
            sent_starts = sorted({int(k) for k in numpy.searchsorted(keep, positions) if k < len(keep)})
        if tokens_json:
            tokens = ",".join(map("[{},{}]".format, starts.tolist(), ends.tolist()))
        else:
            tokens = numpy.stack([starts, ends], axis=1).tolist()
    entities = []
    for ent in doc.ents:
        if cut is not None and ent.start_char + offset < cut:
            continue
        norm = ent._.norm
        entities.append({"start": ent.start_char + offset, "end": ent.end_char + offset, "label": ent.label_,
                         "text": ent.text} | ({"norm": plain(norm)} if norm is not None else {}))
    sections = []
    for span in doc.spans.get("sections", []):
        start, end = span.start_char + offset, span.end_char + offset
        continues = cut is not None and start < cut
        if continues:
            if end <= cut:
                continue
            start = cut
        level, score = span._.level, span._.score
        sections.append({"start": start, "end": end, "label": span.label_, "heading": plain(span._.heading),
                         "level": int(level) if level is not None else None,
                         "score": round(float(score), 4) if score is not None else None} | (
                             {CONTINUES: True} if continues else {}))
    sections.sort(key=lambda s: (s["start"], -s["end"]))
    return {"tokens": tokens, "entities": entities, "sections": sections} | (
        {"sent_starts": sent_starts} if has_sents else {})


def plain(value: Any) -> Any:
    """JSON-able copy of a value (numpy scalars, Decimals, sets, Spans → plain types)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if isinstance(value, Span):
        return value.text
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    try:
        return int(value) if int(value) == value else float(value)
    except (TypeError, ValueError):
        return str(value)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=plain)


@dataclass
class DocInfo:
    """What a formatter knows about an input document besides its records."""

    id: str
    text: str
    encoding: str = ""
    index: int = 0
    warnings: list[str] = field(default_factory=list)  #: problems that did not stop the tagging, one line each
    pages: list[dict[str, int]] | None = None  #: for a PDF: [{"page", "start", "end"}, …]


@dataclass
class Chunk:
    """One processed chunk of a document: ``text[start:end]`` and its record (file offsets)."""

    start: int
    end: int
    record: dict[str, Any]


def merge_chunks(chunks: Iterable[Chunk]) -> Iterator[Chunk]:
    """Re-join sections across chunk boundaries, yielding each chunk once its sections are final (one held back).
    A section that continues one of an earlier chunk is dropped and the open sections extended over it."""
    prev: Chunk | None = None
    open_sections: list[dict[str, Any]] = []  # sections of earlier chunks reaching the boundary
    for chunk in chunks:
        sections = chunk.record.get("sections") or []
        continuation = [
            s for s in sections if s.pop(CONTINUES, False) or (s["start"] <= chunk.start and not s.get("heading"))
        ]
        if prev is not None and open_sections:
            reach = chunk.start
            if continuation:
                reach = max(s["end"] for s in continuation)
                sections[:] = [s for s in sections if not any(s is c for c in continuation)]
            elif sections and sections[0]["start"] > chunk.start:
                reach = sections[0]["start"]
            elif not sections:
                reach = chunk.end
            for sec in open_sections:
                sec["end"] = max(sec["end"], reach)
        if prev is not None:
            yield prev
        open_sections = [s for s in open_sections + sections if s["end"] >= chunk.end]
        prev = chunk
    if prev is not None:
        yield prev
