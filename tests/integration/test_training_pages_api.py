"""Training pages and API on a real database: trainer, prescriber, journal, isolation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.accounts import services as accounts
from app.audit.models import AuditEntry
from app.authz.policy import OrgKind, Role
from app.core.clock import utcnow
from app.extensions import db
from app.training import diagnostic as dg
from app.training.models import Attendance, Booking, BookingStatus, Diagnostic, TrainingSession
from app.training.recurrence import to_local
from tests import factories
from tests.conftest import login_client
from tests.integration.test_training_support import make_household, make_place, make_session


@pytest.fixture(autouse=True)
def _request(app: Flask):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        yield


def test_trainer_publishes_a_weekly_series_and_marks_attendance(client: FlaskClient) -> None:
    place = make_place(name="Le Quai")
    trainer = factories.create_user(Role.TRAINER, place)
    login_client(client, trainer)
    day = to_local(utcnow()).date() + timedelta(days=2)
    response = client.post(
        "/formation/seances/nouvelle",
        data={
            "title": "Atelier emploi", "themes": ["emploi", "bureautique"], "format": "collectif",
            "capacity": "10", "first_day": day.isoformat(), "start_time": "13:00",
            "duration_minutes": "240", "weeks": "4", "price_kind": "gratuit", "course_id": "0",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    sessions = db.session.scalars(select(TrainingSession).order_by(TrainingSession.starts_at)).all()
    assert len(sessions) == 4 and len({s.series_key for s in sessions}) == 1
    assert [to_local(s.starts_at).hour for s in sessions] == [13] * 4
    assert sessions[0].commune == "Metz" and sessions[0].address
    # Errors come back on the form, in French, without a 500.
    bad = client.post("/formation/seances/nouvelle", data={"title": "x", "themes": [],
                      "format": "collectif", "capacity": "8", "first_day": day.isoformat(),
                      "start_time": "09:00", "duration_minutes": "60", "weeks": "1",
                      "price_kind": "gratuit", "course_id": "0"})  # fmt: skip
    assert bad.status_code == 200 and "Choisissez au moins un thème" in bad.get_data(as_text=True)

    household = make_household(factories.create_org(OrgKind.PRESCRIBER))
    from app.training import bookings

    booking = bookings.book(sessions[0].id, household, notify=False)
    sessions[0].starts_at = utcnow() - timedelta(minutes=5)  # attendance once started
    db.session.commit()
    page = client.get(f"/formation/seances/{sessions[0].id}").get_data(as_text=True)
    assert "Mme Test" in page and "Enregistrer les présences" in page
    client.post(
        f"/formation/seances/{sessions[0].id}/presences", data={f"presence-{booking.id}": "excused"}
    )
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).attendance is Attendance.EXCUSED  # type: ignore[union-attr]
    # Another place's trainer sees neither the bookings nor the attendance form.
    other = factories.create_user(Role.TRAINER, make_place())
    login_client(client, other)
    page = client.get(f"/formation/seances/{sessions[0].id}").get_data(as_text=True)
    assert "Mme Test" not in page
    assert client.post(f"/formation/seances/{sessions[0].id}/presences").status_code == 404


def test_prescriber_diagnostic_suggestions_booking_and_progress(client: FlaskClient) -> None:
    ccas = factories.create_org(OrgKind.PRESCRIBER)
    prescriber = factories.create_user(Role.PRESCRIBER, ccas)
    household = make_household(ccas, commune="Metz", postcode="57000")
    place = make_place()
    make_session(place, themes=["demarches"], title="Démarches en ligne", capacity=1)
    make_session(place, themes=["creer"], title="Jouer et créer")
    login_client(client, prescriber)
    answers = dict.fromkeys(dg.QUESTION_KEYS, "2")
    for key in ("appointment", "accounts", "form", "taxes"):
        answers[key] = "0"
    response = client.post(f"/formation/foyers/{household.id}/diagnostic",
                           data={**answers, "has_device": "y"})  # fmt: skip
    assert response.status_code == 302
    diagnostic = db.session.scalar(select(Diagnostic))
    assert diagnostic is not None and diagnostic.themes[0] == "demarches"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Démarches en ligne" in page and "Jouer et créer" not in page
    assert "Thème utile : Faire ses démarches en ligne" in page
    session_id = db.session.scalar(
        select(TrainingSession.id).where(TrainingSession.title == "Démarches en ligne")
    )
    client.post(f"/formation/seances/{session_id}/reserver", data={"household_id": household.id})
    db.session.expire_all()
    assert db.session.scalar(select(Booking.status)) is BookingStatus.BOOKED
    # Later, a second diagnostic shows progress per domain.
    response = client.post(f"/formation/foyers/{household.id}/diagnostic",
                           data=dict.fromkeys(dg.QUESTION_KEYS, "2"))  # fmt: skip
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Depuis le diagnostic précédent" in page and "+" in page
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"training.diagnostic.create", "training.booking.create", "household.read"} <= actions
    # Another prescribing organisation cannot see this household's diagnostic.
    login_client(client, factories.create_user(Role.PRESCRIBER))
    assert client.get(f"/formation/diagnostics/{diagnostic.id}").status_code == 404


def test_api_sessions_bookings_and_match(client: FlaskClient) -> None:
    ccas = factories.create_org(OrgKind.PRESCRIBER)
    prescriber = factories.create_user(Role.PRESCRIBER, ccas)
    token = accounts.create_api_token(prescriber, "test")
    headers = {"Authorization": f"Bearer {token}"}
    place = make_place()
    session = make_session(place, capacity=1, themes=["decouvrir"], format="individuel")[0]
    make_session(place, themes=["emploi"], title="Emploi")
    listed = client.get("/api/v1/training/sessions?theme=decouvrir", headers=headers).get_json()
    assert [s["id"] for s in listed] == [session.id] and listed[0]["seats_left"] == 1
    first, second = make_household(ccas), make_household(ccas)
    created = client.post(f"/api/v1/training/sessions/{session.id}/bookings", headers=headers,
                          json={"household_id": first.id})  # fmt: skip
    assert created.status_code == 201 and created.get_json()["status"] == "booked"
    waiting = client.post(f"/api/v1/training/sessions/{session.id}/bookings", headers=headers,
                          json={"household_id": second.id}).get_json()  # fmt: skip
    assert waiting["status"] == "waiting" and waiting["waiting_position"] == 1
    again = client.post(f"/api/v1/training/sessions/{session.id}/bookings", headers=headers,
                        json={"household_id": first.id})  # fmt: skip
    assert again.status_code == 409 and "déjà inscrit" in again.get_json()["error"]["message"]
    cancelled = client.post(
        f"/api/v1/training/bookings/{created.get_json()['id']}/cancel", headers=headers
    )
    assert cancelled.get_json()["status"] == "cancelled"
    mine = client.get(
        f"/api/v1/training/bookings?household_id={second.id}", headers=headers
    ).get_json()
    assert mine[0]["status"] == "booked"  # moved in from the waiting list

    matched = client.post("/api/v1/training/match", headers=headers, json={
        "answers": dict.fromkeys(dg.QUESTION_KEYS, 0), "commune": "Metz", "postcode": "57050",
        "has_device": False})  # fmt: skip
    body = matched.get_json()
    assert matched.status_code == 200 and body["field_level"] == "grand_debutant"
    assert body["matches"][0]["session"]["id"] == session.id
    assert any(r["code"] == "theme" for r in body["matches"][0]["reasons"])
    assert all(r["text"] for r in body["matches"][0]["reasons"])
    default = client.post("/api/v1/training/match", headers=headers, json={"commune": "Metz"})
    assert default.get_json()["field_level"] == "debutant"  # neither answers nor level
    incomplete = client.post(
        "/api/v1/training/match", headers=headers, json={"answers": {"device": 2}}
    )
    assert incomplete.status_code == 422 and incomplete.get_json()["error"]["fields"]
    # Another organisation's household is not found.
    other = make_household(factories.create_org(OrgKind.PRESCRIBER))
    foreign = client.post(f"/api/v1/training/sessions/{session.id}/bookings", headers=headers,
                          json={"household_id": other.id})  # fmt: skip
    assert foreign.status_code == 404
    doc = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/training/match" in doc["paths"]


def test_odd_identifiers_and_nul_bytes_find_nothing(client: FlaskClient) -> None:
    prescriber = factories.create_user(Role.PRESCRIBER)
    token = accounts.create_api_token(prescriber, "test")
    headers = {"Authorization": f"Bearer {token}"}
    huge = 2**40
    assert client.get(f"/api/v1/training/sessions/{huge}", headers=headers).status_code == 404
    assert client.get("/api/v1/training/sessions?commune=Metz%00", headers=headers).get_json() == []
    login_client(client, prescriber)
    assert client.get(f"/formation/seances/{huge}").status_code == 404
    assert client.get("/formation/?commune=%00").status_code == 200
