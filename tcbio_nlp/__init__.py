"""tcbio-nlp: a spaCy pipeline for Traditional Chinese biomedical-policy text.

The pipeline runs normalisation → segmentation → entities → normalised values →
sections; ``load()`` returns the shipped pipeline from the installed package.
"""

from __future__ import annotations

from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

from . import entities, extensions, resources, sections, segmentation, slim, values  # noqa: F401  (registers)
from .ops import fast_cpu_ops
from .tok2vec_window import bound_tok2vec_memory

__version__ = "0.1.0"
DEFAULT_MODEL = "tcbio_zh_core"


def model_path(name: str = DEFAULT_MODEL) -> Path:
    """Directory of a shipped pipeline inside the installed package."""
    path = Path(str(importlib_resources.files("tcbio_nlp.models") / name))
    if not (path / "config.cfg").exists():
        raise OSError(
            f"tcbio-nlp model {name!r} is not installed at {path}. "
            "Rebuild it with `python -m spacy project run all` (see README)."
        )
    return path


def sample_path() -> Path:
    """A sample document shipped with the package (seed 003 of the project's corpus: a 國發會
    white paper on the precision-health industry, 11 kB): ``tcbio tag "$(python -c 'import
    tcbio_nlp; print(tcbio_nlp.sample_path())')"``."""
    return Path(str(importlib_resources.files("tcbio_nlp") / "data" / "sample.txt"))


def load(name: str | Path = DEFAULT_MODEL, **kwargs) -> Language:
    """Load a shipped pipeline by name, or any saved tcbio pipeline by path. No network access.

    The models are built under ``tcbio_nlp.ops.BlasOps`` on CPU (numpy's BLAS for matrix
    products: the same results, about twice the speed of thinc's default here), and the tok2vec
    layer runs over windows of a long text (``tcbio_nlp.tok2vec_window``: about 80 MB at most
    instead of 20 kB per token).
    """
    path = Path(name) if isinstance(name, Path) or "/" in str(name) else model_path(str(name))
    with fast_cpu_ops():
        nlp = spacy.load(path, **kwargs)
    return bound_tok2vec_memory(nlp)  # a long text's tok2vec in windows: bounded peak memory


def doc_to_json(doc: spacy.tokens.Doc, id: str = "") -> dict[str, Any]:  # noqa: A002 - the record's key
    """The JSON record ``tcbio tag --format jsonl`` writes for ``doc``: ``id``, ``text``, ``tokens``
    (``[start, end]`` pairs, whitespace left out), ``entities`` (with ``norm`` as plain JSON: amounts
    as numbers, not ``Decimal``), ``sections`` and, for a PDF/DOCX document, ``pages``; offsets are
    characters into ``text``. ``json.dumps`` takes it as it is.
    """
    from .cli.records import doc_to_record

    record = {"id": id, "text": doc.text, **doc_to_record(doc)}
    if pages := doc.user_data.get("pages"):
        record["pages"] = [dict(p) for p in pages]
    return record
