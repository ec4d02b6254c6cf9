"""Shared constants and the settings that must agree with the configs."""

from __future__ import annotations

from pathlib import Path

from thinc.api import Config

from tcbio_nlp.numerals import chinese_ordinal, parse_number
from tcbio_nlp.sections.classifier import DEFAULT_CONFIG

ROOT = Path(__file__).resolve().parents[1]


def test_classifier_defaults_are_the_training_config() -> None:
    """The code defaults of the section classifier are those of training/configs/sections.cfg."""
    cfg = Config().from_disk(ROOT / "training/configs/sections.cfg")["classifier"]
    for key, value in cfg.items():
        assert DEFAULT_CONFIG[key] == value, key


def test_one_numeral_parser_for_amounts_and_headings() -> None:
    assert parse_number("6億3,283萬2,421") == 632832421
    assert parse_number("八○○") == 800
    assert parse_number("四百萬") == 4_000_000
    assert [chinese_ordinal(s) for s in ("一", "十二", "二十三", "拾貳", "壹", "一百零五")] == [1, 12, 23, 12, 1, 105]
    assert chinese_ordinal("第一") is None and chinese_ordinal("") is None
