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
import os
from collections.abc import Callable, Iterator
from typing import Any

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


#: BLAS threads of a process forked from one that loaded a pipeline (None: OpenBLAS's default, one per core)
FORKED_BLAS_THREADS: int | None = 1
_state: dict[str, Any] = {"registered": False, "limits": None}


def _limit_blas_after_fork() -> None:
    if FORKED_BLAS_THREADS is None:
        return
    try:
        from threadpoolctl import threadpool_limits  # (scikit-learn's dependency)

        _state["limits"] = threadpool_limits(FORKED_BLAS_THREADS, user_api="blas")
    except Exception:  # noqa: BLE001 - a missing or odd BLAS only costs speed
        pass


def limit_blas_in_forked_workers() -> None:
    """One BLAS thread in every process forked from this one (``nlp.pipe(n_process=N)``, fork pools).

    N workers on N cores each inheriting OpenBLAS's default of one thread per core would run N×N
    threads that wait on each other; one thread each keeps every core busy with its own worker.
    Registered once, by :func:`fast_cpu_ops`; set :data:`FORKED_BLAS_THREADS` to None to opt out.
    """
    if not _state["registered"] and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_limit_blas_after_fork)
        _state["registered"] = True


@contextlib.contextmanager
def fast_cpu_ops() -> Iterator[None]:
    """Build models under ``BlasOps`` when the current backend is plain ``NumpyOps`` (not GPU)."""
    limit_blas_in_forked_workers()
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
