"""Text out of PDF and Word documents, in reading order, with the page of every character.

PDF (pdfminer.six): the text lines of each page, top to bottom, joined by a line break, or by a
blank line where the gap between two lines is a paragraph's; the running header, the footer and
the page number that a printed page repeats are left out, so that a sentence (a licence number, an
amount) broken across a page goes on as across a line break, which the segmenter already joins.
``pages`` records each page's character range in the text. A PDF without a text layer (scanned)
is an :class:`ExtractionError`. DOCX (python-docx): paragraphs and table rows, blank-line
separated; Word files have no fixed pages, so ``pages`` is None.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
#: a line that is only a page number: 3, - 3 -, 第 3 頁, 3 / 12, Page 3
_PAGE_NUMBER = re.compile(
    r"^[\s\-–—]*(?:第\s*)?(?:page\s*)?\d{1,4}\s*(?:頁|/\s*\d{1,4})?(?:\s*共\s*\d+\s*頁)?[\s\-–—]*$", re.I)
_MARGIN = 0.1  # the top and bottom tenth of a page: where headers and footers are


class ExtractionError(ValueError):
    """A document whose text cannot be extracted (damaged, encrypted, scanned without a text layer)."""


@dataclass
class Extracted:
    text: str
    kind: str  # "PDF" or "DOCX"
    pages: list[dict[str, int]] | None = None  # [{"page": 1, "start": 0, "end": 1234}, …]


def document_kind(data: bytes, name: str = "") -> str | None:
    """"PDF", "DOCX" or None (not a document this module reads)."""
    if data.startswith(PDF_MAGIC):
        return "PDF"
    if data.startswith(ZIP_MAGIC) and (name.lower().endswith(".docx") or b"word/document.xml" in data[:1 << 16]):
        return "DOCX"
    return None


def extract(data: bytes, name: str = "") -> Extracted:
    """The text of a PDF or DOCX document given as bytes."""
    kind = document_kind(data, name)
    if kind == "PDF":
        return _extract_pdf(data)
    if kind == "DOCX":
        return _extract_docx(data)
    raise ExtractionError("not a PDF or DOCX document")


def extract_file(path: str | Path) -> Extracted:
    path = Path(path)
    return extract(path.read_bytes(), path.name)


def tag_file(nlp: Any, path: str | Path) -> Any:
    """``nlp`` on the text of a PDF/DOCX (or text) file; ``doc.user_data["pages"]`` holds the page ranges.

    ``tcbio_nlp.doc_to_json(doc)`` then gives the record ``tcbio tag`` writes, pages included.
    """
    path = Path(path)
    data = path.read_bytes()
    if document_kind(data, path.name):
        found = extract(data, path.name)
        doc = nlp(found.text)
        if found.pages is not None:
            doc.user_data["pages"] = found.pages
        return doc
    return nlp(data.decode("utf-8"))


# -- PDF -------------------------------------------------------------------------------------------
@dataclass
class _Line:
    top: float
    bottom: float
    x: float
    text: str


def _page_lines(layout: Any) -> list[_Line]:
    from pdfminer.layout import LTTextContainer, LTTextLine

    found: list[_Line] = []

    def walk(item: Any) -> None:
        if isinstance(item, LTTextLine):
            if text := item.get_text().strip():
                found.append(_Line(item.y1, item.y0, item.x0, text))
        elif isinstance(item, LTTextContainer) or hasattr(item, "__iter__"):
            for child in item:
                walk(child)

    walk(layout)
    found.sort(key=lambda line: (-round(line.top, 0), line.x))
    return found


def _extract_pdf(data: bytes) -> Extracted:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        layouts = list(extract_pages(io.BytesIO(data), laparams=LAParams()))
    except (PDFSyntaxError, PDFEncryptionError, PDFPasswordIncorrect) as exc:
        raise ExtractionError(f"cannot read the PDF: {type(exc).__name__}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on damaged files
        raise ExtractionError(f"cannot read the PDF ({type(exc).__name__}: {exc})") from None
    pages = [(layout.height or 1.0, _page_lines(layout)) for layout in layouts]
    if not any(lines for _, lines in pages):
        raise ExtractionError(f"PDF without a text layer ({len(pages)} pages; scanned?): run OCR first")
    repeated = _running_lines(pages)
    text_parts: list[str] = []
    ranges: list[dict[str, int]] = []
    pos = 0
    for number, (height, lines) in enumerate(pages, 1):
        body = [line for line in lines if not _is_margin_line(line, height, repeated)]
        page_text = _join_lines(body)
        if text_parts and page_text:
            text_parts.append("\n")  # a page break reads as a line break
            pos += 1
        ranges.append({"page": number, "start": pos, "end": pos + len(page_text)})
        text_parts.append(page_text)
        pos += len(page_text)
    return Extracted("".join(text_parts), "PDF", ranges)


def _margin_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip())


def _in_margin(line: _Line, height: float) -> bool:
    return line.bottom >= height * (1 - _MARGIN) or line.top <= height * _MARGIN


def _running_lines(pages: list[tuple[float, list[_Line]]]) -> set[str]:
    """Header and footer lines: the same text (digits aside) in the margin of several pages."""
    counts: Counter[str] = Counter()
    for height, lines in pages:
        counts.update({_margin_key(line.text) for line in lines if _in_margin(line, height)})
    return {key for key, n in counts.items() if n >= 2 and n >= len(pages) // 2}


def _is_margin_line(line: _Line, height: float, repeated: set[str]) -> bool:
    return _in_margin(line, height) and (_margin_key(line.text) in repeated or bool(_PAGE_NUMBER.match(line.text)))


def _join_lines(lines: list[_Line]) -> str:
    if not lines:
        return ""
    heights = sorted(line.top - line.bottom for line in lines)
    typical = heights[len(heights) // 2] or 1.0
    gaps = [prev.bottom - cur.top for prev, cur in zip(lines, lines[1:], strict=False)]
    normal = sorted(g for g in gaps if g > -typical)
    usual = normal[len(normal) // 2] if normal else 0.0
    out = [lines[0].text]
    for gap, line in zip(gaps, lines[1:], strict=True):
        out.append("\n\n" if gap > usual + 0.8 * typical else "\n")
        out.append(line.text)
    return "".join(out)


# -- DOCX ------------------------------------------------------------------------------------------
def _extract_docx(data: bytes) -> Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise ExtractionError(f"cannot read the Word document: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - a damaged zip or XML
        raise ExtractionError(f"cannot read the Word document ({type(exc).__name__}: {exc})") from None
    blocks: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(node.text or "" for node in child.iter() if node.tag.endswith("}t"))
            if text.strip():
                blocks.append(text.strip())
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = ["".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t")).strip()
                             for cell in row if cell.tag.endswith("}tc")]
                    if any(cells):
                        blocks.append("\t".join(cells))
    text = "\n\n".join(blocks)
    if not text.strip():
        raise ExtractionError("Word document without text")
    return Extracted(text, "DOCX", None)
