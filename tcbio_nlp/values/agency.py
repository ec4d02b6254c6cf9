"""Agency names → canonical full official names, from registry data files with sources.

Two sources are merged when a pipeline is built: the 2016 organisation data parsed
from Taiwan's organic laws (``../shared/data/tw_agencies``, full names and
parent+unit names) and the package's ``data/agency_aliases.tsv`` (newer bodies,
short forms and foreign/international bodies, each row with its source).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from ..normalization import normalize_text

#: words that make a registry name a hospital, university, school or company (or a part of one), which the
#: guidelines do not count as AGENCY even when the state runs them (榮民總醫院, 中央警察大學教務處)
NOT_AGENCY_WORDS = re.compile(r"醫院|分院(?!檢察署)|大學|學校|股份有限公司")
# ... but 高等法院臺中分院 is a court
_COURT_BRANCH = re.compile(r"法院.*分院")

#: the endings of a unit that is a body of its own when written alone (標準檢驗局, 工業局, 警政署), and its least
#: length; not a branch named by its place (嘉義市分局) nor a committee (研究發展委員會: many bodies have one)
UNIT_SHORT_FORM_ENDS = ("局", "署", "總處")
MIN_UNIT_SHORT_FORM = 3

# units every ministry has; written alone they are generic, so only parent+unit names are kept
_GENERIC_UNITS = ("秘書處", "人事處", "會計處", "政風處", "主計處", "統計處", "法規委員會", "訴願審議委員會",
                  "秘書室", "人事室", "會計室", "政風室", "主計室", "統計室", "資訊處", "資訊室", "總務處")


class AgencyRegistry:
    """name (normalised) → canonical full name."""

    def __init__(self, names: dict[str, str] | None = None) -> None:
        self.names: dict[str, str] = dict(names or {})

    @classmethod
    def from_sources(cls, tw_agencies_json: Path | None = None, shared: Path | None = None) -> AgencyRegistry:
        """The 2016 organisation data, the shared registries (with ``shared``) and the package's alias files."""
        reg = cls()
        if tw_agencies_json is not None and Path(tw_agencies_json).exists():
            reg.add_tw_gov_org(json.loads(Path(tw_agencies_json).read_text("utf8")))
        if shared is not None:
            reg.add_shared_registries(Path(shared) / "data" / "registries")
        reg.add_alias_rows(default_alias_rows())
        reg.add_unit_short_forms()
        reg.remove_not_names()
        return reg

    def add_unit_short_forms(self) -> None:
        """A named unit written alone (decision 1): ``標準檢驗局`` for 經濟部標準檢驗局, ``放射性物料管理局``.

        Taken from the registry's own full names <parent><unit> whose parent is a registry name too, when the
        unit has three or more characters, is a bureau or administration (``UNIT_SHORT_FORM_ENDS``)
        and belongs to one body only (not 資訊管理處, which many have).
        """
        owners: dict[str, set[str]] = {}
        for name, canonical in self.names.items():
            if name != normalize_text(canonical):
                continue  # full names only
            for k in range(2, len(name) - MIN_UNIT_SHORT_FORM + 1):
                unit = name[k:]
                if name[:k] in self.names and unit.endswith(UNIT_SHORT_FORM_ENDS) and _looks_like_name(unit) \
                        and not unit.endswith(("分局", "分署")) \
                        and not unit.startswith(("各", "所屬", "及", "暨", "附屬", "關於")) \
                        and not unit.endswith(_GENERIC_UNITS):
                    owners.setdefault(unit, set()).add(canonical)
        for unit, canonicals in owners.items():
            if len(canonicals) == 1 and unit not in self.names:
                self.add(unit, next(iter(canonicals)))

    def remove_not_names(self) -> None:
        """Leave out generic names (``data/agency_not_names.tsv``) and hospitals, universities, schools, companies."""
        generic = {normalize_text(n) for n in default_not_names()}
        for key in [k for k in self.names if k in generic or (NOT_AGENCY_WORDS.search(k)
                                                                and not _COURT_BRANCH.search(k))]:
            del self.names[key]

    def add_shared_registries(self, registries: Path) -> None:
        """``agencies_derived_2024`` (current names from the organic laws, gazette short↔full pairs) and the
        foreign regulators whose Chinese variant occurs in real text (``corpus_count`` > 0), with their
        acronyms of three letters or more and English names; each folder's SOURCE.md gives the source."""
        derived = registries / "agencies_derived_2024"
        current = derived / "agency_names_current.txt"
        if current.exists():
            for name in current.read_text("utf8").split():
                if _looks_like_name(name) and len(name) >= 4 and not name.endswith(_GENERIC_UNITS) \
                        and "各" not in name and not name.endswith(("研究中心", "研究所", "暫行")):
                    self.add(name, name)
        for row in _tsv_rows(derived / "gazette_pubgov_short_full_pairs_2005_2016.tsv"):
            short, full = row[0].strip(), row[1].strip()
            if len(row) > 2 and row[2].isdigit() and int(row[2]) >= 3 and len(short) >= 3 \
                    and _looks_like_name(short) and _looks_like_name(full):
                self.add(short, self.names.get(normalize_text(full), full))
        foreign: dict[str, list[tuple[int, str, str]]] = {}
        for row in _tsv_rows(registries / "foreign_regulators_derived" / "foreign_regulators_zh.tsv"):
            if len(row) >= 5 and row[4].isdigit():
                foreign.setdefault(row[0], []).append((int(row[4]), row[3], row[1]))
        for abbr, variants in foreign.items():
            verified = sorted((v for v in variants if v[0] > 0), reverse=True)
            english = variants[0][2].split(" (")[0]
            canonical = self.names.get(normalize_text(verified[0][1]), verified[0][1]) if verified else english
            for _, name, _english in verified:
                self.add(name, canonical)
            for name in (abbr, english):
                if sum(c.isalpha() for c in name) >= 3:
                    self.add(name, canonical)

    def add_tw_gov_org(self, orgs: dict) -> None:
        for name, info in orgs.items():
            if not _looks_like_name(name):
                continue
            self.add(name, name)
            for unit in info.get("子單位", []) or []:
                if not isinstance(unit, str) or len(unit) < 3 or unit.startswith(("第", "本", "各")):
                    continue
                if unit not in _GENERIC_UNITS and _looks_like_name(unit) and not unit.startswith(name):
                    self.add(name + unit, name + unit)

    def add_alias_rows(self, rows: Iterable[tuple[str, str]]) -> None:
        """Each row's name, and its canonical full name too: a body is also written by its full name."""
        rows = list(rows)
        for name, canonical in rows:
            self.add(name, canonical, overwrite=True)
        for _, canonical in rows:
            self.add(canonical, canonical)

    def add(self, name: str, canonical: str, overwrite: bool = False) -> None:
        key = normalize_text(name)
        if overwrite or key not in self.names:
            self.names[key] = canonical

    def canonical(self, name: str) -> str | None:
        """The canonical name of a name as written (its whitespace, a line wrap or letter spacing, left out)."""
        return self.names.get("".join(normalize_text(name).split()))

    def __len__(self) -> int:
        return len(self.names)


