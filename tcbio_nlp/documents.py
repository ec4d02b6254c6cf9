"""Text out of PDF, Word and HTML documents, in reading order, with the page of every character.

PDF (pdfminer.six): the text lines of each page, top to bottom, joined by a line break, or by a
blank line where the gap between two lines is a paragraph's; the running header, the footer and
the page number that a printed page repeats are left out, so that a sentence (a licence number, an
amount) broken across a page goes on as across a line break, which the segmenter already joins.
``pages`` records each page's character range in the text. A PDF without a text layer (scanned)
is an :class:`ExtractionError`. DOCX (python-docx): paragraphs and table rows, blank-line
separated; Word files have no fixed pages, so ``pages`` is None.

HTML (BeautifulSoup over lxml's parser): the text as a browser lays it out, in document order —
headings, paragraphs and other blocks separated by blank lines, list items, table rows and ``<br>``
by a line break, table cells by a tab as in a DOCX row; scripts, styles, templates and comments
dropped. BeautifulSoup rather than html-text, which is built on the same parser: html-text puts a
space between every two inline elements (``<b>衛生福利部</b>食品藥物管理署`` → two words, one name
broken) and collapses all whitespace, the ideographic spaces of ``主　　旨`` included; here only
HTML's own whitespace collapses, and a source line break between two Chinese characters is
dropped, as a browser shows it. BeautifulSoup's encoding sniffing also reads the ``<meta
charset>`` that many Taiwan government pages declare (Big5).
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
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
#: the start of an HTML document, after a BOM, whitespace and comments: <!DOCTYPE html or <html
_HTML_START = re.compile(rb"(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S)
#: a line that is only a page number: 3, - 3 -, 第 3 頁, 3 / 12, Page 3
_PAGE_NUMBER = re.compile(
    r"^[\s\-–—]*(?:第\s*)?(?:page\s*)?\d{1,4}\s*(?:頁|/\s*\d{1,4})?(?:\s*共\s*\d+\s*頁)?[\s\-–—]*$", re.I)
_MARGIN = 0.1  # the top and bottom tenth of a page: where headers and footers are


class ExtractionError(ValueError):
    """A document whose text cannot be extracted (damaged, encrypted, scanned without a text layer)."""


@dataclass
class Extracted:
    text: str
    kind: str  # "PDF", "DOCX" or "HTML"
    pages: list[dict[str, int]] | None = None  # [{"page": 1, "start": 0, "end": 1234}, …]


def document_kind(data: bytes, name: str = "") -> str | None:
    """"PDF", "DOCX", "HTML" or None (not a document this module reads).

    HTML is a file named .html/.htm/.xhtml, or one that starts as an HTML document does.
    """
    if data.startswith(PDF_MAGIC):
        return "PDF"
    if data.startswith(ZIP_MAGIC) and (name.lower().endswith(".docx") or b"word/document.xml" in data[:1 << 16]):
        return "DOCX"
    if name.lower().endswith(HTML_SUFFIXES) or _HTML_START.match(data[:4096]):
        return "HTML"
    return None


def extract(data: bytes, name: str = "") -> Extracted:
    """The text of a PDF, DOCX or HTML document given as bytes."""
    kind = document_kind(data, name)
    if kind == "PDF":
        return _extract_pdf(data)
    if kind == "DOCX":
        return _extract_docx(data)
    if kind == "HTML":
        return _extract_html(data)
    raise ExtractionError("not a PDF, DOCX or HTML document")


def extract_file(path: str | Path) -> Extracted:
    """The text of a PDF, DOCX or HTML file (:func:`extract`)."""
    path = Path(path)
    return extract(path.read_bytes(), path.name)


def tag_file(nlp: Any, path: str | Path) -> Any:
    """``nlp`` on the text of a PDF/DOCX/HTML (or text) file; ``doc.user_data["pages"]`` holds a PDF's page ranges.

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


# -- HTML ------------------------------------------------------------------------------------------
#: elements whose content is never shown
_HIDDEN = ("script", "style", "template", "noscript", "head", "iframe", "object", "svg", "math", "canvas")
#: blocks set off by a blank line (a paragraph boundary for the chunking and the sections component)
_PARAGRAPH_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol",
                             "dl", "figure", "section", "article", "header", "footer", "hgroup", "address"})
#: blocks on a line of their own
_LINE_TAGS = frozenset({"div", "li", "tr", "dt", "dd", "br", "hr", "main", "nav", "aside", "form", "fieldset",
                        "legend", "figcaption", "caption", "details", "summary", "option", "tbody", "thead",
                        "tfoot", "body", "center"})
