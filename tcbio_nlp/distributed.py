"""Tag a corpus on a Dask distributed cluster: JSONL shards with the records of ``tcbio tag``.

    from distributed import Client
    from tcbio_nlp.distributed import tag_corpus
    summary = tag_corpus(["reports/"], "tagged/", Client("tcp://scheduler:8786"))

or ``tcbio tag reports/ --output tagged/ --scheduler tcp://scheduler:8786`` (``--local-workers N``
starts a cluster of N worker processes on this machine). The documents are cut into shards of
``shard_docs`` documents, in the order ``tcbio tag`` reads them, and a ``dask.bag`` maps
:func:`tag_shard` over the shards that are not written yet. Each worker process loads the
pipeline once (:func:`worker_pipeline`) and writes its shard to a temporary file renamed into
place when complete, so ``tagged/shard-00007.jsonl`` exists whole or not at all; a worker that
dies loses only the shard it was writing, which Dask runs again elsewhere, and a rerun of the same
command computes only the shards that are missing (``manifest.json`` records which documents go
into which shard). ``cat tagged/shard-*.jsonl`` is the output of ``tcbio tag`` with
``--format jsonl``: the same source reading, chunking, pipeline and record writer
(``tcbio_nlp.cli.pipeline``, ``tcbio_nlp.cli.formats.jsonl``).

Why Dask and not Ray: tagging a corpus is a map over files into files, which a ``dask.bag`` of
shards expresses as it is; Dask installs from PyPI as pure Python beside spaCy, runs on an
existing scheduler (``dask-scheduler``/``dask-worker``, Kubernetes, SLURM, YARN through
dask-jobqueue/dask-kubernetes) or a ``LocalCluster``, and restarts a dead worker (nanny) and
reschedules its task. Ray brings a large binary runtime with its own object store and
dashboard for actor-style workloads that this job does not need.

Input paths must be readable by the workers under the same names (a shared file system), and so
must the output directory; records of documents given as text travel with the task instead.
"""

from __future__ import annotations

import itertools
import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cli.formats.jsonl import JsonlFormatter
from .cli.inputs import InputError, Source, discover, resolved
from .cli.pipeline import batched, document_chunks, document_items, load_pipeline, local_results
from .cli.records import DocInfo

SHARD_DOCS = 64
BATCH_SIZE = 16
CHUNK_CHARS = 100_000
MANIFEST = "manifest.json"
MANIFEST_FORMAT = "tcbio-shards/1"


def shard_name(index: int) -> str:
    return f"shard-{index:05d}.jsonl"


@dataclass
class ShardResult:
    """What one task did: the shard it wrote, its documents and characters, problems met."""

    index: int
    name: str
    docs: int = 0
    chars: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    worker: str = ""
    #: False when the shard was already on disk (a task run twice after a worker died)
    computed: bool = True


@dataclass
class RunSummary:
    """One :func:`tag_corpus` run: shards in the plan, those computed now, those already present."""

    out_dir: Path
    shards: int
    computed: list[str]
    present: list[str]
    docs: int
    chars: int
    errors: list[str]
    seconds: float
    #: inputs not found or not readable at planning (also in ``errors``, with the shards' problems)
    input_errors: list[str] = field(default_factory=list)


class ShardsFailed(RuntimeError):
    """Some shards could not be computed (a task failed on every try); rerun to complete them."""

    def __init__(self, failed: dict[str, str], summary: RunSummary) -> None:
        super().__init__(f"{len(failed)} of {summary.shards} shards failed: "
                         + "; ".join(f"{k}: {v}" for k, v in sorted(failed.items())[:3]))
        self.failed, self.summary = failed, summary


# -- the worker side ----------------------------------------------------------------------------------
_PIPELINES: dict[str | None, Any] = {}
_LOCK = threading.Lock()


def worker_pipeline(model: str | None = None) -> Any:
    """The pipeline of this process, loaded on first use: once per worker process, not per task.

    Also limits BLAS to one thread: a cluster runs one worker process per core.
    """
    with _LOCK:
        if model not in _PIPELINES:
            from threadpoolctl import threadpool_limits  # (scikit-learn's dependency)

            _PIPELINES["_blas_limits"] = threadpool_limits(1, user_api="blas")
            _PIPELINES[model] = load_pipeline(model)
        return _PIPELINES[model]


