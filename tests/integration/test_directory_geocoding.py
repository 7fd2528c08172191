"""Geocoding: the BAN (IGN Géoplateforme) answer, played by a local HTTP server (no
internet in tests), its score kept, weak matches refused, offline fallback on communes."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from flask import Flask

from app.directory import services
from app.directory.models import Place
from app.extensions import db

ASKED: list[dict[str, list[str]]] = []


class FakeGeocoder(BaseHTTPRequestHandler):
    """Answers like https://data.geopf.fr/geocodage/search (GeoJSON FeatureCollection)."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        query = parse_qs(urlparse(self.path).query)
        ASKED.append(query)
        q = query.get("q", [""])[0]
        score = 0.31 if "vague" in q else 0.93
        features = [] if "inconnue" in q else [{
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [6.2291, 49.1097]},
            "properties": {"label": q, "score": score, "citycode": "57463", "postcode": "57070", "city": "Metz"},
        }]  # fmt: skip
        body = json.dumps({"type": "FeatureCollection", "features": features}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def geocoder(app: Flask) -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), FakeGeocoder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/geocodage/search"
    app.config["GEOCODER_URL"] = url
    ASKED.clear()
    yield url
    app.config["GEOCODER_URL"] = ""
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def new_place(address: str, postcode: str = "57070", commune: str = "Metz") -> Place:
    place = Place(name="Lieu", address=address, postcode=postcode, commune=commune,
                  needs=[], services=[], raw={})  # fmt: skip
    db.session.add(place)
    return place


def test_a_good_match_is_kept_with_its_score_and_asked_once(geocoder: str) -> None:
    place = new_place("2 boulevard de Provence")
    services.place_point(place)
    assert place.geocode_status == "ban" and place.geocode_score == pytest.approx(0.93)
    assert (place.latitude, place.longitude) == (49.1097, 6.2291)
    assert place.code_insee == "57463" and place.departement == "57"
    assert ASKED[0]["q"] == ["2 boulevard de Provence Metz"]
    assert ASKED[0]["postcode"] == ["57070"] and ASKED[0]["limit"] == ["1"]
    services.place_point(place)  # same address: not asked again
    assert len(ASKED) == 1
    place.address = "4 boulevard de Provence"
    services.place_point(place)
    assert len(ASKED) == 2


def test_a_weak_match_is_refused_for_the_commune_point(geocoder: str) -> None:
    place = new_place("quelque part vague")
    services.place_point(place)
    assert place.geocode_status == "commune" and place.geocode_score == pytest.approx(0.31)
    assert place.latitude == pytest.approx(49.119718)  # Metz town hall


def test_no_match_and_no_commune_is_adresse_introuvable(geocoder: str) -> None:
    place = new_place("rue inconnue", postcode="", commune="Atlantide")
    services.place_point(place)
    assert place.geocode_status == "failed" and not place.placed
    assert services.owner_problems(place)[0].startswith("Adresse introuvable")


def test_an_unreachable_geocoder_falls_back_to_the_commune(app: Flask) -> None:
    app.config["GEOCODER_URL"] = "http://127.0.0.1:9/nothing-listens-here"
    try:
        place = new_place("2 boulevard de Provence")
        services.place_point(place)
    finally:
        app.config["GEOCODER_URL"] = ""
    assert place.geocode_status == "commune" and place.placed
