"""Train the statistical NER from the annotated corpus (corpora/ner) with fixed seeds.

    python training/train_ner.py [--config training/configs/ner.cfg] [--output training/output/ner]
                                 [--paths.pkuseg_model DIR] [--training.max_epochs 20]

The same as ``spacy project run ner`` (``python -m spacy train``): everything lives in the
config — the corpus reader (``tcbio.NerCorpus.v1`` reads corpora/ner/*.jsonl and tokenises it
with the config's tokenizer, reporting every entity off the token boundaries), the augmenter,
the seed and the BLAS backend (``[nlp] before_creation``). Overrides use spaCy's own syntax.
The trained pipeline is ``<output>/model-best``; ``spacy project run assemble`` adds the rule,
value and section components and writes models/tcbio_zh_core.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from spacy.cli._util import parse_config_overrides
from spacy.cli.train import train as spacy_train


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", type=Path, default=Path("training/configs/ner.cfg"))
    ap.add_argument("--output", type=Path, default=Path("training/output/ner"))
    args, overrides = ap.parse_known_args(argv)
    spacy_train(args.config, args.output, overrides=parse_config_overrides(overrides))


if __name__ == "__main__":
    main()
