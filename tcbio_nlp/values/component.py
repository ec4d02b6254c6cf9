"""The component that attaches normalised values to entities as ``span._.norm``.

Values are computed once per document and kept in ``doc.user_data`` (so they travel
with the Doc through ``nlp.pipe(n_process=…)`` and ``DocBin``); ``span._.norm`` reads
them back, with amounts as ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example

from .agency import AgencyRegistry
from .licence import parse_licence
from .money import parse_money

_KEY = "tcbio_ent_norms"
_DECIMAL_FIELDS = ("value", "low", "high")


def _get_norm(span: Span) -> dict | None:
    stored = span.doc.user_data.get(_KEY, {}).get(f"{span.start_char}:{span.end_char}")
    if stored is None:
        return None
    return {k: (Decimal(v) if k in _DECIMAL_FIELDS and v is not None else v) for k, v in stored.items()}


if not Span.has_extension("norm"):
    Span.set_extension("norm", getter=_get_norm)


@Language.factory("tcbio_entity_norm")
def make_entity_norm(nlp: Language, name: str) -> EntityNormalizer:
    return EntityNormalizer(name)


class EntityNormalizer:
    """MONEY → amount + currency, LICENSE_NO → issuer/kind/serial/canonical, AGENCY → canonical name."""

    def __init__(self, name: str = "tcbio_entity_norm") -> None:
        self.name = name
        self.registry = AgencyRegistry()

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, *,
                   nlp: Language | None = None, tw_agencies_json: str | None = None) -> None:
        self.registry = AgencyRegistry.from_sources(Path(tw_agencies_json) if tw_agencies_json else None)

    def normalize(self, span: Span, aliases: dict[str, str]) -> dict | None:
        label = span.label_
        if label == "MONEY":
            return parse_money(span.text)
        if label == "LICENSE_NO":
            return parse_licence(span.text)
        if label == "AGENCY":
            name = span.text
            canonical = self.registry.canonical(name)
            if canonical is None and name in aliases:  # alias declared in this text
                canonical = self.registry.canonical(aliases[name]) or aliases[name]
            return {"canonical": canonical} if canonical else None
        return None

    def __call__(self, doc: Doc) -> Doc:
        aliases = doc._.aliases if Doc.has_extension("aliases") and doc._.aliases else {}
        norms = {}
        for ent in doc.ents:
            value = self.normalize(ent, aliases)
            if value is not None:
                norms[f"{ent.start_char}:{ent.end_char}"] = {
                    k: (str(v) if isinstance(v, Decimal) else v) for k, v in value.items()}
        doc.user_data[_KEY] = norms
        return doc

    def to_bytes(self, **kwargs: Any) -> bytes:
        return srsly.msgpack_dumps(self.registry.names)

    def from_bytes(self, data: bytes, **kwargs: Any) -> EntityNormalizer:
        self.registry = AgencyRegistry(srsly.msgpack_loads(data))
        return self

    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "agencies.json", self.registry.names)

    def from_disk(self, path: str | Path, **kwargs: Any) -> EntityNormalizer:
        self.registry = AgencyRegistry(srsly.read_json(Path(path) / "agencies.json"))
        return self
