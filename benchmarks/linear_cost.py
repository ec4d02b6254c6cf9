"""Time per character of ``nlp(text)`` as inputs grow (issue 14's linear-cost target): a line of
digits and entity-dense text (``('衛福部食藥署核發許可證。'*N)[:n]``). Writes
``benchmarks/reports/linear_cost.md``. Usage: ``python benchmarks/linear_cost.py [--quick]``
(--quick: the three smaller sizes of each series)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import tcbio_nlp

SERIES = {
    "digits": ([2_500, 5_000, 10_000, 20_000], lambda n: "1" * n),
    "entity-dense": ([25_000, 50_000, 100_000, 200_000], lambda n: ("衛福部食藥署核發許可證。" * 20_000)[:n]),
}


def main() -> None:
    quick = "--quick" in sys.argv
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
    out = Path(__file__).parent / "reports" / "linear_cost.md"
    out.write_text(
        "# Linear cost of `nlp(text)`\n\n"
        f"Command: `python benchmarks/linear_cost.py{' --quick' if quick else ''}` (shared 2-core machine).\n"
        "Target (issue 14): time per character at the largest size at most 1.5x that at the smallest.\n\n"
        "| input | characters | seconds | µs/char | ratio to smallest |\n|---|---|---|---|---|\n"
        + "\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
