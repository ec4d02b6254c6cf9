"""Time per character as inputs grow (issue 14's linear-cost target): a line of digits and
entity-dense text (``('衛福部食藥署核發許可證。'*N)[:n]``), through ``nlp(text)`` and through the
``tcbio tag`` command. Writes ``benchmarks/reports/linear_cost.md``.

Usage: ``python benchmarks/linear_cost.py [--quick] [--only nlp|cli] [--repeat R]``
(--quick: the three smaller sizes of each series).

Through ``tcbio tag``, each size is one file tagged by a fresh command (subprocess, ``--output`` a
file, ``--verbose``), ``--repeat`` times (median). A command's time is a fixed start-up (interpreter,
imports, loading the pipeline: seconds) plus the work that grows with the input; at these sizes the
start-up is most of it, so both are reported and not mixed:

* *wall*: the whole command; the fixed start-up is measured the same way on a one-line file
  (median of ``--repeat`` runs) and *wall − start-up* per character is given, but its noise is the
  start-up's (a tenth of a second or more on a shared machine), larger than the work on the digit
  runs;
* *own*: the command's own account on ``--verbose`` — its total time less its pipeline-load time,
  both measured inside the same process with ``time.perf_counter`` — which leaves out the
  interpreter start and imports as well; the target ratio is taken on this one.
"""

from __future__ import annotations

import os
import re
import statistics
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


def measure_nlp(quick: bool) -> list[str]:
    nlp = tcbio_nlp.load()
    rows = []
    for name, (sizes, make) in SERIES.items():
        first = None
        for n in sizes[:3] if quick else sizes:
            text = make(n)
            t0 = time.perf_counter()
            nlp(text)
            dt = time.perf_counter() - t0
            per = dt / n * 1e6
            first = first or per
            rows.append(f"| {name} | {n:,} | {dt:.2f} | {per:.1f} | {per / first:.2f} |")
            print(rows[-1], flush=True)
    return rows


def tcbio_command() -> list[str]:
    script = Path(sys.executable).with_name("tcbio")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tcbio_nlp.cli"]


def run_tag(path: Path, out: Path) -> tuple[float, float, float]:
    """(wall s, own total s, own load s) of one ``tcbio tag`` command."""
    cmd = [*tcbio_command(), "tag", str(path), "--output", str(out), "--verbose", "--no-progress"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    loaded, tagged = _LOADED.search(proc.stderr), _TAGGED.search(proc.stderr)
    if not (loaded and tagged):
        raise SystemExit(f"no --verbose account in: {proc.stderr[-2000:]}")
    return wall, float(tagged.group(1)), float(loaded.group(1))


def measure_cli(quick: bool, repeat: int) -> tuple[list[str], str]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="tcbio-linear-") as tmp:
        folder = Path(tmp)
        tiny = folder / "tiny.txt"
        tiny.write_text("衛福部食藥署核發許可證。\n", encoding="utf-8")
        starts = [run_tag(tiny, folder / "tiny.jsonl") for _ in range(repeat)]
        startup = statistics.median(w for w, _, _ in starts)
        loads = [load for _, _, load in starts]
        note = (f"Fixed start-up (`tcbio tag` of a one-line file, {repeat} runs): wall "
                f"{', '.join(f'{w:.2f}' for w, _, _ in starts)} s (median {startup:.2f} s), of which pipeline load "
                f"(own account) {', '.join(f'{x:.2f}' for x in loads)} s; own time less load on the one-line file: "
                f"{', '.join(f'{t - x:.3f}' for _, t, x in starts)} s.")
        print(note, flush=True)
        for name, (sizes, make) in SERIES.items():
            first_wall = first_own = None
            for n in sizes[:3] if quick else sizes:
                path = folder / f"{name}-{n}.txt"
                path.write_text(make(n), encoding="utf-8")
                runs = [run_tag(path, folder / "out.jsonl") for _ in range(repeat)]
                wall = statistics.median(w for w, _, _ in runs)
                own = statistics.median(t - load for _, t, load in runs)
                net_per = max(wall - startup, 1e-9) / n * 1e6
                own_per = own / n * 1e6
                first_wall, first_own = first_wall or net_per, first_own or own_per
                rows.append(f"| {name} | {n:,} | {wall:.2f} | {wall - startup:.2f} | {net_per:.1f} "
                            f"| {net_per / first_wall:.2f} | {own:.3f} | {own_per:.1f} "
                            f"| **{own_per / first_own:.2f}** |")
                print(rows[-1], flush=True)
    return rows, note


def main() -> None:
    quick = "--quick" in sys.argv
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    load = os.getloadavg()[0]
    parts = ["# Linear cost of `nlp(text)` and `tcbio tag`\n",
             f"Command: `python benchmarks/linear_cost.py{' --quick' if quick else ''}"
             f"{f' --only {only}' if only else ''} --repeat {repeat}` (shared 2-core machine, load average "
             f"{load:.1f} at the start).\n"
             "Target (issue 14): time per character at the largest size at most 1.5x that at the smallest.\n"]
    if only in (None, "nlp"):
        rows = measure_nlp(quick)
        parts += ["## `nlp(text)`\n", "| input | characters | seconds | µs/char | ratio to smallest |",
                  "|---|---|---|---|---|", *rows, ""]
    if only in (None, "cli"):
        rows, note = measure_cli(quick, repeat)
        parts += ["## `tcbio tag FILE --output OUT.jsonl` (a fresh command per run)\n", note + "\n",
                  "| input | characters | wall s | wall − start-up s | µs/char | ratio to smallest "
                  "| own time less load s | µs/char | ratio to smallest |",
                  "|---|---|---|---|---|---|---|---|---|", *rows, ""]
    REPORT.write_text("\n".join(parts) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
