"""Word segmentation for Traditional Chinese policy text, as a spaCy tokenizer.

A pkuseg model trained on UD_Chinese-GSD segments the text; before it runs, spans
that must stay whole — licence numbers and money amounts (regular expressions) and
names from the domain lexicon (agencies, products) — are cut out as single tokens so
that no entity boundary can fall inside a token. Segmentation runs on the normalised
text (``normalization.normalize_text``); the Doc is built on the input text with the
same offsets, and each token's ``norm_`` carries the normalised form for the models.

Like spaCy's own ``ChineseTokenizer``, the pkuseg model, lexicon and patterns are
loaded in ``initialize()`` and serialised into the pipeline, so a saved pipeline
needs no outside path.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import ahocorasick
import spacy_pkuseg
import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import registry
from spacy.vocab import Vocab

from .normalization import normalize_text

_SPACE_RE = re.compile(r"\s+")


@registry.tokenizers("tcbio.Segmenter.v1")
def create_segmenter() -> Any:
    def segmenter_factory(nlp: Language) -> Segmenter:
        return Segmenter(nlp.vocab)

    return segmenter_factory


class Segmenter:
    """pkuseg segmentation with protected spans from patterns and a lexicon."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.pkuseg: spacy_pkuseg.pkuseg | None = None
        self.patterns: list[str] = []
        self.lexicon: list[str] = []
        self._compiled: re.Pattern | None = None
        self._automaton: ahocorasick.Automaton | None = None

    # -- set-up -----------------------------------------------------------------
    def initialize(
        self,
        get_examples: Any = None,
        *,
        nlp: Language | None = None,
        pkuseg_model: str | None = None,
        pkuseg_user_dict: str | None = None,
        lexicon: Iterable[str] = (),
        patterns: Iterable[str] = (),
    ) -> None:
        """Load the pkuseg model directory, the lexicon words and the protected-span regexes.

        ``pkuseg_user_dict`` is accepted for compatibility with spaCy's zh defaults and
        ignored: the lexicon plays that role, with matches that cannot be split.
        """
        if pkuseg_model is not None:
            self.pkuseg = spacy_pkuseg.pkuseg(str(pkuseg_model), user_dict=None)
        self.set_protected(lexicon=lexicon, patterns=patterns)

    def set_protected(self, lexicon: Iterable[str] = (), patterns: Iterable[str] = ()) -> None:
        self.lexicon = sorted({normalize_text(w) for w in lexicon if len(w) > 1})
        self.patterns = list(patterns)
        self._compiled = re.compile("|".join(f"(?:{p})" for p in self.patterns)) if self.patterns else None
        self._automaton = None
        if self.lexicon:
            auto = ahocorasick.Automaton()
            for word in self.lexicon:
                auto.add_word(word, len(word))
            auto.make_automaton()
            self._automaton = auto

    # -- segmentation -----------------------------------------------------------
    def protected_spans(self, norm: str) -> list[tuple[int, int]]:
        """Non-overlapping (start, end) spans that must be single tokens; patterns win over the lexicon."""
        spans: list[tuple[int, int]] = []
        if self._compiled is not None:
            spans = [m.span() for m in self._compiled.finditer(norm) if m.end() > m.start()]
        if self._automaton is not None:
            taken = [False] * len(norm)
            for a, b in spans:
                taken[a:b] = [True] * (b - a)
            # longest match first, leftmost first among equals
            cands = sorted(
                ((end + 1 - n, end + 1) for end, n in self._automaton.iter(norm)),
                key=lambda s: (s[0] - s[1], s[0]),
            )
            for a, b in cands:
                if not any(taken[a:b]):
                    taken[a:b] = [True] * (b - a)
                    spans.append((a, b))
        return sorted(spans)

    def segment(self, text: str) -> list[tuple[int, int]]:
        """Token boundaries (start, end) over `text`, whitespace excluded."""
        if self.pkuseg is None:
            raise ValueError(
                "The tcbio segmenter has no pkuseg model: call nlp.initialize() with "
                "[initialize.tokenizer] pkuseg_model set, or load a trained pipeline."
            )
        norm = normalize_text(text)
        bounds: list[tuple[int, int]] = []
        pos = 0
        for a, b in [*self.protected_spans(norm), (len(norm), len(norm))]:
            self._segment_gap(norm, pos, a, bounds)
            if b > a:
                bounds.append((a, b))
            pos = b
        return bounds

    def _segment_gap(self, norm: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
        """pkuseg over each whitespace-free run of norm[start:end]."""
        pos = start
        for m in _SPACE_RE.finditer(norm, start, end):
            self._segment_run(norm, pos, m.start(), out)
            pos = m.end()
        self._segment_run(norm, pos, end, out)

    def _segment_run(self, norm: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
        if end <= start:
            return
        pos = start
        for word in self.pkuseg.cut(norm[start:end]):  # type: ignore[union-attr]
            out.append((pos, pos + len(word)))
            pos += len(word)

    def __call__(self, text: str) -> Doc:
        bounds = self.segment(text)
        words, spaces = [], []
        pos = 0
        for a, b in bounds:
            if a > pos:  # whitespace before this token
                gap = text[pos:a]
                if words and gap == " " and not spaces[-1]:
                    spaces[-1] = True
                else:
                    if words and gap.startswith(" ") and not spaces[-1]:
                        spaces[-1] = True
                        gap = gap[1:]
                    words.append(gap)
                    spaces.append(False)
            words.append(text[a:b])
            spaces.append(False)
            pos = b
        if pos < len(text):
            gap = text[pos:]
            if words and gap.startswith(" ") and not spaces[-1]:
                spaces[-1] = True
                gap = gap[1:]
            if gap:
                words.append(gap)
                spaces.append(False)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        norm = normalize_text(text)
        if norm != text:
            for token in doc:
                norm_text = norm[token.idx : token.idx + len(token.text)]
                if norm_text != token.text:
                    token.norm_ = norm_text
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
        for text in texts:
            yield self(text)

    def score(self, examples: Iterable[Example]) -> dict[str, Any]:
        from spacy.scorer import Scorer

        return Scorer.score_tokenization(examples)

    # -- serialisation ------------------------------------------------------------
    def _pkuseg_bytes(self) -> dict[str, bytes]:
        if self.pkuseg is None:
            return {}
        with tempfile.TemporaryDirectory() as tmp:
            self.pkuseg.feature_extractor.save(tmp)
            self.pkuseg.model.save(tmp)
            return {name: (Path(tmp) / name).read_bytes() for name in ("features.msgpack", "weights.npz")}

    def _load_pkuseg_bytes(self, files: dict[str, bytes]) -> None:
        if not files:
            return
        with tempfile.TemporaryDirectory() as tmp:
            for name, data in files.items():
                (Path(tmp) / name).write_bytes(data)
            self.pkuseg = spacy_pkuseg.pkuseg(tmp, user_dict=None)

    def to_bytes(self, **kwargs: Any) -> bytes:
        return srsly.msgpack_dumps(
            {"pkuseg": self._pkuseg_bytes(), "lexicon": self.lexicon, "patterns": self.patterns}
        )

    def from_bytes(self, data: bytes, **kwargs: Any) -> Segmenter:
        msg = srsly.msgpack_loads(data)
        self._load_pkuseg_bytes(msg["pkuseg"])
        self.set_protected(msg["lexicon"], msg["patterns"])
        return self

    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for name, data in self._pkuseg_bytes().items():
            (path / name).write_bytes(data)
        srsly.write_json(path / "protected.json", {"lexicon": self.lexicon, "patterns": self.patterns})

    def from_disk(self, path: str | Path, **kwargs: Any) -> Segmenter:
        path = Path(path)
        files = {n: (path / n).read_bytes() for n in ("features.msgpack", "weights.npz") if (path / n).exists()}
        self._load_pkuseg_bytes(files)
        protected = srsly.read_json(path / "protected.json")
        self.set_protected(protected["lexicon"], protected["patterns"])
        return self
