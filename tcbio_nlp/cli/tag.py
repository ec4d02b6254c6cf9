"""``tcbio tag``: read documents, run the pipeline, write one of the output formats.

Bad input is reported on stderr, one line each, and never stops the good input from being tagged.
A long file is tagged in chunks (``inputs.split_text``) merged back with whole-file offsets, so memory
stays bounded and output is streamed.
"""

from __future__ import annotations

import io
import itertools
import mmap
import multiprocessing as mp
import os
import signal
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from enum import Enum
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, Any, TextIO

import typer

from . import app, pipeline
from .formats import FORMATS, make_formatter
from .inputs import InputError, discover, resolved
from .pipeline import FatalError

DEFAULT_CHUNK_CHARS = 100_000
DEFAULT_BATCH_SIZE = 16
Format = Enum("Format", {name: name for name in FORMATS}, type=str)
TAG_EXAMPLES = """\b
examples:
  tcbio tag reports/ --output tagged.jsonl          every .txt/.md/.pdf/.docx/.html under reports/, one JSONL file
  tcbio tag 公告.txt --format table                 UTF-8, UTF-16 or Big5 (detected); entities and sections as tables
  iconv -f utf-8 -t big5 report.txt | tcbio tag --format conll
  tcbio tag reports/ --format html --output reports.html --n-process 2 --verbose
  tcbio tag /shared/reports/ --output /shared/tagged/ --scheduler tcp://HOST:8786
      JSONL shards on a Dask cluster (--local-workers 2: one on this machine); run again to finish missing shards

JSONL is described in the README. Exit status: 0 all inputs tagged, 1 some input could not be read (each named
on stderr), 2 usage error or output that cannot be written, 130 Ctrl-C, 143 SIGTERM.
"""


class UsageError(Exception):
    """A problem with the command line itself (exit status 2)."""


