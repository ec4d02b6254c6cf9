"""The pipeline of ``tcbio tag`` over batches: in this process, in a pool of workers, or on Dask workers
(``tcbio_nlp.distributed``). Workers return plain records, not Docs as ``nlp.pipe(n_process=N)`` does: smaller,
and no Doc rebuilt in the main process (``benchmarks/scale_out.py``)."""

from __future__ import annotations

import ctypes
import itertools
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language

from .inputs import InputError, Source, heading_context, read_source, split_text
from .records import Chunk, DocInfo

#: a batch holds at most this many characters (and --batch-size texts): worker processes finish
#: together and peak memory stays low, while per-batch overhead does not matter
TASK_CHARS = 10_000


class FatalError(Exception):
    """A problem that stops the whole run, such as a model that cannot be loaded (exit status 1)."""


@dataclass
class Item:
    """One text sent to the pipeline: ``doc.text[start:end]`` with ``context`` characters of headings before it."""

    doc: Any  # records.DocInfo
    start: int
    end: int
    context: int = 0


def document_items(sources: Iterable[Source | DocInfo], chunk_chars: int, report: Any,
                   skipped: Callable[[Source], None] | None = None) -> Iterator[tuple[str, Item]]:
    """Each readable source (or :class:`DocInfo` already read) as chunks of at most ``chunk_chars``
    characters, each after the heading lines above it; a source that cannot be read is reported and skipped.
    ``report``: ``tag.Reporter`` on stderr, a list on a Dask worker."""
    for index, source in enumerate(sources):
        try:
            info = source if isinstance(source, DocInfo) else read_source(source)
        except InputError as exc:
            report.error(exc.name, exc.reason)
            if skipped is not None:
                skipped(source)
            continue
        info.index = index
        for warning in info.warnings:
            report.warning(info.id, warning)
        bounds = split_text(info.text, chunk_chars)
        prefixes = heading_context(info.text, bounds) if len(bounds) > 1 else [""]
        report.info(f"{info.id}: {info.encoding}, {len(info.text):,} characters"
                    + (f", {len(bounds)} chunks" if len(bounds) > 1 else ""))
        for (a, b), prefix in zip(bounds, prefixes, strict=True):
            yield prefix + info.text[a:b], Item(info, a, b, len(prefix))


def batched(items: Iterable[tuple[str, Item]], batch_size: int,
            task_chars: int = TASK_CHARS) -> Iterator[list[tuple[str, Item]]]:
    """Batches of at most ``batch_size`` texts and ``task_chars`` characters (or one longer chunk): the
    tok2vec layer holds about 20 kB per token of a batch while it runs."""
    batch: list[tuple[str, Item]] = []
    chars = 0
    for text, item in items:
        if batch and chars + len(text) > task_chars:
            yield batch
            batch, chars = [], 0
        batch.append((text, item))
        chars += len(text)
        if len(batch) >= batch_size or chars >= task_chars:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def document_chunks(info: DocInfo, results: Iterable[tuple[Item, dict | str]], report: Any) -> Iterator[Chunk]:
    """A document's chunks for a formatter; a chunk the pipeline failed on is reported and left empty."""
    for item, record in results:
        if isinstance(record, str):
            report.error(info.id, f"{record} (characters {item.start}–{item.end})")
            record = {"tokens": [], "entities": [], "sections": []}
        yield Chunk(item.start, item.end, record)


def load_pipeline(spec: str | None) -> Language:
    """The pipeline for ``--model``: None → the shipped default, ``blank`` → ``spacy.blank("zh")``,
    else a directory or an installed pipeline package name."""
    import spacy

    import tcbio_nlp

    try:
        if spec is None or spec == tcbio_nlp.DEFAULT_MODEL:
            return tcbio_nlp.load()
        if spec == "blank":
            return spacy.blank("zh")
        return tcbio_nlp.load(Path(spec)) if Path(spec).exists() else spacy.load(spec)
    except (OSError, ValueError, ImportError, KeyError) as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise FatalError(f"cannot load pipeline {spec or tcbio_nlp.DEFAULT_MODEL!r}: {message}") from None


