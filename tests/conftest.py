from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"


@pytest.fixture(scope="session")
def nlp():
    """The shipped pipeline, loaded once for the whole test session."""
    import tcbio_nlp

    return tcbio_nlp.load()


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    return {p.name: p.read_text("utf8") for p in sorted(SEEDS.glob("*.txt"))}
