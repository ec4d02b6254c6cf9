"""What makes ``nlp.pipe(n_process=N)`` pay off: Docs without the tok2vec tensor, a batch size
that splits a corpus over the workers, one BLAS thread per forked worker; and the same results."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

import pytest
from spacy.util import load_config
from threadpoolctl import threadpool_info, threadpool_limits

import tcbio_nlp
from tcbio_nlp.cli.inputs import split_text

ROOT = Path(__file__).resolve().parents[1]


def excerpts(seed_texts: dict[str, str], size: int = 900) -> list[str]:
    texts = []
    for text in seed_texts.values():
        texts += [text[a:b] for a, b in split_text(text, size)[:3]]
    return texts


def annotations(doc) -> tuple:
    return ([(t.idx, len(t)) for t in doc], [(e.start_char, e.end_char, e.label_, e._.norm) for e in doc.ents],
            [(s.start_char, s.end_char, s.label_, s._.heading, s._.level, s._.score, s._.section_parent)
             for s in doc.spans["sections"]])


@pytest.fixture(scope="module")
def nlp_with_tensor():
    return tcbio_nlp.load(config={"components": {"tcbio_slim_doc": {"keep_tensor": True}}})


def test_docs_leave_the_pipeline_without_the_tensor(nlp, nlp_with_tensor, seed_texts) -> None:
    text = excerpts(seed_texts, 1500)[0]
    slim, full = nlp(text), nlp_with_tensor(text)
    assert nlp.pipe_names[-1] == "tcbio_slim_doc"
    assert slim.tensor.size == 0
    assert full.tensor.shape == (len(full), 128)
    assert annotations(slim) == annotations(full)  # nothing after ner needed it
    assert len(slim.to_bytes()) * 3 < len(full.to_bytes())


def test_two_processes_give_the_docs_of_one(nlp, seed_texts) -> None:
    texts = excerpts(seed_texts)
    one = [annotations(doc) for doc in nlp.pipe(texts)]
    two = list(nlp.pipe(texts, n_process=2, batch_size=4))  # Docs rebuilt from bytes in this process
    assert [annotations(doc) for doc in two] == one
    assert any(e for _, e, _ in one) and all(doc.tensor.size == 0 for doc in two)
    money = [e._.norm for doc in two for e in doc.ents if e.label_ == "MONEY" and e._.norm]
    assert money and all(type(v["value"]).__name__ == "Decimal" for v in money if "value" in v)


def test_batch_size_and_slim_doc_are_the_same_in_the_assembly_config() -> None:
    shipped = load_config(tcbio_nlp.model_path() / "config.cfg", interpolate=False)
    assembly = load_config(ROOT / "training" / "configs" / "pipeline.cfg", interpolate=False)
    assert shipped["nlp"]["pipeline"] == assembly["nlp"]["pipeline"]
    assert shipped["nlp"]["batch_size"] == assembly["nlp"]["batch_size"] == 32
    assert shipped["components"]["tcbio_slim_doc"] == assembly["components"]["tcbio_slim_doc"]


def _blas_threads(queue) -> None:
    queue.put(sorted({i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}))


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="fork start method only")
def test_forked_worker_uses_one_blas_thread(nlp) -> None:
    if not any(i["user_api"] == "blas" for i in threadpool_info()):
        pytest.skip("no BLAS library found by threadpoolctl")
    ctx = mp.get_context("fork")
    with threadpool_limits(2, user_api="blas"):  # this process: two threads
        queue = ctx.Queue()
        proc = ctx.Process(target=_blas_threads, args=(queue,))
        proc.start()
        child = queue.get(timeout=60)
        proc.join(timeout=60)
        parent = sorted({i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"})
    assert parent == [2]
    assert child == [1]
