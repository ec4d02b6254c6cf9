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

# units every ministry has; written alone they are generic, so only parent+unit names are kept
_GENERIC_UNITS = ("秘書處", "人事處", "會計處", "政風處", "主計處", "統計處", "法規委員會", "訴願審議委員會",
                  "秘書室", "人事室", "會計室", "政風室", "主計室", "統計室", "資訊處", "資訊室", "總務處")


class AgencyRegistry:
    """name (normalised) → canonical full name."""

    def __init__(self, names: dict[str, str] | None = None) -> None:
        self.names: dict[str, str] = dict(names or {})

    @classmethod
    def from_sources(cls, tw_agencies_json: Path | None = None) -> AgencyRegistry:
        reg = cls()
        if tw_agencies_json is not None and Path(tw_agencies_json).exists():
            reg.add_tw_gov_org(json.loads(Path(tw_agencies_json).read_text("utf8")))
        reg.add_alias_rows(default_alias_rows())
        return reg

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
        return self.names.get(normalize_text(name).replace(" ", ""))

    def __len__(self) -> int:
        return len(self.names)


_NOT_A_NAME = re.compile(r"[:：、，。()（）]|事項|[一二三四五六七八九十]人|分別|或|以辦理|下列|會議$")


def _looks_like_name(text: str) -> bool:
    """Filter out the parse errors of the 2016 data (clauses and staff lines taken for units)."""
    return 2 <= len(text) <= 30 and not _NOT_A_NAME.search(text)


def default_alias_rows() -> list[tuple[str, str]]:
    """Rows of the shipped ``data/agency_aliases.tsv`` as (name, canonical)."""
    path = resources.files("tcbio_nlp") / "data" / "agency_aliases.tsv"
    with path.open(encoding="utf8") as f:
        rows = csv.reader((line for line in f if line.strip() and not line.startswith("#")), delimiter="\t")
        return [(r[0], r[1]) for r in rows if len(r) >= 2]
