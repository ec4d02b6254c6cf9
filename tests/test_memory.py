"""Issue 14, memory of long inputs: what the pipeline holds while it tags a long text, and what it
keeps after a document, measured with tracemalloc (numpy's arrays included), never as RSS or time.

The tok2vec layer runs over windows of a long Doc (``tcbio_nlp.tok2vec_window``) with the same
vectors; the section classifier's n-gram cache is emptied after each document.
"""

from __future__ import annotations

import tracemalloc

import numpy
import pytest
from test_cli import REAL, seed

from tcbio_nlp.sections.classifier import _char_grams
from tcbio_nlp.tok2vec_window import WINDOW_TOKENS, receptive_field

pytestmark = pytest.mark.skipif(not REAL, reason="needs the shipped pipeline")


def _long_text() -> str:
    return seed("004").read_text("utf-8")[:60_000]  # a white paper: about 40,000 tokens


def test_tok2vec_in_windows_gives_the_same_vectors_at_a_bounded_peak(nlp) -> None:
    tok2vec = nlp.get_pipe("tok2vec")
    assert receptive_field(tok2vec.model) == 4  # four window-1 maxout layers
    doc = nlp.make_doc(_long_text())
    assert len(doc) > 4 * WINDOW_TOKENS
    tracemalloc.start()
    try:
        (windowed,) = tok2vec.predict([doc])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    (whole,) = type(tok2vec).predict(tok2vec, [doc])  # the component's own predict: the whole Doc at once
    assert windowed.shape == whole.shape
    assert numpy.abs(windowed - whole).max() < 1e-4
    # about 20 kB per token at once would be 800 MB here; windows of 4,096 tokens stay near 100 MB
    assert peak < 200e6, peak


def test_section_feature_cache_is_emptied_after_each_document(nlp) -> None:
    _char_grams.cache_clear()
    for name in ("000", "001", "003"):
        doc = nlp(seed(name).read_text("utf-8"))
        assert doc.spans["sections"]
        assert _char_grams.cache_info().currsize == 0
