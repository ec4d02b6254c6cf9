"""Time per character as inputs grow (issue 14's linear-cost target): a line of digits and
entity-dense text (``('衛福部食藥署核發許可證。'*N)[:n]``), through ``nlp(text)`` and through the
``tcbio tag`` command. Writes ``benchmarks/reports/linear_cost.md``.

Usage: ``python benchmarks/linear_cost.py [--quick] [--only nlp|cli] [--repeat R]``
(--quick: the three smaller sizes of each series).

Through ``tcbio tag``, each size is a file tagged by a fresh command (subprocess, ``--output`` a
file, ``--verbose``); each command runs ``--repeat`` times and the fastest run counts (the machine
is shared: slower runs are other jobs' time). A command's time is a fixed cost (interpreter,
imports, loading the pipeline, the first document's one-off set-up: about 2 s in all) plus the
work that grows with the input; at these sizes the fixed cost is most of it, so it is kept apart:

* *wall*: the whole command, and the fixed start-up measured the same way on a one-line file;
* *own*: the command's own account on ``--verbose``, its total time less its pipeline-load time
  (both ``time.perf_counter`` inside the process): no interpreter start, imports or model load, but
  the first document's set-up is still in it;
* *per file*: the same command on K copies of the file (K = 8 for digits, 3 for entity-dense text;
  different names) against one copy,
  ``(own_K − own_1) / (K − 1)``: what each file of that size costs, with every fixed cost gone. The
  target ratio is taken on this one.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import tcbio_nlp

SERIES = {
    "digits": ([2_500, 5_000, 10_000, 20_000], lambda n: "1" * n),
    "entity-dense": ([25_000, 50_000, 100_000, 200_000], lambda n: ("衛福部食藥署核發許可證。" * 20_000)[:n]),
}
REPORT = Path(__file__).parent / "reports" / "linear_cost.md"
_LOADED = re.compile(r"loaded pipeline .* in ([\d.]+) s")
_TAGGED = re.compile(r"tagged \d+ documents?, [\d,]+ characters in ([\d.]+) s")


def measure_nlp(quick: bool, repeat: int) -> list[str]:
    """Each size the fastest of ``repeat`` calls, after one warm-up call (one-off set-up on a first text)."""
    nlp = tcbio_nlp.load()
    nlp("衛福部食藥署核發許可證。")
    rows = []
    for name, (sizes, make) in SERIES.items():
        first = None
        for n in sizes[:3] if quick else sizes:
            text = make(n)
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                nlp(text)
                times.append(time.perf_counter() - t0)
            dt = min(times)
            per = dt / n * 1e6
            first = first or per
            rows.append(f"| {name} | {n:,} | {dt:.3f} | {per:.1f} | {per / first:.2f} |")
            print(rows[-1], flush=True)
    return rows


def tcbio_command() -> list[str]:
    script = Path(sys.executable).with_name("tcbio")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tcbio_nlp.cli"]


def run_tag(paths: list[Path], out: Path, repeat: int) -> tuple[float, float, float]:
    """(wall s, own total s, own load s) of the fastest of ``repeat`` runs of one ``tcbio tag`` command."""
    cmd = [*tcbio_command(), "tag", *map(str, paths), "--output", str(out), "--verbose", "--no-progress"]
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr[-2000:]}")
        loaded, tagged = _LOADED.search(proc.stderr), _TAGGED.search(proc.stderr)
        if not (loaded and tagged):
            raise SystemExit(f"no --verbose account in: {proc.stderr[-2000:]}")
        runs.append((wall, float(tagged.group(1)), float(loaded.group(1))))
    return min(runs, key=lambda r: r[1] - r[2])


#: copies per command for the per-file cost: more where one file is little work (noise)
COPIES = {"digits": 8, "entity-dense": 3}


def measure_cli(quick: bool, repeat: int) -> tuple[list[str], str]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="tcbio-linear-") as tmp:
        folder = Path(tmp)
        tiny = folder / "tiny.txt"
        tiny.write_text("衛福部食藥署核發許可證。\n", encoding="utf-8")
        wall0, own0, load0 = run_tag([tiny], folder / "tiny.jsonl", repeat)
        note = (f"Fixed start-up (`tcbio tag` of a one-line file, fastest of {repeat} runs): wall {wall0:.2f} s, "
                f"of which pipeline load (own account) {load0:.3f} s; own time less load {own0 - load0:.3f} s "
                "(the first document's one-off set-up).")
        print(note, flush=True)
        for name, (sizes, make) in SERIES.items():
            first_own = first_file = None
            for n in sizes[:3] if quick else sizes:
                text = make(n)
                paths = []
                for k in range(COPIES[name]):
                    paths.append(folder / f"{name}-{n}-{k}.txt")
                    paths[-1].write_text(text, encoding="utf-8")
                wall1, own1, load1 = run_tag(paths[:1], folder / "out.jsonl", repeat)
                wallk, ownk, loadk = run_tag(paths, folder / "out.jsonl", repeat)
                own = own1 - load1
                per_file = ((ownk - loadk) - own) / (COPIES[name] - 1)
                own_per, file_per = own / n * 1e6, per_file / n * 1e6
                first_own, first_file = first_own or own_per, first_file or file_per
                rows.append(f"| {name} | {n:,} | {wall1:.2f} | {wall1 - wall0:.2f} | {own:.3f} | {own_per:.1f} "
                            f"| {own_per / first_own:.2f} | {wallk:.2f} | {per_file:.3f} | {file_per:.1f} "
                            f"| **{file_per / first_file:.2f}** |")
                print(rows[-1], flush=True)
    return rows, note


def main() -> None:
    quick = "--quick" in sys.argv
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    command = (f"`python benchmarks/linear_cost.py{' --quick' if quick else ''}{f' --only {only}' if only else ''}"
               f" --repeat {repeat}` (shared 2-core machine, load average {os.getloadavg()[0]:.1f} at the start)")
    # with --only, the other part of an existing report is kept
    kept = {}
    if only and REPORT.exists():
        for part in REPORT.read_text(encoding="utf-8").split("\n## ")[1:]:
            kept["nlp" if part.startswith("`nlp(text)`") else "cli"] = "## " + part.rstrip("\n") + "\n"
    parts = ["# Linear cost of `nlp(text)` and `tcbio tag`\n",
             "Target (issue 14): time per character at the largest size at most 1.5x that at the smallest.\n"]
    if only in (None, "nlp"):
        rows = measure_nlp(quick, repeat)
        parts += ["## `nlp(text)`\n", f"Command: {command}; each size the fastest of {repeat} calls after a warm-up "
                  "call.\n", "| input | characters | seconds | µs/char | ratio to smallest |", "|---|---|---|---|---|",
                  *rows, ""]
    else:
        parts.append(kept.get("nlp", ""))
    if only in (None, "cli"):
        rows, note = measure_cli(quick, repeat)
        parts += ["## `tcbio tag FILE --output OUT.jsonl` (a fresh command per run)\n", f"Command: {command}.\n",
                  note + "\n",
                  "| input | characters | wall s, 1 file | wall − start-up s | own time less load s | µs/char "
                  "| ratio to smallest | wall s, K copies | per file s | µs/char per file | ratio |",
                  "|---|---|---|---|---|---|---|---|---|---|---|", *rows, ""]
    else:
        parts.append(kept.get("cli", ""))
    REPORT.write_text("\n".join(parts) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
