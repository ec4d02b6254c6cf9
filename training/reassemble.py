"""Re-assemble the shipped pipeline from its own trained parts, with the current code, data files and registries.

    python training/reassemble.py

For changes that need no retraining — the registries and data files compiled into the vocab's lookups
(``tcbio.resources.v1``), the entity and protected patterns, the gazetteers' settings — without the
training outputs of ``spacy project run all``. The trained parts are taken from the shipped model
itself: its tokenizer directory is the pkuseg model (``features.msgpack``, ``weights.npz``), the model is
the source of ``tok2vec`` and ``ner``, its ``tcbio_sections`` directory the section model. They are
linked where ``project.yml`` expects the training outputs (``training/output/segmenter/pkuseg``,
``training/output/ner/model-best``, ``training/output/sections``) and the ``assemble`` command of
``project.yml`` is run as it stands, so the result is what ``spacy project run assemble`` gives with those
outputs (the config records the same relative paths). Existing training outputs are used as they are
and never replaced.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import srsly

ROOT = Path(__file__).resolve().parents[1]


def assemble_command(project: Path) -> tuple[list[str], Path]:
    """The ``assemble`` script line of project.yml, split into arguments with its variables filled in,
    and the model directory it writes."""
    config = srsly.read_yaml(project)
    line = next(c for c in config["commands"] if c["name"] == "assemble")["script"][-1]
    for key, value in config["vars"].items():
        line = line.replace("${vars." + key + "}", str(value))
    args = line.split()
    return ([sys.executable, *args[1:]] if args[0] == "python" else args), ROOT / config["vars"]["model"]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.parse_args(argv)
    command, model = assemble_command(ROOT / "project.yml")
    with tempfile.TemporaryDirectory() as tmp:
        previous = Path(tmp) / "previous"
        shutil.copytree(model, previous)
        parts = {"training/output/segmenter/pkuseg": previous / "tokenizer",
                 "training/output/ner/model-best": previous,
                 "training/output/sections": previous / "tcbio_sections"}
        made: list[Path] = []  # links and directories made here, removed afterwards
        for rel, target in parts.items():
            link = ROOT / rel
            if not link.exists():
                missing = [d for d in reversed(link.parents) if not d.exists()]
                link.parent.mkdir(parents=True, exist_ok=True)
                link.symlink_to(target, target_is_directory=True)
                made.extend([link, *reversed(missing)])
        try:
            shutil.rmtree(model)
            print(" ".join(command[1:]))
            subprocess.run(command, cwd=ROOT, check=True)
        except BaseException:
            if not model.exists():
                shutil.copytree(previous, model)
            raise
        finally:
            for path in made:
                if path.is_symlink():
                    path.unlink()
                elif path.is_dir() and not any(path.iterdir()):
                    path.rmdir()


if __name__ == "__main__":
    main()
