"""A faster drop-in for spacy-pkuseg's per-character feature function.

spacy-pkuseg's ``feature_extractor.__get_node_features_idx`` (what ``FeatureExtractor.
get_node_features_idx`` calls) builds, for every character, 20 substrings with their
unigram look-ups and about 50 feature strings with their dict look-ups for the ``ww.l.`` /
``ww.r.`` word features, nearly all of them the same ``**noWord`` combinations: ~90% of the
segmenter's time. ``PkusegFeatures`` gives, for every position of a run at once, the same
feature indices in the same order and with the same duplicates (the Viterbi adds the weights
up in list order, so keeping the order keeps its floating-point sums bit for bit). It looks
for dictionary words only where two characters begin or end one, and caches the blocks of
features that belong to a pair of characters and to the dictionary words around a
position, between calls.
"""

from __future__ import annotations

import itertools
import re
from operator import itemgetter
from typing import Any

from spacy_pkuseg import feature_extractor as _pkuseg_features
from spacy_pkuseg.config import config as pkuseg_config

_NO_WORD = "**noWord"
# beyond this many cached entries the caches start over (a bound on memory)
_MAX_CACHE = 1_000_000
# characters that stand for a node of several characters (pkuseg's "**Num", "**Letter"): a
# private-use plane, from the top down
_FIRST_CODE = 0x10FFFD
_MAX_CODES = 1000

#: spacy-pkuseg's own function: ``original_node_features(config, i, nodes, feature_to_idx, unigram)``
original_node_features = getattr(_pkuseg_features, "__get_node_features_idx")

Block = tuple[int, ...]
Words = tuple[str | None, ...]
_FIRST, _SECOND, _THIRD, _FOURTH = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(3)


def node_features(
    nodes: list[str], feature_to_idx: dict[str, int], unigram: set[str], word_min: int, word_max: int
) -> list[list[int]]:
    """For every position of `nodes`, the feature indices that ``__get_node_features_idx`` gives.

    A one-off call; ``PkusegFeatures`` keeps its tables and caches between calls.
    """
    return PkusegFeatures(feature_to_idx, unigram, word_min=word_min, word_max=word_max, word_feature=True)(nodes)


