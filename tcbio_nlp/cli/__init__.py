"""The ``tcbio`` command line (typer, as spaCy's own CLI): one module per command (``tag``, ``scripts``), per
concern of ``tag`` (``inputs``, ``pipeline``, ``records``) and per output format (``formats/``)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

app = typer.Typer(
    name="tcbio", add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None,
    help="Tag Traditional Chinese biomedical-policy text: words, entities (AGENCY, PRODUCT, LICENSE_NO, "
    "MONEY) with normalised values, and typed sections.",
    epilog="\b\nexamples:\n  tcbio tag reports/ --output tagged.jsonl\n  tcbio tag 公告.txt --format table\n"
    "  tcbio train sections\n  tcbio evaluate ner --help\n\nRun `tcbio COMMAND --help` for each command.",
)


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"tcbio-nlp {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True)] = False) -> None:
    pass


from . import scripts, tag  # noqa: E402  (the commands register themselves on app)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``tcbio`` console script; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if len(argv) >= 2 and argv[0] in scripts.SCRIPTS and argv[1] in scripts.SCRIPTS[argv[0]]:
        return scripts.run_script(*argv[:2], argv[2:])  # `tcbio train ner --help` is the script's help
    try:
        app(args=argv, prog_name="tcbio")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    return 0


__all__ = ["app", "main", "tag"]
