"""Word segmentation for Traditional Chinese policy text, as a spaCy tokenizer.

How a text is segmented (``Segmenter.segment``):

1. **Normalise** (``normalization.normalize_text``, length-preserving): full-width forms to
   ASCII, Simplified to Traditional when the text looks Simplified, Taiwan-standard
   forms, 台 → 臺. The Doc is built on the *input* text with the same offsets; each
   token's ``norm_`` carries the normalised form, and the normalised text is kept in
   ``doc.user_data["tcbio_norm_text"]`` for the components that match on it.
2. **Protected spans** that must be single tokens, so that no entity boundary can fall
   inside a token: matches of the regex patterns (licence numbers, money amounts; a
   pattern may span whitespace, e.g. a licence number broken by a PDF line break, and
   the token then contains that whitespace) and then the longest names of the domain
   lexicon (agencies, products) in what is left; lexicon names are also found across a
   single line break between two Chinese characters. Names shorter than three characters
   are left to the model unless Latin (a two-ideograph name such as 立院 would cut 成立院內
   apart), and a Latin name never matches inside a longer Latin word. Both come from data
   files, through ``initialize()``, and are saved with the pipeline.
3. **pkuseg** (a CRF trained on UD_Chinese-GSD, ``training/train_segmenter.py``) segments
   each whitespace-free run between protected spans, on ``normalization.segmenter_text``
   (the normalised text with East Asian punctuation in Chinese context, as the treebank
   writes it); an ideograph the model has no feature for is passed as ``UNKNOWN_CHAR``
   when the model was trained with rare ideographs standing for unseen ones. The CRF's
   features come from ``pkuseg_features.PkusegFeatures``: exactly what pkuseg's own
   per-character feature function gives, for a whole run at once, about 3 times as fast.
4. **Rules** that the treebank's own words follow (in 99.97% and 100% of the places they
   apply, see ``training/reports/segmentation.md``): a run of ASCII letters/digits (with the
   decimal and thousands separators of a number, a trailing %) is never split; a word
   never joins an ideograph to an ASCII letter or to a punctuation mark or symbol, and an
   East Asian punctuation mark is always a word of its own.

Like spaCy's own ``ChineseTokenizer``, the pkuseg model, lexicon and patterns are loaded
in ``initialize()`` and serialised into the pipeline, so a saved pipeline needs no
outside path.
"""

from __future__ import annotations

import bisect
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import ahocorasick
import numpy as np
import spacy_pkuseg
import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import registry
from spacy.vocab import Vocab
from spacy_pkuseg import inference as _pkuseg_inference
from spacy_pkuseg.config import config as pkuseg_config

from .constants import ALL_HAN, IDEOGRAPH_RANGES
from .entities.context import layout_gaps
from .entities.patterns import compile_patterns
from .normalization import normalize_text, segmenter_text, strip_span
from .pkuseg_features import PkusegFeatures, original_node_features

_RUN_RE = re.compile(r"\S+")
_NOT_IDEOGRAPH_RE = re.compile(f"[^{ALL_HAN}]")
_SPACE_RE = re.compile(r"\s")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_CJK = ALL_HAN
# never split inside: ASCII letters/digits, number separators between digits, a trailing %
_ATOM_RE = re.compile(r"[A-Za-z0-9]+(?:[.,:][0-9]+)*%?")
# always a boundary: ideograph | ASCII letter, ideograph | punctuation or symbol (Unicode
# P* or S*), and on both sides of an East Asian punctuation mark
_PUNCT = "，。、；：？！「」『』《》〈〉（）【】〔〕"
_SYMBOLS = re.escape("".join(chr(c) for c in range(0x21, 0x10000)
                             if unicodedata.category(chr(c))[0] in "PS" and not 0xD800 <= c < 0xE000))
