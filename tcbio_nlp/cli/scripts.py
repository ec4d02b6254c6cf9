"""``tcbio train`` / ``tcbio evaluate``: run a training or evaluation script of a source checkout.

The scripts are those the project workflow runs (``project.yml``; ``spacy project run all``
rebuilds everything); these commands are a short way to run one of them with its own options.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPTS = {
    "train": {"segmenter": "train_segmenter.py", "ner": "train_ner.py", "sections": "train_sections.py"},
    "evaluate": {"segmenter": "evaluate_segmenter.py", "ner": "evaluate_ner.py", "sections": "evaluate_sections.py"},
}


class MissingScript(Exception):
    pass


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
        raise MissingScript(
            f"the {command} script for {component!r} is missing: {script} does not exist (the train/evaluate "
            "commands need a tcbio-nlp source checkout; set TCBIO_TRAINING_DIR to its training/ folder)")
    try:
        proc = subprocess.run([sys.executable, str(script), *args])
    except KeyboardInterrupt:
        return 130
    return proc.returncode if proc.returncode >= 0 else 128 - proc.returncode
