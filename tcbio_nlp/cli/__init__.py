"""The ``tcbio`` command line (typer, as spaCy's own CLI): ``tcbio tag``, ``tcbio train``, ``tcbio evaluate``.

One module per command (``tag``, ``scripts``), per concern of ``tag`` (``inputs``, ``pipeline``,
``records``) and per output format (``formats/``). Exit status: 0 when every input was
tagged, 1 when any was bad (each named on standard error), 2 for usage errors.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from typing import Annotated

import typer

from .formats import FORMATS
from .scripts import SCRIPTS, MissingScript, run_script
from .tag import DEFAULT_BATCH_SIZE, DEFAULT_CHUNK_CHARS, FatalError, Options, UsageError, run

TAG_EXAMPLES = """\b
examples:
  tcbio tag reports/ --output tagged.jsonl
      tag every .txt/.md file under reports/ (walked recursively) into one JSONL file
  tcbio tag 公告.txt --format table
      read one file (UTF-8, UTF-16 or Big5 — detected) and show entities and sections as tables
  iconv -f utf-8 -t big5 report.txt | tcbio tag --format conll
      standard input; CoNLL: TOKEN<TAB>START<TAB>END<TAB>BIO-TAG, blank line after each sentence
  tcbio tag reports/ --format html --output reports.html --n-process 2 --verbose
      one HTML page (displaCy entities + section outline), two worker processes

JSONL: one object per document, {"id", "text", "tokens": [[start, end], …], "entities": [{"start",
"end", "label", "text", "norm"?}, …], "sections": [{"start", "end", "label", "heading", "level",
"score"}, …]}; offsets are characters into "text", end exclusive.

Exit status: 0 all inputs tagged, 1 some input could not be read (each named on standard error;
the others are still tagged), 2 usage error.
"""

app = typer.Typer(
    name="tcbio", add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None,
    help="Tag Traditional Chinese biomedical-policy text: words, entities (AGENCY, PRODUCT, LICENSE_NO, "
    "MONEY) with normalised values, and typed sections.",
    epilog="\b\nexamples:\n  tcbio tag reports/ --output tagged.jsonl\n  tcbio tag 公告.txt --format table\n"
    "  tcbio train sections\n  tcbio evaluate ner --help\n\nRun `tcbio COMMAND --help` for each command.",
)


Format = Enum("Format", {name: name for name in FORMATS}, type=str)
Component = Enum("Component", {name: name for name in sorted(SCRIPTS["train"])}, type=str)


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"tcbio-nlp {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True)] = False) -> None:
    pass


def _n_process(value: int) -> int:
    if value in (-1, 0):
        return os.cpu_count() or 1
    if value < 1:
        raise typer.BadParameter(f"must be at least 1 (or -1 for one per CPU core), got {value}")
    return value


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
) -> None:
    """Tag documents: words, entities with normalised values, sections.

    Reads files, directories (walked for .txt, .md and suffix-less text files) and standard input
    (`-` or no PATH). UTF-8, UTF-16 with BOM and Big5/CP950 are detected (--verbose reports which).
    Long files are processed in chunks split at paragraph boundaries; offsets always refer to the
    whole file.
    """
    try:
        status = run(Options(paths or [], format.value, output, n_process, batch_size, verbose, progress, model,
                             chunk_chars))
    except UsageError as exc:
        typer.echo(f"tcbio tag: error: {exc}", err=True)
        status = 2
    except FatalError as exc:
        typer.echo(f"tcbio tag: error: {exc}", err=True)
        status = 1
    except KeyboardInterrupt:
        typer.echo("tcbio: interrupted", err=True)
        status = 130
    except BrokenPipeError:  # the reader went away (`tcbio tag … | head`): stop quietly
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except OSError:
            pass
        status = 0
    raise typer.Exit(status)


def _script_command(command: str, what: str) -> None:
    components = SCRIPTS[command]
    example = "ner --training.max_epochs 20" if command == "train" else "ner --report r.md"
    epilog = (
        "Components and the scripts they run (training/ of a tcbio-nlp checkout): "
        + ", ".join(f"{c} → training/{s}" for c, s in components.items())
        + ". Everything after the component is passed to the script unchanged; the exit status is the script's. "
        f"The whole rebuild is `spacy project run all`.\n\n\b\nexamples:\n  tcbio {command} {example}\n"
        f"  tcbio {command} sections --help"
    )

    @app.command(command, help=f"{what} a component (runs training/{command}_<component>.py).", epilog=epilog,
                 context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
    def script(ctx: typer.Context,
               component: Annotated[Component, typer.Argument()]) -> None:
        raise typer.Exit(_run_script(command, component.value, ctx.args))


def _run_script(command: str, component: str, args: list[str]) -> int:
    try:
        return run_script(command, component, args)
    except MissingScript as exc:
        print(f"tcbio {command}: error: {exc}", file=sys.stderr)
        return 1


_script_command("train", "Train")
_script_command("evaluate", "Evaluate")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``tcbio`` console script; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if len(argv) >= 2 and argv[0] in SCRIPTS and argv[1] in SCRIPTS[argv[0]]:
        return _run_script(argv[0], argv[1], argv[2:])  # `tcbio train ner --help` is the script's help
    if not argv:
        print("Usage: tcbio [OPTIONS] COMMAND [ARGS]...\nTry 'tcbio --help' for help.\n\nError: Missing command.",
              file=sys.stderr)
        return 2
    try:
        app(args=argv, prog_name="tcbio")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    return 0
