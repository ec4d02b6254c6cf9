"""One large file through ``tcbio tag`` (issue 14: "50 MB single file: linear time, peak RSS < 1 GB").

    python benchmarks/large_file.py [--sizes 5 20 50] [--n-process 1] [--keep DIR]

Builds a realistic text file from the genre pool (``../shared/data/genre_pool``: gazette notices,
laws, Legislative Yuan records, court judgments …, every document whose text is not in the genre
corpus's test split, in a fixed shuffled order, blank-line separated, repeated as often as needed)
and tags its first 5, 20 and 50 MB (10^6 bytes of UTF-8, cut at a document boundary) in one run,
each with ``tcbio tag FILE --output OUT.jsonl`` in a fresh process, as a user would. For each size:

* wall time of the whole command, and characters/s after the fixed start-up (interpreter, imports,
  pipeline load: the median wall time of the same command on a one-line file, measured three times,
  is subtracted) and end to end;
* the command's own account (``--verbose``): pipeline load time, and tagging time without it;
* peak memory of the whole command, children included: the largest sum of RSS over its process
  tree (polled every 20 ms from /proc, with the sum of PSS beside it, and when it was reached) and
  the kernel's high-water mark of its largest process (VmHWM, polled: it only grows, so no spike is
  missed). Not ``wait4``'s ``ru_maxrss``: Linux counts in it the RSS of the parent the command was
  forked from (this script, which has just parsed the previous size's JSONL), and an earlier run
  reported 1,000 MiB that way for a command whose own high-water mark stayed near 700 MiB;
* that the output is one whole JSONL record whose text is the file's.

Writes ``benchmarks/reports/large_file.md``. Takes about half an hour on the 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pipeline_speed import ONE_BLAS_THREAD, TreeMemory, _mem  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
POOL = ROOT.parent / "shared" / "data" / "genre_pool"
REPORT = ROOT / "benchmarks" / "reports" / "large_file.md"
MB = 1_000_000


def pool_documents() -> list[str]:
    """The genre pool's documents, less those of the genre corpus's test split, in a fixed order."""
    test = set()
    for line in (ROOT / "corpora" / "genre" / "documents.tsv").read_text("utf-8").splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) > 3 and cols[2] == "test" and cols[3].startswith("pool:"):
            test.add(cols[3][len("pool:"):])
    paths = sorted(p for p in POOL.glob("*/*.txt") if f"{p.parent.name}/{p.name}" not in test)
    random.Random(14).shuffle(paths)
    return [p.read_text("utf-8").strip() for p in paths]


def build_files(sizes_mb: list[int], folder: Path) -> dict[int, Path]:
    """Files of the first ``size`` MB of the repeated pool, each cut after a whole document."""
    docs = pool_documents()
    files: dict[int, Path] = {}
    targets = sorted(sizes_mb)
    parts: list[bytes] = []
    total = i = 0
    while targets:
        piece = (docs[i % len(docs)] + "\n\n").encode("utf-8")
        parts.append(piece)
        total += len(piece)
        i += 1
        if total >= targets[0] * MB:
            size = targets.pop(0)
            files[size] = folder / f"pool-{size}MB.txt"
            files[size].write_bytes(b"".join(parts))
    return files


class TreeRss(TreeMemory):
    """:class:`TreeMemory` that also keeps the peak sum of RSS over the process tree (kB) and when it
    was reached; it polls the known processes every 20 ms and looks for new ones every second (a
    scan of /proc takes longer than a short spike lasts)."""

    def __init__(self, pid: int) -> None:
        super().__init__(pid)
        self.peak_rss_sum = 0
        self.peak_hwm = 0
        self.peak_at = 0.0

    def run(self) -> None:
        start = time.perf_counter()
        tree, scanned = [self.pid], 0.0
        while not self._halt.is_set():
            now = time.perf_counter()
            if now - scanned > 1.0:
                tree, scanned = self._tree(), now
            pss_sum = rss_sum = 0
            for pid in tree:
                pss, rss = _mem(pid)
                pss_sum, rss_sum = pss_sum + pss, rss_sum + rss
                self.peak_rss = max(self.peak_rss, rss)
                self.peak_hwm = max(self.peak_hwm, _hwm(pid))
            self.peak_pss = max(self.peak_pss, pss_sum)
            if rss_sum > self.peak_rss_sum:
                self.peak_rss_sum, self.peak_at = rss_sum, now - start
            self._halt.wait(0.02)


def _hwm(pid: int) -> int:
    """The kernel's high-water mark of a process's RSS (kB): it only grows, so polling never misses a
    peak (but the last few milliseconds before exit)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tcbio_command() -> list[str]:
    script = Path(sys.executable).with_name("tcbio")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tcbio_nlp.cli"]


