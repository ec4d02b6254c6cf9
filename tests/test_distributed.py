"""Tagging on Dask distributed (``tcbio_nlp.distributed``, ``tcbio tag --local-workers``), on a real
LocalCluster of two worker processes and real excerpts of the seeds.

What users rely on: the shards, concatenated, are byte for byte what ``tcbio tag`` writes for the
same inputs; a worker killed mid-run loses no document; a run stopped midway leaves only whole
shards and a rerun computes exactly the missing ones.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from distributed import Client  # noqa: E402

from tcbio_nlp import distributed  # noqa: E402
from tcbio_nlp.cli.inputs import split_text  # noqa: E402

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
_script = Path(sys.executable).with_name("tcbio")
TCBIO = [str(_script)] if _script.exists() else [sys.executable, "-m", "tcbio_nlp.cli"]
CHUNK_CHARS = 2500  # the long document is tagged in chunks, on both paths


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Eleven documents cut from the seeds (one of 6,000 characters, tagged in chunks) and a binary file."""
    folder = tmp_path_factory.mktemp("corpus")
    pieces = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text("utf-8")
        pieces += [text[a:b] for a, b in split_text(text, 1200)[:2]]
    text = (SEEDS / "004_3317a80c5cf8af67.txt").read_text("utf-8")
    a, b = split_text(text, 6000)[1]
    pieces.append(text[a:b])
    for i, piece in enumerate(pieces):
        (folder / f"doc_{i:02d}.txt").write_text(piece, encoding="utf-8")
    (folder / "scan.txt").write_bytes(b"%PDF-1.4\x00\x01\x02 not text")
    return folder


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> bytes:
    """What `tcbio tag` writes for the corpus."""
    out = tmp_path_factory.mktemp("reference") / "tagged.jsonl"
    proc = subprocess.run([*TCBIO, "tag", str(corpus), "--output", str(out), "--chunk-chars", str(CHUNK_CHARS)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, proc.stderr  # the binary file is named and skipped, the others tagged
    assert "scan.txt" in proc.stderr
    data = out.read_bytes()
    assert data.count(b"\n") == 11
    return data


@pytest.fixture(scope="module")
def client():
    with distributed.local_cluster(2) as cluster, Client(cluster) as c:
        yield c


def shards_bytes(out: Path) -> bytes:
    return b"".join(p.read_bytes() for p in distributed.shard_paths(out))


def test_shards_equal_tcbio_tag_output(corpus, reference, client, tmp_path) -> None:
    seen = []
    summary = distributed.tag_corpus([str(corpus)], tmp_path / "out", client, shard_docs=3, chunk_chars=CHUNK_CHARS,
                                     progress=lambda result, done, total: seen.append((result.name, done, total)))
    assert shards_bytes(tmp_path / "out") == reference
    assert summary.shards == 4 and sorted(name for name, _, _ in seen) == summary.computed
    assert [done for _, done, _ in seen] == [1, 2, 3, 4] and {total for _, _, total in seen} == {4}
    assert summary.docs == 11 and any("scan.txt" in e for e in summary.errors)
    # a rerun finds every shard written and computes nothing
    again = distributed.tag_corpus([str(corpus)], tmp_path / "out", client, shard_docs=3, chunk_chars=CHUNK_CHARS)
    assert again.computed == [] and len(again.present) == 4
    # another shard size in the same directory would mix two runs: refused
    with pytest.raises(ValueError, match="another run"):
        distributed.tag_corpus([str(corpus)], tmp_path / "out", client, shard_docs=2, chunk_chars=CHUNK_CHARS)


def test_records_given_as_text_equal_files(corpus, client, tmp_path) -> None:
    files = sorted(corpus.glob("doc_*.txt"))[:4]
    records = [{"id": str(p), "text": p.read_text("utf-8")} for p in files]
    distributed.tag_corpus(records, tmp_path / "records", client, shard_docs=2)
    distributed.tag_corpus([str(p) for p in files], tmp_path / "files", client, shard_docs=2)
    assert shards_bytes(tmp_path / "records") == shards_bytes(tmp_path / "files")
    assert shards_bytes(tmp_path / "records").count(b"\n") == 4


def _worker_pids(client) -> dict[str, int]:
    return client.run(os.getpid)


def test_killed_worker_loses_no_document(corpus, reference, client, tmp_path) -> None:
    killed: list[tuple[str, int]] = []

    def kill_a_busy_worker(result, done, total) -> None:
        if killed:
            return
        for _ in range(200):  # the next shard is taken up within moments
            busy = [addr for addr, keys in client.processing().items() if keys]
            if busy:
                pid = _worker_pids(client)[busy[0]]
                os.kill(pid, signal.SIGKILL)
                killed.append((busy[0], pid))
                return
            time.sleep(0.05)

    summary = distributed.tag_corpus([str(corpus)], tmp_path / "out", client, shard_docs=1, chunk_chars=CHUNK_CHARS,
                                     progress=kill_a_busy_worker)
    assert killed, "no worker was busy after the first shard"
    assert summary.shards == 12  # the binary file's shard is written empty
    # a worker killed between writing its shard and reporting it: the task's second try finds the shard there
    assert len(summary.computed) + len(summary.present) == 12 and len(summary.present) <= 1
    assert shards_bytes(tmp_path / "out") == reference
    assert not list((tmp_path / "out").glob(".*.tmp"))
    client.wait_for_workers(2, timeout=120)  # the nanny restarted the killed worker


class Stop(Exception):
    pass


def test_stopped_run_leaves_whole_shards_and_rerun_computes_only_missing(corpus, reference, client, tmp_path) -> None:
    out = tmp_path / "out"

    def stop_after_two(result, done, total) -> None:
        if done == 2:
            raise Stop

    with pytest.raises(Stop):
        distributed.tag_corpus([str(corpus)], out, client, shard_docs=1, chunk_chars=CHUNK_CHARS,
                               progress=stop_after_two)
    client.restart()  # kills the workers and the shards they were writing, as a lost cluster would
    written = {p.name for p in distributed.shard_paths(out)}
    assert 2 <= len(written) < 12
    for path in distributed.shard_paths(out):  # every shard on disk is whole: one record per document
        data = path.read_bytes()
        assert (data.endswith(b"\n") and data.count(b"\n") == 1) or (path.name == "shard-00011.jsonl" and not data)
    (out / ".shard-00009.jsonl.crashed-1.tmp").write_text('{"id":', encoding="utf-8")  # a worker died writing
    summary = distributed.tag_corpus([str(corpus)], out, client, shard_docs=1, chunk_chars=CHUNK_CHARS)
    assert set(summary.computed) == {distributed.shard_name(i) for i in range(12)} - written
    assert set(summary.present) == written
    assert shards_bytes(out) == reference
    assert not list(out.glob(".*.tmp"))


def test_shard_is_written_whole_or_not_at_all(corpus, nlp, tmp_path, monkeypatch) -> None:
    monkeypatch.setitem(distributed._PIPELINES, None, nlp)  # this process as a worker, pipeline already loaded
    sources, _ = distributed.gather_documents([str(p) for p in sorted(corpus.glob("doc_*.txt"))[:3]])
    result = distributed.tag_shard((0, sources), str(tmp_path))
    assert result.docs == 3 and (tmp_path / "shard-00000.jsonl").read_bytes().count(b"\n") == 3
    from tcbio_nlp.cli.formats.jsonl import JsonlFormatter

    real_write = JsonlFormatter.write
    calls = []

    def fail_on_third(self, doc, chunks) -> None:
        calls.append(doc.id)
        if len(calls) == 3:
            raise OSError("disk full")
        real_write(self, doc, chunks)

    monkeypatch.setattr(JsonlFormatter, "write", fail_on_third)
    with pytest.raises(OSError, match="disk full"):
        distributed.tag_shard((1, sources), str(tmp_path))
    assert len(calls) == 3  # two records were written to the temporary file before the failure
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shard-00000.jsonl"]


def test_command_line_local_cluster_and_rerun(corpus, reference, tmp_path) -> None:
    out = tmp_path / "tagged"
    cmd = [*TCBIO, "tag", str(corpus), "--output", str(out), "--local-workers", "2", "--shard-docs", "4",
           "--chunk-chars", str(CHUNK_CHARS)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, proc.stderr  # scan.txt named, the others tagged
    assert "Traceback" not in proc.stderr
    assert [line for line in proc.stderr.splitlines() if ": error: " in line] == [
        line for line in proc.stderr.splitlines() if "scan.txt" in line and ": error: " in line]
    assert proc.stderr.count("written (") == 3 and "3/3 shards" in proc.stderr
    assert shards_bytes(out) == reference
    (out / "shard-00001.jsonl").unlink()
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert "shard-00001.jsonl written" in again.stderr and again.stderr.count("written (") == 1
    assert "1 written now, 2 already there" in again.stderr
    assert shards_bytes(out) == reference
    wrong = subprocess.run([*TCBIO, "tag", str(corpus), "--output", str(out / "shard-00000.jsonl"),
                            "--local-workers", "2"], capture_output=True, text=True, timeout=600)
    assert wrong.returncode == 2 and "must name a directory" in wrong.stderr
