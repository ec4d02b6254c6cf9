"""The resource layer (tcbio_nlp/resources.py): registries loaded once, stored once, shared."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import spacy
from spacy.util import load_config

import tcbio_nlp
from tcbio_nlp.resources import AGENCY_TABLE, PRODUCT_TABLE, agency_names, create_resources, lexicon_names

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
MODELS = ROOT / "models"
# an absolute POSIX or Windows path, a home directory, or a folder of this machine
MACHINE_PATH = re.compile(r"^(?:/|~|[A-Za-z]:[\\/]|\\\\)|/home/|/Users/|/root/|/tmp/|/work/")


def _strings(value: object) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


@pytest.mark.parametrize("config", sorted(MODELS.rglob("config.cfg")), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_shipped_config_records_a_machine_path(config: Path) -> None:
    values = _strings(load_config(config, interpolate=True))
    assert values and not [v for v in values if MACHINE_PATH.search(v)]


def test_no_shipped_file_records_a_machine_path() -> None:
    for path in MODELS.rglob("*.json"):
        assert not re.search(r'"(?:/|[A-Za-z]:\\\\)(?:home|root|tmp|work|Users)', path.read_text("utf8")), path


def test_shipped_config_rebuilds_the_pipeline_it_ships() -> None:
    """The saved config names the registered loaders, not a build script: `spacy assemble` can read it."""
    config = load_config(tcbio_nlp.model_path() / "config.cfg")
    assert config["initialize"]["lookups"]["@misc"] == "tcbio.resources.v1"
    assert config["nlp"]["tokenizer"]["@tokenizers"] == "tcbio.Segmenter.v1"


def test_each_registry_is_stored_once_in_the_shipped_pipeline(nlp) -> None:
    assert {AGENCY_TABLE, PRODUCT_TABLE} <= set(nlp.vocab.lookups.tables)
    path = tcbio_nlp.model_path()
    for component in ("tcbio_agency_gazetteer", "tcbio_product_gazetteer", "tcbio_entity_norm"):
        stored = "".join(p.read_text("utf8") for p in (path / component).glob("*") if p.is_file())
        assert "衛生福利部" not in stored and len(stored) < 2000, component
    protected = (path / "tokenizer" / "protected.json").read_text("utf8")
    assert "衛生福利部" not in protected
    # and yet every component that needs the names has them
    assert nlp.get_pipe("tcbio_entity_norm").registry.canonical("國科會") == "國家科學及技術委員會"
    assert "衛生福利部" in nlp.tokenizer.lexicon
    assert len(nlp.get_pipe("tcbio_agency_gazetteer").registry) == len(agency_names(nlp.vocab))


def test_components_share_the_vocab_tables_through_to_disk_and_load(nlp, tmp_path) -> None:
    text = "國科會補助衛福部食藥署新臺幣6億3,283萬2,421元，核發衛部藥製字第058540號藥品許可證。"
    before = [(e.text, e.label_, e._.norm) for e in nlp(text).ents]
    nlp.to_disk(tmp_path / "pipeline")
    again = spacy.load(tmp_path / "pipeline")
    assert [(e.text, e.label_, e._.norm) for e in again(text).ents] == before
    assert again.tokenizer.lexicon == nlp.tokenizer.lexicon


@pytest.mark.skipif(not (SHARED / "data" / "tfda_licenses").is_dir(), reason="shared data folder missing")
def test_loader_reads_the_data_files_once_into_two_tables() -> None:
    lookups = create_resources(str(SHARED / "data/tw_agencies/tw_gov_org_2016_output.json"),
                               str(SHARED / "data/tfda_licenses"))
    vocab = spacy.blank("zh").vocab
    vocab.lookups = lookups
    names = lexicon_names(vocab)
    assert "衛生福利部食品藥物管理署" in names
    products = lookups.get_table(PRODUCT_TABLE)
    assert products.get("chinese") and products.get("other")
    assert not set(products.get("chinese")) & set(products.get("other"))
