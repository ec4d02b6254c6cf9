"""``--format conll``: ``TOKEN<TAB>START<TAB>END<TAB>BIO-TAG``, one token per line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..records import Chunk, DocInfo
from . import Formatter

_SENT_END = frozenset("。！？；!?;")


class ConllFormatter(Formatter):
    """Each document opens with a ``# id = …`` line; a blank line ends every sentence (and document). Sentences
    come from the pipeline when it sets them, else they end after 。！？；!?; and at line breaks."""

    def write(self, doc: DocInfo, chunks: Iterable[Chunk]) -> None:
        text = doc.text
        self.out.write(f"# id = {_one_line(doc.id)}\n")
        open_sentence = False
        for chunk in chunks:
            rec, lines, prev_end = chunk.record, [], None
            tokens, starts = rec["tokens"], set(rec.get("sent_starts", ()))
            for i, ((a, b), tag) in enumerate(zip(tokens, bio_tags(tokens, rec["entities"]), strict=True)):
                if open_sentence and (i in starts if "sent_starts" in rec else prev_end is None
                                      or "\n" in text[prev_end:a] or text[prev_end - 1] in _SENT_END):
                    lines.append("")
                lines.append(f"{_one_line(text[a:b])}\t{a}\t{b}\t{tag}")
                open_sentence, prev_end = True, b
            self.out.write("".join(f"{line}\n" for line in lines))
        self.out.write("\n")


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