class PkusegFeatures:
    """``__get_node_features_idx`` for all positions of a run at once, with caches kept between calls.

    Built from a pkuseg ``FeatureExtractor`` (or its ``feature_to_idx`` and ``unigram``), which
    must not change afterwards (pkuseg never changes them once loaded); ``wordMin``, ``wordMax``
    and ``wordFeature`` come from ``spacy_pkuseg.config.config`` unless given. Settings or
    nodes it is not made for (no word features, ``word_min`` < 2, "" a word, an empty node, a
    node of several characters that is part of a word) go to the original function.

    Every run is written as a string with one character a node (a node of several characters
    becomes a private-use character of its own, which no dictionary word contains), so that a
    pair of nodes is a two-character string (the cache key of its features) and the words are
    substrings, found by walking the prefixes (suffixes) of the dictionary words.
    """

    def __init__(
        self,
        feature_to_idx: dict[str, int] | Any,
        unigram: set[str] | None = None,
        *,
        word_min: int | None = None,
        word_max: int | None = None,
        word_feature: bool | None = None,
    ) -> None:
        if unigram is None:  # a FeatureExtractor
            feature_to_idx, unigram = feature_to_idx.feature_to_idx, feature_to_idx.unigram
        self.feature_to_idx: dict[str, int] = feature_to_idx
        self.unigram: set[str] = unigram
        self.word_min = int(pkuseg_config.wordMin if word_min is None else word_min)
        self.word_max = int(pkuseg_config.wordMax if word_max is None else word_max)
        self.word_feature = bool(pkuseg_config.wordFeature if word_feature is None else word_feature)
        # lengths in the original's order, longest first
        self._lengths = list(range(self.word_max, self.word_min - 1, -1))
        # get_slice_str gives "" out of range: fine as long as "" is no word
        self._fast = self.word_feature and self.word_min >= 2 and "" not in unigram
        # every prefix (suffix) of 2+ characters of a dictionary word of word_min..word_max
        # characters -> whether it is such a word itself: words are found by walking these
        words = [w for w in unigram if self.word_min <= len(w) <= self.word_max]
        self._prefixes: dict[str, bool] = {w[:k]: False for w in words for k in range(2, len(w))}
        self._suffixes: dict[str, bool] = {w[-k:]: False for w in words for k in range(2, len(w))}
        self._prefixes.update(dict.fromkeys(words, True))
        self._suffixes.update(dict.fromkeys(words, True))
        self._word_chars = set().union(*unigram)
        self._codes: dict[str, str] = {}  # node of several characters -> its character
        self._next_code = _FIRST_CODE
        self._code_re: re.Pattern[str] | None = None  # finds those characters in a run's own text
        self._clear()

    def _clear(self) -> None:
        self._single: dict[str, tuple[Block, Block, Block, Block, Block]] = {}
        self._pair: dict[str, tuple[Block, Block, Block, Block]] = {}
        self._word_tuples: list[Words] = []
        self._word_ids: dict[Words, int] = {}
        self._w_ending: list[Block] = []  # by word-tuple id: w-1. features
        self._w_starting: list[Block] = []  # by word-tuple id: w1. features
        self._word_id((None,) * len(self._lengths))  # id 0: no dictionary word of any length
        self._ww_left: dict[tuple[int, int], Block] = {}  # (prelst_ex, postlst_in) ids: ww.l. features
        self._ww_right: dict[tuple[int, int], Block] = {}  # (prelst_in, postlst_ex) ids: ww.r. features
        self._word_blocks: dict[tuple[int, int, int, int], Block] = {}
        self._no_word_block = self._word_block((0, 0, 0, 0))

    def _cache_size(self) -> int:
        return len(self._pair) + len(self._word_blocks) + len(self._ww_left) + len(self._ww_right)

    # -- the run as one character a node --------------------------------------------------
    def _encode(self, nodes: list[str]) -> str | None:
        """The run with every node of several characters as its own private-use character; None
        where that cannot stand for it (an empty node, or one that is part of a dictionary word)."""
        codes = self._codes
        enc = "".join([codes.get(c, c) for c in nodes])
        if len(enc) == len(nodes) and "" not in nodes:
            return enc
        for node in set(nodes):
            if len(node) == 1 or node in codes:
                continue
            if not node or len(codes) >= _MAX_CODES or any(node in w for w in self.unigram):
                return None
            while chr(self._next_code) in self._word_chars:
                self._next_code -= 1
            codes[node] = chr(self._next_code)
            self._next_code -= 1
            self._code_re = re.compile("[" + re.escape("".join(codes.values())) + "]")
            self._clear()  # a cached pair may hold that character as itself
        return "".join([codes.get(c, c) for c in nodes])

    # -- cached blocks --------------------------------------------------------------------
    def _lookup(self, feat: str) -> Block:
        idx = self.feature_to_idx.get(feat)
        return () if idx is None else (idx,)

    def _pair_block(self, key: str, a: str, b: str) -> tuple[Block, Block, Block, Block]:
        """For nodes a, b at j, j + 1 (written `key`): what they give position j + 1 ($$, c. b,
        c-1. a, c-1c. a.b), position j (c1. b, cc1. a.b), position j + 2 (c-2. a, c-2c-1. a.b)
        and position j - 1 (c2. b)."""
        look = self._lookup
        sa, sb = self._single_block(a), self._single_block(b)
        ab = a + "." + b
        block = (sb[0] + sa[1] + look("c-1c." + ab), sb[2] + look("cc1." + ab), sa[3] + look("c-2c-1." + ab), sb[4])
        self._pair[key] = block
        return block

    def _single_block(self, c: str) -> tuple[Block, Block, Block, Block, Block]:
        """Features of node c: ($$, c.) (the $$ feature, 0, is the first of every position), c-1., c1., c-2., c2."""
        block = self._single.get(c)
        if block is None:
            look = self._lookup
            block = ((0, *look("c." + c)), look("c-1." + c), look("c1." + c), look("c-2." + c), look("c2." + c))
            self._single[c] = block
        return block

    def _word_id(self, words: Words) -> int:
        """Id of a tuple of dictionary words (longest first, None where none); with it go its
        w-1. features (the words end at a position) and w1. features (they start there)."""
        wid = self._word_ids.get(words)
        if wid is None:
            wid = self._word_ids[words] = len(self._word_tuples)
            self._word_tuples.append(words)
            get = self.feature_to_idx.get
            for prefix, blocks in (("w-1.", self._w_ending), ("w1.", self._w_starting)):
                blocks.append(tuple(i for w in words if w is not None and (i := get(prefix + w)) is not None))
        return wid

    def _ww_block(self, prefix: str, cache: dict[tuple[int, int], Block], pre_id: int, post_id: int) -> Block:
        """ww.l. / ww.r. features: every (word or **noWord before) * (word or **noWord after), in order."""
        pres, posts = self._word_tuples[pre_id], self._word_tuples[post_id]
        get = self.feature_to_idx.get
        if pre_id == 0:  # **noWord before for every length: the same row each time
            head = prefix + _NO_WORD + "*"
            block = tuple(i for post in posts if (i := get(head + (post or _NO_WORD))) is not None) * len(pres)
        elif post_id == 0:  # **noWord after for every length
            tail = "*" + _NO_WORD
            block = ()
            for pre in pres:
                if (i := get(prefix + (pre or _NO_WORD) + tail)) is not None:
                    block += (i,) * len(posts)
        else:
            names = [post or _NO_WORD for post in posts]
            block = ()
            for pre in pres:
                head = prefix + (pre or _NO_WORD) + "*"
                block += tuple(i for post in names if (i := get(head + post)) is not None)
        cache[pre_id, post_id] = block
        return block

    def _word_block(self, key: tuple[int, int, int, int]) -> Block:
        """The word features of a position, from the ids of the words ending before it (prelst_ex),
        ending at it (prelst_in), starting at it (postlst_in) and starting after it (postlst_ex)."""
        pre_ex, pre_in, post_in, post_ex = key
        left = self._ww_left.get((pre_ex, post_in))
        if left is None:
            left = self._ww_block("ww.l.", self._ww_left, pre_ex, post_in)
        right = self._ww_right.get((pre_in, post_ex))
        if right is None:
            right = self._ww_block("ww.r.", self._ww_right, pre_in, post_ex)
        block = self._w_ending[pre_in] + self._w_starting[post_in] + left + right
        self._word_blocks[key] = block
        return block

    def _words_at(self, table: dict[str, bool], enc: str, at: int, forward: bool) -> int:
        """Id of the dictionary words starting (``forward``) or ending at ``at``; 0 when none.

        ``table`` maps every prefix (suffix) of a dictionary word to whether it is a word itself.
        """
        row = None
        for length in range(2, min(self.word_max, len(enc) - at if forward else at) + 1):
            is_word = table.get(word := enc[at : at + length] if forward else enc[at - length : at])
            if is_word is None:  # no dictionary word goes on like this
                break
            if is_word:
                if row is None:
                    row = [None] * len(self._lengths)
                row[self.word_max - length] = word
        return 0 if row is None else self._word_id(tuple(row))

    # -- all positions --------------------------------------------------------------------
    def _word_features(self, enc: str, bigrams: list[str]) -> list[Block]:
        """The word-feature block of every position of the encoded run `enc`."""
        n = len(enc)
        prefixes, suffixes = self._prefixes, self._suffixes
        starts = list(itertools.compress(range(n - 1), map(prefixes.__contains__, bigrams)))
        if not starts:  # no dictionary word in the run
            return [self._no_word_block] * n
        # ids of the words (longest first) starting at k / ending at k - 1, for k in 0..n (0: none)
        start_ids = [0] * (n + 1)
        for s in starts:
            start_ids[s] = self._words_at(prefixes, enc, s, forward=True)
        if not any(start_ids):
            return [self._no_word_block] * n
        end_ids = [0] * (n + 1)
        for k in itertools.compress(range(2, n + 1), map(suffixes.__contains__, bigrams)):
            end_ids[k] = self._words_at(suffixes, enc, k, forward=False)
        # position i: prelst_ex = end_ids[i], prelst_in = end_ids[i + 1], postlst_in = start_ids[i],
        # postlst_ex = start_ids[i + 1]
        keys = list(zip(end_ids, end_ids[1:], start_ids, start_ids[1:], strict=False))
        blocks = list(map(self._word_blocks.get, keys))
        if None in blocks:
            blocks = [b if b is not None else self._word_block(k) for b, k in zip(blocks, keys, strict=True)]
        return blocks

    def __call__(self, nodes: list[str]) -> list[list[int]]:
        """Feature-index lists of every position of `nodes` (pkuseg's normalised characters)."""
        n = len(nodes)
        if n == 0:
            return []
        text = "".join(nodes)
        enc = text if len(text) == n and "" not in nodes else self._encode(nodes) if self._fast else None
        # (a character that stands for a node of several characters must not be in the run itself)
        if enc is None or not self._fast or (self._code_re is not None and self._code_re.search(text)):
            fti, unigram = self.feature_to_idx, self.unigram
            return [original_node_features(pkuseg_config, i, nodes, fti, unigram) for i in range(n)]
        if self._cache_size() > _MAX_CACHE:
            self._clear()
        bigrams = [enc[j : j + 2] for j in range(n - 1)]
        pairs = list(map(self._pair.get, bigrams))
        if None in pairs:
            pair_block = self._pair_block
            pairs = [
                p if p is not None else pair_block(k, nodes[j], nodes[j + 1])
                for j, (p, k) in enumerate(zip(pairs, bigrams, strict=True))
            ]
        empty: Block = ()
        # position i: ($$, c., c-1., c-1c.) from pair i-1 (but for i = 0), (c1., cc1.) from pair i,
        # (c-2., c-2c-1.) from pair i-2, c2. from pair i+1, then the word features
        return [
            [*own, *after, *before2, *after2, *words]
            for own, after, before2, after2, words in zip(
                itertools.chain((self._single_block(nodes[0])[0],), map(_FIRST, pairs)),
                itertools.chain(map(_SECOND, pairs), (empty,)),
                itertools.chain((empty, empty), map(_THIRD, pairs)),
                itertools.chain(map(_FOURTH, pairs[1:]), (empty, empty)),
                self._word_features(enc, bigrams),
                strict=False,
            )
        ]
