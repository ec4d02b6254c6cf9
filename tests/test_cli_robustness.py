"""``tcbio tag`` on the bad and odd inputs of issue 14, run for real: decoding (binary that
happens to decode, BOM-less UTF-16, a stray byte in UTF-8), output errors (full disk, a file
size limit), SIGTERM in the middle of a run with worker processes, and a long file whose split
points must not change what is found."""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import subprocess
import time
from pathlib import Path

import pytest
from test_cli import MODEL_ARGS, REAL, SEEDS, TCBIO, error_lines, excerpt, seed, tcbio


def _gibberish_big5(n: int = 4096) -> bytes:
    """Random bytes (no NUL, no control byte) kept only where they decode as Big5: binary data
    that a decoder accepts."""
    rng = random.Random(1)
    raw = bytes(rng.randrange(0x20, 256) for _ in range(3 * n))
    return raw.decode("cp950", errors="ignore").encode("cp950")[:n]


def test_random_bytes_that_decode_are_binary(tmp_path) -> None:
    bad = tmp_path / "random.dat"
    bad.write_bytes(_gibberish_big5())
    proc = tcbio("tag", str(bad))
    assert proc.returncode == 1 and proc.stdout == ""
    (line,) = error_lines(proc.stderr)
    assert "random.dat" in line and "binary" in line


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_decoded(tmp_path, codec) -> None:
    text = "".join(c for c in excerpt(400) if c > "\x7f")  # Chinese only: no NUL byte at all
    path = tmp_path / "u16.txt"
    path.write_bytes(text.encode(codec))
    proc = tcbio("tag", str(path), "--verbose")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["text"] == text
    assert f"{codec.upper()} without BOM" in proc.stderr


def test_stray_byte_in_utf8_is_replaced_with_a_warning(tmp_path) -> None:
    raw = "衛生福利部核准藥品上市。".encode() + b"\x81" + "食品藥物管理署公告新制度。".encode()
    path = tmp_path / "stray.txt"
    path.write_bytes(raw)
    proc = tcbio("tag", str(path))
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["text"] == "衛生福利部核准藥品上市。\ufffd食品藥物管理署公告新制度。"
    assert proc.stderr.splitlines() == [
        f"tcbio tag: warning: {path}: 1 invalid UTF-8 byte replaced by U+FFFD (first at byte 36)"]


@pytest.mark.parametrize("redirect", ["--output", "stdout"])
def test_full_disk_is_one_line_and_exit_2(redirect) -> None:
    args = ["tag", str(seed("003"))]
    if redirect == "--output":
        proc = tcbio(*args, "--output", "/dev/full")
    else:
        with open("/dev/full", "wb") as full:
            proc = subprocess.run([*TCBIO, *args, *MODEL_ARGS], stdout=full, stderr=subprocess.PIPE, timeout=600)
        proc.stderr = proc.stderr.decode()
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    (line,) = proc.stderr.splitlines()
    assert line.startswith("tcbio tag: error: cannot write to") and "No space left on device" in line
    assert Path("/dev/full").is_char_device()


def _limit_file_size() -> None:  # runs in the child: writes past 20 kB fail with EFBIG
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))


def test_output_that_fails_on_flush_is_removed(tmp_path) -> None:
    out = tmp_path / "out.jsonl"
    # the blank pipeline: loading the shipped one writes its segmenter model (18 MB) to a temporary file
    proc = subprocess.run([*TCBIO, "tag", str(seed("003")), "--output", str(out), "--model", "blank"],
                          capture_output=True, text=True, preexec_fn=_limit_file_size, timeout=600)
    assert proc.returncode == 2
    (line,) = proc.stderr.splitlines()
    assert line == f"tcbio tag: error: cannot write to --output {out}: File too large (partial output removed)"
    assert not out.exists()


