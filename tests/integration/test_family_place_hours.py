"""The family page (/f/<token>, no login) tells, on each upcoming workshop, the place's
opening hours of the coming week in words, as the household's page does on its booking
cards: in French, and in English when the visitor chooses it."""

from __future__ import annotations

import html
from typing import Any

from app.authz.policy import Role
from app.extensions import db
from app.family import links
from app.training.bookings import book
from app.training.catalogue import place_for
from tests.access.households import make_household
from tests.integration.test_training_support import make_place, make_session


def test_the_family_page_tells_the_workshop_places_hours_in_words(app: Any, make_user: Any) -> None:
    place = make_place(name="Médiathèque du Pontiffroy")
    facts = place_for(place)
    facts.opening_hours = "Mo-Fr 09:00-12:00"
    db.session.commit()
    session = make_session(place)[0]
    prescriber = make_user(Role.PRESCRIBER)
    household = make_household(prescriber, language="fr")
    book(session.id, household)
    raw = links.ensure_family_token(household, prescriber.organisation_id, prescriber)

    visitor = app.test_client()  # nobody logged in: the link is the key
    french = visitor.get(f"/f/{raw}")
    assert french.status_code == 200
    text = html.unescape(french.get_data(as_text=True))
    assert "Découvrir l'ordinateur, Médiathèque du Pontiffroy" in text
    assert "Horaires d'accueil du lieu" in text
    for line in ("Lundi : 9 h – 12 h", "Vendredi : 9 h – 12 h", "Samedi : Fermé"):
        assert line in text
    assert "Mo-Fr" not in text  # words, not the syntax

    visitor.post("/langue", data={"lang": "en"})
    english = html.unescape(visitor.get(f"/f/{raw}").get_data(as_text=True))
    assert "The place's opening hours" in english
    for line in ("Monday: 9:00 – 12:00", "Friday: 9:00 – 12:00", "Saturday: Closed"):
        assert line in english
    assert "Lundi : 9 h" not in english
