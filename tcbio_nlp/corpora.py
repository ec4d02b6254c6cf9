"""Kept for scripts that import the corpus helpers from here; they live in :mod:`tcbio_nlp.training.corpus`."""

from .training.corpus import (  # noqa: F401
    DEFAULT_CORPUS_DIR,
    FEATURES,
    LABELS,
    AlignmentReport,
    CorpusError,
    load_corpus,
    read_jsonl,
    to_docbin,
)
