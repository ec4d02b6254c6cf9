"""`tcbio tag --format html` rendered in a real browser: Debian's headless Chromium.

The page is produced by the real command on seed documents, loaded by Chromium from a
file URL, and the DOM *after* Chromium has parsed and rendered it (``--dump-dom``) must
hold every entity as displaCy markup and the section outline with working anchors; a
screenshot must come out. Skipped when Chromium is not installed
(``apt-get install -y chromium``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_cli import MODEL_ARGS, REAL, TCBIO, seed

CHROMIUM = next((c for c in ("chromium", "chromium-browser", "google-chrome") if shutil.which(c)), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)")

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
]


class _Dom(HTMLParser):
    """Entity marks (text, label), outline items, anchors and ids of a dumped DOM."""

    def __init__(self) -> None:
        super().__init__()
        self.marks: list[list[str]] = []
        self.outline: list[dict] = []
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.docs = 0
        self._in_mark = 0
        self._in_label = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get("class") or ""
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "section" and "tcbio-doc" in cls:
            self.docs += 1
        if tag == "mark" and "entity" in cls:
            self._in_mark = 1
            self.marks.append(["", ""])
        elif self._in_mark and tag == "span":  # displaCy's label inside the mark
            self._in_label = True
        if tag == "li" and cls.startswith("level-"):
            self.outline.append(a)
        if tag == "a" and (a.get("href") or "").startswith("#"):
            self.links.append(a["href"][1:])

    def handle_endtag(self, tag):
        if tag == "span" and self._in_label:
            self._in_label = False
        elif tag == "mark" and self._in_mark:
            self._in_mark = 0

    def handle_data(self, data):
        if self._in_mark:
            self.marks[-1][1 if self._in_label else 0] += data


def _chromium(*args: str, profile: Path, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("chromium")
    paths = [str(seed("000")), str(seed("002"))]
    page = tmp / "tagged.html"
    proc = subprocess.run(
        [*TCBIO, "tag", *paths, "--format", "html", "--output", str(page), *MODEL_ARGS],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    jsonl = subprocess.run(
        [*TCBIO, "tag", *paths, *MODEL_ARGS], capture_output=True, text=True, timeout=600, check=True
    ).stdout
    records = [json.loads(line) for line in jsonl.splitlines()]
    dom = _chromium("--dump-dom", page.as_uri(), profile=tmp / "profile")
    assert dom.returncode == 0, dom.stderr[-2000:]
    return {"page": page, "dom": dom.stdout, "records": records, "tmp": tmp}


def test_entities_are_in_the_rendered_dom(rendered) -> None:
    dom = _Dom()
    dom.feed(rendered["dom"])
    assert dom.docs == 2
    expected = [(e["text"], e["label"]) for r in rendered["records"] for e in r["entities"]]
    got = [(text.strip(), label.strip()) for text, label in dom.marks]
    assert got == expected
    if REAL:
        assert expected, "the seeds have entities"
        assert {label for _, label in got} <= {"AGENCY", "PRODUCT", "LICENSE_NO", "MONEY"}


def test_section_outline_is_in_the_rendered_dom(rendered) -> None:
    dom = _Dom()
    dom.feed(rendered["dom"])
    sections = [s for r in rendered["records"] for s in r["sections"]]
    assert len(dom.outline) == len(sections)
    assert [item.get("data-label") for item in dom.outline] == [s["label"] for s in sections]
    assert set(dom.links) <= dom.ids, "every outline link points at a rendered section"
    if REAL:
        assert dom.outline
    for record in rendered["records"]:
        assert record["id"] in rendered["dom"]


def test_page_renders_to_a_screenshot(rendered) -> None:
    shot = rendered["tmp"] / "page.png"
    proc = _chromium(
        f"--screenshot={shot}", "--window-size=1280,1600", rendered["page"].as_uri(), profile=rendered["tmp"] / "p2"
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
