"""LICENSE_NO and MONEY by regular expression: the shapes patterns get exactly right.

Patterns are data (``data/entity_patterns.json``), passed in through ``initialize()``
and saved with the pipeline. They run on the normalised text, so full-width digits
and Simplified input match too; offsets are the input's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import registry

from ..normalization import doc_norm_text, strip_span
from .spans import add_entities, char_spans

PATTERN_LABELS = ("LICENSE_NO", "MONEY")
# No match starts at a digit that follows a digit. For the shipped patterns this changes no match
# (the only one that can start at a digit, MONEY's ``\d[\d,]*``, succeeds at the first digit of a
# run whenever it does at a later one, and no match ends inside a run), but without it the search
# is retried at every digit of a run and runs to its end each time: quadratic in the run's length.
NOT_INSIDE_NUMBER = r"(?!(?<=\d)\d)"
# No match starts at whitespace either: both callers strip whitespace off a match's edges, and a match
# from the first character after a run of whitespace is the same match stripped; without it every
# position of a run (40 spaces before a page number in a Legislative Yuan record) starts a search.
NOT_AT_SPACE = r"(?!\s)"
_SPACES = re.compile(r"(?<!\\)\\s\*(?![?+])")


def atomic_spaces(pattern: str) -> str:
    """The pattern with each ``\\s*`` matched atomically, ``(?=(?P<_wsN>\\s*))(?P=_wsN)``: all the
    whitespace there is, never given back.

    No element after a ``\\s*`` in the shipped patterns matches whitespace, so giving some back
    never makes a match (a later ``\\s*`` would take it, with the same end): the matches are the
    same. Without it the shipped MONEY pattern tries every way of sharing a run of whitespace
    between its five ``\\s*`` in a row — polynomial in the run's length (334 s for one 6,643-character
    record whose page numbers stand in runs of 40 spaces). (A possessive ``\\s*+`` would need
    Python 3.11.)
    """
    count = 0

    def atomic(_: re.Match) -> str:
        nonlocal count
        count += 1
        return f"(?=(?P<_ws{count}>\\s*))(?P=_ws{count})"

    return _SPACES.sub(atomic, pattern)


def compile_patterns(patterns: Iterable[str]) -> re.Pattern | None:
    """One regex for alternative patterns, none of whose matches starts inside a run of digits or at
    whitespace, with whitespace matched atomically (:func:`atomic_spaces`)."""
    patterns = list(patterns)
    if not patterns:
        return None
    joined = "(?:" + "|".join(f"(?:{p})" for p in patterns) + ")"
    return re.compile(NOT_INSIDE_NUMBER + NOT_AT_SPACE + atomic_spaces(joined))


_PART = re.compile(r"<<([A-Z_]+)>>")


def expand(pattern: str, parts: dict[str, str]) -> str:
    """``pattern`` with every ``<<NAME>>`` replaced by ``parts[NAME]`` (which may hold names of its own)."""
    for _ in range(10):
        new = _PART.sub(lambda m: parts[m.group(1)], pattern)
        if new == pattern:
            return new
        pattern = new
    raise ValueError(f"pattern parts nested too deeply: {pattern[:80]}")


def pattern_file() -> dict[str, list[str]]:
    """Every label's patterns of ``tcbio_nlp/data/entity_patterns.json``, their ``<<NAME>>`` parts expanded
    (``_defs``, and ``<<LICENSE_NO>>`` for the LICENSE_NO patterns as one alternative)."""
    path = resources.files("tcbio_nlp") / "data" / "entity_patterns.json"
    data = json.loads(path.read_text(encoding="utf8"))
    parts = {k: f"(?:{v})" for k, v in data.get("_defs", {}).items()}
    parts["LICENSE_NO"] = "(?:" + "|".join(f"(?:{expand(p, parts)})" for p in data.get("LICENSE_NO", [])) + ")"
    return {label: [expand(p, parts) for p in rxs] for label, rxs in data.items() if not label.startswith("_")}


@registry.misc("tcbio.default_entity_patterns.v1")
def default_entity_patterns() -> dict[str, list[str]]:
    """The LICENSE_NO and MONEY patterns of the shipped pattern file, ``tcbio_nlp/data/entity_patterns.json``."""
    data = pattern_file()
    return {label: data[label] for label in PATTERN_LABELS if label in data}


@Language.factory(
    "tcbio_entity_patterns",
    default_config={"overwrite_ents": True, "scorer": {"@scorers": "spacy.ner_scorer.v1"}},
)
def make_entity_patterns(
    nlp: Language, name: str, overwrite_ents: bool, scorer: Callable | None
) -> EntityPatterns:
    return EntityPatterns(name, overwrite_ents=overwrite_ents, scorer=scorer)


class EntityPatterns:
    """Adds regex matches to ``doc.ents``; by default they win over earlier predictions they overlap."""

    def __init__(self, name: str = "tcbio_entity_patterns", *, overwrite_ents: bool = True,
                 scorer: Callable | None = None) -> None:
        self.name = name
        self.overwrite_ents = overwrite_ents
        self.scorer = scorer
        self.patterns: dict[str, list[str]] = {}
        self._regexes: list[tuple[str, re.Pattern]] = []

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, *,
                   nlp: Language | None = None, patterns: dict[str, list[str]] | None = None) -> None:
        self.set_patterns(patterns if patterns is not None else default_entity_patterns())

    def set_patterns(self, patterns: dict[str, list[str]]) -> None:
        self.patterns = {label: list(rx) for label, rx in patterns.items()}
        self._regexes = [(label, rx) for label, patterns in self.patterns.items()
                         if (rx := compile_patterns(patterns)) is not None]

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, label) of every pattern match in a normalised text, edges trimmed of spaces."""
        found = []
        for label, rx in self._regexes:
            for m in rx.finditer(text):
                a, b = strip_span(text, *m.span())
                if b > a:
                    found.append((a, b, label))
        return found

    def __call__(self, doc: Doc) -> Doc:
        spans = char_spans(doc, self.matches(doc_norm_text(doc)))
        add_entities(doc, spans, overwrite=self.overwrite_ents)
        return doc

    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
        return self.scorer(examples, **kwargs) if self.scorer else {}

    def to_bytes(self, **kwargs: Any) -> bytes:
        return srsly.json_dumps(self.patterns).encode("utf8")

    def from_bytes(self, data: bytes, **kwargs: Any) -> EntityPatterns:
        self.set_patterns(srsly.json_loads(data))
        return self

    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "patterns.json", self.patterns)

    def from_disk(self, path: str | Path, **kwargs: Any) -> EntityPatterns:
        self.set_patterns(srsly.read_json(Path(path) / "patterns.json"))
        return self