def run(cmd: list[str]) -> dict:
    """Run ``cmd``: wall time, stderr, polled tree memory and the kernel's peak RSS of its largest process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ONE_BLAS_THREAD)
    mem = TreeRss(proc.pid)
    mem.start()
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    mem.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{stderr[-3000:]}")
    return {"wall_s": wall, "stderr": stderr, "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_tree_rss_mb": mem.peak_rss_sum / 1024, "peak_tree_pss_mb": mem.peak_pss / 1024,
            "peak_at_s": mem.peak_at,
            "max_process_rss_mb": mem.peak_hwm / 1024}  # fmt: skip


_LOADED = re.compile(r"loaded pipeline .* in ([\d.]+) s")
_TAGGED = re.compile(r"tagged \d+ documents?, ([\d,]+) characters in ([\d.]+) s")


def own_account(stderr: str) -> tuple[float | None, float | None]:
    """(pipeline load s, total s) that ``tcbio tag --verbose`` reports."""
    load = _LOADED.search(stderr)
    tagged = _TAGGED.search(stderr)
    return (float(load.group(1)) if load else None, float(tagged.group(2)) if tagged else None)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[5, 20, 50], help="file sizes in MB (10^6 bytes)")
    ap.add_argument("--n-process", type=int, default=1)
    ap.add_argument("--keep", type=Path, help="build the files in this folder and keep them")
    ap.add_argument("--report", type=Path, default=REPORT)
    args = ap.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="tcbio-large-"))
    folder.mkdir(parents=True, exist_ok=True)
    files = build_files(args.sizes, folder)
    base = [*tcbio_command(), "tag", "--no-progress", "--verbose", "--n-process", str(args.n_process)]
    load_before = os.getloadavg()
    tiny = folder / "tiny.txt"
    tiny.write_text("衛生福利部食品藥物管理署核發許可證。\n", encoding="utf-8")
    startups = [run([*base, str(tiny), "--output", os.devnull]) for _ in range(3)]
    startup = statistics.median(r["wall_s"] for r in startups)
    rows = []
    for size in sorted(files):
        path = files[size]
        text = path.read_text("utf-8")
        out = folder / f"pool-{size}MB.jsonl"
        r = run([*base, str(path), "--output", str(out)])
        with out.open(encoding="utf-8") as fh:
            record = json.loads(fh.readline())
            assert fh.readline() == "", "one document, one record"
        assert record["text"] == text
        r.update(size=size, bytes=path.stat().st_size, chars=len(text), out_mb=out.stat().st_size / MB,
                 entities=len(record["entities"]), sections=len(record["sections"]))
        del record
        out.unlink()
        r["load_s"], r["own_s"] = own_account(r["stderr"])
        r["net_s"] = r["wall_s"] - startup
        rows.append(r)
        print(f"{size} MB: {r['chars']:,} chars, {r['wall_s']:.1f} s wall, {r['chars'] / r['net_s']:,.0f} chars/s "
              f"after start-up, peak tree RSS {r['peak_tree_rss_mb']:,.0f} MB at {r['peak_at_s']:.0f} s, "
              "largest process "
              f"{r['max_process_rss_mb']:,.0f} MB", flush=True)
    if not args.keep:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()
    write_report(args, rows, startups, startup, load_before, os.getloadavg())
    return 0


def write_report(args, rows: list[dict], startups: list[dict], startup: float, load_before, load_after) -> None:
    first = rows[0]
    per_char = {r["size"]: r["net_s"] / r["chars"] for r in rows}
    lines = [
        "# One large file through `tcbio tag`",
        "",
        f"Command: `python benchmarks/large_file.py --sizes {' '.join(map(str, args.sizes))}"
        f"{f' --n-process {args.n_process}' if args.n_process != 1 else ''}` — "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores shared with other jobs (load average {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after).",
        "",
        "Input: the genre pool's documents (less the genre corpus's test split), shuffled once, blank-line "
        "separated, repeated; each file is the first N MB (10^6 bytes of UTF-8), cut after a whole document. "
        f"Each size is one run of `tcbio tag FILE --output OUT.jsonl --verbose --no-progress` (--n-process "
        f"{args.n_process}), in a fresh process; the output was checked to be one JSONL record whose text is "
        "the file's.",
        "",
        f"Fixed start-up (interpreter, imports, pipeline load, one-line file): median {startup:.2f} s of "
        f"{', '.join(format(r['wall_s'], '.2f') for r in startups)} s; it is subtracted for *chars/s after "
        "start-up*. The command's own account (`--verbose`) gives the pipeline load time inside each run.",
        "",
        "| file | characters | wall s | chars/s after start-up | chars/s end to end | µs/char after start-up "
        "| ratio to smallest | pipeline load s (own account) | peak RSS, process tree | peak PSS, process tree "
        "| peak RSS, largest process (kernel VmHWM) | output |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['size']} MB | {r['chars']:,} | {r['wall_s']:.1f} | {r['chars'] / r['net_s']:,.0f} "
            f"| {r['chars'] / r['wall_s']:,.0f} | {per_char[r['size']] * 1e6:.1f} "
            f"| {per_char[r['size']] / per_char[first['size']]:.2f} "
            f"| {r['load_s'] if r['load_s'] is not None else '?'} "
            f"| {r['peak_tree_rss_mb']:,.0f} MB (at {r['peak_at_s']:.0f} s) | {r['peak_tree_pss_mb']:,.0f} MB "
            f"| {r['max_process_rss_mb']:,.0f} MB "
            f"| {r['out_mb']:,.0f} MB, {r['entities']:,} entities, {r['sections']:,} sections |")
    # the kernel's figure catches a spike between two polls; the polled sum counts worker processes together
    biggest = max(max(r["peak_tree_rss_mb"], r["max_process_rss_mb"]) for r in rows)
    last = rows[-1]
    lines += [
        "",
        f"Time per character at {last['size']} MB is {per_char[last['size']] / per_char[first['size']]:.2f}x that at "
        f"{first['size']} MB (target: linear); the largest peak RSS of a whole command is {biggest:,.0f} MiB "
        f"(target: under 1 GB{': met' if biggest * 1.048576 < 1000 else ': NOT met'}; MiB = 2^20 bytes, as "
        "/proc counts).",
        "",
    ]
    args.report.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
