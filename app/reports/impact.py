"""E-waste and CO2e avoided by reuse, from the factors file and its sources. Pure module.

The factors live in ``data/impact_factors.yaml`` with their source and year; the
dashboard and the funder's report print them next to the figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

FACTORS_FILE = Path(__file__).parent / "data" / "impact_factors.yaml"


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    year: int
    url: str


@dataclass(frozen=True)
class Factor:
    device_type: str
    label: str
    mass_kg: float
    co2e_kg: float
    source: Source
    status: str  # e.g. "à vérifier"


@dataclass(frozen=True)
class ImpactLine:
    device_type: str
    label: str
    devices: int
    mass_kg: float
    co2e_kg: float


@dataclass(frozen=True)
class Impact:
    lines: tuple[ImpactLine, ...]

    @property
    def devices(self) -> int:
        return sum(line.devices for line in self.lines)

    @property
    def mass_kg(self) -> float:
        return round(sum(line.mass_kg for line in self.lines), 1)

    @property
    def co2e_kg(self) -> float:
        return round(sum(line.co2e_kg for line in self.lines), 1)


def parse_factors(data: Mapping[str, Any]) -> dict[str, Factor]:
    """Factors by device type from the YAML structure; a factor must name a known source."""
    sources = {
        str(s["id"]): Source(str(s["id"]), str(s["titre"]), int(s["annee"]), str(s["url"]))
        for s in data["sources"]
    }
    factors: dict[str, Factor] = {}
    for device_type, row in data["facteurs"].items():
        source_id = str(row["source"])
        if source_id not in sources:
            raise ValueError(f"facteur {device_type} : source inconnue {source_id}")
        factors[str(device_type)] = Factor(
            device_type=str(device_type),
            label=str(row["libelle"]),
            mass_kg=float(row["masse_kg"]),
            co2e_kg=float(row["co2e_kg"]),
            source=sources[source_id],
            status=str(row.get("statut", "")),
        )
    return factors


@cache
def load_factors() -> dict[str, Factor]:
    with FACTORS_FILE.open(encoding="utf-8") as handle:
        return parse_factors(yaml.safe_load(handle))


def avoided(counts: Mapping[str, int], factors: Mapping[str, Factor] | None = None) -> Impact:
    """Mass of e-waste and CO2e of manufacturing avoided by ``counts`` reused devices per type.

    A type with no factor counts its devices with zero kg and zero CO2e (never guessed).
    """
    table = factors if factors is not None else load_factors()
    lines = []
    for device_type in sorted(counts, key=lambda t: (-counts[t], t)):
        n = counts[device_type]
        factor = table.get(device_type)
        lines.append(
            ImpactLine(
                device_type=device_type,
                label=factor.label if factor else device_type,
                devices=n,
                mass_kg=round(n * factor.mass_kg, 1) if factor else 0.0,
                co2e_kg=round(n * factor.co2e_kg, 1) if factor else 0.0,
            )
        )
    return Impact(tuple(lines))


def sources_used(factors: Mapping[str, Factor] | None = None) -> list[Source]:
    table = factors if factors is not None else load_factors()
    seen: dict[str, Source] = {}
    for factor in table.values():
        seen.setdefault(factor.source.id, factor.source)
    return list(seen.values())
