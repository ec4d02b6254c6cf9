"""Put a trained section classifier and its heading rules into an assembled pipeline.

    python training/install_sections.py [--sections training/output/sections] [--model models/tcbio_zh_core]

Loads the pipeline, initialises its ``tcbio_sections`` component from the directory written by
``training/train_sections.py`` (as ``spacy assemble`` does through ``[initialize.components.tcbio_sections]
model_dir``) and writes the component's data back with the component's own ``to_disk``
(``<model>/tcbio_sections/rules.json``, ``classifier.msgpack``): the files a full ``spacy project run
assemble`` would write for it, without rebuilding the segmenter and the NER. Every other component of the
pipeline is left as it is.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Install a trained tcbio_sections classifier into a pipeline.")
    ap.add_argument("--sections", type=Path, default=ROOT / "training/output/sections")
    ap.add_argument("--model", type=Path, default=ROOT / "models/tcbio_zh_core")
    args = ap.parse_args(argv)
    import spacy  # noqa: PLC0415

    import tcbio_nlp  # noqa: F401, PLC0415  (registers the factories)

    nlp = spacy.load(args.model)
    component = nlp.get_pipe("tcbio_sections")
    component.initialize(model_dir=str(args.sections))
    component.to_disk(args.model / "tcbio_sections")
    reloaded = spacy.load(args.model).get_pipe("tcbio_sections")
    if reloaded.to_bytes() != component.to_bytes():
        print("the installed component does not read back as written", file=sys.stderr)
        return 1
    print(f"installed {args.sections} into {args.model / 'tcbio_sections'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
