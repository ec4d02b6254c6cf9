"""A CPU backend whose matrix products go through numpy's BLAS instead of thinc's blis.

Thinc's ``NumpyOps`` multiplies with the ``blis`` package. On the machines we measured
(AMD EPYC, AVX2) its wheel reached about 26 GFLOP/s single-threaded where numpy's
OpenBLAS reached about 79, and the tok2vec layer of the NER spends most of its time
in these products (``benchmarks/pipeline_speed.py``). Everything else is inherited, so
weights and results are those of ``NumpyOps`` up to float rounding; the parser's C-level
inner loop keeps using blis.

``load()`` builds the shipped pipeline under this backend, and the training scripts train
under it; a pipeline loaded with plain ``spacy.load`` runs the same weights with ``NumpyOps``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import numpy
from spacy.util import registry as spacy_registry
from thinc.api import NumpyOps, get_current_ops, registry, set_current_ops


@registry.ops("TcbioBlasOps")
class BlasOps(NumpyOps):
    """``NumpyOps`` with ``gemm`` done by ``numpy.matmul`` (OpenBLAS)."""

    name = "tcbio_blas"

    def gemm(self, x, y, out=None, trans1: bool = False, trans2: bool = False):  # noqa: ANN001 (thinc's signature)
        if x.dtype != numpy.float32 or y.dtype != numpy.float32:
            return super().gemm(x, y, out=out, trans1=trans1, trans2=trans2)
        a = x.T if trans1 else x
        b = y.T if trans2 else y
        if out is None:
            return numpy.ascontiguousarray(numpy.matmul(a, b))
        numpy.matmul(a, b, out=out)
        return out


@contextlib.contextmanager
def fast_cpu_ops() -> Iterator[None]:
    """Build models under ``BlasOps`` when the current backend is plain ``NumpyOps`` (not GPU)."""
    current = get_current_ops()
    if type(current) is not NumpyOps:
        yield
        return
    set_current_ops(BlasOps())
    try:
        yield
    finally:
        set_current_ops(current)


@spacy_registry.callbacks("tcbio.blas_ops.v1")
def create_blas_ops_callback() -> Callable[[type], type]:
    """``[nlp] before_creation`` of a training config: build and train the models under ``BlasOps``.

    ``spacy train`` then runs as ``training/train_ner.py`` did inside :func:`fast_cpu_ops`.
    """

    def use_blas_ops(lang_cls: type) -> type:
        if type(get_current_ops()) is NumpyOps:
            set_current_ops(BlasOps())
        return lang_cls

    return use_blas_ops
