"""Input for the ``tcbio`` command line: finding documents, decoding them, splitting large ones.

* :func:`discover` turns command-line PATH arguments into :class:`Source` objects
  (files, directories walked for text files, standard input) and :class:`InputError`
  objects for arguments that cannot be used, in argument order.
* :func:`read_source` reads and decodes one source: UTF-8 (with or without BOM),
  UTF-16/UTF-32 with a BOM (and BOM-less UTF-16 when its byte pattern is unmistakable),
  and Big5/CP950 — common for Taiwan government files — or GB18030 without a BOM.
  Byte-order marks are checked explicitly, then a strict-decode cascade runs, and
  charset-normalizer arbitrates where more than one legacy CJK encoding decodes the
  bytes. Binary, undecodable, empty and whitespace-only input raise :class:`InputError`.
* :func:`split_text` cuts a long text into contiguous chunks of bounded size at
  paragraph boundaries (blank lines, else line breaks), so that a file of tens of
  megabytes can be processed chunk by chunk with offsets shifted back to the file;
  :func:`heading_context` gives each chunk the heading lines it sits under, so that the
  section component sees the same numbering hierarchy as in the whole file.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

#: File name suffixes picked up when a directory is walked (plus files without a suffix).
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
STDIN_ID = "<stdin>"

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF document"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office document"),
    (b"\x7fELF", "executable"),
    (b"\x1f\x8b", "gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"{\\rtf", "RTF document"),
)

# (BOM, codec, name shown to users); UTF-32 before UTF-16 because FF FE 00 00 starts with FF FE.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8 with BOM"),
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32-LE with BOM"),
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32-BE with BOM"),
    (b"\xff\xfe", "utf-16", "UTF-16-LE with BOM"),
    (b"\xfe\xff", "utf-16", "UTF-16-BE with BOM"),
)

# Legacy CJK encodings tried, in order of preference for Taiwan documents.
_LEGACY = (("cp950", "Big5/CP950"), ("big5hkscs", "Big5-HKSCS"), ("gb18030", "GB18030"))

_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1b")


class InputError(Exception):
    """A PATH argument or input document that cannot be tagged (a user error, not a bug)."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


@dataclass(frozen=True)
class Source:
    """One input document: a file, or standard input when ``path`` is None."""

    id: str
    path: Path | None = None

    @property
    def size(self) -> int:
        """Size in bytes, or -1 when unknown (standard input)."""
        if self.path is None:
            return -1
        try:
            return self.path.stat().st_size
        except OSError:
            return -1


@dataclass
class Document:
    """A decoded input document."""

    id: str
    text: str
    encoding: str
    n_bytes: int


# -- discovery ---------------------------------------------------------------------------
def discover(paths: Iterable[str]) -> Iterator[Source | InputError]:
    """Sources for the PATH arguments, in order; ``-`` (or no argument at all) is standard input.

    Directories are walked (sorted, hidden entries skipped, symlinked directories not
    followed) for ``.txt``/``.md`` files and for files without a suffix that look like
    text. A file named explicitly is always tried, whatever its suffix. The same file
    reached twice is tagged once.
    """
    paths = list(paths) or ["-"]
    seen: set[str] = set()
    for arg in paths:
        if arg == "-":
            if STDIN_ID not in seen:
                seen.add(STDIN_ID)
                yield Source(STDIN_ID, None)
            continue
        path = Path(arg)
        try:
            if path.is_dir():
                found = False
                for file in _walk(path):
                    found = True
                    key = _key(file)
                    if key not in seen:
                        seen.add(key)
                        yield Source(str(file), file)
                if not found:
                    yield InputError(arg, "directory contains no text files (.txt, .md or without suffix)")
            elif path.exists():
                if not path.is_file() and not path.is_fifo():  # a FIFO: process substitution <(…)
                    yield InputError(arg, "not a regular file")
                    continue
                key = _key(path)
                if key not in seen:
                    seen.add(key)
                    yield Source(arg, path)
            elif path.is_symlink():
                yield InputError(arg, "broken symbolic link")
            else:
                yield InputError(arg, "no such file or directory")
        except PermissionError:
            yield InputError(arg, "permission denied")
        except OSError as exc:
            yield InputError(arg, exc.strerror or str(exc))


def _key(path: Path) -> str:
    try:
        return str(path.resolve())
    except OSError:
        return str(path.absolute())


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            file = Path(dirpath) / name
            if not file.is_file():
                continue
            suffix = file.suffix.lower()
            if suffix in TEXT_SUFFIXES or (suffix == "" and _looks_like_text(file)):
                yield file


