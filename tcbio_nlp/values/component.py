"""The component that attaches normalised values to entities as ``span._.norm``.

Values are computed once per document and kept in ``doc.user_data`` (so they travel
with the Doc through ``nlp.pipe(n_process=…)`` and ``DocBin``); ``span._.norm`` reads
them back, with amounts as ``Decimal``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.vocab import Vocab

from ..extensions import NORMS_KEY
from ..normalization import normalize_text
from ..products import chinese_brand, english_brand, form_key, link_value
from ..resources import agency_countries, agency_names, product_registry, set_agency_names
from .agency import AgencyRegistry, default_agency_patterns, default_country_names
from .licence import parse_licence
from .money import parse_money


@Language.factory("tcbio_entity_norm")
def make_entity_norm(nlp: Language, name: str) -> EntityNormalizer:
    return EntityNormalizer(name, vocab=nlp.vocab)


class EntityNormalizer:
    """MONEY → amount + currency, LICENSE_NO → issuer/kind/serial/canonical, AGENCY → canonical name,
    PRODUCT → the product-registry entries it names (``canonical`` + ``links``: licence number,
    registered Chinese and English names, holder, source), the way scispaCy links to UMLS.

    Canonical names come from the vocab's agency and product tables (``tcbio_nlp.resources``),
    shared with the gazetteers; the component has nothing of its own to save.
    """

    def __init__(self, name: str = "tcbio_entity_norm", *, vocab: Vocab | None = None) -> None:
        self.name = name
        self.vocab = vocab if vocab is not None else Vocab()
        self.registry = AgencyRegistry()
        self.products: list[list[str]] = []
        self._shapes = [re.compile(rx) for rx in default_agency_patterns()]
        self._countries: list[str] = []
        self.product_forms: dict[str, list[int]] = {}

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, *,
                   nlp: Language | None = None, tw_agencies_json: str | None = None) -> None:
        """Names from the vocab's agency table; ``tw_agencies_json`` builds that table from the file first."""
        if tw_agencies_json is not None or agency_names(self.vocab) is None:
            set_agency_names(self.vocab, AgencyRegistry.from_sources(
                Path(tw_agencies_json) if tw_agencies_json else None).names)
        self._load()

    def _load(self) -> None:
        self.registry = AgencyRegistry(agency_names(self.vocab))
        self._countries = sorted(agency_countries(self.vocab) or default_country_names(), key=len, reverse=True)
        self.products, self.product_forms = product_registry(self.vocab)

    def link_product(self, text: str) -> dict | None:
        """The registry entries a product mention names: the written form, else its brand."""
        if not self.product_forms:
            return None
        bare = text.rstrip("®™ ").strip()
        candidates = [text, bare, chinese_brand(bare)[1], english_brand(bare)]
        maker, brand = chinese_brand(bare)
        if maker:
            candidates.append(f'"{maker}"{brand}')
        for candidate in candidates:
            ids = self.product_forms.get(form_key(candidate)) if candidate else None
            if ids:
                return link_value(self.products, ids)
        return None

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
            if canonical is None and any(rx.fullmatch(normalize_text(name)) for rx in self._shapes):
                canonical = normalize_text(name)  # a health station is named in full by its place
            if canonical is None:  # a country written before the name: 美國 FDA, 台灣衛生福利部 (decision 7a)
                compact = "".join(normalize_text(name).split())
                country = next((c for c in self._countries if compact.startswith(c) and len(compact) > len(c)), None)
                canonical = self.registry.canonical(compact[len(country):]) if country else None
            return {"canonical": canonical} if canonical else None
        if label == "PRODUCT":
            return self.link_product(span.text)
        return None

    def __call__(self, doc: Doc) -> Doc:
        aliases = doc._.aliases or {}
        norms = {}
        for ent in doc.ents:
            try:
                value = self.normalize(ent, aliases)
            except (ArithmeticError, ValueError):  # an absurd amount or number: no value, not a crash
                value = None
            if value is not None:
                norms[f"{ent.start_char}:{ent.end_char}"] = {
                    k: (str(v) if isinstance(v, Decimal) else v) for k, v in value.items()}
        doc.user_data[NORMS_KEY] = norms
        return doc

    def to_bytes(self, **kwargs: Any) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> EntityNormalizer:
        self._load()
        return self

    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        return None

    def from_disk(self, path: str | Path, **kwargs: Any) -> EntityNormalizer:
        old = Path(path) / "agencies.json"  # a pipeline saved before the names moved to the vocab
        if old.exists():
            set_agency_names(self.vocab, srsly.read_json(old))
        self._load()
        return self
