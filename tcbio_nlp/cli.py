"""The ``tcbio`` command line: ``tcbio tag``, ``tcbio train``, ``tcbio evaluate``.

``tcbio tag`` reads files, directories and standard input, runs the pipeline and writes
JSONL (the interface contract), CoNLL, an HTML page or terminal tables. Bad input is
reported on standard error, one line per problem, and never stops the good input from
being tagged; the exit status is 0 when every input was good, 1 when any was bad, 2 for
usage errors.

Scale: a long file is split at paragraph boundaries into chunks of bounded size and
the results are merged with offsets into the whole file, so memory stays bounded and
output is streamed. With ``--n-process N`` > 1 the work runs in a pool of N worker
processes, each loading the pipeline once, that return plain records (not Docs) —
the main process only reads input and writes output. (spaCy's own
``nlp.pipe(n_process=N)`` also tokenises in its workers, but it ships every Doc back
serialised and rebuilds it in the main process, which on a two-core machine eats
most of the gain; see ``benchmarks/pipeline_speed.py``.)
"""

from __future__ import annotations

import argparse
import io
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

EXIT_OK, EXIT_BAD_INPUT, EXIT_USAGE = 0, 1, 2
DEFAULT_CHUNK_CHARS = 100_000
DEFAULT_BATCH_SIZE = 16
#: a batch holds at most this many characters (and at most --batch-size documents or chunks):
#: small enough that worker processes finish together and peak memory stays low, large
#: enough that per-batch overhead does not matter
TASK_CHARS = 10_000

TRAINING_SCRIPTS = {
    "train": {
        "segmenter": "train_segmenter.py",
        "ner": "train_ner.py",
        "sections": "train_sections.py",
    },
    "evaluate": {
        "segmenter": "evaluate_segmenter.py",
        "ner": "evaluate_ner.py",
        "sections": "evaluate_sections.py",
    },
}

TAG_EXAMPLES = """\
examples:
  tcbio tag reports/ --output tagged.jsonl
      tag every .txt/.md file under reports/ (walked recursively) into one JSONL file
  tcbio tag 公告.txt --format table
      read one file (UTF-8, UTF-16 or Big5 — detected) and show entities and sections as tables
  iconv -f utf-8 -t big5 report.txt | tcbio tag --format conll
      read standard input; CoNLL: TOKEN<TAB>START<TAB>END<TAB>BIO-TAG, blank line after each sentence
  tcbio tag reports/ --format html --output reports.html --n-process 2 --verbose
      one HTML page (displaCy entities + section outline), two worker processes,
      detected encodings and timing on standard error

JSONL (one object per document; offsets are characters into "text", end exclusive;
"tokens" are the words, whitespace left out; "norm" only where a value is known):
  {"id": "reports/a.txt", "text": "…", "tokens": [[0, 3], …],
   "entities": [{"start": 0, "end": 6, "label": "AGENCY", "text": "衛福部食藥署",
                 "norm": {"canonical": "衛生福利部食品藥物管理署"}}, …],
   "sections": [{"start": 0, "end": 120, "label": "summary", "heading": "摘要",
                 "level": 1, "score": 0.97}, …]}

exit status: 0 all inputs tagged, 1 some input could not be read (each one named on
standard error; the others are still tagged), 2 usage error.
"""

TRAIN_EXAMPLES = """\
components and the scripts they run (from the training/ folder of a tcbio-nlp checkout):
  segmenter  training/train_segmenter.py   pkuseg word segmentation on UD_Chinese-GSD
  ner        training/train_ner.py         statistical NER on corpora/ner
  sections   training/train_sections.py    section-type classifier

Everything after the component name is passed to the script unchanged, so the
script's own options, defaults and data formats apply; the exit status is the script's.

examples:
  tcbio train segmenter --no-dev --train-iter 30
      train the segmenter on GSD train only, 30 iterations (dev kept for scoring)
  tcbio train ner --set training.max_epochs=20
      retrain the NER with a config override
  tcbio train sections --help
      the section classifier script's own options
"""

