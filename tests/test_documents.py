"""PDF and Word input (``tcbio_nlp.documents`` and ``tcbio tag``) on real files made from a seed
document (``tests/fixtures/make_documents.py``): a three-page PDF printed with an embedded CJK
font, with running headers and page-number footers, a licence number broken across a line and
an amount broken across a page; the same text as a DOCX; a scanned PDF without a text layer; and
a draft-regulation notice of the genre pool as a government web page (HTML with scripts, styles, a
site header, lists and a table), whose entities and headings must be those of its plain text."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from test_cli import REAL, error_lines, tcbio

import tcbio_nlp
from tcbio_nlp.documents import ExtractionError, extract_file, tag_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PDF, DOCX, SCANNED = FIXTURES / "report.pdf", FIXTURES / "report.docx", FIXTURES / "scanned.pdf"
HTML = FIXTURES / "notice.html"
#: the plain text HTML was made from (tests/fixtures/make_documents.py)
NOTICE = FIXTURES.parents[1].parent / "shared" / "data" / "genre_pool" / "regulation_draft_notice" / "eyg_71369.txt"


def test_pdf_text_in_reading_order_without_headers_footers_and_page_numbers() -> None:
    found = extract_file(PDF)
    assert found.kind == "PDF"
    assert [p["page"] for p in found.pages] == [1, 2, 3]
    assert found.text.startswith("精益求精")
    assert "國家發展委員會\u3000產業發展處" not in found.text  # the running header …
    assert "- 1 -" not in found.text and "- 3 -" not in found.text  # … and the page numbers are gone
    assert found.text.index("壹、前言") < found.text.index("貳、重點推動策略") < found.text.index("肆、審查案例")
    for a, b in zip(found.pages, found.pages[1:], strict=False):
        assert a["end"] < b["start"] and found.text[a["end"]:b["start"]] == "\n"
    assert found.text[found.pages[2]["start"]:found.pages[2]["end"]] == "5,000萬元，由國家發展委員會統籌辦理。"


def test_scanned_pdf_is_a_clear_error() -> None:
    with pytest.raises(ExtractionError, match="without a text layer"):
        extract_file(SCANNED)


@pytest.mark.skipif(not REAL, reason="needs the shipped pipeline")
@pytest.mark.parametrize("path", [PDF, DOCX])
def test_broken_licence_number_and_amount_come_out_whole(nlp, path: Path) -> None:
    doc = tag_file(nlp, path)
    ents = {e.label_: e for e in doc.ents if e.label_ in ("LICENSE_NO", "MONEY") and "5,000" in e.text
            or e.label_ == "LICENSE_NO" and "8498" in e.text}
    assert ents["LICENSE_NO"]._.norm["canonical"] == "衛部藥製字第058498號"
    assert str(ents["MONEY"]._.norm["value"]) == "350000000"
    record = json.loads(json.dumps(tcbio_nlp.doc_to_json(doc)))
    assert ("pages" in record) == (path == PDF)


def test_tcbio_tag_reads_pdf_and_docx_and_names_the_scanned_one(tmp_path) -> None:
    proc = tcbio("tag", str(PDF), str(SCANNED), str(DOCX))
    assert proc.returncode == 1
    (line,) = error_lines(proc.stderr)
    assert "scanned.pdf" in line and "without a text layer" in line
    pdf, docx = (json.loads(line) for line in proc.stdout.splitlines())
    text = extract_file(PDF).text
    assert pdf["text"] == text and pdf["pages"] == extract_file(PDF).pages
    assert "pages" not in docx
    for rec in (pdf, docx):
        assert all(rec["text"][e["start"]:e["end"]] == e["text"] for e in rec["entities"])
    if REAL:
        licence = next(e for e in pdf["entities"] if e["label"] == "LICENSE_NO" and "8498" in e["text"])
        assert licence["text"] == "衛部藥製字第05\n8498號"
        money = next(e for e in pdf["entities"] if e["label"] == "MONEY" and "5,000" in e["text"])
        assert money["text"] == "新臺幣3億\n5,000萬元" and money["norm"]["value"] == 350000000
        assert money["start"] < pdf["pages"][1]["end"] < pdf["pages"][2]["start"] < money["end"]
    # a directory walk picks both documents up
    d = tmp_path / "docs"
    d.mkdir()
    shutil.copy(PDF, d / "a.pdf")
    shutil.copy(DOCX, d / "b.docx")
    walked = tcbio("tag", str(d))
    assert walked.returncode == 0
    assert [json.loads(x)["id"] for x in walked.stdout.splitlines()] == [str(d / "a.pdf"), str(d / "b.docx")]


# -- HTML --------------------------------------------------------------------------------------------
def _notice_lines() -> list[str]:
    return [line.strip() for line in NOTICE.read_text("utf-8").split("\n") if line.strip()]


def test_html_text_in_reading_order_without_scripts_styles_and_comments() -> None:
    found = extract_file(HTML)
    assert found.kind == "HTML" and found.pages is None
    text = found.text
    for hidden in ("banner", "querySelectorAll", "font-family", "以下為附件", "簽"):
        assert hidden not in text
    pos = 0
    for line in _notice_lines():  # every line of the notice, whole (source line wraps dropped), in order
        pos = text.index(line, pos) + len(line)
    lines = text.split("\n")
    notice = _notice_lines()
    explained = next(i for i, line in enumerate(notice) if line.startswith("部　　長")) + 1  # the <h2> after it
    table = next(i for i, line in enumerate(notice) if line.startswith("條　"))  # the table's header row
    # headings are blocks of their own (a blank line around them); list items and <br> are lines
    for heading in (notice[0], notice[explained], notice[table - 1]):
        assert f"\n\n{heading}\n\n" in text
    assert "(一)" in lines and "承辦單位：衛生福利部食品藥物管理署" in lines
    # table rows are lines, cells tab-separated
    assert f"{notice[table]}\t{notice[table + 1]}" in lines
    assert f"{notice[table + 2]}\t{notice[table + 3]}" in lines


def test_html_declared_big5_reads_the_same(tmp_path) -> None:
    page = HTML.read_text("utf-8").replace('<meta charset="utf-8">',
                                           '<meta http-equiv="Content-Type" content="text/html; charset=big5">')
    big5 = tmp_path / "notice-big5.htm"
    big5.write_bytes(page.encode("cp950", errors="xmlcharrefreplace"))  # 說 (U+F96F) is not in Big5: &#63855;
    assert extract_file(big5).text == extract_file(HTML).text


def _entities_and_headings(record: dict) -> tuple[Counter, list[str]]:
    for e in record["entities"]:
        assert record["text"][e["start"]:e["end"]] == e["text"]
    return (Counter((e["label"], e["text"]) for e in record["entities"]),
            [s["heading"] for s in record["sections"] if s["heading"]])


@pytest.mark.skipif(not REAL, reason="needs the shipped pipeline")
def test_tcbio_tag_html_gives_the_entities_and_headings_of_the_plain_text(tmp_path) -> None:
    plain = tmp_path / "notice.txt"
    shutil.copy(NOTICE, plain)
    proc = tcbio("tag", str(HTML), str(plain))
    assert proc.returncode == 0, proc.stderr
    html, txt = (json.loads(line) for line in proc.stdout.splitlines())
    assert html["text"] == extract_file(HTML).text and "pages" not in html
    html_entities, html_headings = _entities_and_headings(html)
    txt_entities, txt_headings = _entities_and_headings(txt)
    assert txt_entities and txt_headings
    assert not txt_entities - html_entities  # every entity of the notice comes out of the page
    assert html_headings == txt_headings  # 主旨, 依據, 公告事項: no heading lost, none made of page chrome
    # the agency split by inline markup (<b>衛生福利部</b><span>食品藥物管理署</span>) is one name
    start = html["text"].index("承辦單位：") + len("承辦單位：")
    assert {"start": start, "end": start + 12, "label": "AGENCY"}.items() <= next(
        e for e in html["entities"] if e["start"] == start).items()


@pytest.mark.skipif(not REAL, reason="needs the shipped pipeline")
def test_tag_file_reads_html(nlp) -> None:
    doc = tag_file(nlp, HTML)
    assert doc.text == extract_file(HTML).text
    assert {e.text for e in doc.ents if e.label_ == "MONEY"} >= {"新臺幣四千元", "新臺幣二十五萬元"}