# list and bullet symbols (◎ before a product in TFDA notices) are always a word of their own
_BULLETS = "◎●○■□◆◇※★☆•▪►"
# emoji (and the joiners, variation selectors and keycaps of emoji sequences), dingbats, byte-order
# marks, zero-width spaces and table rules are a word of their own next to anything else (never
# 👉本 or 🔔Humira, which no entity edge could then cut off): they are never part of a name
_JUNK = "\U00010000-\U0010ffff\u2600-\u27bf\u2b00-\u2bff\ufe0e\ufe0f\u200b\u200d\u20e3\ufeff|¦"
_SPLIT_RE = re.compile(
    rf"(?<=[{_CJK}])(?=[A-Za-z{_SYMBOLS}])|(?<=[A-Za-z{_SYMBOLS}])(?=[{_CJK}])|(?<=[{_PUNCT}])|(?=[{_PUNCT}])"
    rf"|(?<=[{_BULLETS}])|(?=[{_BULLETS}])|(?<=[{_JUNK}])(?=[^{_JUNK}])|(?<=[^{_JUNK}])(?=[{_JUNK}])"
    # a comma between two Latin words without a space (Social,BPJS,Kesehatan) separates them
    r"|(?<=[A-Za-z])(?=,[A-Za-z])|(?<=[A-Za-z],)(?=[A-Za-z])"
    # a parenthesis opening or closing two or more letters or digits after a Latin word is a word of its own
    # (150MG(RANITIDINE), CHMP(The): the treebank writes every bracket alone but in f(x), g(x)
    r"|(?<=[A-Za-z0-9])(?=\([A-Za-z0-9][A-Za-z0-9-])|(?<=[A-Za-z0-9]\()(?=[A-Za-z0-9][A-Za-z0-9-])"
    r"|(?<=[A-Za-z0-9]{2})(?=\))|(?<=[A-Za-z0-9]{2}\))(?=[A-Za-z0-9])"
)
_PKUSEG_FILES = ("features.msgpack", "weights.npz")
# Stands for an ideograph the model has no feature for. A model trained with rare ideographs
# replaced by it (training/train_segmenter.py, ``unk_min_count``) learns how unseen
# characters behave; the tokenizer then makes the same replacement at run time.
UNKNOWN_CHAR = "\ue000"
_CJK_CODEPOINTS = [cp for lo, hi in IDEOGRAPH_RANGES for cp in range(lo, hi + 1)]


@registry.tokenizers("tcbio.Segmenter.v1")
def create_segmenter() -> Any:
    def segmenter_factory(nlp: Language) -> Segmenter:
        return Segmenter(nlp.vocab)

    return segmenter_factory