class OutputError(Exception):
    """The output cannot be written (disk full, I/O error): exit status 2, partial output removed."""


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, ``timeout``, job schedulers): stopped and cleaned up like Ctrl-C."""


def _on_sigterm(signum: int, frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: the clean-up must not be interrupted
    raise Terminated


def _n_process(value: int) -> int:
    if value < -1:
        raise typer.BadParameter(f"must be at least 1 (or -1 for one per CPU core), got {value}")
    return value if value > 0 else os.cpu_count() or 1


@app.command(epilog=TAG_EXAMPLES)
def tag(
    paths: Annotated[list[str] | None, typer.Argument(metavar="PATH", show_default=False,
                                                      help="file or directory; `-` or none: standard input")] = None,
    format: Annotated[Format, typer.Option("-f", "--format", help="output format")] = Format.jsonl,
    output: Annotated[str | None, typer.Option("-o", "--output", metavar="PATH",
                                               help="write here instead of standard output")] = None,
    n_process: Annotated[int, typer.Option("-n", "--n-process", metavar="N", callback=_n_process,
                                           help="worker processes (-1: one per CPU core)")] = 1,
    batch_size: Annotated[int, typer.Option("-b", "--batch-size", metavar="B", min=1,
                                            help="documents (or chunks of long files) per batch")] = DEFAULT_BATCH_SIZE,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="report encodings, model, timing on stderr")] = False,
    progress: Annotated[bool | None, typer.Option("--progress/--no-progress", show_default=False,
                                                  help="progress bar on stderr (default: for several documents "
                                                  "on a terminal, when the output is not piped)")] = None,
    model: Annotated[str | None, typer.Option(hidden=True)] = None,
    chunk_chars: Annotated[int, typer.Option(min=1, hidden=True)] = DEFAULT_CHUNK_CHARS,
    scheduler: Annotated[str | None, typer.Option(metavar="ADDRESS", help="Dask scheduler (tcp://host:8786): JSONL "
                                                  "shards in the --output directory ([distributed] extra)")] = None,
    local_workers: Annotated[int, typer.Option(metavar="N", min=0, help="as --scheduler, N local Dask workers")] = 0,
    shard_docs: Annotated[int, typer.Option(metavar="N", min=1, help="documents per Dask shard")] = 64,
) -> None:
    """Tag documents: words, entities with normalised values, sections.

    Reads files, directories (walked for .txt, .md, suffix-less text files, .pdf, .docx and .html) and
    standard input; offsets always refer to the whole file.
    """
    opts = SimpleNamespace(**{**locals(), "paths": paths or [], "format": format.value})
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        status = run_distributed(opts) if opts.scheduler or opts.local_workers else run(opts)
    except (UsageError, FatalError, OutputError) as exc:
        typer.echo(f"tcbio tag: error: {exc}", err=True)
        status = 1 if isinstance(exc, FatalError) else 2
    except KeyboardInterrupt as exc:
        typer.echo(f"tcbio: {'terminated' if isinstance(exc, Terminated) else 'interrupted'}", err=True)
        status = 143 if isinstance(exc, Terminated) else 130
    except BrokenPipeError:  # the reader went away (`tcbio tag … | head`): stop quietly
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except OSError:
            pass
        status = 0
    finally:
        signal.signal(signal.SIGTERM, previous)
    raise typer.Exit(status)


class Reporter:
    """Messages on stderr (shown above the progress bar: rich redirects stderr while it shows one)."""

    def __init__(self, verbose: bool) -> None:
        self.verbose, self.errors = verbose, 0

    def emit(self, line: str, error: bool = True, always: bool = False) -> None:
        self.errors += error
        if error or always or self.verbose:
            print(line, file=sys.stderr, flush=True)

    def error(self, name: str, reason: str) -> None:
        self.emit(f"tcbio tag: error: {name}: {reason}")

    def info(self, message: str) -> None:
        self.emit(f"tcbio tag: {message}", error=False)

    def warning(self, name: str, reason: str) -> None:
        """Shown also without --verbose, but the document is tagged (exit status unchanged)."""
        self.emit(f"tcbio tag: warning: {name}: {reason}", error=False, always=True)


def run(opts: SimpleNamespace) -> int:
    """Tag every input; the exit status (0 all good, 1 some input bad)."""
    report = Reporter(opts.verbose)
    t_start = time.perf_counter()
    found = list(discover(opts.paths))
    for bad in [f for f in found if isinstance(f, InputError)]:
        report.error(bad.name, bad.reason)
    sources = [f for f in found if not isinstance(f, InputError)]
    if any(s.path is None for s in sources) and sys.stdin.isatty():
        print("tcbio tag: reading standard input (end with Ctrl-D; see `tcbio tag --help`)", file=sys.stderr)
    out = None
    if opts.output not in (None, "-"):
        target = resolved(Path(opts.output))
        for source in [s for s in sources if s.path is not None and resolved(s.path) == target]:
            report.error(source.id, "is the --output file; not read")
            sources.remove(source)
        out = _Output(_open_output(opts.output), opts.output)
    options = (opts.format == "conll", opts.format == "jsonl")  # (sentences, tokens_json)
    n_process = min(opts.n_process, max(1, len(sources)))
    if n_process > 1 and len(sources) == 1 and 0 <= sources[0].size <= opts.chunk_chars:
        n_process = 1  # one short document: a pool would only add start-up time
    docs = chars = 0
    progress = task = pool = formatter = None

    def advance(source: Any) -> None:
        if progress is not None:
            progress.advance(task)

    batches = pipeline.batched(pipeline.document_items(sources, opts.chunk_chars, report, advance), opts.batch_size)
    try:
        t0 = time.perf_counter()
        if n_process > 1:
            ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
            pool = ProcessPoolExecutor(n_process, mp_context=ctx, initializer=pipeline.init_worker,
                                       initargs=(opts.model,))
            pool.submit(int)  # with fork, all workers start now, before any other thread (progress bar)
            report.info(f"started {n_process} worker processes (each loads the pipeline once)")
            results = pipeline.pool_results(pool, batches, options, window=3 * n_process)
        else:
            nlp = pipeline.load_pipeline(opts.model)
            report.info(f"loaded pipeline {opts.model or 'tcbio_zh_core'} "
                        f"({', '.join(nlp.pipe_names) or 'tokenizer only'}) in {time.perf_counter() - t0:.3f} s")
            results = pipeline.local_results(nlp, batches, options)
        show_progress = opts.progress is not False and len(sources) > 1 and (opts.progress or (
            sys.stderr.isatty() and not (opts.output is None and not sys.stdout.isatty())))
        if show_progress:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            progress = Progress(TextColumn("tagging"), BarColumn(), MofNCompleteColumn(), TextColumn("documents"),
                                TimeElapsedColumn(), console=Console(stderr=True))
            progress.start()
            task = progress.add_task("tag", total=len(sources))
        if out is None:  # rich shows what is written to a terminal above the progress bar
            out = _Output(sys.stdout if show_progress and sys.stdout.isatty() and sys.stderr.isatty() else
                          io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n"), None)
        formatter = make_formatter(opts.format, out)
        formatter.start()
        for info, group in itertools.groupby(results, key=lambda result: result[0].doc):  # DocInfo per document
            formatter.write(info, pipeline.document_chunks(info, group, report))
            docs, chars = docs + 1, chars + len(info.text)
            advance(info)
        formatter.finish({"docs": docs, "chars": chars})
        out.flush()
    finally:
        failure = sys.exc_info()[0]
        if progress is not None:
            progress.stop()
        if pool is not None:
            pipeline.stop_pool(pool, finished=formatter is not None and failure is None)
        if out is not None:
            out.end(failure, whole_records=opts.format == "jsonl")
    elapsed = time.perf_counter() - t_start
    report.info(f"tagged {_plural(docs, 'document')}, {chars:,} characters in {elapsed:.3f} s "
                f"({chars / elapsed if elapsed else 0:,.0f} characters/s, {_plural(n_process, 'process', 'es')}; "
                f"CPU: {_cpu_seconds(n_process)})")
    if report.errors:
        print(f"tcbio tag: {_plural(report.errors, 'input')} could not be tagged "
              f"({docs} of {docs + report.errors} tagged)", file=sys.stderr)
    return 1 if report.errors else 0


def run_distributed(opts: SimpleNamespace) -> int:
    """``--scheduler``/``--local-workers``: JSONL shards in the --output directory (``tcbio_nlp.distributed``);
    a rerun computes only the shards that are missing."""
    flags = "--scheduler/--local-workers"
    for wrong, why in ((opts.scheduler and opts.local_workers, "give --scheduler or --local-workers, not both"),
                       (opts.output in (None, "-") or (Path(opts.output).exists() and not Path(opts.output).is_dir()),
                        f"{flags} write JSONL shards: --output must name a directory"),
                       (opts.format != "jsonl", f"{flags} write JSONL shards only (--format jsonl)"),
                       (opts.n_process > 1, f"--n-process is for one machine; with {flags} the workers do the work"),
                       (not opts.paths or "-" in opts.paths,
                        f"{flags} read files and directories, not standard input")):
        if wrong:
            raise UsageError(why)
    try:
        from distributed import Client

        from .. import distributed
    except ImportError:
        raise UsageError(f"{flags} need Dask: pip install 'tcbio-nlp[distributed]'") from None
    report = Reporter(opts.verbose)

    def progress(result: distributed.ShardResult, done: int, total: int) -> None:
        if opts.progress is not False:
            what = (f"written ({_plural(result.docs, 'document')}, {result.chars:,} characters, {result.seconds:.1f} s "
                    f"on {result.worker})" if result.computed else "was already written")
            print(f"tcbio tag: {result.name} {what}; {done}/{total} shards", file=sys.stderr, flush=True)
        for line in result.errors:
            report.emit(f"tcbio tag: error: {line}")
        for line in result.warnings:
            report.emit(f"tcbio tag: warning: {line}", error=False)

    cluster = client = None
    try:
        try:
            cluster = distributed.local_cluster(opts.local_workers) if opts.local_workers else None
            client = Client(cluster) if opts.local_workers else Client(opts.scheduler, timeout=30)
        except OSError as exc:
            raise UsageError(f"cannot reach the Dask scheduler {opts.scheduler}: {exc}") from None
        report.info(f"Dask scheduler {client.scheduler.address}, "
                    f"{_plural(len(client.scheduler_info().get('workers', {})), 'worker')}")
        try:
            summary = distributed.tag_corpus(opts.paths, opts.output, client, model=opts.model,
                                             shard_docs=opts.shard_docs, chunk_chars=opts.chunk_chars,
                                             batch_size=opts.batch_size, progress=progress)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        except distributed.ShardsFailed as exc:
            report.emit(f"tcbio tag: error: {exc}; run the same command again to complete them")
            summary = exc.summary
    finally:
        for closable in (client, cluster):
            if closable is not None:
                closable.close()
    for line in summary.input_errors:  # the shards' own problems were reported as they came
        report.emit(f"tcbio tag: error: {line}")
    print(f"tcbio tag: {_plural(summary.shards, 'shard')} in {summary.out_dir}: {len(summary.computed)} written now, "
          f"{len(summary.present)} already there; {_plural(summary.docs, 'document')}, {summary.chars:,} characters "
          f"tagged in {summary.seconds:.1f} s", file=sys.stderr)
    return 1 if report.errors else 0


def _plural(n: int, word: str, suffix: str = "s") -> str:
    return f"{n} {word}{'' if n == 1 else suffix}"


class _Output:
    """The output stream: a write error becomes :class:`OutputError` (exit status 2) and removes a partial output
    file; when the run is stopped (Ctrl-C, SIGTERM, another error) a JSONL file is cut to its last whole record."""

    def __init__(self, stream: TextIO, path: str | None) -> None:
        self.stream, self.path, self.failed = stream, path, False
        self.regular = path is not None and Path(path).is_file()  # never /dev/full, a FIFO or a terminal

    def _guard(self, call: Callable[..., Any], *args: Any) -> Any:
        try:
            return call(*args)
        except BrokenPipeError:
            raise
        except OSError as exc:
            self.failed = True
            where = f"--output {self.path}" if self.path else "standard output"
            done = "partial output removed" if self.regular else "output incomplete"
            raise OutputError(f"cannot write to {where}: {exc.strerror or exc} ({done})") from None

    def write(self, text: str) -> int:
        return self._guard(self.stream.write, text)

    def flush(self) -> None:
        self._guard(self.stream.flush)

    def __getattr__(self, name: str) -> Any:  # isatty, encoding, fileno … for rich's Console
        return getattr(self.stream, name)

    def end(self, failure: type[BaseException] | None, whole_records: bool) -> None:
        """Close (a file) or detach (standard output) after the run, however it ended."""
        try:
            if self.path is not None:
                self._guard(self.stream.close)
            else:
                if self.stream is not sys.stdout:
                    if not self.failed:
                        self._guard(self.stream.flush)
                    self.stream.detach()  # leave sys.stdout's buffer open
                if not self.failed and failure is None:
                    self._guard(sys.stdout.flush)  # what is still buffered must reach the file or pipe now
        except OutputError:
            if failure is None:
                raise
        except ValueError:
            pass
        finally:
            if self.regular and self.failed:
                Path(self.path).unlink(missing_ok=True)
            elif self.regular and failure is not None and whole_records:
                _cut_to_last_line(Path(self.path))


def _cut_to_last_line(path: Path) -> None:
    """Truncate a file after its last newline (a JSONL file to its last whole record)."""
    try:
        with path.open("r+b") as fh:
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as view:
                end = view.rfind(b"\n") + 1
            fh.truncate(end)
    except (OSError, ValueError):  # ValueError: an empty file
        pass


def _open_output(path: str) -> TextIO:
    if Path(path).is_dir():
        raise UsageError(f"--output {path}: is a directory")
    try:
        return open(path, "w", encoding="utf-8", newline="\n", buffering=1 << 20)  # noqa: SIM115
    except OSError as exc:
        raise UsageError(f"--output {path}: cannot write: {exc.strerror or exc}") from None


def _cpu_seconds(n_process: int) -> str:
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return f"{own.ru_utime + own.ru_stime:.2f} s main process" + (
        f", {kids.ru_utime + kids.ru_stime:.2f} s workers" if n_process > 1 else "")
