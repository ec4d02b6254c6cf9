"""Input of ``tcbio tag``: finding documents (:func:`discover`), decoding them (:func:`read_source`: a
byte-order mark, strict UTF-8, else charset-normalizer among Big5/CP950, Big5-HKSCS and GB18030) and
splitting long ones at paragraph boundaries under the heading lines they sit in (:func:`split_text`,
:func:`heading_context`), so that the numbering hierarchy holds.
"""

from __future__ import annotations

import codecs
import os
import re
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from ..constants import NUMBERING_STYLES
from ..documents import ExtractionError, document_kind, extract
from .records import DocInfo

#: file name suffixes picked up in a directory walk (plus text files without a suffix)
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
#: documents whose text is extracted (``tcbio_nlp.documents``)
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".html", ".htm", ".xhtml")
STDIN_ID = "<stdin>"
_MAGIC = ((b"%PDF-", "PDF document"), (b"\x89PNG\r\n\x1a\n", "PNG image"), (b"\xff\xd8\xff", "JPEG image"),
          (b"GIF8", "GIF image"), (b"PK\x03\x04", "ZIP archive or Office document"),
          (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office document"), (b"\x7fELF", "executable"),
          (b"\x1f\x8b", "gzip archive"), (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"), (b"Rar!\x1a\x07", "RAR archive"),
          (b"SQLite format 3\x00", "SQLite database"), (b"{\\rtf", "RTF document"))
# UTF-32 before UTF-16: FF FE 00 00 starts with FF FE
_BOMS = ((b"\xef\xbb\xbf", "utf_8", "UTF-8 with BOM"), (b"\xff\xfe\x00\x00", "utf_32", "UTF-32-LE with BOM"),
         (b"\x00\x00\xfe\xff", "utf_32", "UTF-32-BE with BOM"), (b"\xff\xfe", "utf_16", "UTF-16-LE with BOM"),
         (b"\xfe\xff", "utf_16", "UTF-16-BE with BOM"))
_CANDIDATES = ["utf_8", "cp950", "big5hkscs", "gb18030"]
_LABELS = {"utf_8": "UTF-8", "cp950": "Big5/CP950", "big5hkscs": "Big5-HKSCS", "gb18030": "GB18030",
           "utf_16_le": "UTF-16-LE without BOM", "utf_16_be": "UTF-16-BE without BOM"}
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1b")
_OS_ERRORS = {FileNotFoundError: "no such file or directory", PermissionError: "permission denied",
              IsADirectoryError: "is a directory"}


class InputError(Exception):
    """A PATH argument or input document that cannot be tagged (a user error, not a bug)."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name, self.reason = name, reason


@dataclass(frozen=True)
class Source:
    """One input document: a file, or standard input when ``path`` is None."""

    id: str
    path: Path | None = None

    @property
    def size(self) -> int:
        """Size in bytes, or -1 when unknown (standard input)."""
        try:
            return self.path.stat().st_size if self.path is not None else -1
        except OSError:
            return -1


def discover(paths: Iterable[str]) -> Iterator[Source | InputError]:
    """Sources (or :class:`InputError`) for the PATH arguments, in order; ``-`` or none is standard input.
    Directories are walked (sorted, hidden entries skipped); the same file reached twice is tagged once."""
    seen: set[str] = set()

    def new(key: str) -> bool:
        return key not in seen and not seen.add(key)

    for arg in list(paths) or ["-"]:
        path = Path(arg)
        try:
            if arg == "-":
                yield from [Source(STDIN_ID, None)] if new(STDIN_ID) else []
            elif path.is_dir():
                files = [Path(d) / n for d, _, names in _walk(path) for n in names]
                if not files:
                    yield InputError(arg, "directory contains no text files (.txt, .md or without suffix)")
                yield from (Source(str(f), f) for f in files if new(str(resolved(f))))
            elif not path.exists():
                yield InputError(arg, "broken symbolic link" if path.is_symlink() else "no such file or directory")
            elif not path.is_file() and not path.is_fifo():  # a FIFO: process substitution <(…)
                yield InputError(arg, "not a regular file")
            elif new(str(resolved(path))):
                yield Source(arg, path)
        except OSError as exc:
            yield InputError(arg, "permission denied" if isinstance(exc, PermissionError) else exc.strerror or str(exc))


def resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def _walk(root: Path) -> Iterator[tuple[str, list[str], list[str]]]:
    """``os.walk`` in sorted order, hidden entries skipped, only the files :func:`_walkable` takes."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        yield dirpath, dirnames, [n for n in sorted(filenames) if not n.startswith(".") and _walkable(Path(dirpath, n))]


def _walkable(file: Path) -> bool:
    """Text by its suffix; a whole PDF (with its end-of-file marker) or DOCX, any HTML (a truncated download
    or a placeholder is skipped; named explicitly, it is tried); a suffix-less file without NUL bytes or
    binary magic in its first 8 KiB, or with a BOM."""
    suffix = file.suffix.lower()
    if not file.is_file() or suffix not in ("", *DOCUMENT_SUFFIXES):
        return file.is_file() and suffix in TEXT_SUFFIXES
    try:
        with file.open("rb") as fh:
            head = fh.read(1 << 16)
            fh.seek(max(0, file.stat().st_size - 2048))
            tail = fh.read()
    except OSError:
        return True  # let read_source report the problem
    if suffix == ".pdf":
        return head.startswith(b"%PDF-") and b"%%EOF" in tail
    if suffix == ".docx":
        return document_kind(head, file.name) == "DOCX"
    head = head[:8192]
    return bool(suffix) or any(head.startswith(bom) for bom, _, _ in _BOMS) or (
        b"\x00" not in head and not any(head.startswith(m) for m, _ in _MAGIC))


def read_source(source: Source, stdin: object = None) -> DocInfo:
    """Read and decode a source; raises :class:`InputError` for anything that is not text."""
    try:
        data = source.path.read_bytes() if source.path else (stdin or sys.stdin.buffer).read()  # type: ignore
    except OSError as exc:
        raise InputError(source.id, _OS_ERRORS.get(type(exc), f"cannot read: {exc.strerror or exc}")) from None
    if kind := document_kind(data, source.id):
        try:
            found = extract(data, source.id)
        except ExtractionError as exc:
            if kind != "HTML" and not source.id.lower().endswith(DOCUMENT_SUFFIXES):  # scan.txt: not a document
                what = "PDF document" if kind == "PDF" else "ZIP archive or Office document"
                raise InputError(source.id, f"binary file ({what}), not text") from None
            raise InputError(source.id, str(exc)) from None
        pages = f", {len(found.pages)} pages" if found.pages is not None else ""
        return DocInfo(source.id, found.text, f"{kind}{pages}", pages=found.pages)
    warnings: list[str] = []
    text, encoding = decode_bytes(data, source.id, warnings)
    return DocInfo(source.id, text, encoding, warnings=warnings)


def decode_bytes(data: bytes, name: str = "input", warnings: list[str] | None = None) -> tuple[str, str]:
    """(text, encoding name) for raw bytes; raises :class:`InputError` with the reason. A stray invalid byte
    in UTF-8 is replaced with a line in ``warnings`` (issue 14: not GB18030 mojibake, not refused)."""
    if not data:
        raise InputError(name, "empty input" if name == STDIN_ID else "empty file")
    bom = next(((codec, label) for mark, codec, label in _BOMS if data.startswith(mark)), None)
    if bom is None and (what := next((what for magic, what in _MAGIC if data.startswith(magic)), None)):
        raise InputError(name, f"binary file ({what}), not text")
    has_nul = b"\x00" in data
    text = encoding = None
    if bom is None or bom[0] == "utf_8":
        body, encoding = (data[3:], bom[1]) if bom else (data, "UTF-8")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            if bom is None and (found := _bomless_utf16(data)):
                text, encoding = found
            elif not has_nul and (found := _mostly_utf8(body)):
                text, bad, first = found
                if warnings is not None:
                    warnings.append(f"{bad:,} invalid UTF-8 byte{'s' if bad > 1 else ''} replaced by U+FFFD "
                                    f"(first at byte {first + len(data) - len(body)})")
            elif bom is not None:
                raise InputError(name, _why_undecodable(data, bom[1], has_nul)) from None
    if text is None and bom is None and not has_nul and (controls := _control_bytes(data)) > max(8, len(data) // 100):
        raise InputError(name, f"binary file ({controls:,} control bytes), not text")
    if text is None:
        candidates = [bom[0]] if bom else ["utf_16_le", "utf_16_be"] if has_nul else _CANDIDATES
        # threshold 1.0: every candidate that decodes strictly is kept; charset-normalizer ranks them
        best = from_bytes(data, cp_isolation=candidates, threshold=1.0).best()
        if best is None:
            raise InputError(name, _why_undecodable(data, bom[1] if bom else None, has_nul))
        text, encoding = str(best), bom[1] if bom else _LABELS.get(best.encoding, best.encoding)
        if bom is None and best.chaos >= _MAX_CHAOS:
            raise InputError(name, f"binary file (bytes that decode as {encoding} only to gibberish), not text")
        if best.encoding in ("big5", "big5hkscs"):  # CP950 is the Taiwan default whenever it decodes too
            try:
                text, encoding = data.decode("cp950"), "Big5/CP950"
            except UnicodeDecodeError:
                pass
    if not text or text.isspace():
        raise InputError(name, "contains only whitespace" if text else "empty file (only a byte-order mark)")
    if (controls := sum(map(text.count, _CONTROL_CHARS))) > max(8, len(text) // 100):
        raise InputError(name, f"binary file ({controls} control characters), not text")
    return text, encoding


#: charset-normalizer's mess ratio above which a decoding is gibberish (real Big5/GB text of the
#: seeds: at most 0.05; random bytes that decode as Big5: about 0.5)
_MAX_CHAOS = 0.3
_COMMON = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\u3000-\u303f\uff00-\uffef\u2000-\u206f\x20-\x7e\t\n\r]")
#: valid non-ASCII characters per invalid sequence below which bytes are not UTF-8 with a few bad bytes
#: (Big5/GB18030 text of the seeds and TFDA notices read as UTF-8: at most 0.45; random bytes 0.2)
_MIN_VALID_PER_ERROR = 4
_CONTROL_BYTES = bytes(b for b in range(32) if chr(b) not in _ALLOWED_CONTROLS) + b"\x7f"
_CONTROL_CHARS = _CONTROL_BYTES.decode("ascii")


def _control_bytes(data: bytes) -> int:
    """Bytes that are control characters in every encoding read here (none in Big5, GB18030 or UTF-8 text)."""
    return len(data) - len(data.translate(None, _CONTROL_BYTES))


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM, when one byte order gives almost only common characters."""
    for codec in ("utf_16_le", "utf_16_be") if len(data) % 2 == 0 else ():
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if len(_COMMON.findall(text)) >= 0.95 * len(text):
            return text, _LABELS[codec]
    return None


_ERRORS = threading.local()


def _record_error(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: one U+FFFD per invalid sequence (as ``errors="replace"``), each recorded."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _ERRORS.found.append((exc.start, exc.end))
    return "\ufffd", exc.end


codecs.register_error("tcbio_record", _record_error)


def _mostly_utf8(data: bytes) -> tuple[str, int, int] | None:
    """(text, invalid bytes, first invalid byte) for UTF-8 with some invalid bytes among many valid
    non-ASCII characters (never Big5, GB18030 or random bytes), else None."""
    _ERRORS.found = errors = []
    text = data.decode("utf-8", "tcbio_record")
    valid = len(text) - len(text.encode("ascii", "ignore")) - len(errors)  # non-ASCII, U+FFFD of errors excluded
    if errors and valid >= _MIN_VALID_PER_ERROR * len(errors):
        return text, sum(b - a for a, b in errors), errors[0][0]
    return None


def _why_undecodable(data: bytes, bom_label: str | None, has_nul: bool) -> str:
    if bom_label or has_nul:
        return f"undecodable bytes: invalid {bom_label}" if bom_label else "binary file (contains NUL bytes), not text"
    try:
        data.decode("utf-8")
        pos = len(data)
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and len(data) - exc.start < 4:
            return f"undecodable bytes: truncated UTF-8 character at the end (byte {exc.start})"
        pos = exc.start
    return (f"undecodable bytes at byte {pos} (0x{data[pos:pos + 1].hex()}): "
            "not UTF-8, UTF-16 with BOM, Big5/CP950 or GB18030")


# -- long texts ---------------------------------------------------------------------------------
_BOUNDARIES = (re.compile(r"\n[ \t\r\f\v\u3000]*\n[ \t\r\f\v\u3000\n]*"), re.compile(r"\n"),
               re.compile(r"[。！？；!?;]"), re.compile(r"\s+"))
_HEADING_STYLES = tuple(re.compile(style) for style in NUMBERING_STYLES)
_MARKDOWN_HEADING = re.compile(r"(#{1,6})\s+\S")
_PARAGRAPH = re.compile(r"[ \t\u3000]*\n?((?:[^\n]+\n?){1,3})")
_MAX_HEADING_LINE = 80
#: earlier headings of a numbering run kept in a chunk's context (bounds its length)
_MAX_SIBLINGS = 12
#: characters of the paragraph under each context heading
_CONTEXT_PARAGRAPH = 200
_FIRST_NUMBERS = frozenset({"壹", "一", "1", "01", "A", "a"})


def split_text(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Contiguous (start, end) chunks covering ``text``, each at most ``max_chars`` long where possible: a chunk
    ends after blank lines, else a line break, a sentence end or whitespace, and not right after a heading."""
    n = len(text)
    bounds: list[tuple[int, int]] = []
    start = 0
    while max_chars > 0 and n - start > max_chars:
        limit, floor = start + max_chars, start + max_chars // 4  # no tiny chunks when a boundary is early
        cut = next((c for rx in _BOUNDARIES if (c := _last_boundary(text, rx, floor, limit)) is not None), None)
        cut = limit if cut is None or cut <= start else cut
        bounds.append((start, cut))
        start = cut
    return [*bounds, (start, n)]


def _last_boundary(text: str, pattern: re.Pattern, lo: int, hi: int) -> int | None:
    """End of the last match in (lo, hi], preferring one that does not follow a heading line."""
    ends = [m.end() for m in pattern.finditer(text, lo, hi)]
    for end in reversed(ends):
        line_end = len(text[:end].rstrip())
        if _heading_rank(text[text.rfind("\n", 0, line_end) + 1 : line_end]) is None:
            return end
    return ends[-1] if ends else None


def heading_context(text: str, bounds: list[tuple[int, int]]) -> list[str]:
    """For each chunk, the heading lines above it that are still open, as text to prepend.

    A stack of numbered (壹、 一、 (一) 1、 (1) A、) and Markdown headings; each open one comes with the earlier
    headings of its run (一、 before 二、) and the start of the paragraph under each, so the sections component
    sees a numbering sequence with text under each heading, as in the whole file (``records.doc_to_record``
    drops what it finds in the context).
    """
    prefixes: list[str] = []
    stack: list[tuple[int, list[tuple[str, int]]]] = []  # (rank, [(line, end of line) of siblings …, open one])
    pos = 0
    for a, _b in bounds:
        offset = pos
        for line in text[pos:a].splitlines(keepends=True) if a > pos else ():
            if (rank := _heading_rank(line)) is not None:
                siblings: list[tuple[str, int]] = []
                while stack and stack[-1][0] >= rank:
                    top_rank, lines = stack.pop()
                    siblings = lines if top_rank == rank else siblings
                if re.sub(r"[\s、.．()（）]", "", _numbering(line)) in _FIRST_NUMBERS:
                    siblings = []  # 壹、 一、 (一) 1. A. start a new numbering run
                stack.append((rank, [*siblings, (line.strip(), offset + len(line))][-_MAX_SIBLINGS:]))
            offset += len(line)
        pos = max(pos, a)
        prefixes.append("".join(f"{line}\n\n{_paragraph_after(text, end, a)}" for _, lines in stack
                                for line, end in lines) if a > 0 else "")
    return prefixes


def _paragraph_after(text: str, pos: int, limit: int) -> str:
    """The first lines of the paragraph after a heading line (before ``limit``), ending with a blank line."""
    m = _PARAGRAPH.match(text, pos, min(limit, pos + _CONTEXT_PARAGRAPH))
    body = m.group(1).strip() if m else ""
    return f"{body}\n\n" if body and _heading_rank(body.splitlines()[0]) is None else ""


def _numbering(line: str) -> str:
    """The numbering of a heading line: 壹、, (二), ##."""
    s = line.strip().replace("**", "")
    m = _MARKDOWN_HEADING.match(s) or next((m for style in _HEADING_STYLES if (m := style.match(s))), None)
    return m.group(0) if m else ""


def _heading_rank(line: str) -> int | None:
    s = line.strip().replace("**", "")
    if not s or len(s) > _MAX_HEADING_LINE or s[-1] in "。；;，,":
        return None
    if m := _MARKDOWN_HEADING.match(s):
        return len(m.group(1)) - 1
    return next((10 + rank for rank, style in enumerate(_HEADING_STYLES) if style.match(s)), None)