_NOT_A_NAME = re.compile(r"[:：、，。()（）]|事項|[一二三四五六七八九十]人|分別|或|以辦理|下列|會議$")


def _looks_like_name(text: str) -> bool:
    """Filter out the parse errors of the 2016 data (clauses and staff lines taken for units)."""
    return 2 <= len(text) <= 30 and not _NOT_A_NAME.search(text)


def default_agency_patterns() -> list[str]:
    """The AGENCY shapes of ``data/entity_patterns.json`` (health stations: <place>衛生所)."""
    from ..entities.patterns import pattern_file

    return pattern_file().get("AGENCY", [])


def default_product_patterns() -> list[str]:
    """The PRODUCT shapes of ``data/entity_patterns.json`` (Keytruda®; a name next to its licence number)."""
    from ..entities.patterns import pattern_file

    return pattern_file().get("PRODUCT", [])


#: the package's agency data files (name, canonical, source): aliases, then local bodies and courts
ALIAS_FILES = ("agency_aliases.tsv", "agencies_local_courts.tsv")


def default_alias_rows() -> list[tuple[str, str]]:
    """Rows of the shipped ``data/agency_aliases.tsv`` and ``data/agencies_local_courts.tsv`` as (name, canonical)."""
    out = []
    for name in ALIAS_FILES:
        path = resources.files("tcbio_nlp") / "data" / name
        with path.open(encoding="utf8") as f:
            rows = csv.reader((line for line in f if line.strip() and not line.startswith("#")), delimiter="\t")
            out.extend((r[0], r[1]) for r in rows if len(r) >= 2)
    return out


def _package_rows(name: str) -> list[list[str]]:
    """Rows of a tab-separated data file of the package, comment lines (#) left out."""
    path = resources.files("tcbio_nlp") / "data" / name
    with path.open(encoding="utf8") as f:
        return [r for r in csv.reader((line for line in f if line.strip() and not line.startswith("#")),
                                      delimiter="\t") if r]


def default_not_names() -> list[str]:
    """Registry names the guidelines count as generic (``data/agency_not_names.tsv``)."""
    return [r[0] for r in _package_rows("agency_not_names.tsv")]


def default_country_names() -> list[str]:
    """Countries written before an agency as part of its name (``data/country_names.tsv``), normalised."""
    return sorted({normalize_text(r[0]) for r in _package_rows("country_names.tsv")})


def _tsv_rows(path: Path) -> list[list[str]]:
    """Data rows of a TSV file with a header line (none when the file is absent)."""
    if not path.exists():
        return []
    with open(path, encoding="utf-8-sig") as f:
        return list(csv.reader(f, delimiter="\t"))[1:]
