"""``tcbio train`` / ``tcbio evaluate``: run one script of the project workflow (``project.yml``) with its options."""

from __future__ import annotations

import os
import subprocess
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from . import app

SCRIPTS = {
    "train": {"segmenter": "train_segmenter.py", "ner": "train_ner.py", "sections": "train_sections.py"},
    "evaluate": {"segmenter": "evaluate_segmenter.py", "ner": "evaluate_ner.py", "sections": "evaluate_sections.py"},
}
Component = Enum("Component", {name: name for name in sorted(SCRIPTS["train"])}, type=str)


def training_dir() -> Path:
    """training/: $TCBIO_TRAINING_DIR, else the checkout the package is installed from, else ./training."""
    if env := os.environ.get("TCBIO_TRAINING_DIR"):
        return Path(env)
    here = Path(__file__).resolve().parents[2] / "training"
    return here if here.is_dir() else Path.cwd() / "training"


def run_script(command: str, component: str, args: list[str]) -> int:
    """Run the script with ``args`` unchanged; its exit status."""
    script = training_dir() / SCRIPTS[command][component]
    if not script.is_file():
        print(f"tcbio {command}: error: the {command} script for {component!r} is missing: {script} does not exist "
              "(these commands need a source checkout; set TCBIO_TRAINING_DIR to its training/)", file=sys.stderr)
        return 1
    try:
        code = subprocess.run([sys.executable, str(script), *args]).returncode
    except KeyboardInterrupt:
        return 130
    return code if code >= 0 else 128 - code


def _add_command(command: str, example: str) -> None:
    def script(ctx: typer.Context, component: Annotated[Component, typer.Argument()]) -> None:
        raise typer.Exit(run_script(command, component.value, ctx.args))

    app.command(
        command, help=f"{command.capitalize()} a component (runs training/{command}_<component>.py).",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
        epilog=", ".join(f"{c} → training/{s}" for c, s in SCRIPTS[command].items()) + ": the options after the "
        f"component are the script's.\n\n\b\nexamples:\n  tcbio {command} {example}\n  tcbio {command} sections --help",
    )(script)


_add_command("train", "ner --training.max_epochs 20")
_add_command("evaluate", "ner --report r.md")
