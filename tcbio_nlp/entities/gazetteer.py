"""Entities by dictionary: agency names from the registry, product names from TFDA licence data.

AGENCY: names from the agency registry, matched on the normalised text.

Adjacent matches written together (衛福部 + 健保署) become one span, as the
guidelines ask for parent + unit names; a match directly followed by a word that
makes it part of a law, plan or event name (組織法, 計畫, 研討會…) is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import ahocorasick
import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example

from ..normalization import doc_norm_text, normalize_text
from ..values.agency import AgencyRegistry
from .spans import add_entities, char_spans

# a name followed by one of these is part of a law, plan, event or award name, not a body
DEFAULT_BLOCKING_SUFFIXES = [
    "組織法", "組織條例", "組織規程", "處務規程", "設置條例", "計畫", "方案", "專案", "研討會", "論壇", "獎",
    "辦法", "要點", "條例", "法規", "補助", "科專", "大樓",
]


@Language.factory(
    "tcbio_agency_gazetteer",
    default_config={"overwrite_ents": False, "scorer": {"@scorers": "spacy.ner_scorer.v1"}},
)
def make_agency_gazetteer(nlp: Language, name: str, overwrite_ents: bool,
                          scorer: Callable | None) -> AgencyGazetteer:
    return AgencyGazetteer(name, overwrite_ents=overwrite_ents, scorer=scorer)


class AgencyGazetteer:
    """Adds registry agency names as AGENCY where no earlier component found an entity."""

    def __init__(self, name: str = "tcbio_agency_gazetteer", *, overwrite_ents: bool = False,
                 scorer: Callable | None = None) -> None:
        self.name = name
        self.overwrite_ents = overwrite_ents
        self.scorer = scorer
        self.registry = AgencyRegistry()
        self.blocking_suffixes: list[str] = list(DEFAULT_BLOCKING_SUFFIXES)
        self._automaton: ahocorasick.Automaton | None = None
        self._blocker: re.Pattern | None = None

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, *,
                   nlp: Language | None = None, tw_agencies_json: str | None = None,
                   blocking_suffixes: list[str] | None = None) -> None:
        self.registry = AgencyRegistry.from_sources(Path(tw_agencies_json) if tw_agencies_json else None)
        if blocking_suffixes is not None:
            self.blocking_suffixes = list(blocking_suffixes)
        self._compile()

    def _compile(self) -> None:
        auto = ahocorasick.Automaton()
        for name in self.registry.names:
            if len(name) >= 2:
                auto.add_word(name, len(name))
        auto.make_automaton()
        self._automaton = auto
        self._blocker = re.compile("|".join(map(re.escape, self.blocking_suffixes))) if self.blocking_suffixes \
            else None

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        if self._automaton is None or not len(self.registry):
            return []
        chosen = [[a, b] for a, b in _longest_matches(self._automaton, text, text)]
        merged: list[list[int]] = []
        for a, b in chosen:  # parent + unit written together → one span
            if merged and merged[-1][1] == a and not text[a - 1].isascii():
                merged[-1][1] = b
            else:
                merged.append([a, b])
        out = []
        for a, b in merged:
            if self._blocker is not None and self._blocker.match(text, b):
                continue
            out.append((a, b, "AGENCY"))
        return out

    def __call__(self, doc: Doc) -> Doc:
        spans = char_spans(doc, self.matches(doc_norm_text(doc)))
        add_entities(doc, spans, overwrite=self.overwrite_ents)
        return doc

    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
        return self.scorer(examples, **kwargs) if self.scorer else {}

    def _data(self) -> dict:
        return {"names": self.registry.names, "blocking_suffixes": self.blocking_suffixes}

    def _set_data(self, data: dict) -> None:
        self.registry = AgencyRegistry(data["names"])
        self.blocking_suffixes = data["blocking_suffixes"]
        self._compile()

    def to_bytes(self, **kwargs: Any) -> bytes:
        return srsly.msgpack_dumps(self._data())

    def from_bytes(self, data: bytes, **kwargs: Any) -> AgencyGazetteer:
        self._set_data(srsly.msgpack_loads(data))
        return self

    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "registry.json", self._data())

    def from_disk(self, path: str | Path, **kwargs: Any) -> AgencyGazetteer:
        self._set_data(srsly.read_json(Path(path) / "registry.json"))
        return self


@Language.factory(
    "tcbio_product_gazetteer",
    default_config={"overwrite_ents": False, "scorer": {"@scorers": "spacy.ner_scorer.v1"}},
)
def make_product_gazetteer(nlp: Language, name: str, overwrite_ents: bool,
                           scorer: Callable | None) -> ProductGazetteer:
    return ProductGazetteer(name, overwrite_ents=overwrite_ents, scorer=scorer)


class ProductGazetteer(AgencyGazetteer):
    """Registered product names (品名) from TFDA licence open data, as PRODUCT where nothing else was found.

    Names are matched whole and case-insensitively for Latin script; no merging of
    neighbours and no blocking suffixes (those are agency rules).
    """

    label = "PRODUCT"

    def __init__(self, name: str = "tcbio_product_gazetteer", **kwargs: Any) -> None:
        super().__init__(name, **kwargs)
        self.blocking_suffixes = []

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, *,
                   nlp: Language | None = None, tfda_dir: str | None = None, min_length: int = 4) -> None:
        from ..lexicon import tfda_product_names

        names = tfda_product_names(tfda_dir) if tfda_dir else []
        self.registry = AgencyRegistry({normalize_text(n).upper(): n for n in names if len(n) >= min_length})
        self._compile()

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        if self._automaton is None or not len(self.registry):
            return []
        upper = text.upper()
        if len(upper) != len(text):  # a few letters change length when upper-cased (ß → SS)
            upper = text
        return [(a, b, self.label) for a, b in _longest_matches(self._automaton, upper, text)]


def _longest_matches(automaton: ahocorasick.Automaton, searched: str, text: str) -> list[tuple[int, int]]:
    """Non-overlapping dictionary matches in ``searched``, longest first then leftmost, in text order.

    ``searched`` has the same length as ``text`` (e.g. its upper-cased form); ASCII names
    are checked against ``text`` so that they never match inside a longer Latin word.
    """
    cands = sorted(((end + 1 - n, end + 1) for end, n in automaton.iter(searched)),
                   key=lambda s: (s[0] - s[1], s[0]))
    taken = [False] * len(text)
    out = []
    for a, b in cands:
        if any(taken[a:b]) or _inside_latin_word(text, a, b):
            continue
        taken[a:b] = [True] * (b - a)
        out.append((a, b))
    return sorted(out)


def _inside_latin_word(text: str, a: int, b: int) -> bool:
    """An ASCII name (FDA, WHO) must not match inside a longer Latin word."""
    return (text[a].isascii() and a > 0 and text[a - 1].isalnum() and text[a - 1].isascii()) or (
        text[b - 1].isascii() and b < len(text) and text[b].isalnum() and text[b].isascii())