class _Collected:
    """The ``Report`` of a task: problems kept for the driver instead of printed on the worker."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def error(self, name: str, reason: str) -> None:
        self.errors.append(f"{name}: {reason}")

    def warning(self, name: str, reason: str) -> None:
        self.warnings.append(f"{name}: {reason}")

    def info(self, message: str) -> None:
        pass


def tag_shard(shard: tuple[int, list[Source | DocInfo]], out_dir: str, model: str | None = None,
              chunk_chars: int = CHUNK_CHARS, batch_size: int = BATCH_SIZE) -> ShardResult:
    """Tag one shard's documents and write ``out_dir/shard-NNNNN.jsonl`` whole or not at all."""
    index, sources = shard
    started = time.perf_counter()
    result = ShardResult(index, shard_name(index), worker=f"{socket.gethostname()}:{os.getpid()}")
    final = Path(out_dir) / result.name
    if final.exists():  # written by an earlier try of this task whose worker died before reporting
        result.computed = False
        return result
    nlp = worker_pipeline(model)
    report = _Collected()
    tmp = final.with_name(f".{result.name}.{socket.gethostname()}-{os.getpid()}.tmp")
    try:
        with _LOCK, tmp.open("w", encoding="utf-8", newline="\n") as out:  # one shard at a time per process
            formatter = JsonlFormatter(out)
            items = document_items(sources, chunk_chars, report)
            results = local_results(nlp, batched(items, batch_size), (False, True))
            for info, group in itertools.groupby(results, key=lambda r: r[0].doc):
                formatter.write(info, document_chunks(info, group, report))
                result.docs += 1
                result.chars += len(info.text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    result.errors, result.warnings = report.errors, report.warnings
    result.seconds = time.perf_counter() - started
    return result


# -- the driver side ----------------------------------------------------------------------------------
def plan_shards(documents: Iterable[Source | DocInfo], shard_docs: int = SHARD_DOCS) -> list[list[Source | DocInfo]]:
    """Consecutive groups of ``shard_docs`` documents, in input order."""
    if shard_docs < 1:
        raise ValueError(f"shard_docs must be at least 1, got {shard_docs}")
    docs = list(documents)
    return [docs[i:i + shard_docs] for i in range(0, len(docs), shard_docs)]


def gather_documents(
    inputs: Iterable[str | Path | Source | DocInfo | dict],
) -> tuple[list[Source | DocInfo], list[str]]:
    """Documents to tag, with the ids ``tcbio tag`` gives them, and the inputs that cannot be.

    A path (file or directory, walked as by ``tcbio tag``) becomes a :class:`Source` with an
    absolute path that the workers read; a ``{"id", "text"}`` record or a :class:`DocInfo` is sent
    as it is. Standard input is refused: workers cannot read it.
    """
    docs: list[Source | DocInfo] = []
    problems: list[str] = []
    paths: list[str] = []

    def flush() -> None:
        for found in discover(paths):
            if isinstance(found, InputError):
                problems.append(f"{found.name}: {found.reason}")
            elif found.path is None:
                problems.append("-: standard input cannot be read by the workers; give files or directories")
            else:
                docs.append(Source(found.id, resolved(found.path)))
        paths.clear()

    for item in inputs:
        if isinstance(item, (str, Path)):
            paths.append(str(item))
            continue
        flush()
        if isinstance(item, dict):
            docs.append(DocInfo(str(item["id"]), str(item["text"]), "record"))
        elif isinstance(item, Source) and item.path is not None:
            docs.append(Source(item.id, resolved(item.path)))
        elif isinstance(item, DocInfo):
            docs.append(item)
        else:
            problems.append(f"{item!r}: not a path, a Source or an {{'id', 'text'}} record")
    flush()
    return docs, problems


def _manifest(plan: list[list[Source | DocInfo]], shard_docs: int, model: str | None, chunk_chars: int) -> dict:
    return {"format": MANIFEST_FORMAT, "shard_docs": shard_docs, "model": model, "chunk_chars": chunk_chars,
            "shards": [[d.id for d in shard] for shard in plan]}


def _check_manifest(out_dir: Path, manifest: dict) -> None:
    """Write the manifest, or check that the one there describes the same run (else shards would mix)."""
    path = out_dir / MANIFEST
    if path.exists():
        try:
            old = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise ValueError(f"{path}: unreadable manifest ({exc}); use a new output directory") from None
        if old != manifest:
            raise ValueError(f"{out_dir} holds the shards of another run (other inputs, shard size, model or "
                             "chunk size); use a new output directory")
        return
    tmp = path.with_name(f".{MANIFEST}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def tag_corpus(inputs: Sequence[str | Path | Source | DocInfo | dict], out_dir: str | Path, client: Any, *,
               model: str | None = None, shard_docs: int = SHARD_DOCS, chunk_chars: int = CHUNK_CHARS,
               batch_size: int = BATCH_SIZE,
               progress: Callable[[ShardResult, int, int], None] | None = None) -> RunSummary:
    """Tag ``inputs`` on the cluster of ``client`` (a ``distributed.Client``) into ``out_dir``.

    Only shards missing from ``out_dir`` are computed. ``progress(result, done, total)`` is called
    in this process as each shard is written. Inputs that cannot be found are listed in the
    summary's ``errors`` with those that cannot be read or tagged. Raises :class:`ShardsFailed`
    when a shard failed on every try (a rerun completes it) and ``ValueError`` when ``out_dir``
    holds another run's shards.
    """
    import dask.bag as db
    from distributed import as_completed

    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    docs, problems = gather_documents(inputs)
    plan = plan_shards(docs, shard_docs)
    _check_manifest(out, _manifest(plan, shard_docs, model, chunk_chars))
    _remove_temporaries(out)
    todo = [(i, shard) for i, shard in enumerate(plan) if not (out / shard_name(i)).exists()]
    present = [shard_name(i) for i in range(len(plan)) if (out / shard_name(i)).exists()]
    summary = RunSummary(out, len(plan), [], present, 0, 0, list(problems), 0.0, list(problems))
    failed: dict[str, str] = {}
    if todo:
        bag = db.from_sequence(todo, partition_size=1).map(
            tag_shard, out_dir=str(resolved(out)), model=model, chunk_chars=chunk_chars, batch_size=batch_size)
        futures = client.compute(bag.to_delayed())
        names = {f.key: shard_name(i) for f, (i, _) in zip(futures, todo, strict=True)}
        try:
            done = 0
            for future in as_completed(futures):
                try:
                    results = future.result()
                except Exception as exc:  # noqa: BLE001 - KilledWorker after every try …: rerun completes it
                    failed[names[future.key]] = f"{type(exc).__name__}: {exc}"
                    continue
                for result in results:
                    done += 1
                    (summary.computed if result.computed else summary.present).append(result.name)
                    summary.docs += result.docs
                    summary.chars += result.chars
                    summary.errors.extend(result.errors)
                    if progress is not None:
                        progress(result, done, len(todo))
        except BaseException:
            client.cancel(futures)
            raise
        _remove_temporaries(out)  # every task of this run has ended
    summary.computed.sort()
    summary.seconds = time.perf_counter() - started
    if failed:
        raise ShardsFailed(failed, summary)
    return summary


def _remove_temporaries(out: Path) -> None:
    """Temporary shards left by workers killed while writing them (renamed into place otherwise)."""
    for stale in out.glob(".shard-*.tmp"):
        stale.unlink(missing_ok=True)


def shard_paths(out_dir: str | Path) -> list[Path]:
    """The shards of ``out_dir`` in order: concatenated, the JSONL of ``tcbio tag``."""
    return sorted(Path(out_dir).glob("shard-*.jsonl"))


def local_cluster(n_workers: int, **kwargs: Any) -> Any:
    """A ``distributed.LocalCluster`` of ``n_workers`` processes with one thread each (one per core)."""
    from distributed import LocalCluster

    options = {"processes": True, "threads_per_worker": 1, "dashboard_address": None, **kwargs}
    return LocalCluster(n_workers=n_workers, **options)
