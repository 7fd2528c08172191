"""Distances in words, boxes, map links and the offline communes file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from app.directory import communes
from app.directory.geo import Point, box_around, distance_m, format_distance, osm_link, valid_point

METZ = Point(49.119718, 6.176262)  # town hall
NANCY = Point(48.693722, 6.183410)


def test_haversine_against_a_known_distance() -> None:
    assert distance_m(METZ, METZ) == 0
    assert 47_000 < distance_m(METZ, NANCY) < 48_000  # Metz - Nancy, about 47 km
    assert distance_m(METZ, NANCY) == pytest.approx(distance_m(NANCY, METZ))


@pytest.mark.parametrize(
    ("metres", "words"),
    [
        (4, "à 10 m"),
        (73, "à 70 m"),
        (180, "à 200 m"),
        (800, "à 800 m"),
        (949, "à 950 m"),
        (1000, "à 1 km"),
        (1540, "à 1,5 km"),
        (9940, "à 9,9 km"),
        (12_400, "à 12 km"),
        (312_600, "à 313 km"),
    ],
)
def test_distance_in_words(metres: float, words: str) -> None:
    assert format_distance(metres) == words


def test_the_box_holds_every_point_of_the_circle() -> None:
    box = box_around(METZ, 10_000)
    for bearing_point in (
        Point(METZ.latitude + 0.0899, METZ.longitude),
        Point(METZ.latitude, METZ.longitude + 0.137),
    ):
        assert distance_m(METZ, bearing_point) <= 10_050
        assert box.south <= bearing_point.latitude <= box.north
        assert box.west <= bearing_point.longitude <= box.east


def test_osm_link_and_point_validation() -> None:
    url = osm_link(Point(49.110123456, 6.22))
    assert (
        url == "https://www.openstreetmap.org/?mlat=49.11012&mlon=6.22000#map=17/49.11012/6.22000"
    )
    assert valid_point(None, 6.0) is None
    assert valid_point(91.0, 6.0) is None
    assert valid_point(float("nan"), 6.0) is None
    assert valid_point(49.0, 6.0) == Point(49.0, 6.0)


def test_communes_resolve_postcodes_names_and_codes(tmp_path: Path) -> None:
    path = tmp_path / "communes.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "code_insee",
                "nom",
                "departement",
                "codes_postaux",
                "latitude",
                "longitude",
                "population",
            ]
        )
        writer.writerow(
            ["57463", "Metz", "57", "57000|57050|57070", "49.119718", "6.176262", "116429"]
        )
        writer.writerow(["57709", "Vantoux", "57", "57070", "49.1303", "6.2300", "900"])
        writer.writerow(
            ["57616", "Saint-Julien-lès-Metz", "57", "57070", "49.1332", "6.2019", "3000"]
        )
    gazetteer = communes.read(path)
    assert gazetteer.resolve("57070").name == "Metz"  # the most populous of the postcode
    assert gazetteer.resolve("st julien les metz").name == "Saint-Julien-lès-Metz"
    assert gazetteer.resolve("Vantoux 57070").name == "Vantoux"
    assert gazetteer.resolve("57709").name == "Vantoux"
    assert gazetteer.resolve("Nulle-part") is None
    assert communes.read(tmp_path / "missing.csv").resolve("Metz") is None
    assert communes.departement_of("97411") == "974"
    assert communes.departement_of("", "57070") == "57"
    assert communes.departement_of("2A004") == "2A"