_CELL_TAGS = frozenset({"td", "th"})
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML's whitespace: not U+3000 nor the no-break space
_CJK = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\x1b") + b"\x7f"
#: layout marks, weakest first: a tab between cells, a line break, a blank line
_MARKS = ("\t", "\n", "\n\n")


def _decode_html(data: bytes) -> str:
    """The markup as text: its BOM or declared charset (``<meta charset>``), else UTF-8, else the
    Big5/CP950 or GB18030 reading that charset-normalizer prefers."""
    from bs4.dammit import EncodingDetector
    from charset_normalizer import from_bytes

    declared = EncodingDetector.strip_byte_order_mark(data)[1] or EncodingDetector.find_declared_encoding(
        data, is_html=True, search_entire_document=False)
    if declared:
        if declared.lower().replace("-", "").replace("_", "") in ("big5", "cp950", "xwindows950"):
            declared = "cp950"  # what Taiwan pages declared as Big5 really use
        try:
            return data.decode(declared, errors="replace").lstrip("\ufeff")
        except LookupError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(data, cp_isolation=["cp950", "big5hkscs", "gb18030"], threshold=1.0).best()
        return str(best) if best is not None else data.decode("utf-8", errors="replace")


def _extract_html(data: bytes) -> Extracted:
    from bs4 import BeautifulSoup, Comment, Declaration, Doctype, ProcessingInstruction, Tag

    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 has NULs and control bytes
        head = data[:8192]
        controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
        if b"\x00" in head or controls > max(8, len(head) // 100):
            raise ExtractionError("binary file, not HTML")
    try:
        soup = BeautifulSoup(_decode_html(data), "lxml")
    except Exception as exc:  # noqa: BLE001 - the parser recovers from nearly anything; this is the rest
        raise ExtractionError(f"cannot read the HTML document ({type(exc).__name__}: {exc})") from None
    for node in soup.find_all(_HIDDEN):
        node.decompose()
    skip = (Comment, Declaration, Doctype, ProcessingInstruction)
    layout = _Layout()

    def walk(node: Tag, pre: bool) -> None:
        for child in node.children:
            if isinstance(child, Tag):
                name = child.name.lower()
                mark = "\n\n" if name in _PARAGRAPH_TAGS else "\n" if name in _LINE_TAGS else None
                if name in _CELL_TAGS:
                    layout.mark("\t")
                if mark:
                    layout.mark(mark)
                walk(child, pre or name in ("pre", "textarea", "listing", "plaintext"))
                if mark and name != "br":
                    layout.mark(mark)
            elif not isinstance(child, skip):
                layout.text(str(child), pre)

    walk(soup, False)
    text = layout.result()
    if not text.strip():
        raise ExtractionError("HTML document without text")
    return Extracted(text, "HTML", None)


class _Layout:
    """Text runs and layout marks joined as a browser shows them: a run of HTML whitespace is one
    space, or nothing when it holds a line break between two Chinese characters (a source line
    wrap) or stands at a line's edge; marks in a row give the strongest; no mark before the first
    text or after the last. Text in ``<pre>`` is kept as written."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.pending_mark = ""
        self.pending_space = ""  # "", " " or "\n": collapsed whitespace after the last text

    def mark(self, mark: str) -> None:
        if self.out and _MARKS.index(mark) >= (_MARKS.index(self.pending_mark) if self.pending_mark else -1):
            self.pending_mark = mark
        self.pending_space = ""

    def text(self, text: str, pre: bool) -> None:
        if not pre:
            text = _HTML_SPACE.sub(_collapse, text)
            if not text:
                return
            lead = text[0] == " " or text[0] == "\n"
            if lead:
                self.pending_space = self.pending_space or text[0]
                text = text[1:]
            trail = text[-1:] in (" ", "\n")
            if trail:
                text, space = text[:-1], text[-1]
            if text:
                self._emit(text)
            if trail:
                self.pending_space = space
            return
        if text:
            self._emit(text)

    def _emit(self, text: str) -> None:
        if self.pending_mark and self.out:
            self.out.append(self.pending_mark)
        elif self.pending_space and self.out:
            last = self.out[-1][-1]
            if not (self.pending_space == "\n" and _CJK.match(last) and _CJK.match(text[0])):
                self.out.append(" ")
        self.pending_mark = self.pending_space = ""
        self.out.append(text)

    def result(self) -> str:
        return "".join(self.out)


def _collapse(m: re.Match) -> str:
    """A run of HTML whitespace inside a text node: nothing for a line wrap between Chinese
    characters, "\n" for another run with a line break (decided when the next text is known), else " "."""
    s, a, b = m.string, m.start(), m.end()
    if "\n" in m.group():
        if 0 < a and b < len(s) and _CJK.match(s[a - 1]) and _CJK.match(s[b]):
            return ""
        return "\n" if a == 0 or b == len(s) else " "
    return " "
