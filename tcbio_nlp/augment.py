"""Training-data augmentation: gold PRODUCT names swapped for other registered names.

Most PRODUCT spans of the corpus come from a few hundred TFDA notices, so a statistical
NER can learn the names it saw instead of what surrounds a name (◎ … (衛署藥輸字第…號),
建議以…替代) and what a name looks like (…錠劑10毫克, … TABLETS 5MG "BRAND"). Replacing
some gold PRODUCT spans by other registered names from the TFDA licence open data (same
script: Chinese for Chinese, Latin for Latin) keeps the context and the annotation and
shows the model many more name shapes. It is used like spaCy's own augmenters, from
``[corpora.train.augmenter]`` in ``training/configs/ner.cfg``; the original example is
always kept, and the dev and test sets are never augmented.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from functools import partial

from spacy.language import Language
from spacy.training import Example
from spacy.util import registry

from .lexicon import tfda_product_names

_CJK = re.compile(r"[\u4e00-\u9fff]")


@registry.augmenters("tcbio.product_swap.v1")
def create_product_swap_augmenter(
    level: float, tfda_dir: str, swap_probability: float = 0.5, seed: int = 0
) -> Callable[[Language, Example], Iterator[Example]]:
    """``level``: share of examples with a PRODUCT that get one augmented copy;
    ``swap_probability``: chance that each PRODUCT in such a copy is replaced."""
    names = tfda_product_names(tfda_dir)
    chinese = [n for n in names if _CJK.search(n) and len(n) <= 40]
    latin = [n for n in names if n.isascii() and len(n) <= 60]
    if not chinese or not latin:
        raise ValueError(f"no TFDA product names found in {tfda_dir!r} (expected the licence CSVs there)")
    return partial(product_swap_augmenter, level=level, swap_probability=swap_probability,
                   chinese=chinese, latin=latin, rng=random.Random(seed))


def product_swap_augmenter(
    nlp: Language, example: Example, *, level: float, swap_probability: float,
    chinese: list[str], latin: list[str], rng: random.Random,
) -> Iterator[Example]:
    yield example
    ents = sorted(example.reference.ents, key=lambda e: e.start_char)
    if not any(e.label_ == "PRODUCT" for e in ents) or rng.random() >= level:
        return
    text = example.reference.text
    parts: list[str] = []
    offsets: list[tuple[int, int, str]] = []
    pos = length = 0
    swapped = False
    for e in ents:
        name = e.text
        if e.label_ == "PRODUCT" and rng.random() < swap_probability:
            name = rng.choice(chinese if _CJK.search(e.text) else latin)
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
