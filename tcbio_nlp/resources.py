"""The resource layer: registries and word lists, loaded once from data files and stored once.

``tcbio.resources.v1`` (in ``[initialize] lookups`` of a pipeline config) reads the agency
registry (``../shared/data/tw_agencies`` + ``data/agency_aliases.tsv``) and the TFDA product
names (licence open data) into two tables of ``nlp.vocab.lookups``. The vocab is saved once
with the pipeline (``vocab/lookups.bin``) and loaded before the tokenizer and the components,
which all read their names from it: the segmenter (names kept whole), the agency and product
gazetteers and the value normaliser (canonical agency names).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

from spacy.language import Language
from spacy.lookups import Lookups
from spacy.util import registry
from spacy.vocab import Vocab

from .products import TRAILING_INGREDIENT, bare_name

AGENCY_TABLE = "tcbio_agencies"
PRODUCT_TABLE = "tcbio_products"
#: longest Chinese product name kept whole by the segmenter
MAX_LEXICON_PRODUCT = 40
_FIRST_PAREN = re.compile(r"\s*[（(]")



@registry.misc("tcbio.resources.v1")
def create_resources(tw_agencies_json: str | None = None, tfda_dir: str | None = None,
                     shared: str | None = None) -> Lookups:
    """The agency and product tables, for ``[initialize] lookups``.

    With ``shared`` (the shared data folder), every product registry there is compiled into the
    product table as well (``tcbio_nlp.products``): its entries, for linking, and their written
    forms, for the product gazetteer; their registered Chinese names are kept whole by the segmenter.
    """
    from .products import product_table
    from .values.agency import AgencyRegistry, default_country_names

    lookups = Lookups()
    agencies = AgencyRegistry.from_sources(Path(tw_agencies_json) if tw_agencies_json else None,
                                           shared=Path(shared) if shared else None)
    lookups.add_table(AGENCY_TABLE, {"names": agencies.names, "countries": default_country_names()})
    chinese = tfda_product_names(tfda_dir, columns=("中文品名",))
    other = sorted(set(tfda_product_names(tfda_dir)) - set(chinese))
    table = {"chinese": chinese, "other": other}
    if shared:
        table.update(product_table(shared))
        registered = {TRAILING_INGREDIENT.sub("", e[1]).strip() for e in table["entries"]}
        table["chinese"] = sorted(set(chinese) | {n for n in registered if len(n) >= 2})
    lookups.add_table(PRODUCT_TABLE, table)
    return lookups


def product_registry(vocab: Vocab) -> tuple[list[list[str]], dict[str, list[int]]]:
    """Registry entries and written forms (form key → entry indices) of the vocab's product table."""
    if not vocab.lookups.has_table(PRODUCT_TABLE):
        return [], {}
    table = vocab.lookups.get_table(PRODUCT_TABLE)
    return list(table.get("entries") or []), dict(table.get("forms") or {})


def agency_names(vocab: Vocab) -> dict[str, str] | None:
    """Registry name (normalised) → canonical full name, or None when the vocab has no agency table."""
    if not vocab.lookups.has_table(AGENCY_TABLE):
        return None
    return vocab.lookups.get_table(AGENCY_TABLE).get("names")


def agency_countries(vocab: Vocab) -> list[str] | None:
    """Countries written before an agency name as part of it, or None when the vocab's agency table has none."""
    if not vocab.lookups.has_table(AGENCY_TABLE):
        return None
    return vocab.lookups.get_table(AGENCY_TABLE).get("countries")


def product_names(vocab: Vocab, chinese_only: bool = False) -> list[str] | None:
    """Registered product names (the Chinese column, or both columns), or None without a product table."""
    if not vocab.lookups.has_table(PRODUCT_TABLE):
        return None
    table = vocab.lookups.get_table(PRODUCT_TABLE)
    return list(table.get("chinese")) if chinese_only else sorted([*table.get("chinese"), *table.get("other")])


def set_agency_names(vocab: Vocab, names: dict[str, str]) -> None:
    """Store a registry in the vocab (a component initialised from a file path puts it there)."""
    if vocab.lookups.has_table(AGENCY_TABLE):
        vocab.lookups.remove_table(AGENCY_TABLE)
    vocab.lookups.add_table(AGENCY_TABLE, {"names": names})


def lexicon_names(vocab: Vocab) -> list[str]:
    """What the segmenter keeps whole from the tables: agency names and Chinese product names.

    A product name is kept whole up to its first parenthesis: what a parenthesis holds may be an ingredient
    that the name as annotated leaves out (``"元宙"硫黴素（喜黴素）膠囊``, ``…１００公絲（乙醯水楊酸）〝井田〞``).
    """
    words = set(agency_names(vocab) or ())
    for name in product_names(vocab, chinese_only=True) or ():
        name = _FIRST_PAREN.split(bare_name(name), maxsplit=1)[0].strip()
        if len(name) <= MAX_LEXICON_PRODUCT:
            words.add(name)
    return sorted(words)


@registry.misc("tcbio.domain_lexicon.v1")
def domain_lexicon(tw_agencies_json: str | None = None, tfda_dir: str | None = None,
                   shared: str | None = None) -> list[str]:
    """Agency names (registry) and product names (TFDA licence open data) to keep whole, read from files."""
    return lexicon_names(Vocab(lookups=create_resources(tw_agencies_json, tfda_dir, shared)))


def tfda_product_names(tfda_dir: str | Path | None, columns: tuple[str, ...] = ("中文品名", "英文品名")) -> list[str]:
    """Registered product names from the TFDA licence CSVs, without a trailing parenthesised ingredient."""
    names: set[str] = set()
    if tfda_dir and Path(tfda_dir).is_dir():
        for path in sorted(Path(tfda_dir).glob("*.csv")):
            with open(path, encoding="utf8") as f:
                for row in csv.DictReader(f):
                    for column in columns:
                        name = TRAILING_INGREDIENT.sub("", (row.get(column) or "").strip()).strip()
                        if len(name) >= 2:
                            names.add(name)
    return sorted(names)


@registry.misc("tcbio.protected_patterns.v1")
def protected_patterns() -> list[str]:
    """Licence-number and money regexes: always one token each."""
    from .entities.patterns import default_entity_patterns

    return [rx for rxs in default_entity_patterns().values() for rx in rxs]


@registry.callbacks("tcbio.set_meta.v1")
def create_set_meta(name: str, version: str, description: str = "", license: str = "",
                    author: str = "") -> Callable[[Language], Language]:
    """``[initialize.after_init]``: the package metadata of an assembled pipeline, from its config."""

    def set_meta(nlp: Language) -> Language:
        nlp.meta.update({"name": name, "version": version, "description": description,
                         "license": license, "author": author})
        return nlp

    return set_meta
