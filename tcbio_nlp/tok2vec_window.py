"""Bounded memory for long documents: the tok2vec layer run over windows of a long Doc.

While thinc runs a model it keeps every layer's intermediate arrays until the whole chain is done
(what a backward pass would need): for the shipped tok2vec (hash embeddings and four window-1
maxout layers of width 128) about 20 kB per token, 560 MB for a 45,000-character document, well
over 1 GB for the 100,000-character chunks of ``tcbio tag``. The layer only looks a few tokens
either way (its receptive field: the sum of the ``expand_window`` sizes, 4 tokens here), so a long
Doc is run in windows of ``window`` tokens, each with that many tokens of context on both sides,
and the vectors are joined: the same vectors (up to float rounding) at a bounded peak. A model
with any layer not known to be per-token (an LSTM, attention) is left alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from spacy.language import Language
from spacy.pipeline import Tok2Vec
from spacy.tokens import Doc
from thinc.api import Model

#: primitive thinc layers that compute each token's output from that token alone (or, for
#: expand_window, from ``window_size`` tokens either side)
_PER_TOKEN = frozenset({"dropout", "expand_window", "extract_features", "hashembed", "ints-getitem", "layernorm",
                        "list2ragged", "maxout", "ragged2list", "mish", "relu", "linear", "staticvectors",
                        "remap_ids", "sparselinear"})
WINDOW_TOKENS = 4096


def receptive_field(model: Model) -> int | None:
    """Tokens either side that a token's vector depends on, or None when the model has a layer
    that is not known to be local."""
    reach = 0
    for node in model.walk():
        if node.layers:  # a combinator (chain, concatenate, residual, with_array …): no context of its own
            continue
        if node.name not in _PER_TOKEN:
            return None
        if node.name == "expand_window":
            reach += int(node.attrs.get("window_size", 1))
    return reach


def bound_tok2vec_memory(nlp: Language, window: int = WINDOW_TOKENS) -> Language:
    """Run every tok2vec component of ``nlp`` over windows of at most ``window`` tokens (plus context)."""
    for _, pipe in nlp.pipeline:
        if isinstance(pipe, Tok2Vec) and (reach := receptive_field(pipe.model)) is not None:
            pipe.predict = _windowed(pipe.predict, pipe.model, window, reach)
    return nlp


def _windowed(predict: Callable[[list[Doc]], list[Any]], model: Model, window: int,
              reach: int) -> Callable[[Iterable[Doc]], list[Any]]:
    def windowed_predict(docs: Iterable[Doc]) -> list[Any]:
        docs = list(docs)
        if all(len(doc) <= window for doc in docs):
            return predict(docs)
        out: list[Any] = [None] * len(docs)
        short = [i for i, doc in enumerate(docs) if len(doc) <= window]
        if short:
            for i, vectors in zip(short, predict([docs[i] for i in short]), strict=True):
                out[i] = vectors
        for i, doc in enumerate(docs):
            n = len(doc)
            if n <= window:
                continue
            parts = []
            head = doc._get_array_attrs()
            array = doc.to_array(head)  # once: Span.as_doc would build it for the whole Doc per window
            for a in range(0, n, window):
                b = min(n, a + window)
                lo, hi = max(0, a - reach), min(n, b + reach)
                (vectors,) = predict([doc[lo:hi].as_doc(array_head=head, array=array)])
                parts.append(vectors[a - lo : b - lo])
            out[i] = model.ops.xp.concatenate(parts)
        return out

    return windowed_predict