def _session_processes(sid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getsid(int(entry.name)) == sid:
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def _wait_for_no_session_process(pid: int, tries: int) -> list[int]:
    """Poll every 0.1 s until no process of the session is left (or `tries` run out); what is left."""
    for _ in range(tries):
        if not _session_processes(pid):
            break
        time.sleep(0.1)
    return _session_processes(pid)


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def test_sigterm_stops_every_worker_and_keeps_whole_records(tmp_path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(12):
        for p in sorted(SEEDS.glob("*.txt"))[:6]:
            (docs / f"{i:02d}-{p.name}").write_text(p.read_text("utf-8"), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen([*TCBIO, "tag", "-n", "2", str(docs), "--output", str(out), *MODEL_ARGS],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while len(_children(proc.pid)) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert proc.poll() is None, "the run ended before it could be stopped"
        while (not out.exists() or out.stat().st_size == 0) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)  # some records written: stopped mid-run
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)  # stderr reaches EOF: no worker holds it open
        assert proc.returncode == 143
        assert stderr.decode().strip().splitlines()[-1] == "tcbio: terminated"
        assert _wait_for_no_session_process(proc.pid, tries=50) == []
    finally:
        for pid in _session_processes(proc.pid):
            os.kill(pid, signal.SIGKILL)
    data = out.read_text("utf-8")
    assert data.endswith("\n") or data == ""
    for line in data.splitlines():
        json.loads(line)


def test_worker_exits_when_the_main_process_is_killed(tmp_path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for p in sorted(SEEDS.glob("*.txt"))[:8]:
        (docs / p.name).write_text(p.read_text("utf-8") * 3, encoding="utf-8")
    proc = subprocess.Popen([*TCBIO, "tag", "-n", "2", str(docs), "--output", str(tmp_path / "o.jsonl"), *MODEL_ARGS],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while len(_children(proc.pid)) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert proc.poll() is None
        proc.kill()  # SIGKILL: no clean-up in the main process at all
        proc.communicate(timeout=60)
        assert _wait_for_no_session_process(proc.pid, tries=100) == []
    finally:
        for pid in _session_processes(proc.pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not REAL, reason="needs the shipped pipeline")
def test_split_points_do_not_lose_headings(tmp_path) -> None:
    """30 copies of a seed document in one file: 30x its headings and 30x its entities, though the
    file is split into chunks (issue 14: the heading at the split point was lost)."""
    from collections import Counter

    from tcbio_nlp.cli.tag import DEFAULT_CHUNK_CHARS

    one = seed("003").read_text("utf-8")
    single = json.loads(tcbio("tag", str(seed("003"))).stdout)
    path = tmp_path / "thirty.txt"
    path.write_text(one * 30, encoding="utf-8")
    assert len(one * 30) > DEFAULT_CHUNK_CHARS  # tagged in more than one chunk
    proc = tcbio("tag", str(path))
    assert proc.returncode == 0
    rec = json.loads(proc.stdout)

    def headings(r: dict) -> Counter:
        return Counter((s["heading"], s["level"]) for s in r["sections"] if s["heading"])

    def entities(r: dict) -> Counter:
        return Counter((e["label"], e["text"]) for e in r["entities"])

    assert headings(single) and entities(single)
    assert headings(rec) == Counter({k: 30 * n for k, n in headings(single).items()})
    assert entities(rec) == Counter({k: 30 * n for k, n in entities(single).items()})
    # and each copy's at the same place in its copy
    n = len(one)
    copies = {(s["start"] % n, s["heading"]) for s in rec["sections"] if s["heading"]}
    assert copies == {(s["start"], s["heading"]) for s in single["sections"] if s["heading"]}


def _with_stray_bytes(text: str, n: int, byte: bytes = b"\x81") -> tuple[bytes, str]:
    """UTF-8 of ``text`` with ``n`` copies of invalid ``byte`` put between characters (evenly spread), and the
    text each is expected to decode to."""
    places = [len(text) * (i + 1) // (n + 1) for i in range(n)]
    raw, expected, prev = b"", "", 0
    for p in places:
        raw += text[prev:p].encode() + byte
        expected += text[prev:p] + "\ufffd" * len(byte)  # bytes that never start a UTF-8 character
        prev = p
    return raw + text[prev:].encode(), expected + text[prev:]


#: a short real paragraph (seed 002's first sentence, 62 characters)
PARAGRAPH = seed("002").read_text("utf-8").split("\n")[0].split(" ", 3)[-1]


@pytest.mark.parametrize(("n", "byte"), [(1, b"\x81"), (2, b"\xff"), (5, b"\xa4"), (3, b"\xff\xfe\xfd")])
def test_stray_bytes_in_a_short_utf8_paragraph_are_counted_not_mojibake(tmp_path, n, byte) -> None:
    raw, expected = _with_stray_bytes(PARAGRAPH, n, byte)
    path = tmp_path / "para.txt"
    path.write_bytes(raw)
    proc = tcbio("tag", str(path))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["text"] == expected  # not GB18030 mojibake, not refused
    bad = n * len(byte)
    (line,) = proc.stderr.splitlines()
    assert line.startswith(f"tcbio tag: warning: {path}: {bad} invalid UTF-8 byte{'s' if bad > 1 else ''} "
                           "replaced by U+FFFD")


def test_random_binary_file_is_refused_as_binary(tmp_path) -> None:
    rng = random.Random(14)
    bad = tmp_path / "blob.txt"
    bad.write_bytes(bytes(rng.randrange(1, 256) for _ in range(4096)))  # 4 KB, no NUL byte
    proc = tcbio("tag", str(bad))
    assert proc.returncode == 1 and proc.stdout == ""
    (line,) = error_lines(proc.stderr)
    assert line.startswith(f"tcbio tag: error: {bad}: binary file (")  # not "undecodable bytes at byte 1"
