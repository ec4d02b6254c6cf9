"""Issue 14, linear cost: the work of ``nlp(text)`` per character stays flat as inputs grow.

Counted as operations, never as wall time: the Python lines executed in ``tcbio_nlp`` (where the
quadratic entity merging was), and for the regexes (whose work happens in C) the number of
positions a search can start from, with the matches themselves unchanged.
"""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import tcbio_nlp
from tcbio_nlp.entities.patterns import compile_patterns, default_entity_patterns
from tcbio_nlp.products import _STRENGTH

PACKAGE = str(Path(tcbio_nlp.__file__).parent)


def lines_run(fn: Callable[[], object]) -> int:
    """Python lines executed in tcbio_nlp's own files while ``fn()`` runs."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def tracer(frame, event, arg):
        return local if frame.f_code.co_filename.startswith(PACKAGE) else None

    sys.settrace(tracer)
    try:
        fn()
    finally:
        sys.settrace(None)
    return count


def dense(n: int) -> str:
    return ("衛福部食藥署核發許可證。" * 2000)[:n]


@pytest.mark.parametrize("make,small", [(dense, 1_500), (lambda n: "1" * n, 500)])
def test_operations_per_character_flat(nlp, make, small):
    nlp(make(small))  # warm-up: caches filled on the first call are not per-character work
    per_char = [lines_run(lambda n=n: nlp(make(n))) / n for n in (small, 4 * small)]
    assert per_char[1] <= 1.5 * per_char[0], per_char


def plain(patterns: list[str]) -> re.Pattern:
    """The patterns joined as before the guards (starting inside a number or at whitespace, atomic whitespace)."""
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def stripped(rx: re.Pattern, text: str) -> list[tuple[int, int]]:
    """Match spans without their edge whitespace, as both users of the patterns take them."""
    spans = []
    for m in rx.finditer(text):
        a, b = m.span()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        spans.append((a, b))
    return spans


ALPHABET = [*"0123456789１２,.  \n元萬億第號字衛部藥輸$NT臺幣新美至-一千百", "新臺幣", "美元", "衛部藥輸字第", "NT$",
            "億元", "   ", "\n\n  "]


@pytest.mark.parametrize("label", ["LICENSE_NO", "MONEY", "protected"])
def test_guarded_patterns_match_the_same(label):
    shipped = default_entity_patterns()
    patterns = shipped["LICENSE_NO"] + shipped["MONEY"] if label == "protected" else shipped[label]
    guarded, unguarded = compile_patterns(patterns), plain(patterns)
    rng = random.Random(14)
    texts = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 30))) for _ in range(20_000)]
    texts += ["新臺幣" + "9" * 40 + "元", "1" * 300 + "元", "12,345,678元", "衛部藥輸字第 0 2 6 5 4 3 號",
              "  新臺幣 4,880 萬元", "新臺幣3億\n5,000萬元", "第 061572 號", "衛部藥製第 061572  號 ",
              "公報  第107卷\n\n" + " " * 12 + "38\n\n" + " " * 12 + "37元"]
    for text in texts:
        assert stripped(guarded, text) == stripped(unguarded, text), text


def test_whitespace_is_matched_atomically_and_never_starts_a_search():
    """A run of whitespace is taken whole by one ``\\s*`` (never shared out between the five in a row
    of the MONEY pattern: polynomial in the run's length), and no search starts inside it."""
    money = default_entity_patterns()["MONEY"]
    rx = compile_patterns(money)
    spaces = [m.start() for m in re.finditer(r"\\s\*", rx.pattern)]
    assert spaces and all(rx.pattern[i - 1] == ">" for i in spaces)  # each inside (?=(?P<_wsN>\s*))
    text = " " * 40 + "5元"
    assert [p for p in range(len(text)) if plain(money).match(text, p)] == list(range(41))
    assert [p for p in range(len(text)) if rx.match(text, p)] == [40]


def test_guarded_patterns_start_once_per_digit_run():
    """A search over a digit run runs to the run's end from one position, not from each of its digits."""
    rx = compile_patterns(default_entity_patterns()["MONEY"])
    text = "1" * 200 + "元"
    assert [p for p in range(len(text)) if plain(default_entity_patterns()["MONEY"]).match(text, p)] == list(range(200))
    assert [p for p in range(len(text)) if rx.match(text, p)] == [0]


def test_strength_first_match_unchanged_and_starts_once_per_run():
    old = re.compile(r"[\s\d０-９.．,，/／%％]*[\d０-９][\d０-９.．,，]*\s*"
                     r"(?:毫克|公絲|公克|微克|毫升|公撮|單位|國際單位|%|％|mg|mcg|µg|g|ml|iu|u|w/w|w/v)",
                     re.IGNORECASE)
    alphabet = [*" 1９.．,，/／%％a錠毫克mgGuIw\n", "毫克", "國際單位", "mcg"]
    rng = random.Random(14)
    for _ in range(50_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        assert _STRENGTH.split(text, maxsplit=1)[0] == old.split(text, maxsplit=1)[0], text
    run = "1" * 100 + "mg"
    assert [p for p in range(len(run)) if _STRENGTH.match(run, p)] == [0]
