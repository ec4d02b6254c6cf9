"""Section-type classifier: judges a section by its body, uses its heading when there is one.

Each section is seen as a :class:`SectionInput` — its own body (heading line removed), the
text of its subtree (the bodies of its subsections, so that a heading with an empty body is
judged by what it contains), its own heading (may be absent), the headings of its ancestors
(a subsection inherits its parent's type unless its body clearly does something else, so the
parent's heading is a legitimate clue even when the section's own heading is missing) and its
position in the document.

Features (all weights and sizes come from the config, see ``training/configs/sections.cfg``):

- character n-gram TF-IDF of the body, of the subtree, of the own heading and of the ancestor
  headings (digits folded to ``0`` so that figures generalise);
- cue-word rates per cue group (``建議`` / ``應`` → recommendation, ``心得`` / ``感受`` → reflection,
  ``行程`` / ``參訪`` → process, ``完成`` / ``累計`` → results …, data in
  ``tcbio_nlp/data/section_rules.json: cues``);
- dense shape features: digit, money, percent, date and year density, first-person markers,
  list items, table rows, URLs, length, relative position, level, number of children.

Dense features are log-scaled, standardised and clipped. A multinomial logistic regression
(scikit-learn, ``class_weight`` configurable) is trained on each section twice — with and
without its own heading — so the model learns to work both ways. At prediction time the
section tree is used (:meth:`SectionClassifier.predict_proba`): a section with little text of
its own is judged mostly by its subsections; the typical heading words of the guidelines
(``section_rules.json: heading_cues``) raise the odds of the types named by the own heading
or, failing that, by the nearest ancestor heading; and a subsection's distribution is mixed
with its parent's (``inherit_weight``).

The trained model is plain arrays (vocabularies, idf, coefficients, scaler) serialised with
msgpack — no pickle — so a saved pipeline loads anywhere the package is installed.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import srsly
from scipy import sparse

from ..constants import SECTION_LABELS

LABELS = SECTION_LABELS

_DIGIT_RE = re.compile(r"[0-9０-９]")
_SPACE_RE = re.compile(r"\s+")
_NUMBER_RE = re.compile(r"\d[\d,，.]*")
_MONEY_RE = re.compile(r"(?:新[臺台]幣|美元|US\$|NT\$|[萬億兆千]?元)")
_PERCENT_RE = re.compile(r"[%％]|百分之")
_YEAR_RE = re.compile(r"(?:19|20)\d\d\s*年|\d{2,3}\s*年\s*\d{1,2}\s*月")
_DATE_RE = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}/\d{1,2}")
_FIRST_PERSON_RE = re.compile(r"我們|我院|本院|職(?![務能業稱責位缺場涯員])|我(?!國)")
_LIST_RE = re.compile(r"^\s*(?:[-*•]\s*)?(?:[(（]?[0-9一二三四五六七八九十A-Z]{1,2}[)）、.．])", re.M)
_URL_RE = re.compile(r"https?://|www\.")
_NUMBERING_RE = re.compile(
    r"^\s*(?:#+\s*)?(?:\*\*)?\s*(?:第[一二三四五六七八九十百]+[章節]|[壹貳參叁肆伍陸柒捌玖拾]+[、．.]|"
    r"[一二三四五六七八九十]+[、．.]|[(（][一二三四五六七八九十\d]+[)）][、．.]?|\d{1,2}[、．.]|[A-Z][、．.])\s*"
)


def heading_title(heading: str | None) -> str:
    """A heading without its numbering and markup: '(一)、 研究趨勢的觀察' → '研究趨勢的觀察'."""
    if not heading:
        return ""
    return _NUMBERING_RE.sub("", heading).replace("**", "").strip()


@dataclass
class SectionInput:
    """What the classifier sees of one section."""

    body: str
    subtree: str = ""
    heading: str = ""  # own heading title ('' when absent or removed)
    ancestors: list[str] = field(default_factory=list)  # ancestor heading titles, nearest first
    position: float = 0.0  # start / document length
    index: float = 0.0  # section index / number of sections
    level: int = 0
    n_children: int = 0
    parent: int | None = None  # index of the parent section in the same document
    single: bool = False  # the only section of its document
    fixed_label: str | None = None  # set by a heading word with a fixed type (主旨 → summary)
    sibling: int = 0  # ordinal among the sections with the same parent (top level: the text before the
    # first heading counts as the first), 0-based
    n_siblings: int = 1
    rel_len: float = 1.0  # body length / the longest body of the document


@dataclass
class SpanInfo:
    """Section geometry used to build inputs (char offsets into the document text)."""

    start: int
    end: int
    body_start: int
    heading: str | None
    level: int
    parent: int | None
    fixed_label: str | None = None


def build_inputs(
    text: str,
    spans: Sequence[SpanInfo],
    *,
    keep_heading: bool = True,
    keep_ancestors: bool = True,
    max_chars: int = 4000,
) -> list[SectionInput]:
    """SectionInputs for the sections of one document.

    ``keep_heading=False`` removes each section's own heading (the evaluation setting);
    ``keep_ancestors=False`` also removes the headings of its ancestors. Heading lines are
    never part of a body or subtree text.
    """
    n = len(spans)
    children: list[list[int]] = [[] for _ in range(n)]
    for i, s in enumerate(spans):
        if s.parent is not None:
            children[s.parent].append(i)
    bodies = [text[s.body_start : s.end] for s in spans]

    def subtree(i: int) -> str:
        out, stack = [], [i]
        while stack:
            k = stack.pop()
            out.append(bodies[k])
            stack.extend(reversed(children[k]))
            if sum(len(x) for x in out) > max_chars:
                break
        return "\n".join(out)[:max_chars]

    inputs = []
    doc_len = max(len(text), 1)
    sibling: list[int] = [0] * n
    n_siblings: list[int] = [1] * n
    groups: dict[int | None, list[int]] = {}
    for i, s in enumerate(spans):
        groups.setdefault(s.parent, []).append(i)
    for members in groups.values():
        for k, i in enumerate(members):
            sibling[i], n_siblings[i] = k, len(members)
    longest = max((len(b.strip()) for b in bodies), default=0) or 1
    for i, s in enumerate(spans):
        anc: list[str] = []
        p = s.parent
        while p is not None and keep_ancestors:
            anc.append(heading_title(spans[p].heading))
            p = spans[p].parent
        inputs.append(
            SectionInput(
                body=bodies[i][:max_chars],
                subtree=subtree(i),
                heading=heading_title(s.heading) if keep_heading else "",
                ancestors=anc,
                position=s.start / doc_len,
                index=i / max(n - 1, 1),
                level=s.level,
                n_children=len(children[i]),
                parent=s.parent,
                single=n == 1,
                fixed_label=s.fixed_label if keep_heading else None,
                sibling=sibling[i],
                n_siblings=n_siblings[i],
                rel_len=len(bodies[i].strip()) / longest,
            )
        )
    return inputs


# -- text features ---------------------------------------------------------------------------

def _prep(text: str) -> str:
    return _SPACE_RE.sub(" ", _DIGIT_RE.sub("0", text.lower())).strip()


@lru_cache(maxsize=4096)
def _char_grams(text: str, ngram_min: int, ngram_max: int) -> Counter:
    """Character n-gram counts of a text (cached: never mutate the result)."""
    t = _prep(text)
    c: Counter = Counter()
    for n in range(ngram_min, ngram_max + 1):
        c.update(map("".join, zip(*(t[k:] for k in range(n)), strict=False)) if n > 1 else t)
    for g in [g for g in c if " " in g and len(g) > 1]:
        del c[g]
    c.pop(" ", None)
    return c


def clear_feature_cache() -> None:
    """Forget the cached n-gram counts. The cache pays off when training featurises the same texts
    again and again; a pipeline tagging document after document only fills it (up to 4,096 counts
    of up to 4,000-character texts: 260 MB after 1,000 documents), so the component clears it after
    each document."""
    _char_grams.cache_clear()


class CharTfidf:
    """Character n-gram TF-IDF (sublinear tf, smooth idf, L2 norm) stored as plain data."""

    def __init__(self, ngram_min: int = 1, ngram_max: int = 3, min_df: int = 2, max_features: int = 20000):
        self.ngram_min, self.ngram_max = ngram_min, ngram_max
        self.min_df, self.max_features = min_df, max_features
        self.vocab: dict[str, int] = {}
        self.idf = np.zeros(0, dtype=np.float64)

    def _grams(self, text: str) -> Counter:
        return _char_grams(text, self.ngram_min, self.ngram_max)

    def fit(self, texts: Sequence[str]) -> CharTfidf:
        df: Counter = Counter()
        for t in texts:
            df.update(self._grams(t).keys())
        kept = [(g, d) for g, d in df.items() if d >= self.min_df]
        kept.sort(key=lambda x: (-x[1], x[0]))
        kept = kept[: self.max_features]
        kept.sort()
        self.vocab = {g: i for i, (g, _) in enumerate(kept)}
        n = len(texts)
        self.idf = np.array([math.log((1 + n) / (1 + d)) + 1.0 for _, d in kept], dtype=np.float64)
        return self

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        vocab, idf = self.vocab, self.idf
        indptr, cols, vals = [0], [], []
        for t in texts:
            ids, counts = [], []
            for g, c in self._grams(t).items():
                j = vocab.get(g)
                if j is not None:
                    ids.append(j)
                    counts.append(c)
            if ids:
                col = np.asarray(ids, dtype=np.int64)
                w = (1.0 + np.log(np.asarray(counts, dtype=np.float64))) * idf[col]
                cols.append(col)
                vals.append(w / math.sqrt(float(w @ w)))
            indptr.append(indptr[-1] + len(ids))
        if not cols:
            return sparse.csr_matrix((len(texts), len(vocab)), dtype=np.float64)
        return sparse.csr_matrix((np.concatenate(vals), np.concatenate(cols), np.asarray(indptr)),
                                 shape=(len(texts), len(vocab)), dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        return {"ngram_min": self.ngram_min, "ngram_max": self.ngram_max, "min_df": self.min_df,
                "max_features": self.max_features, "vocab": sorted(self.vocab, key=self.vocab.get),
                "idf": self.idf.tolist()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CharTfidf:
        v = cls(d["ngram_min"], d["ngram_max"], d["min_df"], d["max_features"])
        v.vocab = {g: i for i, g in enumerate(d["vocab"])}
        v.idf = np.asarray(d["idf"], dtype=np.float64)
        return v


_SHAPE_NAMES = ("digits", "numbers", "money", "percent", "years", "dates", "first_person", "list_items",
                "table_rows", "urls")
DENSE_NAMES = (
    "log_len", "empty", *_SHAPE_NAMES, *("sub_" + n for n in _SHAPE_NAMES),
    "first", "early", "late", "last", "single", "n_children", "is_top", "has_heading",
)


def _shape(text: str) -> list[float]:
    n = max(len(text), 1)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    nl = max(len(lines), 1)
    per_k = 1000.0 / n
    return [
        len(_DIGIT_RE.findall(text)) / n,
        len(_NUMBER_RE.findall(text)) * per_k,
        len(_MONEY_RE.findall(text)) * per_k,
        len(_PERCENT_RE.findall(text)) * per_k,
        len(_YEAR_RE.findall(text)) * per_k,
        len(_DATE_RE.findall(text)) * per_k,
        len(_FIRST_PERSON_RE.findall(text)) * per_k,
        len(_LIST_RE.findall(text)) / nl,
        sum(1 for ln in lines if ln.count("\t") >= 2) / nl,
        len(_URL_RE.findall(text)) * per_k,
    ]


def dense_features(x: SectionInput) -> list[float]:
    body = x.body
    return [
        math.log1p(len(body.strip())),
        1.0 if len(body.strip()) < 5 else 0.0,
        *_shape(body),
        *_shape(x.subtree or body),
        1.0 if x.index == 0 and not x.single else 0.0,
        1.0 if x.position < 0.1 and not x.single else 0.0,
        1.0 if x.position > 0.9 and not x.single else 0.0,
        1.0 if x.index >= 1.0 and not x.single else 0.0,
        1.0 if x.single else 0.0,
        math.log1p(x.n_children),
        1.0 if x.parent is None else 0.0,
        1.0 if x.heading else 0.0,
    ]


_LAW_CITE_RE = re.compile(r"第[\s0-9０-９一二三四五六七八九十百零〇]{1,8}[條項款]"
                          r"|「[^」]{2,40}(?:法|條例|辦法|準則|規則|標準|要點)」")
_QUESTION_RE = re.compile(r"[？?]\s*$")
_SENTENCE_RE = re.compile(r"[。；！？!?]")

STRUCTURE_NAMES = (
    "top_0", "top_1", "top_2", "top_3", "top_4plus", "top_last", "sub_0", "sub_1", "sub_2plus", "sub_last",
    "rel_len", "longest", "question_end", "law_cites", "sentence_len", "short_lines", "n_lines",
)


def structure_features(x: SectionInput, ordinals: bool = True) -> list[float]:
    """Where a section stands among its siblings and what its body looks like as a whole —
    features that do not depend on a genre's vocabulary: the ordinal among the top-level sections
    (the untitled opening counts as the first), among the subsections of one parent, the body's
    length relative to the longest body, a closing question mark (an issue: 爭點), the density of
    law citations (第…條, 「…法」: the basis of a letter), the mean sentence length, the share of
    short lines (table cells) and the number of lines."""
    body = x.body.strip()
    n = max(len(body), 1)
    lines = [ln for ln in body.splitlines() if ln.strip()]
    top = x.parent is None and not x.single
    sub = x.parent is not None
    mid = ordinals  # the 2nd, 3rd … section: the order of a letter's parts (off: judged without it)
    k = x.sibling
    last = x.sibling == x.n_siblings - 1
    return [
        1.0 if top and k == 0 else 0.0,
        1.0 if mid and top and k == 1 else 0.0,
        1.0 if mid and top and k == 2 else 0.0,
        1.0 if mid and top and k == 3 else 0.0,
        1.0 if mid and top and k >= 4 else 0.0,
        1.0 if top and last else 0.0,
        1.0 if sub and k == 0 else 0.0,
        1.0 if mid and sub and k == 1 else 0.0,
        1.0 if mid and sub and k >= 2 else 0.0,
        1.0 if sub and last else 0.0,
        x.rel_len,
        1.0 if x.rel_len >= 1.0 and not x.single else 0.0,
        1.0 if _QUESTION_RE.search(body) else 0.0,
        len(_LAW_CITE_RE.findall(body)) * 1000.0 / n,
        n / max(len(_SENTENCE_RE.findall(body)), 1),
        sum(1 for ln in lines if len(ln.strip()) <= 12) / max(len(lines), 1),  # table cells, lists of names
        math.log1p(len(lines)),
    ]


_TITLE_END_RE = re.compile(r"[\s：:。，,.、]+$")
#: generic words that may follow a title's head noun: '建議事項', '推動成果概述', '心得與建議'
_TITLE_SUFFIXES = ("", "事項", "部分", "情形", "方面", "概述", "概要", "與展望", "及展望", "與建議", "及建議")


def _title_has(title: str, word: str, short: bool) -> bool:
    if short:
        return word in title
    return any(title.endswith(word + suffix) for suffix in _TITLE_SUFFIXES)


def compile_cues(cues: dict[str, list[str]]) -> list[re.Pattern]:
    """One regex per cue group (alternation of its patterns), in sorted group order."""
    return [re.compile("|".join(f"(?:{w})" for w in words), re.M) for _, words in sorted(cues.items()) if words]


def cue_features(text: str, cue_res: Sequence[re.Pattern]) -> list[float]:
    n = max(len(text), 1)
    return [len(rx.findall(text)) * 1000.0 / n for rx in cue_res]


# -- the classifier ------------------------------------------------------------------------

#: the settings of training/configs/sections.cfg [classifier] (tests/sections/test_classifier.py checks they agree)
DEFAULT_CONFIG: dict[str, Any] = {
    "labels": list(LABELS),
    "body": {"weight": 1.0, "ngram_min": 1, "ngram_max": 3, "min_df": 2, "max_features": 20000},
    "subtree": {"weight": 0.6, "ngram_min": 1, "ngram_max": 2, "min_df": 2, "max_features": 10000},
    "heading": {"weight": 1.0, "ngram_min": 1, "ngram_max": 2, "min_df": 1, "max_features": 5000},
    "ancestors": {"weight": 3.0, "ngram_min": 1, "ngram_max": 2, "min_df": 1, "max_features": 5000},
    "dense_weight": 1.0,
    "clip": 3.0,
    "cue_weight": 1.0,
    "C": 4.0,
    "class_weight": "sqrt",
    "doc_balance": False,
    "max_iter": 2000,
    "heading_dropout": True,
    "heading_cue_weight": 0.0,
    "ancestor_cue_factor": 1.0,
    "own_cue_prior": 30.0,
    "ancestor_cue_prior": 10.0,
    "inherit_weight": 0.3,
    "headless_inherit_weight": 0.5,
    "own_body_chars": 300,
    "max_chars": 4000,
    "seed": 0,
    "structure_features": True,
    "structure_ordinals": True,
    "structure_weight": 1.0,
    "heading_prior": "mixture",
    "heading_mixture": 0.1,
    "ancestor_mixture": 0.6,
    "heading_cue_match": "head",
    "body_cue_weight": 0.6,
    "body_cue_cap": 3,
    "body_cue_chars": 600,
}

#: what a model saved before these settings existed was trained and tuned with (loading keeps its behaviour)
LEGACY_CONFIG: dict[str, Any] = {
    "structure_features": False,
    "heading_prior": "odds",
    "heading_cue_match": "any",
    "body_cue_weight": 0.0,
}

_BLOCKS = ("body", "subtree", "heading", "ancestors")


def _block_text(x: SectionInput, block: str) -> str:
    if block == "ancestors":
        return " | ".join(x.ancestors)
    return getattr(x, block)


def merge_config(base: dict[str, Any], override: dict[str, Any] | None) -> dict[str, Any]:
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in base.items()}
    for k, v in (override or {}).items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k].update(v)
        else:
            out[k] = v
    return out


class SectionClassifier:
    """Linear section-type classifier over text, cue and shape features."""

    def __init__(self, config: dict[str, Any] | None = None, cues: dict[str, list[str]] | None = None,
                 heading_cues: dict[str, list[str]] | None = None, body_cues: dict[str, list[str]] | None = None):
        self.config = merge_config(DEFAULT_CONFIG, config)
        self.labels: list[str] = list(self.config["labels"])
        self.cues: dict[str, list[str]] = dict(cues or {})
        self._cue_res = compile_cues(self.cues)
        self.heading_cues: dict[str, list[str]] = {k: list(v) for k, v in (heading_cues or {}).items()}
        self.body_cues: dict[str, list[str]] = {k: list(v) for k, v in (body_cues or {}).items()}
        self._body_res = [[re.compile(w, re.M) for w in self.body_cues.get(lab, ())] for lab in self.labels]
        self.vectorizers: dict[str, CharTfidf] = {}
        self.mean = np.zeros(0)
        self.scale = np.ones(0)
        self.coef = np.zeros((0, 0))
        self.intercept = np.zeros(0)

    @property
    def is_trained(self) -> bool:
        return self.coef.size > 0

    # -- features ----------------------------------------------------------------------------
    def _dense(self, xs: Sequence[SectionInput]) -> np.ndarray:
        structure = bool(self.config.get("structure_features"))
        ordinals = bool(self.config.get("structure_ordinals", True))
        rows = [dense_features(x) + (structure_features(x, ordinals) if structure else [])
                + cue_features(x.body, self._cue_res) + cue_features(x.subtree, self._cue_res) for x in xs]
        return np.log1p(np.asarray(rows, dtype=np.float64).reshape(len(xs), -1))

    def _n_dense(self) -> int:
        return len(DENSE_NAMES) + (len(STRUCTURE_NAMES) if self.config.get("structure_features") else 0)

    def heading_cue_vector(self, x: SectionInput) -> list[float]:
        """Indicators of the section types whose typical heading words occur in the own heading,
        else in the nearest ancestor heading that has any (times ``ancestor_cue_factor``)."""

        match = self._match_title
        if x.heading:
            own = match(x.heading)
            if any(own):
                return own
        for anc in x.ancestors:
            m = match(anc)
            if any(m):
                f = float(self.config["ancestor_cue_factor"])
                return [v * f for v in m]
        return [0.0] * len(self.labels)

    def _cue_prior(self, x: SectionInput) -> list[float]:
        """Odds multipliers from typical heading words: 1 + own_cue_prior for the types named by the
        own heading, else 1 + ancestor_cue_prior for those named by the nearest ancestor heading."""
        v = self.heading_cue_vector(x)
        if not any(v):
            return [1.0] * len(self.labels)
        own_match = bool(x.heading) and any(self._match_title(x.heading))
        beta = float(self.config["own_cue_prior"] if own_match else self.config["ancestor_cue_prior"])
        return [1.0 + beta * (1.0 if f > 0 else 0.0) for f in v]

    def _cue_mixture(self, xs: Sequence[SectionInput], p: np.ndarray) -> np.ndarray:
        """Typical heading words decide: a section whose own heading names types gets
        (1 - heading_mixture) of its mass spread over them and keeps heading_mixture of the model's
        distribution. A subsection without such a heading word of its own keeps its body's judgment
        (the parent's type comes in through the inheritance mixing); the untitled opening and
        top-level sections without a heading word keep the model's distribution."""
        alpha = float(self.config.get("heading_mixture", 0.1))
        beta = float(self.config.get("ancestor_mixture", 0.0))
        out = p.copy()
        for i, x in enumerate(xs):
            m = np.asarray(self._match_title(x.heading), dtype=np.float64) if x.heading else np.zeros(len(self.labels))
            if m.sum() > 0:
                out[i] = (1 - alpha) * m / m.sum() + alpha * p[i]
                continue
            if beta <= 0:
                continue
            for anc in x.ancestors:  # the nearest ancestor heading that names a type
                m = np.asarray(self._match_title(anc), dtype=np.float64)
                if m.sum() > 0:
                    out[i] = beta * m / m.sum() + (1 - beta) * p[i]
                    break
        return out

    def _match_title(self, title: str) -> list[float]:
        """Types whose typical heading words the title holds. ``heading_cue_match`` = "head": a long title
        must end with the word (its head noun: '執行現況', '參訪心得與建議事項'), so that '說明' inside
        '…本部評估意見說明如下：' does not make it a purpose; a title of up to 6 characters may hold it anywhere."""
        t = title.lower()
        if self.config.get("heading_cue_match", "any") == "head":
            t = _TITLE_END_RE.sub("", t)
            short = len(t) <= 6
            return [1.0 if any(_title_has(t, w.lower(), short) for w in self.heading_cues.get(lab, ())) else 0.0
                    for lab in self.labels]
        return [1.0 if any(w.lower() in t for w in self.heading_cues.get(lab, ())) else 0.0 for lab in self.labels]

    def _matrix(self, xs: Sequence[SectionInput]) -> sparse.csr_matrix:
        cfg = self.config
        blocks = [self.vectorizers[b].transform([_block_text(x, b) for x in xs]) * cfg[b]["weight"] for b in _BLOCKS]
        if self.heading_cues and cfg["heading_cue_weight"] > 0:
            hc = np.asarray([self.heading_cue_vector(x) for x in xs], dtype=np.float64).reshape(len(xs), -1)
            blocks.append(sparse.csr_matrix(hc * cfg["heading_cue_weight"]))
        dense = np.clip((self._dense(xs) - self.mean) / self.scale, -self.config["clip"], self.config["clip"])
        nd = self._n_dense()
        dense[:, :nd] *= cfg["dense_weight"]
        dense[:, nd:] *= cfg["cue_weight"]
        if cfg.get("structure_features"):  # the structure block has its own weight (weak tie-breakers)
            dense[:, len(DENSE_NAMES):nd] *= float(cfg.get("structure_weight", 1.0))
        blocks.append(sparse.csr_matrix(dense))
        return sparse.hstack(blocks, format="csr")

    # -- training ----------------------------------------------------------------------------
    def fit(self, docs: Sequence[Sequence[SectionInput]], labels: Sequence[Sequence[str]]) -> SectionClassifier:
        cfg = self.config
        xs: list[SectionInput] = []
        ys: list[str] = []
        ws: list[float] = []
        for doc, labs in zip(docs, labels, strict=True):
            doc_w = (1.0 / math.sqrt(max(len(doc), 1))) if cfg["doc_balance"] else 1.0
            for x, y in zip(doc, labs, strict=True):
                if y not in self.labels:
                    raise ValueError(f"unknown section label {y!r}")
                xs.append(x)
                ys.append(y)
                ws.append(doc_w)
                if cfg["heading_dropout"] and x.heading:
                    xs.append(SectionInput(**{**x.__dict__, "heading": ""}))
                    ys.append(y)
                    ws.append(doc_w)
        for b in _BLOCKS:
            bc = cfg[b]
            self.vectorizers[b] = CharTfidf(bc["ngram_min"], bc["ngram_max"], bc["min_df"], bc["max_features"]).fit(
                [_block_text(x, b) for x in xs]
            )
        dense = self._dense(xs)
        self.mean = dense.mean(axis=0)
        self.scale = dense.std(axis=0)
        self.scale[self.scale < 1e-9] = 1.0
        X = self._matrix(xs)
        self.coef, self.intercept = self._fit_lr(X, ys, ws)
        return self

    def _fit_lr(self, X: sparse.csr_matrix, ys: Sequence[str], ws: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
        from sklearn.linear_model import LogisticRegression

        cfg = self.config
        y = np.array([self.labels.index(v) for v in ys])
        present = sorted(set(y.tolist()))
        w = np.asarray(ws)
        counts = np.bincount(y, minlength=len(self.labels)).astype(float)
        if cfg["class_weight"] == "balanced":
            w = w * (len(y) / (len(present) * counts[y]))
        elif cfg["class_weight"] == "sqrt":
            w = w * np.sqrt(len(y) / (len(present) * counts[y]))
        w = w * (len(w) / w.sum())
        model = LogisticRegression(C=cfg["C"], max_iter=cfg["max_iter"], random_state=cfg["seed"])
        model.fit(X, y, sample_weight=w)
        coef = np.zeros((len(self.labels), X.shape[1]))
        intercept = np.full(len(self.labels), -1e4)  # labels never seen in training are never predicted
        if len(present) == 2:  # sklearn's binary case: one row of coefficients
            coef[present[1]] = model.coef_[0] / 2
            coef[present[0]] = -model.coef_[0] / 2
            intercept[present[1]] = model.intercept_[0] / 2
            intercept[present[0]] = -model.intercept_[0] / 2
        else:
            for row, cls in enumerate(model.classes_):
                coef[cls] = model.coef_[row]
                intercept[cls] = model.intercept_[row]
        return coef, intercept

    # -- prediction ----------------------------------------------------------------------------
    def raw_proba(self, xs: Sequence[SectionInput]) -> np.ndarray:
        """Per-section probabilities from the section's own features (no tree smoothing)."""
        if not self.is_trained:
            raise ValueError("The section classifier is not trained: run training/train_sections.py "
                             "and initialize the component with model_dir=…")
        if not xs:
            return np.zeros((0, len(self.labels)))
        scores = self._matrix(xs) @ self.coef.T + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        p = np.exp(scores)
        return p / p.sum(axis=1, keepdims=True)

    def body_cue_counts(self, x: SectionInput) -> list[int]:
        """For each type, how many of its deciding phrases (``section_rules.json: body_cues``) the
        beginning of the body holds (``body_cue_chars``), at most ``body_cue_cap``."""
        head = x.body[: int(self.config.get("body_cue_chars", 1500))]
        cap = int(self.config.get("body_cue_cap", 3))
        return [min(cap, sum(1 for rx in res if rx.search(head))) for res in self._body_res]

    def _body_prior(self, xs: Sequence[SectionInput], p: np.ndarray) -> np.ndarray:
        """Deciding phrases decide: when one type has n more distinct deciding phrases in a body than any
        other type, it takes 1 - (1 - body_cue_weight)^n of the probability mass; the model's
        distribution keeps the rest (one phrase: body_cue_weight; equal counts: no change)."""
        rho = float(self.config.get("body_cue_weight", 0.0))
        if rho <= 0 or not any(self._body_res):
            return p
        out = p.copy()
        for i, x in enumerate(xs):
            counts = sorted(((c, k) for k, c in enumerate(self.body_cue_counts(x))), reverse=True)
            lead = counts[0][0] - (counts[1][0] if len(counts) > 1 else 0)
            if lead > 0:
                share = 1.0 - (1.0 - rho) ** lead
                out[i] = (1.0 - share) * p[i]
                out[i, counts[0][1]] += share
        return out

    def predict_proba(self, xs: Sequence[SectionInput]) -> np.ndarray:
        """Probabilities for the sections of ONE document, smoothed over the section tree.

        Bottom-up, a section whose own body is short is judged mostly by its subsections
        (weight of its own prediction: body length / ``own_body_chars``, at most 1); then the odds
        of the types named by typical heading words are raised (``own_cue_prior`` for the own
        heading, ``ancestor_cue_prior`` for the nearest ancestor heading naming one); top-down,
        a subsection's distribution is mixed with its parent's (``inherit_weight``; for a subsection
        with no heading text at all — own and ancestor headings absent — ``headless_inherit_weight``,
        the parent's predicted type standing in for the missing parent heading). Sections
        with a fixed label (heading words such as 主旨) get it with probability 1.
        """
        own = self._body_prior(xs, self.raw_proba(xs))
        n = len(xs)
        children: list[list[int]] = [[] for _ in range(n)]
        for i, x in enumerate(xs):
            if x.parent is not None and 0 <= x.parent < i:
                children[x.parent].append(i)
        agg = own.copy()
        full = float(self.config["own_body_chars"])
        for i in range(n - 1, -1, -1):  # children come after their parent
            if children[i] and full > 0:
                lam = min(1.0, len(xs[i].body.strip()) / full)
                agg[i] = lam * own[i] + (1 - lam) * agg[children[i]].mean(axis=0)
        if self.heading_cues and self.config.get("heading_prior") == "mixture":
            agg = self._cue_mixture(xs, agg)
        elif self.heading_cues and (self.config["own_cue_prior"] > 0 or self.config["ancestor_cue_prior"] > 0):
            agg = agg * np.asarray([self._cue_prior(x) for x in xs]).reshape(agg.shape)
            agg /= agg.sum(axis=1, keepdims=True)
        out = agg.copy()
        w_anc = float(self.config["inherit_weight"])
        # a subsection with no heading text above it (all headings removed) leans more on its
        # parent's predicted type: the parent's distribution stands in for the missing parent heading
        w_bare = float(self.config.get("headless_inherit_weight", w_anc))
        for i, x in enumerate(xs):
            w = w_anc if (x.heading or x.ancestors) else w_bare
            if x.parent is not None and 0 <= x.parent < i and w > 0:
                out[i] = (1 - w) * agg[i] + w * out[x.parent]
            if x.fixed_label in self.labels:
                out[i] = 0.0
                out[i, self.labels.index(x.fixed_label)] = 1.0
        return out

    def predict(self, xs: Sequence[SectionInput]) -> list[tuple[str, float]]:
        p = self.predict_proba(xs)
        return [(self.labels[int(r.argmax())], float(r.max())) for r in p]

    # -- serialisation ----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "tcbio.SectionClassifier.v1",
            "config": self.config,
            "labels": self.labels,
            "cues": self.cues,
            "heading_cues": self.heading_cues,
            "body_cues": self.body_cues,
            "vectorizers": {b: v.to_dict() for b, v in self.vectorizers.items()},
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": {"shape": list(self.coef.shape), "data": self.coef.astype("<f8").tobytes()},
            "intercept": self.intercept.tolist(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SectionClassifier:
        if d.get("format") != "tcbio.SectionClassifier.v1":
            raise ValueError(f"not a tcbio section classifier: {d.get('format')!r}")
        clf = cls({**LEGACY_CONFIG, **d["config"]}, d["cues"], d.get("heading_cues"), d.get("body_cues"))
        clf.labels = list(d["labels"])
        clf.vectorizers = {b: CharTfidf.from_dict(v) for b, v in d["vectorizers"].items()}
        clf.mean = np.asarray(d["mean"], dtype=np.float64)
        clf.scale = np.asarray(d["scale"], dtype=np.float64)
        shape = tuple(d["coef"]["shape"])
        clf.coef = np.frombuffer(d["coef"]["data"], dtype="<f8").reshape(shape).copy()
        clf.intercept = np.asarray(d["intercept"], dtype=np.float64)
        return clf

    def to_bytes(self) -> bytes:
        return srsly.msgpack_dumps(self.to_dict())

    @classmethod
    def from_bytes(cls, data: bytes) -> SectionClassifier:
        return cls.from_dict(srsly.msgpack_loads(data))