def _looks_like_text(path: Path) -> bool:
    """For suffix-less files met in a directory walk: no NUL in the first 8 KiB (or a BOM)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8192)
    except OSError:
        return True  # let read_source report the problem
    if not head:
        return True
    if any(head.startswith(bom) for bom, _, _ in _BOMS):
        return True
    return b"\x00" not in head and not any(head.startswith(m) for m, _ in _MAGIC)


# -- reading and decoding --------------------------------------------------------------------
def read_source(source: Source, stdin: object = None) -> Document:
    """Read and decode a source; raises :class:`InputError` for anything that is not text."""
    if source.path is None:
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read()  # type: ignore[attr-defined]
    else:
        try:
            data = source.path.read_bytes()
        except FileNotFoundError:
            raise InputError(source.id, "no such file or directory") from None
        except PermissionError:
            raise InputError(source.id, "permission denied") from None
        except IsADirectoryError:
            raise InputError(source.id, "is a directory") from None
        except OSError as exc:
            raise InputError(source.id, f"cannot read: {exc.strerror or exc}") from None
    text, encoding = decode_bytes(data, source.id)
    return Document(source.id, text, encoding, len(data))


def decode_bytes(data: bytes, name: str = "input") -> tuple[str, str]:
    """(text, encoding name) for raw bytes; raises :class:`InputError` with the reason."""
    if not data:
        raise InputError(name, "empty file" if name != STDIN_ID else "empty input")

    text: str | None = None
    encoding = ""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(name, f"undecodable bytes at byte {exc.start}: invalid {label}") from None
            encoding = label
            break

    if text is None:
        for magic, what in _MAGIC:
            if data.startswith(magic):
                raise InputError(name, f"binary file ({what}), not text")
        if b"\x00" in data:
            guess = _bomless_utf16(data)
            if guess is None:
                raise InputError(name, "binary file (contains NUL bytes), not text")
            text, encoding = guess
        else:
            text, encoding = _decode_cascade(data, name)

    if not text:
        raise InputError(name, "empty file (only a byte-order mark)")
    if text.isspace():
        raise InputError(name, "contains only whitespace")
    controls = sum(1 for c in text if c < " " and c not in _ALLOWED_CONTROLS) + text.count("\x7f")
    if controls > max(8, len(text) // 100):
        raise InputError(name, f"binary file ({controls} control characters), not text")
    return text, encoding


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM, recognised by NUL bytes at alternating positions only."""
    if len(data) % 2:
        return None
    even_nul = data[0::2].count(0)
    odd_nul = data[1::2].count(0)
    half = len(data) // 2
    for codec, nul_here, nul_there in (("utf-16-le", odd_nul, even_nul), ("utf-16-be", even_nul, odd_nul)):
        if nul_there == 0 and nul_here >= max(1, half // 10):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if all(unicodedata.category(c) != "Cs" for c in text[:4096]):
                return text, f"{codec.upper()} without BOM"
    return None


def _decode_cascade(data: bytes, name: str) -> tuple[str, str]:
    """Strict UTF-8, then the legacy CJK encodings that decode strictly, arbitrated by charset-normalizer."""
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc

    decoded: dict[str, str] = {}
    for codec, _label in _LEGACY:
        if codec == "big5hkscs" and "cp950" in decoded:
            continue  # a superset of Big5 too; CP950 is the Taiwan default when both decode
        try:
            decoded[codec] = data.decode(codec)
        except UnicodeDecodeError:
            continue
    labels = dict(_LEGACY)
    if not decoded:
        pos = utf8_error.start
        if utf8_error.reason == "unexpected end of data" and len(data) - pos < 4:
            raise InputError(name, f"undecodable bytes: truncated UTF-8 character at the end (byte {pos})")
        byte = data[pos : pos + 1].hex()
        raise InputError(
            name,
            f"undecodable bytes at byte {pos} (0x{byte}): not UTF-8, UTF-16 with BOM, Big5/CP950 or GB18030",
        )
    if len(decoded) == 1:
        codec = next(iter(decoded))
        return decoded[codec], labels[codec]
    best = _arbitrate(data, list(decoded))
    codec = best if best in decoded else next(iter(decoded))
    return decoded[codec], labels[codec]


def _arbitrate(data: bytes, codecs: list[str]) -> str | None:
    """Ask charset-normalizer which of several strictly-decoding codecs reads most like language."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    result = from_bytes(data, cp_isolation=codecs).best()
    if result is None:
        return None
    enc = result.encoding.replace("-", "_").lower()
    aliases = {"big5": "cp950", "cp950": "cp950", "big5hkscs": "big5hkscs", "gb18030": "gb18030"}
    return aliases.get(enc)


# -- splitting long texts -----------------------------------------------------------------
_BLANK_LINE_RE = re.compile(r"\n[ \t\r\f\v\u3000]*\n[ \t\r\f\v\u3000\n]*")
_LINE_RE = re.compile(r"\n")
_SENT_RE = re.compile(r"[。！？；!?;]")
_SPACE_RE = re.compile(r"\s+")


def split_text(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Contiguous (start, end) chunks covering ``text``, each at most ``max_chars`` long where possible.

    A chunk ends just after a run of blank lines (a paragraph boundary), else after a
    line break, else after sentence-final punctuation, else at whitespace; only text
    with none of these for ``max_chars`` characters is cut hard. A cut right after a
    heading line is avoided, so that a heading stays with its body. Text of at most
    ``max_chars`` characters is one chunk.
    """
    n = len(text)
    if max_chars <= 0 or n <= max_chars:
        return [(0, n)]
    bounds: list[tuple[int, int]] = []
    start = 0
    while n - start > max_chars:
        limit = start + max_chars
        floor = start + max_chars // 4  # do not make tiny chunks when a boundary is early
        cut = _last_boundary(text, _BLANK_LINE_RE, floor, limit)
        if cut is None:
            cut = _last_boundary(text, _LINE_RE, floor, limit)
        if cut is None:
            cut = _last_boundary(text, _SENT_RE, floor, limit)
        if cut is None:
            cut = _last_boundary(text, _SPACE_RE, floor, limit)
        if cut is None or cut <= start:
            cut = limit
        bounds.append((start, cut))
        start = cut
    bounds.append((start, n))
    return bounds


def _last_boundary(text: str, pattern: re.Pattern, lo: int, hi: int) -> int | None:
    """End of the last match of ``pattern`` within (lo, hi], preferring one that does not
    directly follow a heading line (a heading belongs with the body after it)."""
    ends = [m.end() for m in pattern.finditer(text, lo, hi)]
    for end in reversed(ends):
        line_end = len(text[:end].rstrip())
        line = text[text.rfind("\n", 0, line_end) + 1 : line_end]
        if _heading_rank(line) is None:
            return end
    return ends[-1] if ends else None


# -- heading context for chunks ----------------------------------------------------------------
# Numbering styles of Taiwan government documents, highest first (annotation guidelines).
_HEADING_STYLES = (
    re.compile(r"[壹貳參叁叄肆伍陸柒捌玖拾]+\s*[、.．]"),
    re.compile(r"[一二三四五六七八九十]+\s*[、.．]"),
    re.compile(r"[（(]\s*[一二三四五六七八九十]+\s*[)）]"),
    re.compile(r"\d{1,2}\s*[、.．](?![\d.．])"),
    re.compile(r"[（(]\s*\d{1,2}\s*[)）]"),
    re.compile(r"[A-Za-z]\s*[、.．]"),
)
_MARKDOWN_HEADING = re.compile(r"(#{1,6})\s+\S")
_MAX_HEADING_LINE = 80


def heading_context(text: str, bounds: list[tuple[int, int]]) -> list[str]:
    """For each chunk, the heading-like lines above it that are still open, as text to prepend.

    One pass over the text keeps a stack of numbered (``壹、 一、 (一) 1、 (1) A、``) and
    Markdown heading lines: a heading closes the open ones of the same or a lower
    style. The stack at a chunk's start, one line per heading followed by a blank line,
    is that chunk's context; the first chunk gets none. It only informs the pipeline —
    whatever it finds in the context is dropped (see ``output.doc_to_record``).
    """
    prefixes: list[str] = []
    stack: list[tuple[int, str]] = []
    pos = 0
    for a, _b in bounds:
        if a > pos:
            for line in text[pos:a].splitlines():
                rank = _heading_rank(line)
                if rank is None:
                    continue
                while stack and stack[-1][0] >= rank:
                    stack.pop()
                stack.append((rank, line.strip()))
            pos = a
        prefixes.append("".join(f"{line}\n\n" for _, line in stack) if a > 0 else "")
    return prefixes


def _heading_rank(line: str) -> int | None:
    s = line.strip().replace("**", "")
    if not s or len(s) > _MAX_HEADING_LINE or s[-1] in "。；;，,":
        return None
    m = _MARKDOWN_HEADING.match(s)
    if m:
        return len(m.group(1)) - 1
    for rank, style in enumerate(_HEADING_STYLES):
        if style.match(s):
            return 10 + rank  # numbered headings rank below Markdown ones
    return None
