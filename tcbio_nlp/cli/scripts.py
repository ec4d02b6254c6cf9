"""``tcbio train`` / ``tcbio evaluate``: run one training or evaluation script of a source checkout.

They are the scripts the project workflow runs (``project.yml``; ``spacy project run all``
rebuilds everything); these commands run one of them with its own options.
"""

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
        print(f"tcbio {command}: error: the {command} script for {component!r} is missing: {script} does not "
              "exist (the train/evaluate commands need a tcbio-nlp source checkout; set TCBIO_TRAINING_DIR to its "
              "training/ folder)", file=sys.stderr)
        return 1
    try:
        proc = subprocess.run([sys.executable, str(script), *args])
    except KeyboardInterrupt:
        return 130
    return proc.returncode if proc.returncode >= 0 else 128 - proc.returncode


def _add_command(command: str, example: str) -> None:
    def script(ctx: typer.Context, component: Annotated[Component, typer.Argument()]) -> None:
        raise typer.Exit(run_script(command, component.value, ctx.args))

    app.command(
        command, help=f"{command.capitalize()} a component (runs training/{command}_<component>.py).",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
        epilog="Components and the scripts they run (training/ of a tcbio-nlp checkout): "
        + ", ".join(f"{c} → training/{s}" for c, s in SCRIPTS[command].items())
        + ". Everything after the component is passed to the script unchanged; the exit status is the script's. "
        f"The whole rebuild is `spacy project run all`.\n\n\b\nexamples:\n  tcbio {command} {example}\n"
        f"  tcbio {command} sections --help",
    )(script)


_add_command("train", "ner --training.max_epochs 20")
_add_command("evaluate", "ner --report r.md")
