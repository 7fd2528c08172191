"""Which association a prescription should go to: those that serve the household's place
and the programme's territory, nearest first. Pure module (no Flask, no SQLAlchemy).

An association serves its own département, read from its postcode. A programme's
territory is its location condition (communes, postcodes, départements as postcode
prefixes); a programme without one runs everywhere. A commune named by a programme lies
in the household's département when the household lives in it (the only département we
know for a bare commune name without a commune table).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import IntEnum

from app.core.marking import N_


def fold(text: str) -> str:
    """Case- and accent-insensitive commune name ("Châteaudun" == "chateaudun")."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("-", " ").replace("'", " ").split())


def department(postcode: str) -> str | None:
    """The département of a French postcode: '28200' -> '28', '20090' -> '2A',
    '20200' -> '2B', '97400' -> '974'; None when it is not a postcode."""
    code = postcode.strip().replace(" ", "")
    if len(code) != 5 or not code.isdigit():
        return None
    if code.startswith("20"):  # Corse: 200xx-201xx Corse-du-Sud, 202xx-206xx Haute-Corse
        return "2A" if code[2] in "01" else "2B"
    if code.startswith(("97", "98")):
        return code[:3]
    return code[:2]


@dataclass(frozen=True)
class Place:
    commune: str = ""
    postcode: str = ""

    @property
    def department(self) -> str | None:
        return department(self.postcode)


@dataclass(frozen=True)
class Area:
    """A programme's territory (its location condition); all empty: everywhere."""

    communes: tuple[str, ...] = ()
    postcodes: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()

    @property
    def everywhere(self) -> bool:
        return not (self.communes or self.postcodes or self.departments)

    def departments_for(self, household: Place) -> frozenset[str]:
        """The départements the territory reaches, as far as we can tell."""
        found = {d for d in (department(p) for p in self.postcodes) if d}
        for prefix in self.departments:
            found.add(department(prefix.ljust(5, "0")) or prefix)
        if household.department and fold(household.commune) in {fold(c) for c in self.communes}:
            found.add(household.department)
        return frozenset(found)

    def covers(self, place: Place) -> bool:
        """The place itself lies in the territory (as the location condition reads it)."""
        postcode = place.postcode.strip()
        return (
            self.everywhere
            or (bool(postcode) and postcode in self.postcodes)
            or (bool(postcode) and any(postcode.startswith(d) for d in self.departments))
            or (bool(place.commune) and fold(place.commune) in {fold(c) for c in self.communes})
        )


class Nearness(IntEnum):
    """How near an association is to the household, without coordinates."""

    SAME_COMMUNE = 0
    SAME_DEPARTMENT = 1
    OTHER_DEPARTMENT = 2
    UNKNOWN = 3  # the association has no postcode


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    place: Place


@dataclass(frozen=True)
class Ranked:
    id: int
    name: str
    place: Place
    serves: bool
    nearness: Nearness
    distance_km: float | None = None


@dataclass(frozen=True)
class Routing:
    ranked: tuple[Ranked, ...]
    household: Place

    @property
    def serving(self) -> tuple[Ranked, ...]:
        return tuple(r for r in self.ranked if r.serves)

    @property
    def others(self) -> tuple[Ranked, ...]:
        return tuple(r for r in self.ranked if not r.serves)

    @property
    def default_id(self) -> int | None:
        """The nearest association that serves the household; None when none does (the
        prescriber then chooses, warned: never the first name of the alphabet)."""
        serving = self.serving
        return serving[0].id if serving else None


Distance = Callable[[Place, Place], float | None]


def nearness(household: Place, association: Place) -> Nearness:
    if not association.department:
        return Nearness.UNKNOWN
    if household.commune and fold(household.commune) == fold(association.commune):
        return Nearness.SAME_COMMUNE
    if household.department and household.department == association.department:
        return Nearness.SAME_DEPARTMENT
    return Nearness.OTHER_DEPARTMENT


def serves(association: Place, household: Place, area: Area | None) -> bool:
    """The association serves the household's place and the programme's territory."""
    near = nearness(household, association)
    if near not in (Nearness.SAME_COMMUNE, Nearness.SAME_DEPARTMENT):
        return False
    if area is None or area.everywhere or area.covers(association):
        return True
    return association.department in area.departments_for(household)


def rank(
    household: Place,
    candidates: Iterable[Candidate],
    area: Area | None = None,
    distance: Distance | None = None,
) -> Routing:
    """The associations in the order a prescriber should read them: those that serve
    first, then the others; within each, by distance when ``distance`` knows it, else same
    commune, same département, other département, unknown address; then by name."""
    rows = []
    for c in candidates:
        km = distance(household, c.place) if distance is not None else None
        rows.append(
            Ranked(
                id=c.id,
                name=c.name,
                place=c.place,
                serves=serves(c.place, household, area),
                nearness=nearness(household, c.place),
                distance_km=km,
            )
        )
    rows.sort(
        key=lambda r: (
            not r.serves,
            r.distance_km if r.distance_km is not None else math.inf,
            r.nearness,
            fold(r.name),
            r.id,
        )
    )
    return Routing(ranked=tuple(rows), household=household)


def where(row: Ranked) -> tuple[str, dict[str, object]]:
    """How far, as a French template and its values (translated where it is shown):
    'même commune', 'à 800 m', 'à 12 km' (with distances), else 'même département',
    'autre département (57)', 'adresse inconnue'."""
    if row.nearness is Nearness.SAME_COMMUNE:
        return N_("même commune"), {}
    if row.distance_km is not None:
        if row.distance_km < 1:
            return N_("à %(m)s m"), {"m": max(100, round(row.distance_km * 10) * 100)}
        return N_("à %(km)s km"), {"km": round(row.distance_km)}
    if row.nearness is Nearness.SAME_DEPARTMENT:
        return N_("même département"), {}
    if row.nearness is Nearness.OTHER_DEPARTMENT:
        return N_("autre département (%(d)s)"), {"d": row.place.department or ""}
    return N_("adresse inconnue"), {}