def process_batch(nlp: Language, texts: list[str], places: list[tuple[int, int]],
                  options: tuple[bool, bool]) -> Iterator[dict | str]:
    """Records for a batch of texts, lazily; a text the pipeline fails on gives an error string. ``places``:
    per text, (its offset in its file, where the chunk begins after its heading context)."""
    from .records import doc_to_record

    def record(doc: Any, place: tuple[int, int]) -> dict:
        return doc_to_record(doc, place[0], *options, place[1] if place[1] > place[0] else None)

    done = 0
    try:
        for doc, place in zip(nlp.pipe(texts, batch_size=max(1, len(texts))), places, strict=True):
            yield record(doc, place)
            done += 1
    except Exception:  # noqa: BLE001 - retry the rest one by one; the others still get tagged
        for text, place in zip(texts[done:], places[done:], strict=True):
            try:
                yield record(nlp(text), place)
            except Exception as exc:  # noqa: BLE001 - reported per document, the run goes on
                yield f"pipeline failed: {type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0]}"


def _payload(batch: list[tuple[str, Item]]) -> tuple[list[str], list[tuple[int, int]]]:
    return [t for t, _ in batch], [(item.start - item.context, item.start) for _, item in batch]


def local_results(nlp: Language, batches: Iterable[list[tuple[str, Item]]],
                  options: tuple[bool, bool]) -> Iterator[tuple[Item, dict | str]]:
    """(item, record) for every text, in order, tagged in this process."""
    for batch in batches:
        yield from zip([item for _, item in batch], process_batch(nlp, *_payload(batch), options), strict=True)


_WORKER: dict[str, Any] = {}


def _die_with_parent() -> None:
    """Linux: the kernel sends this worker SIGTERM when the main process dies (whatever the cause)."""
    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent or parent == 1:  # the parent died before prctl took effect
        os._exit(1)


def init_worker(spec: str | None) -> None:
    from threadpoolctl import threadpool_limits  # (scikit-learn's dependency)

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the main process's handler (inherited by fork)
    if sys.platform.startswith("linux"):
        _die_with_parent()
    _WORKER["limits"] = threadpool_limits(1)  # N processes on N cores: no BLAS oversubscription
    try:
        _WORKER["nlp"] = load_pipeline(spec)
    except Exception as exc:  # noqa: BLE001 - reported by the first task
        _WORKER["error"] = str(exc) if isinstance(exc, FatalError) else (
            f"cannot load pipeline: {type(exc).__name__}: {exc}")


def _work(payload: tuple[list[str], list[tuple[int, int]], tuple[bool, bool]]) -> list[dict | str]:
    if "error" in _WORKER:
        raise FatalError(_WORKER["error"])
    return list(process_batch(_WORKER["nlp"], *payload))


def pool_results(pool: ProcessPoolExecutor, batches: Iterable[list[tuple[str, Item]]], options: tuple[bool, bool],
                 window: int) -> Iterator[tuple[Item, dict | str]]:
    """Results in input order, with at most ``window`` batches in flight (bounded memory)."""
    pending: deque = deque()
    for batch in itertools.chain(batches, [None]):  # None: the end, collect what is left
        if batch is not None:
            pending.append(([item for _, item in batch], pool.submit(_work, (*_payload(batch), options))))
        while pending and (batch is None or len(pending) >= window):
            items, future = pending.popleft()
            try:
                yield from zip(items, future.result(), strict=True)
            except BrokenProcessPool:
                raise FatalError(f"a worker process died while tagging {items[0].doc.id} (out of memory?); "
                                 "try fewer --n-process or a smaller --batch-size") from None


def stop_pool(pool: ProcessPoolExecutor, finished: bool) -> None:
    """Shut the pool down; after an error or Ctrl-C, without waiting for work in progress."""
    processes = [] if finished else list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=finished, cancel_futures=not finished)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    for proc in processes:
        proc.join(timeout=5)
