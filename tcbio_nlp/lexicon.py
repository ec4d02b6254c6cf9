"""Where the segmenter's protected spans come from: registered functions read from config.

``[initialize.tokenizer]`` in a training or pipeline config names these, so the
lexicon is built from data files with sources and serialised into the pipeline.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from spacy.util import registry

from .entities.patterns import default_entity_patterns
from .values.agency import AgencyRegistry

# (未滅菌) and (含…) belong to registered names; other trailing parentheses hold the ingredient
_TRAILING_INGREDIENT = re.compile(r"\s*[（(](?![^（()）]*(?:滅菌|含))[^（()）]*[）)]\s*$")


@registry.misc("tcbio.domain_lexicon.v1")
def domain_lexicon(tw_agencies_json: str | None = None, tfda_dir: str | None = None) -> list[str]:
    """Agency names (registry) and product names (TFDA licence open data) to keep whole."""
    words = set(AgencyRegistry.from_sources(Path(tw_agencies_json) if tw_agencies_json else None).names)
    words.update(n for n in tfda_product_names(tfda_dir, columns=("中文品名",)) if len(n) <= 40)
    return sorted(words)


def tfda_product_names(tfda_dir: str | Path | None, columns: tuple[str, ...] = ("中文品名", "英文品名")) -> list[str]:
    """Registered product names from the TFDA licence CSVs, without a trailing parenthesised ingredient."""
    names: set[str] = set()
    if tfda_dir and Path(tfda_dir).is_dir():
        for path in sorted(Path(tfda_dir).glob("*.csv")):
            with open(path, encoding="utf8") as f:
                for row in csv.DictReader(f):
                    for column in columns:
                        name = _TRAILING_INGREDIENT.sub("", (row.get(column) or "").strip()).strip()
                        if len(name) >= 2:
                            names.add(name)
    return sorted(names)


@registry.misc("tcbio.protected_patterns.v1")
def protected_patterns() -> list[str]:
    """Licence-number and money regexes: always one token each."""
    return [rx for rxs in default_entity_patterns().values() for rx in rxs]
