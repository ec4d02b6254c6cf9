"""The ``tcbio_sections`` spaCy component: section segmentation and section-type classification.

    nlp.add_pipe("tcbio_sections")
    nlp.initialize()  # or nlp.get_pipe("tcbio_sections").initialize(model_dir="training/output/sections")

writes ``doc.spans["sections"]``: one span per section, in document order, together covering
the document (a text without headings is one section), each with ``label_`` (one of the ten
section types) and the extensions

- ``span._.heading`` — the heading as written, numbering included ('四、 建議事項'), or None;
- ``span._.level`` — 1 for top-level headings, 2 for their subsections …, 0 for text without heading;
- ``span._.score`` — the classifier's confidence in ``label_`` (1.0 for fixed official-letter parts);
- ``span._.section_parent`` — index in ``doc.spans["sections"]`` of the parent section, or None;
- ``span._.section_body`` — the section's text without its heading (computed).

Heading rules (``tcbio_nlp/data/section_rules.json``) are loaded when the component is
created and can be replaced in ``initialize(rules=…)``; the trained classifier comes from
``initialize(model_dir=…)`` (the directory written by ``training/train_sections.py``). Both
are saved with the pipeline (``rules.json``, ``classifier.msgpack``), so ``spacy.load``
needs no outside path.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.scorer import Scorer
from spacy.tokens import Doc, Span, SpanGroup
from spacy.training import Example
from spacy.util import registry

from .. import extensions  # noqa: F401  (span._.heading, level, score, section_parent, section_body)
from .classifier import LABELS, SectionClassifier, build_inputs, clear_feature_cache
from .corpus import detected_spans
from .headings import HeadingDetector, HeadingRules

RULES_FILE = "rules.json"
CLASSIFIER_FILE = "classifier.msgpack"


@registry.scorers("tcbio.sections_scorer.v1")
def make_sections_scorer() -> Callable[..., dict[str, Any]]:
    return score_sections


def score_sections(examples: Iterable[Example], spans_key: str = "sections", **kwargs: Any) -> dict[str, Any]:
    """Section boundaries (unlabelled) and labelled sections: P/R/F over exact spans."""
    examples = list(examples)

    def getter(doc: Doc, attr: str) -> Iterable[Span]:
        return doc.spans.get(spans_key, [])

    def has(doc: Doc) -> bool:
        return spans_key in doc.spans

    labelled = Scorer.score_spans(examples, f"sections_{spans_key}", getter=getter, has_annotation=has)
    bounds = Scorer.score_spans(examples, f"sections_{spans_key}_bounds", getter=getter, labeled=False,
                                has_annotation=has)
    return {**labelled, **bounds}


@Language.factory(
    "tcbio_sections",
    default_config={"spans_key": "sections", "scorer": {"@scorers": "tcbio.sections_scorer.v1"}},
    assigns=["doc.spans"],
    default_score_weights={"sections_sections_f": 1.0, "sections_sections_p": 0.0, "sections_sections_r": 0.0},
)
def make_sections_component(nlp: Language, name: str, spans_key: str, scorer: Callable | None) -> SectionComponent:
    return SectionComponent(nlp, name, spans_key=spans_key, scorer=scorer)


class SectionComponent:
    """Finds headings, cuts the document into sections and labels each with its type."""

    def __init__(self, nlp: Language, name: str = "tcbio_sections", *, spans_key: str = "sections",
                 scorer: Callable | None = score_sections) -> None:
        self.name = name
        self.spans_key = spans_key
        self.scorer = scorer
        self.detector = HeadingDetector(HeadingRules.default())
        self.classifier: SectionClassifier | None = None

    @property
    def rules(self) -> HeadingRules:
        return self.detector.rules

    @property
    def labels(self) -> tuple[str, ...]:
        return LABELS

    # -- set-up -------------------------------------------------------------------------------
    def initialize(
        self,
        get_examples: Callable[[], Iterable[Example]] | None = None,
        *,
        nlp: Language | None = None,
        model_dir: str | None = None,  # plain str: spaCy validates [initialize] settings from the signature
        rules: Any = None,  # a JSON path or a dict
        classifier: Any = None,  # a SectionClassifier
    ) -> None:
        """Load the trained component data (``model_dir``: output of ``training/train_sections.py``).

        ``rules`` (a JSON path or dict) replaces the heading rules; ``classifier`` sets a
        classifier object directly (for tests and experiments).
        """
        if model_dir is not None:
            self.from_disk(model_dir)
        if rules is not None:
            data = rules if isinstance(rules, dict) else json.loads(Path(rules).read_text(encoding="utf-8"))
            self.detector = HeadingDetector(HeadingRules.from_dict(data))
        if classifier is not None:
            self.classifier = classifier

    # -- processing ------------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        if self.classifier is None or not self.classifier.is_trained:
            raise ValueError(
                "The tcbio_sections component has no trained classifier: initialize it with "
                "model_dir=<output of training/train_sections.py> or load a pipeline that contains one."
            )
        text = doc.text
        sections = self.detector.segment(text)
        infos = detected_spans(sections)
        inputs = build_inputs(text, infos, max_chars=int(self.classifier.config.get("max_chars", 4000)))
        try:
            predictions = self.classifier.predict(inputs)
        finally:
            clear_feature_cache()  # memory stays flat over many documents
        doc.spans[self.spans_key] = self._make_group(doc, len(text), sections, predictions)
        return doc

    def _make_group(self, doc: Doc, n_chars: int, sections: list, predictions: list[tuple[str, float]]) -> SpanGroup:
        n_tokens = len(doc)
        starts: list[int] = []
        for s in sections:
            if s.start >= n_chars or n_tokens == 0:
                starts.append(n_tokens)
                continue
            span = doc.char_span(s.start, n_chars, alignment_mode="expand")
            starts.append(span.start if span is not None else n_tokens)
        if starts:
            starts[0] = 0
        spans: list[Span] = []
        new_index: dict[int, int] = {}
        for i, (s, (label, score)) in enumerate(zip(sections, predictions, strict=True)):
            a = starts[i]
            b = starts[i + 1] if i + 1 < len(sections) else n_tokens
            if b <= a:  # the section collapsed inside one token: it stays part of its neighbour
                continue
            span = Span(doc, a, b, label=label)
            new_index[i] = len(spans)
            span._.heading = s.heading.text if s.heading is not None else None
            span._.level = int(s.level)
            span._.score = round(float(score), 4)
            span._.section_parent = new_index.get(s.parent) if s.parent is not None else None
            spans.append(span)
        if spans and spans[-1].end < n_tokens:  # cannot happen, but keep the cover whole
            last = spans[-1]
            ext = Span(doc, last.start, n_tokens, label=last.label_)
            for attr in ("heading", "level", "score", "section_parent"):
                setattr(ext._, attr, getattr(last._, attr))
            spans[-1] = ext
        return SpanGroup(doc, name=self.spans_key, spans=spans)

    def pipe(self, stream: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in stream:
            yield self(doc)

    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
        return score_sections(examples, spans_key=self.spans_key)

    # -- serialisation ---------------------------------------------------------------------------
    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return srsly.msgpack_dumps({
            "rules": self.rules.to_dict(),
            "classifier": self.classifier.to_bytes() if self.classifier is not None else None,
        })

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> SectionComponent:
        msg = srsly.msgpack_loads(data)
        self.detector = HeadingDetector(HeadingRules.from_dict(msg["rules"]))
        self.classifier = SectionClassifier.from_bytes(msg["classifier"]) if msg.get("classifier") else None
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        save_component_data(path, self.rules, self.classifier)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> SectionComponent:
        path = Path(path)
        if not (path / RULES_FILE).exists() and not (path / CLASSIFIER_FILE).exists():
            raise OSError(f"{path} holds no tcbio_sections data ({RULES_FILE}, {CLASSIFIER_FILE})")
        if (path / RULES_FILE).exists():
            self.detector = HeadingDetector(HeadingRules.from_json(path / RULES_FILE))
        if (path / CLASSIFIER_FILE).exists():
            self.classifier = SectionClassifier.from_bytes((path / CLASSIFIER_FILE).read_bytes())
        return self


def save_component_data(path: str | Path, rules: HeadingRules, classifier: SectionClassifier | None,
                        meta: dict[str, Any] | None = None) -> None:
    """Write the component's data directory: ``rules.json``, ``classifier.msgpack``, ``meta.json``."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    (path / RULES_FILE).write_text(json.dumps(rules.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if classifier is not None:
        (path / CLASSIFIER_FILE).write_bytes(classifier.to_bytes())
    if meta is not None:
        (path / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
