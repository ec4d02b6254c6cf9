"""Entities by dictionary: agency names from the registry, product names from TFDA licence data.

AGENCY: names from the agency registry, matched on the normalised text.

Adjacent matches written together (衛福部 + 健保署) become one span, as the
guidelines ask for parent + unit names. After adding its matches, the gazetteer joins
parent and unit whichever component found them (``join_units``): AGENCY entities written
together become one, and an AGENCY directly followed by a unit no component found
(農業部 + 高雄區農業改良場, 國發會 + 產業發展處) is extended over it — up to six Chinese
words, none of them a function word, the last ending in a unit word (``UNIT_SUFFIXES``).
A match directly followed by a word that makes it part of a law, plan or event name
(組織法, 計畫, 研討會…), inside a quoted title (「美國 FDA 申請查驗登記實務」), in a document number, an
unquoted regulation title or a meeting (``context.part_of_other_name``) is skipped. Names are also found
across the layout whitespace that may break them (a line wrap, a letter-spaced heading: ``教　育　部``).
A country written before an agency is part of its name (decision 7a: ``美國 FDA``, ``歐盟EMA``,
``台灣衛生福利部``; the countries of ``data/country_names.tsv``).

Merging with earlier components: a match is added where nothing was found and replaces the entities it
wholly contains; a registry name of four or more characters also wins over a PRODUCT it overlaps (the
statistical model's ``屏東縣政府衛生局`` as PRODUCT) and over an AGENCY whose edges it crosses
(``_registry_wins``). It never replaces a LICENSE_NO or MONEY, and an AGENCY that contains it stays
(the model's longer ``衛福部食藥署藥品組``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import ahocorasick
import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.vocab import Vocab

from ..constants import HAN
from ..normalization import doc_norm_text, normalize_text
from ..products import ZH_DOSAGE_FORMS
from ..resources import agency_countries, agency_names, product_names, product_registry, set_agency_names
from ..values.agency import AgencyRegistry, default_agency_patterns, default_country_names, default_product_patterns
from .context import compact_view, document_number_prefix, layout_gaps, part_of_other_name, span_in_text
from .rules import SUBJECT_VERBS
from .spans import add_entities, char_spans, inside_title

# a name followed by one of these is part of a law, plan, event or award name, not a body
DEFAULT_BLOCKING_SUFFIXES = [
    "組織法", "組織條例", "組織規程", "處務規程", "設置條例", "計畫", "方案", "專案", "研討會", "論壇", "獎",
    "辦法", "要點", "條例", "法規", "補助", "科專", "大樓", "公報", "公司",
]


# words that end the name of an agency's unit (not 院: 衛福部 + 醫院 is a hospital)
UNIT_SUFFIXES = ("中心", "分署", "分局", "分所", "署", "司", "處", "局", "組", "室", "科", "館", "所", "場", "工廠",
                 "委員會", "監理會", "審議會", "諮議會", "諮詢會")
# words that never sit inside a unit name: conjunctions, prepositions, determiners (所屬, 該),
# verbs that start a clause after a name (國衛院受經濟部…, 農業科技研究院建置…), titles (工研院副總)
_NOT_IN_UNIT = frozenset([
    *"與和及或暨跟同的之在將為是於對並已也均皆亦等共就至由向所其各該本此每受以經從自被讓把請派赴",
    "建置", "設立", "設置", "成立", "推動", "辦理", "補助", "委託", "輔導", "協助", "支持", "提供", "邀請",
    "合作", "主辦", "執行", "規劃", "籌設", "核定", "法人", "副總", "院長", "部長", "署長", "局長", "主任",
    "所長", "處長", "司長", "執行長", "主委", "次長", "代表", "委員",
    *SUBJECT_VERBS, "改善", "審理", "諮詢",
])
# words that end in a unit character without being a unit: rooms and labs are places
# (國家實驗研究院跨領域核心實驗室 → 國家實驗研究院), and verbs and common nouns (亞蔬-世界蔬菜中心簽署)
_NOT_UNIT_ENDINGS = ("實驗室", "研究室", "工作室", "教室", "會議室", "簽署", "部署", "布局", "格局", "當局", "結局",
                     "市場", "現場", "會場", "立場", "場所", "診所", "事務所", "處所", "好處", "到處", "學科", "專科",
                     "分組", "改組", "判處",
                     # buildings and places a body runs are not its units (加拿大地質調查局 + 博物館)
                     "機場", "博物館", "美術館", "紀念館", "體育館", "迎賓館",
                     # a hospital's departments follow the hospital, not the body that runs it (decision 7)
                     "內科", "外科", "兒科", "婦產科", "急診科", "眼科", "牙科", "骨科", "皮膚科", "精神科",
                     "家醫科", "復健科", "耳鼻喉科", "泌尿科", "神經科", "放射科", "麻醉科")
# a unit word followed by 長 is a title (衛生署侯署長, 藥品組潘組長): the name ends before it
_TITLE_AFTER = "長"
# a hospital or school in the stretch: what follows is its department, not a unit of the body
_NOT_A_BODY = ("醫院", "大學", "學校")
_CHINESE_WORD = re.compile(f"[{HAN}]+")
MAX_UNIT_WORDS = 6
MAX_UNITS = 3
#: longest country name written before an agency, with the space that may follow it
MAX_COUNTRY = 6


@Language.factory(
    "tcbio_agency_gazetteer",
    default_config={"overwrite_ents": False, "scorer": {"@scorers": "spacy.ner_scorer.v1"}},
)
def make_agency_gazetteer(nlp: Language, name: str, overwrite_ents: bool,
                          scorer: Callable | None) -> AgencyGazetteer:
    return AgencyGazetteer(name, vocab=nlp.vocab, overwrite_ents=overwrite_ents, scorer=scorer)


class AgencyGazetteer:
    """Adds registry agency names as AGENCY where no earlier component found an entity.

    The names are the vocab's agency table (``tcbio_nlp.resources``), shared with the
    segmenter and the value normaliser; the component itself saves only its settings.
    """

    extend_units = True

    def __init__(self, name: str = "tcbio_agency_gazetteer", *, vocab: Vocab | None = None,
                 overwrite_ents: bool = False, scorer: Callable | None = None) -> None:
        self.name = name
        self.vocab = vocab if vocab is not None else Vocab()
        self.overwrite_ents = overwrite_ents
        self.scorer = scorer
        self.registry = AgencyRegistry()
        self.blocking_suffixes: list[str] = list(DEFAULT_BLOCKING_SUFFIXES)
        self.patterns: list[str] = default_agency_patterns()
        self._automaton: ahocorasick.Automaton | None = None
        self._blocker: re.Pattern | None = None
        self._country_rx: re.Pattern | None = None

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, *,
                   nlp: Language | None = None, tw_agencies_json: str | None = None,
                   blocking_suffixes: list[str] | None = None) -> None:
        """Names from the vocab's agency table; ``tw_agencies_json`` builds that table from the file first."""
        if tw_agencies_json is not None or agency_names(self.vocab) is None:
            set_agency_names(self.vocab, AgencyRegistry.from_sources(
                Path(tw_agencies_json) if tw_agencies_json else None).names)
        if blocking_suffixes is not None:
            self.blocking_suffixes = list(blocking_suffixes)
        self._load_names()

    def _load_names(self) -> None:
        self.registry = AgencyRegistry(agency_names(self.vocab))
        countries = agency_countries(self.vocab) or default_country_names()
        self._country_rx = re.compile("(?:" + "|".join(map(re.escape, sorted(countries, key=len, reverse=True)))
                                      + r")[ \u3000]?$") if countries else None
        self._compile()

    def _compile(self) -> None:
        auto = ahocorasick.Automaton()
        for name in self.registry.names:
            if len(name) >= 2:
                auto.add_word(name, len(name))
        auto.make_automaton()
        self._automaton = auto
        self._blocker = re.compile("|".join(map(re.escape, self.blocking_suffixes))) if self.blocking_suffixes \
            else None

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, "AGENCY") of every registry name and health station in a normalised text."""
        return [(a, b, "AGENCY") for a, b, _ in self.registry_matches(text)]

    def registry_matches(self, text: str) -> list[tuple[int, int, bool]]:
        """(start, end, strong): ``strong`` for registry names of four or more characters (``_registry_wins``)."""
        if self._automaton is None or not len(self.registry):
            return []
        gaps = layout_gaps(text)
        if gaps:  # 教　育　部, 主計總\n  處: matched on the text without the layout whitespace
            compact, offsets = compact_view(text, gaps)
            chosen = [span_in_text(offsets, a, b) for a, b in _longest_matches(self._automaton, compact, compact)]
        else:
            chosen = _longest_matches(self._automaton, text, text)
        merged: list[list[int]] = []
        for a, b in chosen:
            if document_number_prefix(text, a, b):  # FDA藥字第…號: a document number
                continue
            if merged and merged[-1][1] == a and not text[a - 1].isascii():  # parent + unit → one span
                merged[-1][1] = b
            else:
                merged.append([a, b])
        taken = [False] * len(text)
        for a, b in merged:
            taken[a:b] = [True] * (b - a)
        strong = {(a, b) for a, b in merged if b - a >= 4}
        for rx in self.patterns:  # health stations: <place>衛生所
            merged.extend([m.start(), m.end()] for m in re.finditer(rx, text) if not any(taken[m.start():m.end()]))
        out = []
        for a, b in sorted(merged):
            if self._blocked_after(text, b) or inside_title(text, a, b) or part_of_other_name(text, a, b):
                continue
            out.append((a, b, (a, b) in strong))
        return out

    def __call__(self, doc: Doc) -> Doc:
        norm = doc_norm_text(doc)
        found = self.registry_matches(norm)
        if not self.overwrite_ents:
            doc.ents = _registry_wins(doc, char_spans(doc, [(a, b, "AGENCY") for a, b, strong in found if strong]))
        add_entities(doc, char_spans(doc, [(a, b, "AGENCY") for a, b, _ in found]), overwrite=self.overwrite_ents)
        if self.extend_units and doc.ents:
            doc.ents = self.join_units(doc, norm)
        return doc

    def join_units(self, doc: Doc, norm: str) -> list[Span]:
        """Parent + unit written together as one AGENCY, whichever component found the parts.

        Two AGENCY entities with nothing between them become one (國衛院 + 技轉中心), and an
        AGENCY directly followed by a unit name that no component found is extended over it.
        """
        token_at = {t.idx: t.i for t in doc}
        found = {e.start for e in doc.ents}
        out: list[Span] = []
        for ent in doc.ents:
            if ent.label_ == "AGENCY" and out and out[-1].label_ == "AGENCY" and \
                    self._one_body(norm, out[-1], ent):
                ent = Span(doc, out.pop().start, ent.end, label="AGENCY")
            if ent.label_ == "AGENCY":
                start = self._country_start(norm, token_at, ent.start_char, out[-1].end_char if out else 0)
                if start < ent.start_char:  # 美國 FDA, 歐盟EMA (decision 7a)
                    ent = Span(doc, token_at[start], ent.end, label="AGENCY")
                end = ent.end_char
                for _ in range(MAX_UNITS):  # 中央研究院 + 生醫轉譯研究中心 + 創服育成專題中心
                    new_end = self._unit_end(doc, norm, token_at, found, end)
                    if new_end == end:
                        break
                    end = new_end
                if end > ent.end_char:
                    ent = doc.char_span(ent.start_char, end, label="AGENCY") or ent
            out.append(ent)
        return out

    def _one_body(self, norm: str, left: Span, right: Span) -> bool:
        """Two AGENCY entities written together name one body: nothing between them, or layout whitespace
        where the two together are a registry name (``衛生福利部 食品藥物管理署``, G27)."""
        between = norm[left.end_char:right.start_char]
        if not between:
            return True
        if between != " " and not (between.count("\n") == 1 and between.strip(" \n") == ""):
            return False  # a tab or a blank line separates table cells and list items
        return normalize_text(left.text + right.text) in self.registry.names

    def _country_start(self, norm: str, token_at: dict[int, int], start: int, limit: int) -> int:
        """Where a country written right before an agency name starting at ``start`` begins, else ``start``."""
        if self._country_rx is None:
            return start
        m = self._country_rx.search(norm, max(limit, start - MAX_COUNTRY), start)
        if m is None or m.start() not in token_at or (m.start() > 0 and norm[m.start() - 1].isascii()
                                                      and norm[m.start() - 1].isalnum()):
            return start
        return m.start()

    def _unit_end(self, doc: Doc, norm: str, token_at: dict[int, int], found: set[int], end: int) -> int:
        """End of the unit name written directly after an agency name ending at ``end``, else ``end``.

        The stretch never takes in an entity found by an earlier component (工研院副總暨生醫與醫材研究所
        keeps the model's two names; adjacent agencies are joined by ``join_units`` instead).
        """
        i = token_at.get(end)
        if i is None:
            return end
        for tok in doc[i: i + MAX_UNIT_WORDS]:
            word = norm[tok.idx: tok.idx + len(tok)]
            b = tok.idx + len(tok)
            # a one-character unit word closes a stretch (國立感染症研究 + 所) though 所 is also a function word,
            # and a word that starts a unit word (委員 + 會) is part of it though 委員 is also a title
            closes = (tok.i > i and word in UNIT_SUFFIXES) or any(
                len(sfx) > len(word) and norm.startswith(sfx, tok.idx) for sfx in UNIT_SUFFIXES)
            if not _CHINESE_WORD.fullmatch(word) or (word in _NOT_IN_UNIT and not closes) or tok.i in found or \
                    (tok.i > i and doc[tok.i - 1].whitespace_):
                return end
            if any(w in word for w in _NOT_A_BODY):
                return end
            if norm.endswith(UNIT_SUFFIXES, end, b) and (tok.i > i or len(word) > 1):
                if norm.endswith(_NOT_UNIT_ENDINGS, end, b) or norm.startswith(_TITLE_AFTER, b) or \
                        document_number_prefix(norm, tok.idx, b):
                    return end
                return end if self._blocked_after(norm, b) or part_of_other_name(norm, end, b) else b
        return end

    def _blocked_after(self, text: str, b: int) -> bool:
        """A name ending at ``b`` is followed by a word that makes it part of a law, plan or event name."""
        return self._blocker is not None and self._blocker.match(text, b) is not None

    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
        return self.scorer(examples, **kwargs) if self.scorer else {}

    def _data(self) -> dict:
        return {"blocking_suffixes": self.blocking_suffixes, "patterns": self.patterns}

    def _set_data(self, data: dict) -> None:
        self.blocking_suffixes = data["blocking_suffixes"]
        self.patterns = data.get("patterns", default_agency_patterns())
        if "names" in data:  # a pipeline saved before the names moved to the vocab
            set_agency_names(self.vocab, data["names"])
        self._load_names()

    def to_bytes(self, **kwargs: Any) -> bytes:
        return srsly.msgpack_dumps(self._data())

    def from_bytes(self, data: bytes, **kwargs: Any) -> AgencyGazetteer:
        self._set_data(srsly.msgpack_loads(data))
        return self

    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "settings.json", self._data())

    def from_disk(self, path: str | Path, **kwargs: Any) -> AgencyGazetteer:
        path = Path(path)
        self._set_data(srsly.read_json(path / "settings.json" if (path / "settings.json").exists()
                                       else path / "registry.json"))
        return self


@Language.factory(
    "tcbio_product_gazetteer",
    default_config={"overwrite_ents": False, "scorer": {"@scorers": "spacy.ner_scorer.v1"}},
)
def make_product_gazetteer(nlp: Language, name: str, overwrite_ents: bool,
                           scorer: Callable | None) -> ProductGazetteer:
    return ProductGazetteer(name, vocab=nlp.vocab, overwrite_ents=overwrite_ents, scorer=scorer)


class ProductGazetteer(AgencyGazetteer):
    """Registered product names (品名) from TFDA licence open data, as PRODUCT where nothing else was found.

    With the product registries compiled into the vocab's product table, their written forms
    (brand without dosage form, with ®/™, brand-quote variants; ``tcbio_nlp.products``) are matched too.
    Names are matched whole and case-insensitively for Latin script; no merging of
    neighbours and no blocking suffixes (those are agency rules). The names are the vocab's
    product table (``tcbio_nlp.resources``), shared with the segmenter.
    """

    label = "PRODUCT"
    extend_units = False

    def __init__(self, name: str = "tcbio_product_gazetteer", **kwargs: Any) -> None:
        super().__init__(name, **kwargs)
        self.blocking_suffixes = []
        self.patterns = default_product_patterns()
        self._shapes = [re.compile(rx) for rx in self.patterns]
        self.min_length = 4

    def __call__(self, doc: Doc) -> Doc:
        norm = doc_norm_text(doc)
        add_entities(doc, char_spans(doc, self.matches(norm) + self.shape_matches(norm)), overwrite=self.overwrite_ents)
        if doc.ents:
            doc.ents = join_form_and_strength(doc, norm)
        return doc

    def shape_matches(self, text: str) -> list[tuple[int, int, str]]:
        """Names by shape (``data/entity_patterns.json``: ``Keytruda®``), not where the line lists ingredients."""
        out = []
        for rx in self._shapes:
            for m in rx.finditer(text):
                a, b = m.span("name") if "name" in rx.groupindex else m.span()
                line = text[text.rfind("\n", max(0, a - MAX_CUE_DISTANCE), a) + 1: a]
                if _INGREDIENT_CUE not in line[-MAX_CUE_DISTANCE:]:
                    out.append((a, b, self.label))
        return out

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, *,
                   nlp: Language | None = None, tfda_dir: str | None = None, min_length: int = 4) -> None:
        """Names from the vocab's product table; ``tfda_dir`` builds that table from the licence data first."""
        if tfda_dir is not None:
            from ..resources import PRODUCT_TABLE, create_resources

            if self.vocab.lookups.has_table(PRODUCT_TABLE):
                self.vocab.lookups.remove_table(PRODUCT_TABLE)
            self.vocab.lookups.set_table(PRODUCT_TABLE, create_resources(None, tfda_dir).get_table(PRODUCT_TABLE))
        self.min_length = min_length
        self._load_names()

    def _load_names(self) -> None:
        # the written forms of the product registries (tcbio_nlp.products), short and ambiguous ones already out;
        # without them, the registered names of the TFDA licence data
        forms = product_registry(self.vocab)[1]
        names = [] if forms else product_names(self.vocab) or []
        keys = {normalize_text(n).upper(): n for n in names if len(n) >= self.min_length}
        keys.update((key, key) for key in forms)
        self.registry = AgencyRegistry(keys)
        self._compile()

    def _data(self) -> dict:
        return {"min_length": self.min_length, "patterns": self.patterns}

    def _set_data(self, data: dict) -> None:
        self.patterns = data.get("patterns", default_product_patterns())
        self._shapes = [re.compile(rx) for rx in self.patterns]
        if "names" in data:  # a pipeline saved before the names moved to the vocab
            self.registry = AgencyRegistry(data["names"])
            self._compile()
            return
        self.min_length = data["min_length"]
        self._load_names()

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        if self._automaton is None or not len(self.registry):
            return []
        upper = text.upper()
        if len(upper) != len(text):  # a few letters change length when upper-cased (ß → SS)
            upper = text
        # a line break inside a Latin name is a space (Keppra\nFilm-Coated Tablets)
        upper = _LATIN_WRAP.sub(" ", upper)
        return [(a, b, self.label) for a, b in _longest_matches(self._automaton, upper, text)]


# a strength: number and unit, per unit (10 mg/ml); the unit alone after a name that ends in its number
_UNIT = r"(?:mg|mcg|µg|g|ml|iu|毫克|公絲|微克|毫升|公撮|公克|單位|國際單位|%)"
_PER_UNIT = rf"(?:[ ]?/[ ]?(?:\d[\d.,]*[ ]?)?{_UNIT})?"
_STRENGTH_AFTER = re.compile(rf"[ ]?\d[\d.,]*[ ]?{_UNIT}{_PER_UNIT}(?![A-Za-z])", re.IGNORECASE)
_UNIT_AFTER = re.compile(rf"[ ]?{_UNIT}{_PER_UNIT}(?![A-Za-z])", re.IGNORECASE)
_FORM_AFTER = re.compile("|".join(ZH_DOSAGE_FORMS))
# a single line break between two Latin characters
_LATIN_WRAP = re.compile(r"(?<=[A-Za-z0-9.®™])\n(?=[A-Za-z0-9])")
# at most this many entities can lie in a form and strength after a name (5 mg: one)
MAX_JOINED = 4
# a line that names ingredients (保健功效相關成分：安卓奎諾爾®) holds no product names by shape
_INGREDIENT_CUE = "成分"
MAX_CUE_DISTANCE = 30


def join_form_and_strength(doc: Doc, norm: str) -> list[Span]:
    """PRODUCT entities extended over the dosage form and strength written right after them (guidelines:
    "include the dosage form, strength … when written as part of the name"): ``Eliquis®`` + ``膜衣錠 5 mg``,
    ``Eliquis®膜衣錠 5`` + ``mg``. A PRODUCT inside the extension is taken in; any other entity stops it."""
    ents = list(doc.ents)
    out: list[Span] = []
    for i, ent in enumerate(ents):
        if out and out[-1].end > ent.start:
            continue  # taken into the previous product
        if ent.label_ == "PRODUCT":
            end = ent.end_char
            m = _FORM_AFTER.match(norm, end)
            end = m.end() if m else end
            m = (_UNIT_AFTER if norm[end - 1].isdigit() else _STRENGTH_AFTER).match(norm, end)
            end = m.end() if m else end
            if end > ent.end_char and _only_products_before(ents, i + 1, end):
                ent = doc.char_span(ent.start_char, end, label="PRODUCT") or ent
        out.append(ent)
    return out


def _only_products_before(ents: list[Span], i: int, end: int) -> bool:
    """Whether the entities from ``ents[i]`` that start before ``end`` are PRODUCTs ending by ``end``
    (at most ``MAX_JOINED`` of them)."""
    for e in ents[i: i + MAX_JOINED + 1]:
        if e.start_char >= end:
            return True
        if e.label_ != "PRODUCT" or e.end_char > end:
            return False
    return i + MAX_JOINED + 1 > len(ents)


def _registry_wins(doc: Doc, spans: list[Span]) -> list[Span]:
    """``doc.ents`` after the strong registry matches that win over what they overlap (module docstring).

    A registry name replaces the entities it overlaps when each of them is a PRODUCT, or an AGENCY whose
    edges it crosses (neither contains the other); never a LICENSE_NO or MONEY.
    """
    ents = list(doc.ents)  # in document order, non-overlapping: their ends are sorted too
    ends = [e.end for e in ents]
    drop: set[int] = set()
    won: list[Span] = []
    for s in spans:
        i = bisect.bisect_right(ends, s.start)
        hit = []
        while i < len(ents) and ents[i].start < s.end:
            hit.append(i)
            i += 1
        if hit and not drop.intersection(hit) and all(
                ents[j].label_ == "PRODUCT" or (ents[j].label_ == "AGENCY" and _crosses(s, ents[j])) for j in hit):
            drop.update(hit)
            won.append(s)
    return sorted([e for j, e in enumerate(ents) if j not in drop] + won, key=lambda e: e.start)


def _crosses(a: Span, b: Span) -> bool:
    """Two overlapping spans of which neither contains the other."""
    return not (a.start <= b.start and b.end <= a.end) and not (b.start <= a.start and a.end <= b.end)


def _longest_matches(automaton: ahocorasick.Automaton, searched: str, text: str) -> list[tuple[int, int]]:
    """Non-overlapping dictionary matches in ``searched``, longest first then leftmost, in text order.

    ``searched`` has the same length as ``text`` (e.g. its upper-cased form); ASCII names
    are checked against ``text`` so that they never match inside a longer Latin word.
    """
    cands = sorted(((end + 1 - n, end + 1) for end, n in automaton.iter(searched)),
                   key=lambda s: (s[0] - s[1], s[0]))
    taken = [False] * len(text)
    out = []
    for a, b in cands:
        if any(taken[a:b]) or _inside_latin_word(text, a, b):
            continue
        taken[a:b] = [True] * (b - a)
        out.append((a, b))
    return sorted(out)


def _inside_latin_word(text: str, a: int, b: int) -> bool:
    """An ASCII name (FDA, WHO) must not match inside a longer Latin word."""
    return (text[a].isascii() and a > 0 and text[a - 1].isalnum() and text[a - 1].isascii()) or (
        text[b - 1].isascii() and b < len(text) and text[b].isalnum() and text[b].isascii())
