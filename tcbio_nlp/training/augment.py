"""Training-data augmentation: gold names swapped for other names of the same kind from data files.

Most PRODUCT spans of the corpus come from a few hundred TFDA notices, and most AGENCY
spans from five documents, so a statistical NER can learn the names it saw instead of
what surrounds a name (◎ … (衛署藥輸字第…號), 建議以…替代, 由…核定, …公告) and what a
name looks like (…錠劑10毫克, … TABLETS 5MG "BRAND"; …部…署, …局…處, …委員會). Replacing
some gold spans by other names keeps the context and the annotation and shows the model
many more name shapes:

- PRODUCT: registered product names from the TFDA licence open data;
- AGENCY: the agency registry (``../shared/data/tw_agencies`` and the package's alias
  table, :class:`~tcbio_nlp.values.agency.AgencyRegistry`), names ending in a body word.

A name is swapped for one in the same script (Chinese for Chinese, Latin for Latin). It
is used like spaCy's own augmenters, from ``[corpora.train.augmenter]`` in
``training/configs/ner.cfg``; the original example is always kept, and the dev and test
sets are never augmented.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from spacy.language import Language
from spacy.training import Example
from spacy.util import registry

from ..entities.rules import AGENCY_FINAL_CHARS, CJK
from ..resources import tfda_product_names
from ..values.agency import AgencyRegistry

# a swap pool per label: (Chinese names, Latin names)
NamePools = dict[str, tuple[list[str], list[str]]]


@registry.augmenters("tcbio.product_swap.v1")
def create_product_swap_augmenter(
    level: float, tfda_dir: str, swap_probability: float = 0.5, seed: int = 0
) -> Callable[[Language, Example], Iterator[Example]]:
    """``level``: share of examples with a PRODUCT that get one augmented copy;
    ``swap_probability``: chance that each PRODUCT in such a copy is replaced."""
    return partial(name_swap_augmenter, level=level, swap_probability=swap_probability,
                   pools={"PRODUCT": product_pool(tfda_dir)}, rng=random.Random(seed))


@registry.augmenters("tcbio.name_swap.v1")
def create_name_swap_augmenter(
    level: float, tfda_dir: str, tw_agencies_json: str | None = None, swap_probability: float = 0.5,
    labels: list[str] = ["PRODUCT", "AGENCY"], seed: int = 0,  # noqa: B006  (config default, never mutated)
) -> Callable[[Language, Example], Iterator[Example]]:
    """As ``tcbio.product_swap.v1``, for each label in ``labels`` (PRODUCT, AGENCY): an example
    with any of them gets a copy with probability ``level``, in which each such span is replaced
    with probability ``swap_probability``."""
    builders = {"PRODUCT": lambda: product_pool(tfda_dir), "AGENCY": lambda: agency_pool(tw_agencies_json)}
    unknown = set(labels) - set(builders)
    if unknown:
        raise ValueError(f"name_swap can swap {sorted(builders)}, not {sorted(unknown)}")
    return partial(name_swap_augmenter, level=level, swap_probability=swap_probability,
                   pools={label: builders[label]() for label in labels}, rng=random.Random(seed))


def product_pool(tfda_dir: str | Path) -> tuple[list[str], list[str]]:
    names = tfda_product_names(tfda_dir)
    chinese = [n for n in names if CJK.search(n) and len(n) <= 40]
    latin = [n for n in names if n.isascii() and len(n) <= 60]
    if not chinese or not latin:
        raise ValueError(f"no TFDA product names found in {tfda_dir!r} (expected the licence CSVs there)")
    return chinese, latin


def agency_pool(tw_agencies_json: str | Path | None) -> tuple[list[str], list[str]]:
    """Registry names that end like the corpus's agency names (…部, …署, …委員會, …中心, FDA)."""
    names = AgencyRegistry.from_sources(Path(tw_agencies_json) if tw_agencies_json else None).names
    chinese = sorted(n for n in names if 2 <= len(n) <= 20 and CJK.search(n) and n[-1] in AGENCY_FINAL_CHARS)
    latin = sorted(n for n in names if n.isascii() and len(n) >= 2)
    if not chinese:
        raise ValueError(f"no agency names found (tw_agencies_json={tw_agencies_json!r})")
    return chinese, latin


def name_swap_augmenter(
    nlp: Language, example: Example, *, level: float, swap_probability: float,
    pools: NamePools, rng: random.Random,
) -> Iterator[Example]:
    yield example
    ents = sorted(example.reference.ents, key=lambda e: e.start_char)
    if not any(e.label_ in pools for e in ents) or rng.random() >= level:
        return
    text = example.reference.text
    parts: list[str] = []
    offsets: list[tuple[int, int, str]] = []
    pos = length = 0
    swapped = False
    for e in ents:
        name = e.text
        if e.label_ in pools and rng.random() < swap_probability:
            chinese, latin = pools[e.label_]
            pool = chinese if CJK.search(e.text) else latin
            if pool:
                name = rng.choice(pool)
                swapped = True
        parts += [text[pos:e.start_char], name]
        length += e.start_char - pos
        offsets.append((length, length + len(name), e.label_))
        length += len(name)
        pos = e.end_char
    if not swapped:
        return
    parts.append(text[pos:])
    doc = nlp.make_doc("".join(parts))
    spans = [doc.char_span(a, b, label=label, alignment_mode="strict") for a, b, label in offsets]
    if any(s is None for s in spans):  # a swapped name does not fit the tokens: no copy rather than a bad one
        return
    reference = doc.copy()
    reference.ents = spans
    yield Example(doc, reference)
