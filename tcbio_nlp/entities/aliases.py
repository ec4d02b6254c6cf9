"""Aliases declared in the text: 經濟部國際貿易署(以下簡稱貿易署) → 貿易署 means that body.

Like scispaCy's abbreviation detector, a self-contained component with one clear
algorithm: find the 以下簡稱/下稱 declaration, take the AGENCY entity right before
the parenthesis as the long form, mark every later mention of the alias as AGENCY (not
where it is part of another name: ``衛生署基隆醫院``, a document number, a title),
and record ``doc._.aliases`` (alias → long form) for the value normaliser. An alias
that is a generic reference (``本署``, ``本局``, ``該會``, ``我國駐外館處``: the guidelines list 本院,
該署, 本局 as generic) is recorded but not marked.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from .. import extensions  # noqa: F401  (doc._.aliases)
from ..normalization import doc_norm_text
from .context import part_of_other_name
from .spans import StatelessPipe, add_entities, char_spans, inside_title

# aliases that refer to the body as "this/that/our …": generic references (guidelines), never marked
_GENERIC_ALIAS = re.compile(r"^(?:本|該|此|其|我|貴|我國|本國)")
_DECLARATION = re.compile(
    r"[(（]\s*(?:以下|下)?(?:簡稱|稱)\s*[「『“]?([^()（）「」『』“”、，,。\s]{2,12}?)[」』”]?\s*[)）]"
)


@Language.factory("tcbio_aliases")
def make_alias_detector(nlp: Language, name: str) -> AliasDetector:
    return AliasDetector(name)


class AliasDetector(StatelessPipe):
    def __init__(self, name: str = "tcbio_aliases") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        text = doc_norm_text(doc)
        aliases: dict[str, str] = {}
        ends = {e.end_char: e for e in doc.ents if e.label_ == "AGENCY"}
        declared_at: dict[str, int] = {}
        for m in _DECLARATION.finditer(text):
            long_form = ends.get(m.start())
            if long_form is None:
                continue
            aliases[m.group(1)] = long_form.text
            declared_at[m.group(1)] = m.start(1)
        if aliases:
            matches: list[tuple[int, int, str]] = []
            for alias, start in declared_at.items():
                if _GENERIC_ALIAS.match(alias):
                    continue
                for m in re.finditer(re.escape(alias), text):
                    if m.start() >= start and not part_of_other_name(text, m.start(), m.end()) \
                            and not inside_title(text, m.start(), m.end()):
                        matches.append((m.start(), m.end(), "AGENCY"))
            add_entities(doc, char_spans(doc, matches), overwrite=False)
        doc._.aliases = aliases
        return doc

