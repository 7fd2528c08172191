"""A training place's presentation and opening hours (issue 18): typed on "Fiche du lieu",
shown on "Mon lieu", on its sessions' pages and on the household page a booking leads to,
the OSM opening_hours in words ("Mardi : 14 h – 17 h 30"); unreadable hours are refused
at the form with what is expected."""

from __future__ import annotations

import html

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.authz.policy import OrgKind, Role
from app.extensions import db
from app.training.models import TrainingPlace
from tests import factories
from tests.conftest import login_client
from tests.integration.test_training_support import make_household, make_place, make_session

HOURS = 'Tu,Th 14:00-17:30; Sa 09:30-12:00 "sur rendez-vous"'
LINES = [
    "Lundi : Fermé",
    "Mardi : 14 h – 17 h 30",
    "Jeudi : 14 h – 17 h 30",
    "Samedi : 9 h 30 – 12 h (sur rendez-vous)",
]
DESCRIPTION = "Espace numérique de la médiathèque, au rez-de-chaussée, entrée côté parc."


@pytest.fixture(autouse=True)
def _request(app: Flask):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        yield


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 200, url
    return html.unescape(response.get_data(as_text=True))


def save(client: FlaskClient, **fields: str):  # type: ignore[no-untyped-def]
    return client.post("/formation/mon-lieu/fiche", data=fields, follow_redirects=True)


def test_the_place_description_and_hours_are_shown_where_people_read_the_place(
    client: FlaskClient,
) -> None:
    place = make_place(name="Médiathèque du Pontiffroy")
    trainer = factories.create_user(Role.TRAINER, place)
    session = make_session(place)[0]
    login_client(client, trainer)
    saved = save(client, description=DESCRIPTION, opening_hours=HOURS)
    assert saved.status_code == 200 and "Fiche du lieu enregistrée." in saved.get_data(as_text=True)
    stored = db.session.scalar(
        select(TrainingPlace).where(TrainingPlace.organisation_id == place.id)
    )
    assert stored is not None and stored.opening_hours == HOURS

    # The trainer's "Mon lieu": the presentation, the hours in words and as typed.
    mine = page(client, "/formation/mon-lieu")
    assert DESCRIPTION in mine
    for line in LINES:
        assert line in mine
    assert HOURS in mine  # the OSM value, for the trainer who typed it

    # The session page a social worker (or the household beside them) reads.
    ccas = factories.create_org(OrgKind.PRESCRIBER)
    prescriber = factories.create_user(Role.PRESCRIBER, ccas)
    household = make_household(ccas)
    login_client(client, prescriber)
    read = page(client, f"/formation/seances/{session.id}")
    assert DESCRIPTION in read and "Horaires d'accueil du lieu" in read
    for line in LINES:
        assert line in read
    assert "Sa 09:30" not in read  # words, not the syntax

    # Booking leads to the household's page: the place's hours are on the booking.
    booked = client.post(
        f"/formation/seances/{session.id}/reserver",
        data={"household_id": str(household.id)},
        follow_redirects=True,
    )
    text = html.unescape(booked.get_data(as_text=True))
    assert "Inscription confirmée pour Mme Test" in text
    assert "Horaires d'accueil du lieu" in text and "Mardi : 14 h – 17 h 30" in text
    assert f"/formation/seances/{session.id}" in text  # the session (and its place) a click away


def test_unreadable_opening_hours_are_refused_with_the_expected_format(
    client: FlaskClient,
) -> None:
    place = make_place()
    login_client(client, factories.create_user(Role.TRAINER, place))
    refused = save(client, description=DESCRIPTION, opening_hours="mardi de 9h à 12h")
    text = html.unescape(refused.get_data(as_text=True))
    assert "Les horaires ne sont pas lisibles (format OpenStreetMap attendu" in text
    assert 'aria-invalid="true"' in text
    stored = db.session.scalar(
        select(TrainingPlace).where(TrainingPlace.organisation_id == place.id)
    )
    assert stored is None or stored.opening_hours == ""
    # An older record with unreadable hours still shows them, as typed, and says why.
    if stored is None:
        stored = TrainingPlace(organisation_id=place.id, services=[])
        db.session.add(stored)
    stored.opening_hours = "mardi de 9h à 12h"
    db.session.commit()
    mine = page(client, "/formation/mon-lieu")
    assert "mardi de 9h à 12h" in mine


def test_a_place_with_no_facts_says_what_is_missing(client: FlaskClient) -> None:
    place = make_place()
    login_client(client, factories.create_user(Role.TRAINER, place))
    mine = page(client, "/formation/mon-lieu")
    assert "Ni présentation ni horaires" in mine


def test_hours_too_long_for_the_place_are_refused_with_the_limit(client: FlaskClient) -> None:
    place = make_place()
    login_client(client, factories.create_user(Role.TRAINER, place))
    # Readable OSM hours, one day after another: 230 characters.
    days = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
    long = "; ".join(f"{d} 0{n + 1}:00-12:00,12:30-1{n + 3}:00" for n, d in enumerate(days))
    long += '; PH off "fermé les jours fériés"'
    assert len(long) > 200
    refused = save(client, description=DESCRIPTION, opening_hours=long)
    text = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 200
    assert f"Ces horaires font {len(long)} caractères, 200 au plus" in text
    assert "regroupez les jours qui ont les mêmes horaires" in text
    assert 'aria-invalid="true"' in text and long in text  # the field keeps what was typed
    stored = db.session.scalar(
        select(TrainingPlace).where(TrainingPlace.organisation_id == place.id)
    )
    assert stored is None or (stored.opening_hours == "" and stored.description == "")