EVALUATE_EXAMPLES = """\
components and the scripts they run (from the training/ folder of a tcbio-nlp checkout):
  segmenter  training/evaluate_segmenter.py   word P/R/F1 on UD_Chinese-GSD dev and test
  ner        training/evaluate_ner.py         per-label P/R/F of entities, value accuracy
  sections   training/evaluate_sections.py    heading detection and section-type accuracy

Everything after the component name is passed to the script unchanged.

examples:
  tcbio evaluate ner --model models/tcbio_zh_core --data corpora/ner/test.jsonl
      score the shipped pipeline's entities on the NER test set
  tcbio evaluate segmenter --report training/reports/segmentation.md
      score the segmenter and write the Markdown report
  tcbio evaluate sections --help
      the section evaluation script's own options
"""


class UsageError(Exception):
    """A problem with the command line itself (exit status 2)."""


class FatalError(Exception):
    """A problem that stops the whole run, such as a model that cannot be loaded (exit status 1)."""


# -- argument parsing -------------------------------------------------------------------------
class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one usage line + the error, exit 2
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def _n_process(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if n == -1 or n == 0:
        return os.cpu_count() or 1
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (or -1 for one per CPU core), got {n}")
    return n


def build_parser() -> argparse.ArgumentParser:
    from . import __version__
    from .output import FORMATS

    parser = _Parser(
        prog="tcbio",
        description="Tag Traditional Chinese biomedical-policy text: words, entities (AGENCY, PRODUCT,\n"
        "LICENSE_NO, MONEY) with normalised values, and typed sections.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  tcbio tag reports/ --output tagged.jsonl\n  tcbio tag 公告.txt --format table\n"
        "  tcbio train sections\n  tcbio evaluate ner --help\n\nRun `tcbio COMMAND --help` for each command.",
    )
    parser.add_argument("--version", action="version", version=f"tcbio-nlp {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    tag = sub.add_parser(
        "tag",
        help="tag files, directories or standard input",
        description=(
            "Tag documents with the tcbio pipeline: words, entities with normalised values, sections.\n\n"
            "Reads files, directories (walked for .txt, .md and suffix-less text files) and standard\n"
            "input (`-` or no PATH). UTF-8, UTF-8/UTF-16 with BOM and Big5/CP950 are detected\n"
            "(--verbose reports which). Long files are processed in chunks split at paragraph\n"
            "boundaries; offsets always refer to the whole file."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=TAG_EXAMPLES,
    )
    tag.add_argument("paths", nargs="*", metavar="PATH", help="file or directory; `-` or none: standard input")
    tag.add_argument("-f", "--format", choices=FORMATS, default="jsonl", help="output format (default: jsonl)")
    tag.add_argument("-o", "--output", metavar="PATH", help="write here instead of standard output")
    tag.add_argument(
        "-n",
        "--n-process",
        type=_n_process,
        default=1,
        metavar="N",
        help="worker processes (default: 1; -1: one per CPU core)",
    )
    tag.add_argument(
        "-b",
        "--batch-size",
        type=_positive_int,
        default=DEFAULT_BATCH_SIZE,
        metavar="B",
        help=f"documents (or chunks of long files) per batch (default: {DEFAULT_BATCH_SIZE})",
    )
    tag.add_argument("-v", "--verbose", action="store_true", help="report encodings, model, timing on stderr")
    tag.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: for several documents, when stderr is a terminal "
        "and the output is not piped)",
    )
    tag.add_argument("--model", default=None, help=argparse.SUPPRESS)
    tag.add_argument("--chunk-chars", type=_positive_int, default=DEFAULT_CHUNK_CHARS, help=argparse.SUPPRESS)
    tag.set_defaults(func=cmd_tag)

    for command, help_text, epilog in (
        ("train", "train a component (runs training/train_<component>.py)", TRAIN_EXAMPLES),
        ("evaluate", "evaluate a component (runs training/evaluate_<component>.py)", EVALUATE_EXAMPLES),
    ):
        p = sub.add_parser(
            command,
            help=help_text,
            description=help_text[0].upper() + help_text[1:] + ".",
            formatter_class=argparse.RawDescriptionHelpFormatter,
            epilog=epilog,
            usage=f"tcbio {command} {{segmenter,ner,sections}} [SCRIPT-ARGS ...]",
        )
        p.add_argument("component", choices=sorted(TRAINING_SCRIPTS[command]), help="which component")
        p.add_argument("args", nargs=argparse.REMAINDER, metavar="SCRIPT-ARGS", help="passed unchanged to the script")
        p.set_defaults(func=cmd_script)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``tcbio`` console script; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    # `tcbio train ner --help` is the script's help: keep argparse from taking it
    if len(argv) >= 2 and argv[0] in TRAINING_SCRIPTS and argv[1] in TRAINING_SCRIPTS[argv[0]]:
        args = argparse.Namespace(command=argv[0], component=argv[1], args=argv[2:], func=cmd_script)
    else:
        args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"tcbio {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except FatalError as exc:
        print(f"tcbio {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("tcbio: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`tcbio tag … | head`): stop quietly
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except OSError:
            pass
        return EXIT_OK


# -- train / evaluate -----------------------------------------------------------------------
def training_dir() -> Path:
    """training/: $TCBIO_TRAINING_DIR, else next to the package (a source checkout), else ./training."""
    env = os.environ.get("TCBIO_TRAINING_DIR")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parents[1] / "training"
    if here.is_dir():
        return here
    return Path.cwd() / "training"


def cmd_script(args: argparse.Namespace) -> int:
    script = training_dir() / TRAINING_SCRIPTS[args.command][args.component]
    if not script.is_file():
        raise FatalError(
            f"the {args.command} script for {args.component!r} is missing: {script} does not exist "
            "(the train/evaluate commands need a tcbio-nlp source checkout; set TCBIO_TRAINING_DIR "
            "to its training/ folder)"
        )
    try:
        proc = subprocess.run([sys.executable, str(script), *args.args])
    except KeyboardInterrupt:
        return 130
    return proc.returncode if proc.returncode >= 0 else 128 - proc.returncode


# -- tag: pipeline loading and workers -------------------------------------------------------
def load_pipeline(spec: str | None):
    """The pipeline for ``--model``: None → the shipped default, ``blank`` → ``spacy.blank("zh")``,
    else a directory or an installed pipeline package name."""
    import spacy

    import tcbio_nlp

    try:
        if spec is None:
            return tcbio_nlp.load()
        if spec == "blank":
            return spacy.blank("zh")
        if Path(spec).exists():
            return tcbio_nlp.load(Path(spec))
        if spec == tcbio_nlp.DEFAULT_MODEL:
            return tcbio_nlp.load(spec)
        return spacy.load(spec)
    except (OSError, ValueError, ImportError, KeyError) as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise FatalError(f"cannot load pipeline {spec or tcbio_nlp.DEFAULT_MODEL!r}: {message}") from None


def process_batch(
    nlp, texts: list[str], places: list[tuple[int, int]], options: tuple[bool, bool]
) -> Iterator[dict | str]:
    """Records for a batch of texts, lazily; a text the pipeline fails on gives an error string.

    ``places``: per text, (offset of the text in its file, offset where the chunk proper
    begins — after its heading context). ``options``: (sentences, tokens_json).
    """
    from .output import doc_to_record

    sentences, tokens_json = options

    def record(doc, place: tuple[int, int]) -> dict:
        offset, cut = place
        return doc_to_record(doc, offset, sentences, tokens_json, cut if cut > offset else None)

    done = 0
    try:
        for doc, place in zip(nlp.pipe(texts, batch_size=max(1, len(texts))), places, strict=True):
            result = record(doc, place)
            done += 1
            yield result
    except Exception:  # noqa: BLE001 - retry the rest one by one; the others still get tagged
        for text, place in zip(texts[done:], places[done:], strict=True):
            try:
                yield record(nlp(text), place)
            except Exception as exc:  # noqa: BLE001 - reported per document, the run goes on
                first_line = (str(exc).strip().splitlines() or [""])[0]
                yield f"pipeline failed: {type(exc).__name__}: {first_line}"


_WORKER: dict[str, Any] = {}


def _init_worker(spec: str | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C
    try:
        from threadpoolctl import threadpool_limits

        _WORKER["limits"] = threadpool_limits(1)  # N processes on N cores: no BLAS oversubscription
    except Exception:  # noqa: BLE001 - optional
        pass
    try:
        _WORKER["nlp"] = load_pipeline(spec)
    except FatalError as exc:
        _WORKER["error"] = str(exc)
    except Exception as exc:  # noqa: BLE001 - reported by the first task
        _WORKER["error"] = f"cannot load pipeline: {type(exc).__name__}: {exc}"


def _work(payload: tuple[list[str], list[tuple[int, int]], tuple[bool, bool]]) -> tuple[str, Any]:
    if "error" in _WORKER:
        return "fatal", _WORKER["error"]
    texts, places, options = payload
    return "ok", list(process_batch(_WORKER["nlp"], texts, places, options))


# -- tag: the run -----------------------------------------------------------------------------
@dataclass
class _Item:
    doc: Any  # DocInfo
    start: int
    end: int
    last: bool
    context: int = 0  # characters of heading context prepended to the chunk's text


class _Reporter:
    """Messages on stderr, through the progress bar's console while one is shown."""

    def __init__(self, verbose: bool) -> None:
        self.verbose = verbose
        self.console = None
        self.errors = 0

    def _emit(self, line: str) -> None:
        if self.console is not None:
            self.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            print(line, file=sys.stderr, flush=True)

    def error(self, name: str, reason: str) -> None:
        self.errors += 1
        self._emit(f"tcbio tag: error: {name}: {reason}")

    def info(self, message: str) -> None:
        if self.verbose:
            self._emit(f"tcbio tag: {message}")


def _open_output(path: str) -> tuple[TextIO, bool]:
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"--output {path}: is a directory")
    try:
        return open(target, "w", encoding="utf-8", newline="\n", buffering=1 << 20), True  # noqa: SIM115
    except OSError as exc:
        raise UsageError(f"--output {path}: cannot write: {exc.strerror or exc}") from None


def _cpu_seconds(n_process: int) -> str:
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    text = f"{own.ru_utime + own.ru_stime:.2f} s main process"
    if n_process > 1:
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        text += f", {kids.ru_utime + kids.ru_stime:.2f} s workers"
    return text


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def _want_progress(args: argparse.Namespace, n_docs: int) -> bool:
    if args.progress is False or n_docs < 2:
        return False
    if args.progress:
        return True
    output_is_piped = args.output is None and not sys.stdout.isatty()
    return sys.stderr.isatty() and not output_is_piped


def cmd_tag(args: argparse.Namespace) -> int:
    from .io import InputError, Source, discover, heading_context, read_source, split_text
    from .output import Chunk, DocInfo, make_formatter

    report = _Reporter(args.verbose)
    t_start = time.perf_counter()

    sources: list[Source] = []
    for found in discover(args.paths):
        if isinstance(found, InputError):
            report.error(found.name, found.reason)
        else:
            sources.append(found)
    if any(s.path is None for s in sources) and sys.stdin.isatty():
        print("tcbio tag: reading standard input (end with Ctrl-D; see `tcbio tag --help`)", file=sys.stderr)

    if args.output not in (None, "-"):
        target = _resolved(Path(args.output))
        for source in [s for s in sources if s.path is not None and _resolved(s.path) == target]:
            report.error(source.id, "is the --output file; not read")
            sources.remove(source)
    out, close_out = (None, False) if args.output in (None, "-") else _open_output(args.output)
    formatter = None
    options = (args.format == "conll", args.format == "jsonl")  # (sentences, tokens_json)
    n_process = min(args.n_process, max(1, len(sources)))
    if n_process > 1 and len(sources) == 1 and 0 <= sources[0].size <= args.chunk_chars:
        n_process = 1  # one short document: a pool would only add start-up time
    stats = {"docs": 0, "chars": 0}

    # -- input side: read, decode, split; yields work items in order --------------------
    def items() -> Iterator[tuple[str, _Item]]:
        for index, source in enumerate(sources):
            try:
                document = read_source(source)
            except InputError as exc:
                report.error(exc.name, exc.reason)
                if progress is not None:
                    progress.advance(task_id)
                continue
            bounds = split_text(document.text, args.chunk_chars)
            prefixes = heading_context(document.text, bounds) if len(bounds) > 1 else [""]
            report.info(
                f"{document.id}: {document.encoding}, {len(document.text):,} characters"
                + (f", {len(bounds)} chunks" if len(bounds) > 1 else "")
            )
            info = DocInfo(document.id, document.text, document.encoding, index)
            for k, ((a, b), prefix) in enumerate(zip(bounds, prefixes, strict=True)):
                yield prefix + document.text[a:b], _Item(info, a, b, k == len(bounds) - 1, len(prefix))

    def batches() -> Iterator[list[tuple[str, _Item]]]:
        batch: list[tuple[str, _Item]] = []
        chars = 0
        for text, item in items():
            batch.append((text, item))
            chars += len(text)
            if len(batch) >= args.batch_size or chars >= TASK_CHARS:
                yield batch
                batch, chars = [], 0
        if batch:
            yield batch

    # -- processing: in this process, or a pool of workers ------------------------------
    pool = None
    progress = None
    task_id = None
    try:
        if n_process > 1:
            _check_model_spec(args.model)
            ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
            t0 = time.perf_counter()
            pool = ProcessPoolExecutor(n_process, mp_context=ctx, initializer=_init_worker, initargs=(args.model,))
            pool.submit(_ping)  # with fork, all workers start now, before any other thread (progress bar)
            report.info(f"started {n_process} worker processes (each loads the pipeline once)")
            results = _pool_results(pool, batches(), options, window=3 * n_process)
        else:
            t0 = time.perf_counter()
            nlp = load_pipeline(args.model)
            report.info(
                f"loaded pipeline {args.model or 'tcbio_zh_core'} "
                f"({', '.join(nlp.pipe_names) or 'tokenizer only'}) in {time.perf_counter() - t0:.2f} s"
            )
            results = _local_results(nlp, batches(), options)

        show_progress = _want_progress(args, len(sources))
        if show_progress:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            progress = Progress(
                TextColumn("tagging"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("documents"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            progress.start()
            task_id = progress.add_task("tag", total=len(sources))
            report.console = progress.console
        if out is None:
            if show_progress and sys.stdout.isatty() and sys.stderr.isatty():
                out = sys.stdout  # rich shows what is written here above the progress bar
            else:
                out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
        formatter = make_formatter(args.format, out)
        formatter.start()
        stream = _PeekableResults(results)
        while stream.has_more():
            first_item = stream.peek_item()
            info = first_item.doc

            def chunks(info=info) -> Iterator[Chunk]:
                while stream.has_more() and stream.peek_item().doc is info:
                    item, record = stream.next()
                    if isinstance(record, str):
                        report.error(info.id, f"{record} (characters {item.start}–{item.end})")
                        record = {"tokens": [], "entities": [], "sections": []}
                    yield Chunk(item.start, item.end, record)
                    if item.last:
                        return

            formatter.write(info, chunks())
            for _ in chunks():  # drain, should the formatter stop early
                pass
            stats["docs"] += 1
            stats["chars"] += len(info.text)
            if progress is not None:
                progress.advance(task_id)
        formatter.finish(stats)
        out.flush()
    finally:
        if progress is not None:
            progress.stop()
            report.console = None
        if pool is not None:
            _stop_pool(pool, finished=formatter is not None and sys.exc_info()[0] is None)
        if close_out:
            out.close()
        elif out is not None and out is not sys.stdout:
            try:
                out.flush()
                out.detach()  # leave sys.stdout's buffer open
            except (BrokenPipeError, ValueError):
                pass

    elapsed = time.perf_counter() - t_start
    report.info(
        f"tagged {stats['docs']} document{'' if stats['docs'] == 1 else 's'}, "
        f"{stats['chars']:,} characters in {elapsed:.2f} s "
        f"({stats['chars'] / elapsed if elapsed else 0:,.0f} characters/s, {n_process} process"
        f"{'es' if n_process > 1 else ''}; CPU: {_cpu_seconds(n_process)})"
    )
    if report.errors:
        n_inputs = stats["docs"] + report.errors
        print(
            f"tcbio tag: {report.errors} input{'s' if report.errors > 1 else ''} could not be tagged "
            f"({stats['docs']} of {n_inputs} tagged)",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    return EXIT_OK


def _check_model_spec(spec: str | None) -> None:
    """Fail early, in the main process, when the model clearly cannot be found (workers load it)."""
    import tcbio_nlp

    if spec is None:
        try:
            tcbio_nlp.model_path()
        except OSError as exc:
            raise FatalError(f"cannot load pipeline {tcbio_nlp.DEFAULT_MODEL!r}: {exc}") from None
    elif spec != "blank" and "/" in spec and not Path(spec).exists():
        raise FatalError(f"cannot load pipeline {spec!r}: no such directory")


def _local_results(nlp, batches: Iterable[list[tuple[str, _Item]]], options: tuple[bool, bool]):
    for batch in batches:
        texts = [t for t, _ in batch]
        places = [(item.start - item.context, item.start) for _, item in batch]
        for (_, item), record in zip(batch, process_batch(nlp, texts, places, options), strict=True):
            yield item, record


def _pool_results(pool, batches: Iterable[list[tuple[str, _Item]]], options: tuple[bool, bool], window: int):
    """Results in input order, with at most ``window`` batches in flight (bounded memory)."""
    pending: deque = deque()

    def collect():
        items, future = pending.popleft()
        try:
            status, payload = future.result()
        except BrokenProcessPool:
            raise FatalError(
                f"a worker process died while tagging {items[0].doc.id} (out of memory?); "
                "try fewer --n-process or a smaller --batch-size"
            ) from None
        if status == "fatal":
            raise FatalError(payload)
        yield from zip(items, payload, strict=True)

    for batch in batches:
        texts = [t for t, _ in batch]
        places = [(item.start - item.context, item.start) for _, item in batch]
        pending.append(([item for _, item in batch], pool.submit(_work, (texts, places, options))))
        del texts
        while len(pending) >= window:
            yield from collect()
    while pending:
        yield from collect()


def _ping() -> bool:
    return True


def _stop_pool(pool: ProcessPoolExecutor, finished: bool) -> None:
    """Shut the pool down; after an error or Ctrl-C, without waiting for work in progress."""
    if finished:
        pool.shutdown(wait=True)
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    for proc in processes:
        proc.join(timeout=5)


class _PeekableResults:
    """One-item look-ahead over the (item, record) stream."""

    def __init__(self, results: Iterator[tuple[_Item, Any]]) -> None:
        self._it = iter(results)
        self._head: tuple[_Item, Any] | None = None
        self._done = False
        self._fill()

    def _fill(self) -> None:
        if self._head is None and not self._done:
            try:
                self._head = next(self._it)
            except StopIteration:
                self._done = True

    def has_more(self) -> bool:
        self._fill()
        return self._head is not None

    def peek_item(self) -> _Item:
        self._fill()
        assert self._head is not None
        return self._head[0]

    def next(self) -> tuple[_Item, Any]:
        self._fill()
        assert self._head is not None
        head, self._head = self._head, None
        return head


if __name__ == "__main__":  # python -m tcbio_nlp.cli
    sys.exit(main())
