"""The numpy-BLAS backend gives thinc's results, and the shipped pipeline runs on it."""

from __future__ import annotations

import numpy
import pytest
from thinc.api import NumpyOps, get_current_ops

from tcbio_nlp.ops import BlasOps, fast_cpu_ops


@pytest.mark.parametrize(("trans1", "trans2"), [(False, False), (True, False), (False, True), (True, True)])
def test_gemm_matches_thinc(trans1: bool, trans2: bool) -> None:
    rng = numpy.random.default_rng(0)
    x = rng.standard_normal((37, 19) if not trans1 else (19, 37)).astype("float32")
    y = rng.standard_normal((19, 23) if not trans2 else (23, 19)).astype("float32")
    expected = NumpyOps().gemm(x, y, trans1=trans1, trans2=trans2)
    got = BlasOps().gemm(x, y, trans1=trans1, trans2=trans2)
    assert got.shape == expected.shape == (37, 23)
    assert got.flags["C_CONTIGUOUS"]
    numpy.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    out = numpy.zeros((37, 23), dtype="float32")
    assert BlasOps().gemm(x, y, out=out, trans1=trans1, trans2=trans2) is out
    numpy.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


def test_context_restores_the_previous_backend() -> None:
    before = get_current_ops()
    with fast_cpu_ops():
        assert isinstance(get_current_ops(), BlasOps)
    assert get_current_ops() is before


def test_shipped_pipeline_models_use_numpy_blas(nlp) -> None:
    assert all(isinstance(node.ops, BlasOps) for node in nlp.get_pipe("tok2vec").model.walk())
    # the parser's feature layer; its output layer is rebuilt by spaCy when loading and runs in C
    assert isinstance(nlp.get_pipe("ner").model.get_ref("lower").ops, BlasOps)