class Segmenter:
    """pkuseg segmentation with protected spans from patterns and a lexicon (see module docstring)."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.pkuseg: spacy_pkuseg.pkuseg | None = None
        self.patterns: list[str] = []
        # words given to initialize()/set_protected() besides the vocab's name tables (saved)
        self.words: list[str] = []
        self.lexicon: list[str] = []
        self._compiled: re.Pattern | None = None
        self._automaton: ahocorasick.Automaton | None = None
        self._unknown_table: dict[int, str] | None = None
        self._node_map: dict[str, str] = {}
        self._begin_tags: set[int] = set()
        # the features of every position of a run, set up with the model (PkusegFeatures)
        self._fast_features: PkusegFeatures | None = None
        # False: pkuseg's own per-character feature function instead (same output, slower)
        self.fast_features = True

    # -- set-up -----------------------------------------------------------------
    def initialize(
        self,
        get_examples: Any = None,
        *,
        nlp: Language | None = None,
        pkuseg_model: str | None = None,
        pkuseg_user_dict: str | None = None,
        lexicon: list[str] | None = None,
        patterns: list[str] | None = None,
    ) -> None:
        """Load the pkuseg model directory, the lexicon words and the protected-span regexes.

        The agency and product names of the vocab's resource tables (``tcbio_nlp.resources``,
        from ``[initialize] lookups``) are kept whole too; ``lexicon`` adds words of its own.

        ``pkuseg_user_dict`` is accepted because spaCy's zh defaults always pass it; it is
        ignored (the lexicon plays that role, with matches that cannot be split). Plain
        ``str`` annotations: spaCy validates these settings from the signature.
        """
        if pkuseg_model is not None:
            self._set_pkuseg(_load_pkuseg(Path(pkuseg_model)))
        self.set_protected(lexicon=lexicon or (), patterns=patterns or ())

    def _set_pkuseg(self, model: spacy_pkuseg.pkuseg) -> None:
        self.pkuseg = model
        fe = model.feature_extractor
        self._unknown_table = unknown_char_table(fe.feature_to_idx)
        # what pkuseg's FeatureExtractor.normalize_text does to single characters
        self._node_map = {c: fe.keyword_rename(c) for c in fe.keywords}
        if pkuseg_config.numLetterNorm:  # after the renaming: "." is "&", not a digit
            for c in fe.num | fe.letter:
                self._node_map.setdefault(c, fe._num_letter_normalize_char(c))
        self._begin_tags = {idx for tag, idx in fe.tag_to_idx.items() if tag.startswith("B")}
        self._fast_features = PkusegFeatures(fe)

    def set_protected(self, lexicon: Iterable[str] = (), patterns: Iterable[str] = ()) -> None:
        """Replace the lexicon (normalised; single characters ignored) and the regex patterns.

        The lexicon is ``lexicon`` plus the names of the vocab's resource tables.
        """
        from .resources import lexicon_names

        self.words = list(lexicon)
        words = [*self.words, *lexicon_names(self.vocab)]
        self.lexicon = sorted({n for w in words if _keep_name(n := normalize_text(w).strip())})
        self.patterns = list(patterns)
        self._compiled = compile_patterns(self.patterns)
        self._automaton = None
        if self.lexicon:
            auto = ahocorasick.Automaton()
            for word in self.lexicon:
                auto.add_word(word, len(word))
            auto.make_automaton()
            self._automaton = auto

    # -- segmentation -----------------------------------------------------------
    def protected_spans(self, norm: str) -> list[tuple[int, int]]:
        """Sorted non-overlapping (start, end) spans of `norm` that must be single tokens.

        Patterns first; then the longest lexicon names in the text they leave, leftmost first.
        Spans never start or end with whitespace.
        """
        spans: list[tuple[int, int]] = []
        if self._compiled is not None:
            for m in self._compiled.finditer(norm):
                a, b = strip_span(norm, *m.span())
                if b > a:
                    spans.append((a, b))
        if self._automaton is not None:
            gaps, pos = [], 0
            for a, b in spans:
                gaps.append((pos, a))
                pos = b
            gaps.append((pos, len(norm)))
            for start, end in gaps:
                if end - start > 1:
                    spans.extend(self._lexicon_spans(norm, start, end))
            spans.sort()
        return spans

    def _lexicon_spans(self, norm: str, start: int, end: int) -> list[tuple[int, int]]:
        """Longest lexicon names in norm[start:end], leftmost first (also across PDF line wraps and the
        spaces of a letter-spaced heading, ``教　育　部``: ``entities.context.layout_gaps``).

        A name that begins or ends with an ASCII letter/digit must not continue a Latin word or
        number (``NIH`` is not found in ``NIHON``).
        """
        auto = self._automaton
        assert auto is not None
        text = norm[start:end]
        cuts = layout_gaps(text)
        if not cuts:
            found = [(e + 1 - n, e + 1) for e, n in auto.iter_long(text)]
        else:  # match on the text with the wraps removed, map the offsets back
            pieces, at, removed, pos, total = [], [], [], 0, 0
            for a, b in cuts:
                pieces.append(text[pos:a])
                at.append(a - total)  # where the removed stretch sits in the compact text
                total += b - a
                removed.append(total)
                pos = b
            pieces.append(text[pos:])

            def orig(i: int, is_end: bool) -> int:
                # at a removal point a start maps after the removed stretch, an end before it
                k = bisect.bisect_left(at, i) if is_end else bisect.bisect_right(at, i)
                return i + (removed[k - 1] if k else 0)

            found = [(orig(e + 1 - n, False), orig(e + 1, True)) for e, n in auto.iter_long("".join(pieces))]
        return [
            (start + a, start + b)
            for a, b in found
            if not (_is_latin(text[a]) and a > 0 and _is_latin(text[a - 1]))
            and not (_is_latin(text[b - 1]) and b < len(text) and _is_latin(text[b]))
        ]

    def segment(self, text: str, norm: str | None = None) -> list[tuple[int, int]]:
        """Token boundaries (start, end) over `text`, whitespace between tokens excluded."""
        return self._segment(text, normalize_text(text) if norm is None else norm)[0]

    def _segment(self, text: str, norm: str) -> tuple[list[tuple[int, int]], list[int]]:
        """Token boundaries, and the indices of those that contain whitespace (protected spans)."""
        if self.pkuseg is None:
            raise ValueError(
                "The tcbio segmenter has no pkuseg model: call nlp.initialize() with "
                "[initialize.tokenizer] pkuseg_model set, or load a trained pipeline."
            )
        seg = segmenter_text(norm, text)
        model_text = seg if self._unknown_table is None else seg.translate(self._unknown_table)
        bounds: list[tuple[int, int]] = []
        spaced: list[int] = []
        cache: dict[str, set[int]] = {}  # short runs repeat within a document (table cells, units)
        pos = 0
        for a, b in [*self.protected_spans(norm), (len(norm), len(norm))]:
            for m in _RUN_RE.finditer(seg, pos, a):
                self._segment_run(seg, model_text, m.start(), m.end(), bounds, cache)
            if b > a:
                if _SPACE_RE.search(norm, a, b):
                    spaced.append(len(bounds))
                bounds.append((a, b))
            pos = b
        return bounds, spaced

    def _segment_run(
        self, seg: str, model_text: str, start: int, end: int, out: list[tuple[int, int]], cache: dict[str, set[int]]
    ) -> None:
        """pkuseg over the whitespace-free seg[start:end], then the treebank's hard rules."""
        if end - start == 1:
            out.append((start, end))
            return
        model_run = model_text[start:end]
        if end - start > 16:
            cuts = self._pkuseg_cuts(model_run)
        else:
            if model_run not in cache:
                cache[model_run] = self._pkuseg_cuts(model_run)
            cuts = set(cache[model_run])
        run = seg[start:end]
        if _NOT_IDEOGRAPH_RE.search(run) is not None:  # the rules only concern other characters
            cuts.update(m.start() for m in _SPLIT_RE.finditer(run))
            for m in _ATOM_RE.finditer(run):
                if m.end() - m.start() > 1:
                    cuts.difference_update(range(m.start() + 1, m.end()))
            cuts.discard(0)
        cuts.add(end - start)
        prev = start
        for c in sorted(cuts):
            out.append((prev, start + c))
            prev = start + c

    def _pkuseg_cuts(self, run: str) -> set[int]:
        """Offsets (> 0) in `run` where pkuseg starts a word: its ``_cut`` without building strings."""
        model = self.pkuseg
        assert model is not None
        nodes = list(map(self._node_map.get, run, run))
        if self.fast_features and self._fast_features is not None:
            all_features = self._fast_features(nodes)
        else:  # what FeatureExtractor.get_node_features_idx calls, position by position
            fti, unigram = model.feature_extractor.feature_to_idx, model.feature_extractor.unigram
            all_features = [original_node_features(pkuseg_config, i, nodes, fti, unigram) for i in range(len(nodes))]
        _, tags = _pkuseg_inference.decodeViterbi_fast(all_features, model.model)
        begins = self._begin_tags
        return {i for i, tag in enumerate(tags) if i and tag in begins}

    def __call__(self, text: str) -> Doc:
        if m := _SURROGATE_RE.search(text):  # spaCy's string store cannot hold one
            raise ValueError(f"text contains a lone surrogate (U+{ord(m.group()):04X}) at character {m.start():,}: "
                             "not valid Unicode; remove it, or decode with errors='replace'")
        norm = normalize_text(text)
        bounds, spaced = self._segment(text, norm)
        words: list[str] = []
        spaces: list[bool] = []
        starts: list[int] = []
        spaced_words: list[int] = []
        k = 0
        pos = 0
        for j, (a, b) in enumerate([*bounds, (len(text), len(text))]):
            if a > pos:  # whitespace before this token: one space goes to the previous token
                gap = text[pos:a]
                if words and not spaces[-1] and gap[0] == " ":
                    spaces[-1] = True
                    gap = gap[1:]
                if gap:
                    words.append(gap)
                    spaces.append(False)
                    starts.append(a - len(gap))
            if b > a:
                if k < len(spaced) and spaced[k] == j:
                    spaced_words.append(len(words))
                    k += 1
                words.append(text[a:b])
                spaces.append(False)
                starts.append(a)
            pos = b
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc.user_data["tcbio_norm_text"] = norm
        # norm_: the normalised form, with the whitespace inside a token (a protected span across
        # a line break) removed; only the tokens where that differs from the text are touched
        touched = set(spaced_words)
        if norm != text:
            differ = np.flatnonzero(_codepoints(text) != _codepoints(norm))
            touched.update(np.searchsorted(np.asarray(starts), differ, side="right") - 1)
        for i in sorted(touched):
            i = int(i)
            form = norm[starts[i] : starts[i] + len(words[i])]
            if i in spaced_words:
                form = "".join(form.split())
            if form != words[i]:
                doc[i].norm_ = form
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
            return {name: (Path(tmp) / name).read_bytes() for name in _PKUSEG_FILES}

    def _load_pkuseg_bytes(self, files: dict[str, bytes]) -> None:
        if not files:
            return
        with tempfile.TemporaryDirectory() as tmp:
            for name, data in files.items():
                (Path(tmp) / name).write_bytes(data)
            self._set_pkuseg(_load_pkuseg(Path(tmp)))

    def to_bytes(self, **kwargs: Any) -> bytes:
        return srsly.msgpack_dumps(
            {"pkuseg": self._pkuseg_bytes(), "lexicon": self.words, "patterns": self.patterns}
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
        srsly.write_json(path / "protected.json", {"lexicon": self.words, "patterns": self.patterns})

    def from_disk(self, path: str | Path, **kwargs: Any) -> Segmenter:
        path = Path(path)
        files = {n: (path / n).read_bytes() for n in _PKUSEG_FILES if (path / n).exists()}
        self._load_pkuseg_bytes(files)
        protected = srsly.read_json(path / "protected.json")
        self.set_protected(protected["lexicon"], protected["patterns"])
        return self


def unknown_char_table(feature_to_idx: dict[str, int]) -> dict[int, str] | None:
    """str.translate table sending every ideograph without a unigram feature to UNKNOWN_CHAR.

    None for a model trained without UNKNOWN_CHAR (it then sees every character as is).
    """
    if "c." + UNKNOWN_CHAR not in feature_to_idx:
        return None
    return {cp: UNKNOWN_CHAR for cp in unknown_candidates() if "c." + chr(cp) not in feature_to_idx}


def unknown_candidates() -> list[int]:
    """Ideographs that may stand as UNKNOWN_CHAR: not those pkuseg itself folds (numerals → **Num)."""
    from spacy_pkuseg.feature_extractor import FeatureExtractor

    folded = {ord(c) for c in FeatureExtractor.num | FeatureExtractor.letter}
    return [cp for cp in _CJK_CODEPOINTS if cp not in folded]


def _load_pkuseg(model_dir: Path) -> spacy_pkuseg.pkuseg:
    if not (model_dir / "features.msgpack").exists():
        raise OSError(f"no pkuseg model at {model_dir} (expected features.msgpack and weights.npz)")
    return spacy_pkuseg.pkuseg(str(model_dir), user_dict=None)


def _keep_name(name: str) -> bool:
    """Names of 3+ characters (2 if Latin): a 2-ideograph name (立院) would cut common words apart."""
    return len(name) >= 3 or (len(name) == 2 and name.isascii())


def _codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()
