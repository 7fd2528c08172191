"""Geocoding: the BAN (IGN Géoplateforme) answer, played by a local HTTP server (no
internet in tests), its score kept, weak matches refused, offline fallback on communes."""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import default
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from flask import Flask
from sqlalchemy import select

from app.directory import services
from app.directory.models import Place
from app.extensions import db

ASKED: list[dict[str, list[str]]] = []
BULK: list[dict[str, list[str]]] = []  # the bulk CSV requests' form fields


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

    def do_POST(self) -> None:  # noqa: N802
        """Answers like https://data.geopf.fr/geocodage/search/csv: the CSV sent, with the
        ``result_columns`` asked for added to each row."""
        length = int(self.headers["Content-Length"])
        raw = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + self.rfile.read(
            length
        )
        form: dict[str, list[str]] = {}
        for part in BytesParser(policy=default).parsebytes(raw).iter_parts():
            form.setdefault(str(part.get_param("name", header="content-disposition")), []).append(
                part.get_content() if isinstance(part.get_content(), str) else part.get_content().decode()
            )  # fmt: skip
        BULK.append(form)
        rows = list(csv.DictReader(io.StringIO(form["data"][0])))
        out = io.StringIO()
        writer = csv.DictWriter(
            out, [*rows[0].keys(), *form["result_columns"]], lineterminator="\n"
        )
        writer.writeheader()
        for row in rows:
            q = row[form["columns"][0]]
            found = "inconnue" not in q
            writer.writerow({**row, "latitude": "49.1097" if found else "", "longitude": "6.2291" if found else "",
                             "result_score": ("0.31" if "vague" in q else "0.93") if found else "",
                             "result_citycode": "57463" if found else "",
                             "result_status": "ok" if found else "not-found"})  # fmt: skip
        self.send_response(200)
        self.send_header("Content-Type", "text/csv; charset=utf-8")
        self.end_headers()
        self.wfile.write(out.getvalue().encode())

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
    BULK.clear()
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


def test_flask_directory_geocode_sends_one_bulk_csv(app: Flask, geocoder: str) -> None:
    from app.directory.cli import geocode as geocode_command

    places = [new_place(f"{n} rue Serpenoise") for n in range(1, 6)]
    weak, unknown = new_place("quelque part vague"), new_place("rue inconnue", commune="Atlantide")
    twin = new_place("1 rue Serpenoise")  # the same address: asked once
    db.session.commit()
    result = app.test_cli_runner().invoke(geocode_command, [])
    assert result.exit_code == 0, result.output
    assert "8 lieux traités" in result.output
    assert ASKED == [] and len(BULK) == 1  # one request for all, none one by one
    form = BULK[0]
    assert form["columns"] == ["adresse"] and form["postcode"] == ["code_postal"]
    assert {"latitude", "longitude", "result_score"} <= set(form["result_columns"])
    sent = list(csv.DictReader(io.StringIO(form["data"][0])))
    assert len(sent) == 7 and sent[0]["adresse"] == "1 rue Serpenoise Metz"
    assert sent[0]["code_postal"] == "57070"
    for place in [*places, twin]:
        db.session.refresh(place)
        assert place.geocode_status == "ban" and place.geocode_score == pytest.approx(0.93)
        assert (place.latitude, place.longitude) == (49.1097, 6.2291)
        assert place.code_insee == "57463" and place.departement == "57"
    db.session.refresh(weak)
    assert weak.geocode_status == "commune" and weak.geocode_score == pytest.approx(0.31)
    db.session.refresh(unknown)
    assert unknown.geocode_status == "commune" and unknown.geocode_score == 0.0  # Metz 57070
    again = app.test_cli_runner().invoke(geocode_command, [])
    assert again.exit_code == 0 and len(BULK) == 1  # each address once


def test_an_import_geocodes_its_rows_in_one_bulk_request(geocoder: str) -> None:
    from app.directory import imports

    rows = [{"source": "dora", "id": f"d-{n}", "nom": f"Lieu {n}", "date_maj": "2025-01-01",
             "commune": "Metz", "code_postal": "57070", "adresse": f"{n} rue des Jardins"}
            for n in range(8)]  # fmt: skip
    rows[0]["adresse"] = "chemin vague"
    with services.batched_points():
        report = imports.import_data_inclusion(rows)
    assert report.written and report.created == 8
    assert ASKED == [] and len(BULK) == 1
    assert len(list(csv.DictReader(io.StringIO(BULK[0]["data"][0])))) == 8
    placed = {
        p.source_id: p for p in db.session.scalars(select(Place).where(Place.source == "dora"))
    }
    assert placed["d-1"].geocode_status == "ban" and placed["d-1"].geocode_score == pytest.approx(
        0.93
    )
    assert placed["d-0"].geocode_status == "commune" and placed[
        "d-0"
    ].geocode_score == pytest.approx(0.31)
    # A handful of rows: one request each, as before.
    with services.batched_points():
        imports.import_data_inclusion([{**rows[1], "id": "e-1", "adresse": "3 rue Haute"}])
    assert len(BULK) == 1 and len(ASKED) == 1


def test_a_failing_bulk_request_falls_back_on_the_commune(app: Flask) -> None:
    app.config["GEOCODER_URL"] = "http://127.0.0.1:9/nothing-listens-here"
    try:
        places = [new_place(f"{n} rue Serpenoise") for n in range(7)]
        services.place_points(places)
    finally:
        app.config["GEOCODER_URL"] = ""
    assert {p.geocode_status for p in places} == {"commune"} and all(p.placed for p in places)
