"""``tcbio_slim_doc``: the last component of the shipped pipeline; drops ``doc.tensor``.

tok2vec leaves its output on every Doc (128 float32 per token): about 80 % of ``Doc.to_bytes()``
(the first 1,300 characters of the sample document: 486 KB with it, 102 KB without) and of the
memory of every Doc a caller keeps. Nothing after ``ner`` reads it (the NER gets tok2vec's
output through its listener), so the Docs that ``nlp.pipe(n_process=N)`` ships from its
workers to the main process, that ``DocBin`` stores and that callers keep are smaller without it.

Keep it with ``tcbio_nlp.load(config={"components": {"tcbio_slim_doc": {"keep_tensor": True}}})``
(or ``exclude=["tcbio_slim_doc"]``): e.g. for ``token.vector`` and ``doc.similarity``, which
fall back on the tensor in a pipeline without word vectors.
"""

from __future__ import annotations

import numpy
from spacy.language import Language
from spacy.tokens import Doc


@Language.factory("tcbio_slim_doc", default_config={"keep_tensor": False}, requires=[], assigns=["doc.tensor"])
def make_slim_doc(nlp: Language, name: str, keep_tensor: bool) -> SlimDoc:
    return SlimDoc(name, keep_tensor=keep_tensor)


class SlimDoc:
    """Replaces ``doc.tensor`` by an empty array (what a Doc has before tok2vec) unless ``keep_tensor``."""

    def __init__(self, name: str = "tcbio_slim_doc", *, keep_tensor: bool = False) -> None:
        self.name, self.keep_tensor = name, keep_tensor

    def __call__(self, doc: Doc) -> Doc:
        if not self.keep_tensor and doc.tensor.size:
            doc.tensor = numpy.zeros((0,), dtype="float32")  # a new array: a view would keep the buffer alive
        return doc
