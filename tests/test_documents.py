"""PDF and Word input (``tcbio_nlp.documents`` and ``tcbio tag``) on real files made from a seed
document (``tests/fixtures/make_documents.py``): a three-page PDF printed with an embedded CJK
font, with running headers and page-number footers, a licence number broken across a line and
an amount broken across a page; the same text as a DOCX; a scanned PDF without a text layer."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_cli import REAL, error_lines, tcbio

import tcbio_nlp
from tcbio_nlp.documents import ExtractionError, extract_file, tag_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PDF, DOCX, SCANNED = FIXTURES / "report.pdf", FIXTURES / "report.docx", FIXTURES / "scanned.pdf"


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
