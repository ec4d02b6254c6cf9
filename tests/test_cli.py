"""The `tcbio` command, run for real (subprocess) on text from the seed documents.

Every run is checked for what users rely on: the exit status (0 all good, 1 some input
bad, 2 usage error), one stderr line per bad input naming it, never a traceback, and
JSONL that validates against docs/interface-contract.md.

The shipped pipeline is used when it is installed (or the pipeline directory in
``$TCBIO_TEST_MODEL``); without it (early development) the runs fall back to the hidden
``--model blank`` and the pipeline-specific checks (labels, sections covering the text)
are skipped.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))

ENTITY_LABELS = {"AGENCY", "PRODUCT", "LICENSE_NO", "MONEY"}
SECTION_LABELS = {
    "front_matter", "summary", "purpose", "process", "strategy",
    "results", "reflection", "recommendation", "conclusion", "appendix",
}  # fmt: skip


def _shipped_model() -> bool:
    try:
        import tcbio_nlp

        tcbio_nlp.model_path()
        return True
    except OSError:
        return False


# TCBIO_TEST_MODEL=DIR runs the tests on another saved pipeline (e.g. one just built, before shipping it)
_OTHER = os.environ.get("TCBIO_TEST_MODEL")
REAL = bool(_OTHER) or _shipped_model()
MODEL_ARGS: list[str] = ["--model", _OTHER] if _OTHER else [] if REAL else ["--model", "blank"]
_script = Path(sys.executable).with_name("tcbio")
TCBIO = [str(_script)] if _script.exists() else [sys.executable, "-m", "tcbio_nlp.cli"]


def tcbio(*args: str, input: bytes | None = None, env: dict | None = None, model: bool = True, timeout=600):
    """Run the real command; returns the CompletedProcess with text stdout/stderr."""
    cmd = [*TCBIO, *args]
    if model and args and args[0] == "tag":
        cmd += MODEL_ARGS
    proc = subprocess.run(
        cmd,
        input=input if input is not None else b"",
        capture_output=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )
    stdout = proc.stdout.decode("utf-8")
    stderr = proc.stderr.decode("utf-8", errors="replace")
    assert "Traceback" not in stderr, stderr
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def seed(name_prefix: str) -> Path:
    return next(p for p in SEED_FILES if p.name.startswith(name_prefix))


def excerpt(n: int = 900, prefix: str = "000") -> str:
    """A real excerpt of a seed, cut at a line end."""
    text = seed(prefix).read_text("utf-8")
    cut = text.rfind("\n", 0, n)
    return text[: cut if cut > 0 else n]


# -- contract validation ------------------------------------------------------------------------
def validate_record(rec: dict, text: str | None = None) -> None:
    """One JSONL object against the interface contract."""
    assert list(rec) == ["id", "text", "tokens", "entities", "sections"]
    assert isinstance(rec["id"], str) and rec["id"]
    t = rec["text"]
    assert isinstance(t, str)
    if text is not None:
        assert t == text
    # tokens: [start, end] character offsets, in order, not overlapping, covering every non-space character
    covered = bytearray(len(t))
    prev = 0
    starts, ends = set(), set()
    for tok in rec["tokens"]:
        assert isinstance(tok, list) and len(tok) == 2 and all(isinstance(x, int) for x in tok)
        s, e = tok
        assert prev <= s < e <= len(t), tok
        assert not t[s:e].isspace()
        covered[s:e] = b"\x01" * (e - s)
        starts.add(s)
        ends.add(e)
        prev = e
    missing = [i for i, c in enumerate(t) if not c.isspace() and not covered[i]]
    assert not missing, f"characters outside every token at {missing[:5]}"
    # entities
    prev = 0
    for ent in rec["entities"]:
        assert {"start", "end", "label", "text"} <= set(ent) <= {"start", "end", "label", "text", "norm"}
        s, e = ent["start"], ent["end"]
        assert isinstance(s, int) and isinstance(e, int) and prev <= s < e <= len(t), ent
        assert t[s:e] == ent["text"], ent
        # on word boundaries (whitespace tokens are not listed, so an end may follow trailing whitespace)
        core_end = s + len(ent["text"].rstrip())
        assert s in starts and core_end in ends, f"entity not on token boundaries: {ent}"
        if REAL:
            assert ent["label"] in ENTITY_LABELS
        if "norm" in ent:
            norm = ent["norm"]
            assert isinstance(norm, dict) and norm
            if ent["label"] == "MONEY":  # an amount, or a range (low/high)
                amounts = [norm[k] for k in ("value", "low", "high") if k in norm]
                assert amounts and all(isinstance(v, (int, float)) for v in amounts), norm
                assert isinstance(norm.get("currency"), str)
            elif ent["label"] == "LICENSE_NO":
                assert {"issuer", "kind", "serial", "canonical"} <= set(norm)
            elif ent["label"] == "AGENCY":
                assert isinstance(norm.get("canonical"), str)
        prev = e
    # sections: in order, together covering the text
    secs = rec["sections"]
    for sec in secs:
        assert list(sec) == ["start", "end", "label", "heading", "level", "score"]
        assert 0 <= sec["start"] < sec["end"] <= len(t)
        assert sec["heading"] is None or isinstance(sec["heading"], str)
        assert sec["level"] is None or isinstance(sec["level"], int)
        assert sec["score"] is None or (isinstance(sec["score"], float) and 0.0 <= sec["score"] <= 1.0)
    assert [s["start"] for s in secs] == sorted(s["start"] for s in secs)
    if REAL:
        assert secs, "the pipeline gives every document at least one section"
        assert all(s["label"] in SECTION_LABELS for s in secs)
        assert secs[0]["start"] == 0 and max(s["end"] for s in secs) == len(t)
        reach = 0
        for sec in secs:
            assert sec["start"] <= reach, f"gap before section {sec}"
            reach = max(reach, sec["end"])


def parse_jsonl(stdout: str, texts: list[str] | None = None) -> list[dict]:
    lines = stdout.splitlines()
    records = [json.loads(line) for line in lines]
    for i, rec in enumerate(records):
        validate_record(rec, texts[i] if texts else None)
    return records


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": error: " in line]


# -- fixtures ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seeds_jsonl() -> list[dict]:
    """The seeds directory tagged once, in the default format."""
    proc = tcbio("tag", str(SEEDS))
    assert proc.returncode == 0, proc.stderr
    return parse_jsonl(proc.stdout, [p.read_text("utf-8") for p in SEED_FILES])


@pytest.fixture
def good(tmp_path) -> tuple[Path, str]:
    text = excerpt(700, "002")
    path = tmp_path / "good.txt"
    path.write_text(text, encoding="utf-8")
    return path, text


# -- help and usage ----------------------------------------------------------------------------
@pytest.mark.parametrize("command", [[], ["tag"], ["train"], ["evaluate"]])
def test_help_shows_a_real_example(command) -> None:
    proc = tcbio(*command, "--help", model=False)
    assert proc.returncode == 0
    assert "example" in proc.stdout
    assert "tcbio " in proc.stdout.split("example", 1)[1]


@pytest.mark.parametrize(
    "args",
    [
        ["tag", "GOOD", "--format", "xml"],
        ["tag", "GOOD", "--bogus-option"],
        ["tag", "GOOD", "--n-process", "two"],
        ["tag", "GOOD", "--batch-size", "0"],
        ["frobnicate"],
        ["train", "parser"],
        ["evaluate"],
        [],
    ],
)
def test_usage_errors_exit_2(args, good) -> None:
    proc = tcbio(*[str(good[0]) if a == "GOOD" else a for a in args], model=False)
    assert proc.returncode == 2, proc
    assert proc.stdout == ""
    assert proc.stderr.strip()


def test_unwritable_output_is_a_usage_error(good, tmp_path) -> None:
    proc = tcbio("tag", str(good[0]), "--output", str(tmp_path / "no" / "such" / "dir" / "out.jsonl"))
    assert proc.returncode == 2
    assert len(error_lines(proc.stderr)) == 1 and "--output" in proc.stderr


def test_missing_model_is_one_line_and_exit_1(good, tmp_path) -> None:
    for n in ("1", "2"):
        proc = tcbio("tag", str(good[0]), "-n", n, "--model", str(tmp_path / "no-model"), model=False)
        assert proc.returncode == 1
        assert len(error_lines(proc.stderr)) == 1 and "no-model" in proc.stderr


# -- JSONL on the seeds ------------------------------------------------------------------------------
def test_directory_of_seeds_validates_against_the_contract(seeds_jsonl) -> None:
    assert [r["id"] for r in seeds_jsonl] == [str(SEEDS / p.name) for p in SEED_FILES]
    if REAL:
        assert sum(len(r["entities"]) for r in seeds_jsonl) > 50
        labels = {e["label"] for r in seeds_jsonl for e in r["entities"]}
        assert {"AGENCY", "MONEY"} <= labels
        assert any("norm" in e for r in seeds_jsonl for e in r["entities"])
        assert any(s["heading"] for r in seeds_jsonl for s in r["sections"])


def test_output_file_equals_stdout(seeds_jsonl, tmp_path) -> None:
    out = tmp_path / "tagged.jsonl"
    proc = tcbio("tag", str(seed("002")), "--output", str(out))
    assert proc.returncode == 0 and proc.stdout == ""
    (rec,) = parse_jsonl(out.read_text("utf-8"))
    assert rec["text"] == seeds_jsonl[2]["text"]
    assert rec["tokens"] == seeds_jsonl[2]["tokens"] and rec["entities"] == seeds_jsonl[2]["entities"]


def test_two_processes_give_the_same_output(seeds_jsonl) -> None:
    proc = tcbio("tag", str(SEEDS), "--n-process", "2", "--batch-size", "2")
    assert proc.returncode == 0, proc.stderr
    assert parse_jsonl(proc.stdout) == seeds_jsonl


def test_large_document_in_chunks_keeps_whole_file_offsets(seeds_jsonl) -> None:
    """Seed 004 cut into ~5,000-character chunks at paragraph boundaries: same tokens,
    entities with whole-file offsets, sections still in order and covering the file."""
    path = seed("004")
    whole = seeds_jsonl[4]
    proc = tcbio("tag", str(path), "--chunk-chars", "5000", "--verbose")
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"004_\S+: UTF-8, 116,198 characters, 2\d chunks", proc.stderr), proc.stderr
    (rec,) = parse_jsonl(proc.stdout, [path.read_text("utf-8")])
    assert rec["tokens"] == whole["tokens"]
    chunked = {(e["start"], e["end"], e["label"]) for e in rec["entities"]}
    unchunked = {(e["start"], e["end"], e["label"]) for e in whole["entities"]}
    assert len(chunked & unchunked) >= 0.97 * len(unchunked)
    if REAL:
        # each chunk is tagged under the heading lines above it, and sections are re-joined
        # across chunks: nearly all sections come out exactly as from the whole document
        def key(s):
            return s["start"], s["end"], s["heading"], s["level"], s["label"]

        same = {key(s) for s in whole["sections"]} & {key(s) for s in rec["sections"]}
        assert len(same) >= 0.9 * len(whole["sections"])


def test_very_large_file_streams_in_bounded_memory(tmp_path) -> None:
    """~12 MB of text (the seeds, repeated): chunked, streamed, offsets into the whole file.

    Runs the tokenizer-only pipeline (one token per character: 4 million tokens) so that
    the test measures the command's own machinery — reading, splitting, merging,
    streaming — in reasonable time. Held in memory, the tokens alone would take ~400 MB."""
    unit = "\n\n".join(p.read_text("utf-8") for p in SEED_FILES) + "\n\n"
    text = unit * 30
    big = tmp_path / "big.txt"
    big.write_text(text, encoding="utf-8")
    assert big.stat().st_size > 10_000_000
    out = tmp_path / "big.jsonl"
    measure = (
        "import resource, subprocess, sys; "
        "rc = subprocess.run(sys.argv[1:]).returncode; "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)"
    )
    cmd = [*TCBIO, "tag", str(big), "--output", str(out), "--model", "blank", "--verbose"]
    proc = subprocess.run([sys.executable, "-c", measure, *cmd], capture_output=True, text=True, timeout=600)
    assert "Traceback" not in proc.stderr
    peak_kb, rc = map(int, proc.stdout.split())
    assert rc == 0, proc.stderr
    assert re.search(r"big.txt: UTF-8, [\d,]+ characters, \d+ chunks", proc.stderr)
    assert peak_kb / 1024 < 350, f"peak RSS {peak_kb / 1024:.0f} MB"
    line = out.read_text("utf-8")
    assert line.count("\n") == 1
    # decode the pieces without building the 4-million-token list
    decoder = json.JSONDecoder()
    prefix = '{"id":' + json.dumps(str(big), ensure_ascii=False) + ',"text":'
    assert line.startswith(prefix)
    decoded, pos = decoder.raw_decode(line, len(prefix))
    assert decoded == text
    first = next(i for i, c in enumerate(text) if not c.isspace())
    assert line.startswith(f',"tokens":[[{first},{first + 1}],[{first + 1},{first + 2}],', pos)
    tail = line.rindex('],"entities":')
    last = line[line.rindex("[", 0, tail) : tail]
    assert json.loads(last) == [len(text.rstrip()) - 1, len(text.rstrip())]
    # offsets refer to the whole file: the last copy of the unit starts at 29 * len(unit)
    k = 29 * len(unit) + first
    assert f"[{k},{k + 1}]" in line
    rest = json.loads("{" + line[tail + 2 :])
    assert rest == {"entities": [], "sections": []}


# -- formats ----------------------------------------------------------------------------------------
def test_conll_format(seeds_jsonl) -> None:
    path = seed("002")
    proc = tcbio("tag", str(path), "--format", "conll")
    assert proc.returncode == 0, proc.stderr
    text = path.read_text("utf-8")
    lines = proc.stdout.split("\n")
    assert lines[0] == f"# id = {path}"
    assert proc.stdout.endswith("\n\n")
    rows = []
    prev_tag = "O"
    sentences = 0
    for line in lines[1:]:
        if not line:
            sentences += 1
            prev_tag = "O"
            continue
        token, start, end, tag = line.split("\t")
        s, e = int(start), int(end)
        assert text[s:e].replace("\t", " ").replace("\n", " ") == token
        assert tag == "O" or re.fullmatch(r"[BI]-[A-Z_]+", tag)
        if tag.startswith("I-"):
            assert prev_tag[2:] == tag[2:], f"{line!r} follows {prev_tag}"
        prev_tag = tag
        rows.append(([s, e], tag))
    assert sentences > 5
    whole = seeds_jsonl[2]
    assert [r[0] for r in rows] == whole["tokens"]
    assert sum(tag.startswith("B-") for _, tag in rows) == len(whole["entities"])


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_html_format_is_one_page_with_entities_and_outline(seeds_jsonl, tmp_path) -> None:
    out = tmp_path / "page.html"
    paths = [str(seed("000")), str(seed("002"))]
    proc = tcbio("tag", *paths, "--format", "html", "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    page = out.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert page.count("<html") == 1 and "<script" not in page and "http://" not in page.split("<body>")[0]
    parser = _Collector()
    parser.feed(page)
    docs = [a for t, a in parser.tags if t == "section" and "tcbio-doc" in a.get("class", "")]
    assert len(docs) == 2
    marks = [a for t, a in parser.tags if t == "mark" and "entity" in a.get("class", "")]
    expected = seeds_jsonl[0]["entities"] + seeds_jsonl[2]["entities"]
    assert len(marks) == len(expected)
    outline_items = [a for t, a in parser.tags if t == "li" and a.get("class", "").startswith("level-")]
    assert len(outline_items) == len(seeds_jsonl[0]["sections"]) + len(seeds_jsonl[2]["sections"])
    ids = {a["id"] for _, a in parser.tags if "id" in a}
    links = [a["href"][1:] for t, a in parser.tags if t == "a" and a.get("href", "").startswith("#d")]
    assert set(links) <= ids
    if REAL:
        assert marks and outline_items


def test_table_format(seeds_jsonl) -> None:
    path = seed("002")
    proc = tcbio("tag", str(path), "--format", "table")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert str(path.name) in out and "Entities" in out and "Sections" in out
    assert "\x1b[" not in out  # no colour codes when not writing to a terminal
    for ent in seeds_jsonl[2]["entities"][:5]:
        assert ent["text"][:4] in out
    assert f"{len(seeds_jsonl[2]['text']):,} characters" in out


# -- standard input and encodings ----------------------------------------------------------------
@pytest.mark.parametrize("args", [[], ["-"]])
def test_standard_input(args) -> None:
    text = excerpt(800)
    proc = tcbio("tag", *args, input=text.encode("utf-8"))
    assert proc.returncode == 0, proc.stderr
    (rec,) = parse_jsonl(proc.stdout, [text])
    assert rec["id"] == "<stdin>"


@pytest.mark.parametrize(
    "codec, raw, reported",
    [
        ("cp950", None, "Big5/CP950"),
        ("utf-16", None, "UTF-16-LE with BOM"),
        ("utf-16-be", b"\xfe\xff", "UTF-16-BE with BOM"),
        ("utf-8", b"\xef\xbb\xbf", "UTF-8 with BOM"),
        ("utf-8", b"", "UTF-8"),
    ],
)
def test_encodings_are_detected(tmp_path, codec, raw, reported) -> None:
    text = excerpt(1500)
    path = tmp_path / f"doc-{codec}.txt"
    path.write_bytes((raw or b"") + text.encode(codec))
    proc = tcbio("tag", str(path), "--verbose")
    assert proc.returncode == 0, proc.stderr
    assert f"{path}: {reported}," in proc.stderr
    parse_jsonl(proc.stdout, [text])


def test_big5_from_standard_input() -> None:
    text = excerpt(1200, "000")
    proc = tcbio("tag", "--verbose", input=text.encode("cp950"))
    assert proc.returncode == 0, proc.stderr
    assert "<stdin>: Big5/CP950" in proc.stderr
    parse_jsonl(proc.stdout, [text])


def test_big5_output_matches_utf8_output(tmp_path) -> None:
    text = excerpt(2500, "001")
    (tmp_path / "u.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(text.encode("cp950"))
    proc = tcbio("tag", str(tmp_path / "u.txt"), str(tmp_path / "b.txt"))
    assert proc.returncode == 0, proc.stderr
    u, b = parse_jsonl(proc.stdout, [text, text])
    assert (u["tokens"], u["entities"], u["sections"]) == (b["tokens"], b["entities"], b["sections"])


# -- directories ---------------------------------------------------------------------------------
def test_directory_is_walked_for_text_files(tmp_path) -> None:
    text = excerpt(3000)
    root = tmp_path / "reports"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "a.txt").write_text(text[:800], encoding="utf-8")
    (root / "b.md").write_text("# 摘要\n\n" + text[800:1500], encoding="utf-8")
    (root / "README").write_text(text[1500:2000], encoding="utf-8")  # no suffix, text
    (root / "sub" / "c.txt").write_bytes(text[2000:2600].encode("cp950"))
    (root / "sub" / "deeper" / "d.TXT").write_text(text[2600:], encoding="utf-8")
    (root / "data.json").write_text('{"not": "tagged"}', encoding="utf-8")
    (root / "photo").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))  # no suffix, binary: skipped
    (root / ".hidden" / "e.txt").write_text("衛生福利部", encoding="utf-8")
    (root / ".notes.txt").write_text("衛生福利部", encoding="utf-8")
    proc = tcbio("tag", str(root))
    assert proc.returncode == 0, proc.stderr
    records = parse_jsonl(proc.stdout)
    rel = [str(Path(r["id"]).relative_to(root)) for r in records]
    assert rel == ["README", "a.txt", "b.md", "sub/c.txt", "sub/deeper/d.TXT"]
    assert records[3]["text"] == text[2000:2600]


# -- bad input ----------------------------------------------------------------------------------
def _make_bad(kind: str, tmp_path: Path) -> tuple[str, str]:
    """(path argument, expected words in the reason) for one kind of bad input."""
    text = excerpt(600)
    if kind == "nonexistent":
        return str(tmp_path / "missing.txt"), "no such file"
    if kind == "empty directory":
        d = tmp_path / "nothing-here"
        d.mkdir()
        (d / "scan.pdf").write_bytes(b"%PDF-1.4\n" + bytes(100))
        return str(d), "no text files"
    if kind == "binary":
        p = tmp_path / "scan.txt"
        p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 4)
        return str(p), "binary"
    if kind == "binary with NULs":
        p = tmp_path / "blob.txt"
        p.write_bytes(bytes(range(256)) * 8)
        return str(p), "binary"
    if kind == "undecodable":  # Big5 with bytes no encoding read here allows (0xFF is never a lead byte)
        p = tmp_path / "broken.txt"
        raw = text.encode("cp950", errors="replace")
        cut = raw.index("。".encode("cp950")) + 2
        p.write_bytes(raw[:cut] + b"\xff\xff\xff" + raw[cut:])
        return str(p), "undecodable"
    if kind == "empty":
        p = tmp_path / "empty.txt"
        p.write_bytes(b"")
        return str(p), "empty"
    if kind == "whitespace only":
        p = tmp_path / "blank.txt"
        p.write_text(" \n\n\u3000\t \r\n", encoding="utf-8")
        return str(p), "whitespace"
    raise AssertionError(kind)


BAD_KINDS = ["nonexistent", "empty directory", "binary", "binary with NULs", "undecodable", "empty", "whitespace only"]


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_bad_input_is_named_and_good_input_still_tagged(kind, tmp_path, good) -> None:
    bad, reason = _make_bad(kind, tmp_path)
    good_path, good_text = good
    proc = tcbio("tag", bad, str(good_path))
    assert proc.returncode == 1
    errors = error_lines(proc.stderr)
    assert len(errors) == 1, proc.stderr
    assert bad in errors[0] and reason in errors[0]
    (rec,) = parse_jsonl(proc.stdout, [good_text])
    assert rec["id"] == str(good_path)


def test_all_bad_kinds_in_one_run(tmp_path, good) -> None:
    bads = [_make_bad(kind, tmp_path) for kind in BAD_KINDS]
    good_path, good_text = good
    args = [b for b, _ in bads[:3]] + [str(good_path)] + [b for b, _ in bads[3:]]
    proc = tcbio("tag", *args, "--format", "jsonl")
    assert proc.returncode == 1
    errors = error_lines(proc.stderr)
    assert len(errors) == len(BAD_KINDS)
    for (bad, reason), line in zip(sorted(bads), sorted(errors), strict=True):
        assert bad in line and reason in line
    parse_jsonl(proc.stdout, [good_text])
    assert f"{len(BAD_KINDS)} inputs could not be tagged" in proc.stderr


def test_empty_standard_input_is_bad_input() -> None:
    proc = tcbio("tag", input=b"")
    assert proc.returncode == 1
    assert error_lines(proc.stderr) == ["tcbio tag: error: <stdin>: empty input"]
    assert proc.stdout == ""


def test_every_format_survives_bad_input(tmp_path, good) -> None:
    bad, _ = _make_bad("undecodable", tmp_path)
    for fmt in ("conll", "html", "table"):
        proc = tcbio("tag", bad, str(good[0]), "--format", fmt)
        assert proc.returncode == 1
        assert len(error_lines(proc.stderr)) == 1
        assert "good.txt" in proc.stdout


# -- progress, pipes --------------------------------------------------------------------------------
def test_progress_bar_only_when_asked_for_on_a_pipe() -> None:
    paths = [str(seed("002")), str(seed("003"))]
    quiet = tcbio("tag", *paths)
    assert quiet.returncode == 0 and quiet.stderr == ""
    loud = tcbio("tag", *paths, "--progress")
    assert loud.returncode == 0 and "tagging" in loud.stderr and "2/2" in loud.stderr
    assert loud.stdout == quiet.stdout


def test_closed_pipe_is_not_an_error() -> None:
    cmd = " ".join([*map(_quote, TCBIO), "tag", _quote(str(SEEDS)), *MODEL_ARGS]) + " | head -c 100"
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, timeout=600)
    assert b"Traceback" not in proc.stderr and b"Error" not in proc.stderr, proc.stderr
    assert len(proc.stdout) == 100


def _quote(s: str) -> str:
    import shlex

    return shlex.quote(s)


# -- train / evaluate ------------------------------------------------------------------------------
def test_train_and_evaluate_dispatch_to_the_scripts(tmp_path) -> None:
    scripts = tmp_path / "training"
    scripts.mkdir()
    (scripts / "train_ner.py").write_text(
        "import sys, json; print(json.dumps(sys.argv[1:])); sys.exit(3)\n", encoding="utf-8"
    )
    env = {"TCBIO_TRAINING_DIR": str(scripts)}
    proc = tcbio("train", "ner", "--epochs", "2", "--help", env=env, model=False)
    assert proc.returncode == 3  # the script's own exit status
    assert json.loads(proc.stdout) == ["--epochs", "2", "--help"]
    missing = tcbio("evaluate", "sections", env=env, model=False)
    assert missing.returncode == 1
    (line,) = error_lines(missing.stderr)
    assert "evaluate_sections.py" in line and "missing" in line


@pytest.mark.parametrize("command, component", [("train", "ner"), ("evaluate", "ner")])
def test_real_training_scripts_answer_help(command, component) -> None:
    script = ROOT / "training" / f"{command}_{component}.py"
    if not script.exists():
        pytest.skip(f"{script.name} not written yet")
    proc = tcbio(command, component, "--help", model=False)
    assert proc.returncode == 0, proc.stderr
    assert "usage" in proc.stdout.lower()


def test_console_script_is_installed() -> None:
    assert shutil.which("tcbio", path=str(Path(sys.executable).parent)) or TCBIO[0] == sys.executable
