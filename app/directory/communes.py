"""French communes and their points, offline (pure: no Flask, no SQLAlchemy).

Reads the file ``scripts/build_communes.py`` writes (``COMMUNES_FILE``, default
instance/communes.csv: INSEE code, name, département, postcodes, the town hall's point,
population). It answers "where is this commune, this postcode, this INSEE code?" without
a network, for the search's starting point and for the geocoder's fallback.
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from app.directory.geo import Point

POSTCODE = re.compile(r"\b(\d{5})\b")
INSEE = re.compile(r"^(\d[\dAB]\d{3})$", re.IGNORECASE)


@dataclass(frozen=True)
class Commune:
    code_insee: str
    name: str
    departement: str
    postcodes: tuple[str, ...]
    point: Point
    population: int

    @property
    def label(self) -> str:
        return f"{self.name} ({self.postcodes[0]})" if self.postcodes else self.name


@dataclass
class Gazetteer:
    by_code: dict[str, Commune] = field(default_factory=dict)
    by_postcode: dict[str, list[Commune]] = field(default_factory=dict)
    by_name: dict[str, list[Commune]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.by_code)

    def add(self, commune: Commune) -> None:
        self.by_code[commune.code_insee] = commune
        for code in commune.postcodes:
            self.by_postcode.setdefault(code, []).append(commune)
        self.by_name.setdefault(name_key(commune.name), []).append(commune)

    def finish(self) -> None:
        # The most populous first: "57070" is Metz before Vantoux, "Saint-Denis" is 93.
        for index in (self.by_postcode, self.by_name):
            for communes in index.values():
                communes.sort(key=lambda c: -c.population)

    def resolve(self, text: str) -> Commune | None:
        """The commune meant by a postcode, an INSEE code, a name, or "Metz 57070"
        (a name and a postcode: the commune of that name among the postcode's)."""
        text = text.strip()
        if not text:
            return None
        found = POSTCODE.search(text)
        if found:
            candidates = self.by_postcode.get(found.group(1), [])
            rest = name_key(POSTCODE.sub(" ", text))
            if rest:
                named = [c for c in candidates if name_key(c.name) == rest]
                if named:
                    return named[0]
            if candidates:
                return candidates[0]
            return self.by_code.get(found.group(1))
        if INSEE.match(text):
            return self.by_code.get(text.upper())
        communes = self.by_name.get(name_key(text))
        return communes[0] if communes else None

    def in_postcode(self, postcode: str, name: str = "") -> Commune | None:
        """The commune of an address: its postcode, and its commune's name when given."""
        return self.resolve(f"{name} {postcode}".strip())


def name_key(name: str) -> str:
    """ "Saint-Julien-lès-Metz" and "saint julien les metz" meet: no accents, no case,
    hyphens and apostrophes as spaces, "St" as "saint"."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", " ", plain.lower()).split()
    expanded = ["saint" if w == "st" else "sainte" if w == "ste" else w for w in words]
    return " ".join(expanded)


def departement_of(code_insee: str = "", postcode: str = "") -> str:
    """The département's code: from the INSEE code ("57", "2A", "974"), else from the
    postcode (Corsica's 20xxx cannot say which of 2A and 2B: "20")."""
    code = code_insee.strip().upper()
    if len(code) == 5:
        return code[:3] if code.startswith("97") else code[:2]
    post = postcode.strip()
    if len(post) == 5 and post.isdigit():
        return post[:3] if post.startswith("97") else post[:2]
    return ""


def read(path: str | os.PathLike[str]) -> Gazetteer:
    """Read a communes file; a missing file is an empty gazetteer (nothing is placed)."""
    gazetteer = Gazetteer()
    file = Path(path)
    if not file.exists():
        return gazetteer
    with file.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            gazetteer.add(
                Commune(
                    code_insee=row["code_insee"],
                    name=row["nom"],
                    departement=row["departement"],
                    postcodes=tuple(p for p in row["codes_postaux"].split("|") if p),
                    point=Point(float(row["latitude"]), float(row["longitude"])),
                    population=int(row["population"] or 0),
                )
            )
    gazetteer.finish()
    return gazetteer


@lru_cache(maxsize=4)
def _cached(path: str, mtime: float) -> Gazetteer:
    return read(path)


def load(path: str | os.PathLike[str]) -> Gazetteer:
    """The gazetteer of ``path``, read once per process (again if the file changes)."""
    file = Path(path)
    mtime = file.stat().st_mtime if file.exists() else 0.0
    return _cached(str(file), mtime)
