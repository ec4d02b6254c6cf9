"""``--format html``: one self-contained page per run; per document a section outline, the text
with entities rendered by displaCy (one block per section) and a table of entities with their values."""

from __future__ import annotations

import html
from collections.abc import Iterable
from importlib import resources
from typing import Any

from ..records import Chunk, DocInfo, dumps, merge_chunks
from . import ENTITY_COLORS, Formatter, copy, count, levels, spool

_STYLE = "\n" + (resources.files(__package__) / "html.css").read_text("utf-8") + "".join(
    f".tcbio-legend .l-{k}{{background:{v}}}" for k, v in ENTITY_COLORS.items())
_LEGEND = '<p class="tcbio-legend">' + "".join(
    f'<span class="l-{k}" style="padding:0 .4em;margin-right:.4em;border-radius:3px">{k}</span>' for k in ENTITY_COLORS
) + "</p>"


class HtmlFormatter(Formatter):
    def start(self) -> None:
        self.n_docs = 0
        self.out.write(
            '<!DOCTYPE html>\n<html lang="zh-Hant">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>tcbio tag</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
            f'<header class="tcbio-run"><h1>tcbio tag</h1>{_LEGEND}</header>\n<main>\n'
        )

    def write(self, doc: DocInfo, chunks: Iterable[Chunk]) -> None:
        self.n_docs += 1
        sections: list[dict[str, Any]] = []
        n_ents = 0
        with spool() as body, spool() as table:
            for chunk in merge_chunks(chunks):
                _write_body(body, doc, chunk, len(sections))
                sections.extend(chunk.record["sections"])
                for e in chunk.record["entities"]:
                    n_ents += 1
                    norm = html.escape(dumps(e["norm"]) if "norm" in e else "")
                    table.write(f"<tr><td>{e['start']}–{e['end']}</td><td>{html.escape(e['label'])}</td>"
                                f"<td>{html.escape(e['text'])}</td><td><code>{norm}</code></td></tr>\n")
            meta = " · ".join((count(len(doc.text), "character"), count(n_ents, "entity", "entities"),
                               count(len(sections), "section"))) + (f" · {doc.encoding}" if doc.encoding else "")
            self.out.write(f'<section class="tcbio-doc" id="d{doc.index}">\n<h2>{html.escape(doc.id)}</h2>\n'
                           f'<div class="tcbio-meta">{html.escape(meta)}</div>\n{_outline(doc.index, sections)}'
                           '<div class="tcbio-text">\n')
            copy(body, self.out)
            self.out.write(f'</div>\n<details class="tcbio-entities"><summary>Entities ({n_ents})</summary>\n<table>'
                           "<thead><tr><th>offsets</th><th>label</th><th>text</th><th>norm</th></tr></thead><tbody>\n")
            copy(table, self.out)
            self.out.write("</tbody></table></details>\n</section>\n")

    def finish(self, stats: dict[str, Any] | None = None) -> None:
        if not self.n_docs:
            self.out.write("<p>No documents were tagged.</p>\n")
        self.out.write("</main>\n</body>\n</html>\n")


def _write_body(body: Any, doc: DocInfo, chunk: Chunk, base: int) -> None:
    """The chunk's text cut at section starts, each piece rendered by displaCy."""
    from spacy import displacy

    chunk_sections, ents = chunk.record["sections"], chunk.record["entities"]
    cuts = [chunk.start, *sorted({s["start"] for s in chunk_sections if chunk.start < s["start"] < chunk.end}),
            chunk.end]
    k = 0
    for a, b in zip(cuts, cuts[1:], strict=False):
        seg_ents = []
        while k < len(ents) and ents[k]["start"] < b:
            e = ents[k]
            seg_ents.append({"start": e["start"] - a, "end": min(e["end"], b) - a, "label": e["label"]})
            k += 1
        anchors = [(base + j, s) for j, s in enumerate(chunk_sections) if s["start"] == a]
        body.write(f'<div class="tcbio-section" id="d{doc.index}-s{anchors[0][0]}">' if anchors
                   else '<div class="tcbio-section">')
        body.write("".join(f'<span id="d{doc.index}-s{j}"></span>' for j, _ in anchors[1:]))
        if anchors:
            s = anchors[-1][1]
            body.write('<div class="tcbio-section-head">'
                       + html.escape(f"{s['label']} · level {s['level']} · {s['start']}–{s['end']}") + "</div>")
        body.write(displacy.render({"text": doc.text[a:b], "ents": seg_ents, "title": None}, style="ent",
                                   manual=True, page=False, jupyter=False, options={"colors": ENTITY_COLORS}))
        body.write("</div>\n")


def _outline(d: int, sections: list[dict[str, Any]]) -> str:
    if not sections:
        return '<nav class="tcbio-outline"><p>(no sections)</p></nav>\n'
    items, (section_levels, top) = [], levels(sections)
    for j, (s, level) in enumerate(zip(sections, section_levels, strict=True)):
        score = f"{s['score']:.2f}" if isinstance(s["score"], (int, float)) else ""
        label = html.escape(str(s["label"]))
        items.append(
            f'<li class="level-{level}" data-label="{label}" style="margin-left:{max(0, level - top) * 1.5}em">'
            f'<a href="#d{d}-s{j}">{html.escape(str(s["heading"] or "(no heading)"))}</a>'
            f'<span class="label">{label}</span><span class="score">{score}</span>'
            f'<span class="range">{s["start"]}–{s["end"]}</span></li>')
    return '<nav class="tcbio-outline"><h3>Sections</h3><ol>\n' + "\n".join(items) + "\n</ol></nav>\n"
