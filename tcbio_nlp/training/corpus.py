"""The annotated corpus: JSONL → Hugging Face ``DatasetDict`` → spaCy ``DocBin``.

Chinese tokenisation makes entity offsets that fall inside a token impossible to
train on (spaCy's W030 problem). ``to_docbin`` never drops them silently: every
misaligned span is returned in the report and printed by the training script.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from datasets import Dataset, DatasetDict, Features, Value
from spacy.language import Language
from spacy.tokens import DocBin, Span
from spacy.training import Example
from spacy.util import registry

from ..constants import ENTITY_LABELS
from ..entities.spans import char_spans, non_overlapping

LABELS = ENTITY_LABELS
DEFAULT_CORPUS_DIR = Path(__file__).resolve().parents[2] / "corpora" / "ner"

FEATURES = Features({
    "id": Value("string"),
    "source": Value("string"),
    "text": Value("string"),
    "entities": [{
        "start": Value("int32"), "end": Value("int32"), "label": Value("string"), "text": Value("string"),
        "gold_norm": Value("string"),
    }],
})


class CorpusError(ValueError):
    """A corpus file that does not follow the documented JSONL format."""


def read_jsonl(path: str | Path) -> list[dict]:
    """Read and validate one JSONL file of excerpts (format: corpora/README.md)."""
    rows = []
    with open(path, encoding="utf8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise CorpusError(f"{path}:{n}: not JSON ({err.msg})") from None
            for key in ("id", "text", "entities"):
                if key not in row:
                    raise CorpusError(f"{path}:{n}: missing field {key!r}")
            for ent in row["entities"]:
                if not (0 <= ent["start"] < ent["end"] <= len(row["text"])):
                    raise CorpusError(f"{path}:{n}: entity offsets {ent['start']}-{ent['end']} outside the text")
                if ent["label"] not in LABELS:
                    raise CorpusError(f"{path}:{n}: unknown label {ent['label']!r}")
                ent.setdefault("text", row["text"][ent["start"]:ent["end"]])
                ent.setdefault("gold_norm", None)
            row.setdefault("source", "")
            rows.append({k: row[k] for k in ("id", "source", "text", "entities")})
    return rows


def load_corpus(corpus_dir: str | Path = DEFAULT_CORPUS_DIR, prefix: str | None = None) -> DatasetDict:
    """The corpus splits found in ``corpus_dir`` (``<prefix>train/dev/test.jsonl``) as a ``DatasetDict``.

    The shipped seeds corpus names its splits ``seeds-train.jsonl`` …; a directory of your own
    annotations is read as plain ``train.jsonl`` … unless you give a prefix."""
    corpus_dir = Path(corpus_dir)
    if prefix is None:
        prefix = "seeds-" if corpus_dir.resolve() == DEFAULT_CORPUS_DIR.resolve() else ""
    splits = {}
    for split in ("train", "dev", "test"):
        path = corpus_dir / f"{prefix}{split}.jsonl"
        if path.exists():
            splits[split] = Dataset.from_list(read_jsonl(path), features=FEATURES)
    if not splits:
        raise CorpusError(f"no {prefix}train/dev/test .jsonl files in {corpus_dir}")
    return DatasetDict(splits)


@dataclass
class AlignmentReport:
    """Entities that could not be placed on token boundaries (never dropped silently)."""

    n_entities: int = 0
    misaligned: list[dict] = field(default_factory=list)
    #: entities left out because a widened misaligned span overlaps another one
    overlapping: list[dict] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [f"{len(self.misaligned)} of {self.n_entities} entities do not align with token boundaries"]
        lines += [f"  {m['id']}: {m['label']} {m['text']!r} tokens {m['tokens']}" for m in self.misaligned]
        if self.overlapping:
            lines.append(f"{len(self.overlapping)} entities left out: they overlap another (widened) entity")
            lines += [f"  {m['id']}: {m['label']} {m['text']!r}" for m in self.overlapping]
        return "\n".join(lines)


def to_docbin(nlp: Language, rows: Iterable[dict], *, expand: bool = True) -> tuple[DocBin, AlignmentReport]:
    """Tokenise each excerpt with ``nlp``'s tokenizer and set its gold entities.

    A misaligned entity is reported; with ``expand`` it is also kept, widened to the
    tokens it touches (so the model still learns the mention), otherwise left out.
    """
    db = DocBin(store_user_data=False)
    report = AlignmentReport()
    for row in rows:
        doc = nlp.make_doc(row["text"])
        ents: list[Span] = []
        for ent in row["entities"]:
            report.n_entities += 1
            span = char_spans(doc, [(ent["start"], ent["end"], ent["label"])])
            if not span:
                loose = doc.char_span(ent["start"], ent["end"], label=ent["label"], alignment_mode="expand")
                report.misaligned.append({
                    "id": row["id"], "label": ent["label"], "text": ent["text"],
                    "tokens": [t.text for t in loose] if loose is not None else []})
                span = [loose] if expand and loose is not None else []
            ents.extend(span)
        kept = non_overlapping(ents)
        if len(kept) < len(ents):
            report.overlapping.extend({"id": row["id"], "label": s.label_, "text": s.text}
                                      for s in set(ents) - set(kept))
        doc.ents = kept
        db.add(doc)
    return db, report



@registry.readers("tcbio.NerCorpus.v1")
def create_ner_corpus_reader(
    path: str | list[str], augmenter: Callable[[Language, Example], Iterable[Example]] | None = None,
    limit: int = 0,
) -> Callable[[Language], Iterator[Example]]:
    """``[corpora.train]`` / ``[corpora.dev]``: annotated JSONL files (corpora/ner, corpora/genre), read directly.

    ``path`` is one file, several separated by commas, or a list; the records of all files are
    read in order (``limit`` applies per file). Extra record fields (``genre``, ``sections``) are ignored.

    Each excerpt is tokenised with the pipeline's own tokenizer (``to_docbin``: an entity off the
    token boundaries is widened and reported on stderr, never dropped) once, on the first call;
    then it works like ``spacy.Corpus.v1`` on the resulting DocBin (same examples, same order).
    """
    return NerCorpus(path, augmenter=augmenter, limit=limit)


def corpus_paths(path: str | Path | list) -> list[Path]:
    """One path, several separated by commas, or a list of them."""
    items = path if isinstance(path, (list, tuple)) else str(path).split(",")
    return [Path(str(p).strip()) for p in items if str(p).strip()]


class NerCorpus:
    def __init__(self, path: str | Path | list, *, augmenter: Callable | None = None, limit: int = 0) -> None:
        self.paths = corpus_paths(path)
        if not self.paths:
            raise CorpusError(f"no corpus file in {path!r}")
        self.augmenter = augmenter
        self.limit = limit
        self._docbin: bytes | None = None

    def __call__(self, nlp: Language) -> Iterator[Example]:
        if self._docbin is None:
            db = DocBin(store_user_data=False)
            for path in self.paths:
                rows = read_jsonl(path)
                part, report = to_docbin(nlp, rows[: self.limit] if self.limit else rows)
                print(f"{path}: {len(rows)} records; {report}", file=sys.stderr)
                db.merge(part)
            self._docbin = db.to_bytes()
        for reference in DocBin().from_bytes(self._docbin).get_docs(nlp.vocab):
            if not len(reference):
                continue
            example = Example(nlp.make_doc(reference.text), reference)
            if self.augmenter is None:
                yield example
            else:
                yield from self.augmenter(nlp, example)


@registry.readers("tcbio.PretrainText.v1")
def create_pretrain_text_reader(
    path: str, pkuseg_model: str | None = None, min_length: int = 5, limit: int = 0,
) -> Callable[[Language], Iterator[Example]]:
    """``[corpora.pretrain]`` for ``spacy pretrain``: raw JSONL text (``training/pretrain_text.py``).

    ``spacy pretrain`` never calls ``nlp.initialize()``, so the tokenizer would have no
    segmenter model; this reader loads ``pkuseg_model`` into it first, so pretraining sees the
    tokens the NER will see. Texts shorter than ``min_length`` tokens are skipped.
    """

    def read(nlp: Language) -> Iterator[Example]:
        tokenizer = nlp.tokenizer
        if getattr(tokenizer, "pkuseg", True) is None:
            if pkuseg_model is None:
                raise CorpusError("the tokenizer has no segmenter model: set pkuseg_model in [corpora.pretrain]")
            tokenizer.initialize(pkuseg_model=pkuseg_model)
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if limit and n > limit:
                    break
                doc = nlp.make_doc(json.loads(line)["text"])
                if len(doc) >= min_length:
                    yield Example(doc, doc)

    return read
