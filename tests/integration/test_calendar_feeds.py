"""Calendar subscriptions (issue 16): a secret URL polled without a login, parsed back with
icalendar; rescheduled and cancelled sessions; revocation; nothing made by viewing a page."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy import func, select, update

from app.audit.models import AuditEntry
from app.authz.policy import OrgKind, Role
from app.core.clock import utcnow
from app.extensions import db
from app.training import bookings, cancellations, feeds, sessions
from app.training.models import CalendarFeed, TrainingSession
from tests import factories
from tests.conftest import login_client
from tests.integration.test_training_support import make_household, make_place, make_session


def _feed_count() -> int:
    return db.session.scalar(select(func.count()).select_from(CalendarFeed)) or 0


def _actions() -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.action.like("calendar_feed.%"))
            .order_by(AuditEntry.id)
        )
    )


def _subscribe_url(page: bytes) -> str:
    """The webcal:// address shown on the page, as the https:// URL a client fetches."""
    found = re.search(rb'value="(webcal://[^"]+)"', page)
    assert found, "no subscription address on the page"
    return "https://" + found.group(1).decode().removeprefix("webcal://")


def _fetch(app: Flask, url: str):  # type: ignore[no-untyped-def]
    """Like a phone's calendar: a new client, no cookie, no session."""
    parts = urlsplit(url)
    return app.test_client().get(parts.path, base_url=f"{parts.scheme}://{parts.netloc}")


def _events(body: bytes) -> dict[str, object]:
    cal = Calendar.from_ical(body)
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def _age(session: TrainingSession, hours: int = 2) -> None:
    """As if the session had been published a while ago (LAST-MODIFIED has seconds)."""
    db.session.execute(
        update(TrainingSession)
        .where(TrainingSession.id == session.id)
        .values(updated_at=utcnow() - timedelta(hours=hours))
    )
    db.session.commit()
    db.session.expire_all()


def _data(session: TrainingSession) -> sessions.SessionData:
    return sessions.SessionData(
        title=session.title,
        themes=list(session.themes),
        capacity=session.capacity,
        duration_minutes=session.duration_minutes,
        format=session.format,
    )


def test_place_feed_is_made_by_a_button_and_read_without_a_login(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://ordilien.example.org")
    place = make_place(name="MJC 4 Bornes")
    moved, cancelled, kept = make_session(place, weeks=3, hour=9)
    trainer = factories.create_user(Role.TRAINER, place)
    login_client(client, trainer)

    # Viewing the place's page shows a button, and makes no token.
    page = client.get("/formation/mon-lieu")
    assert page.status_code == 200
    assert "Créer un lien d'abonnement" in page.get_data(as_text=True)
    assert b"webcal://" not in page.data
    assert _feed_count() == 0

    response = client.post(f"/formation/lieux/{place.id}/abonnement", follow_redirects=True)
    assert response.status_code == 200
    url = _subscribe_url(response.data)
    assert url.startswith("https://ordilien.example.org/formation/agenda/")
    assert _feed_count() == 1
    stored = db.session.scalar(select(CalendarFeed))
    assert stored is not None and url.split("/")[-1].removesuffix(".ics") not in (
        stored.token_hash,
        stored.salt,
    )
    # Viewing again shows the same address and makes nothing more.
    assert _subscribe_url(client.get("/formation/mon-lieu").data) == url
    assert _feed_count() == 1

    for session in (moved, cancelled, kept):
        _age(session)
    first = _fetch(app, url)
    assert first.status_code == 200 and first.mimetype == "text/calendar"
    events = _events(first.data)
    uid = f"session-{moved.id}@ordilien.example.org"
    assert set(events) == {f"session-{s.id}@ordilien.example.org" for s in (moved, cancelled, kept)}
    assert str(events[uid]["status"]) == "CONFIRMED"
    before_seq = int(events[uid]["sequence"])
    before_modified = events[uid].decoded("last-modified")

    # Rescheduled: same UID, a higher SEQUENCE, a new LAST-MODIFIED, the new time.
    session = db.session.get(TrainingSession, moved.id)
    assert session is not None
    new_start = session.starts_at + timedelta(hours=2)
    sessions.update_session(session, _data(session), starts_at=new_start)
    # Cancelled: stays, as CANCELLED.
    target = db.session.get(TrainingSession, cancelled.id)
    assert target is not None
    cancellations.cancel_session(target, trainer)

    events = _events(_fetch(app, url).data)
    assert set(events) == {f"session-{s.id}@ordilien.example.org" for s in (moved, cancelled, kept)}
    assert int(events[uid]["sequence"]) > before_seq
    assert events[uid].decoded("last-modified") > before_modified
    assert events[uid].decoded("dtstart").replace(tzinfo=None) == new_start
    gone = events[f"session-{cancelled.id}@ordilien.example.org"]
    assert str(gone["status"]) == "CANCELLED"
    assert int(gone["sequence"]) >= 1
    assert str(events[f"session-{kept.id}@ordilien.example.org"]["status"]) == "CONFIRMED"
    assert int(events[f"session-{kept.id}@ordilien.example.org"]["sequence"]) == 0

    # Moved once more: the sequence keeps growing.
    _age(moved)
    session = db.session.get(TrainingSession, moved.id)
    assert session is not None
    sessions.update_session(session, _data(session), starts_at=new_start + timedelta(days=1))
    assert int(_events(_fetch(app, url).data)[uid]["sequence"]) > before_seq + 1

    # Revoked: the URL answers 404, and the page offers a new one.
    client.post(f"/formation/lieux/{place.id}/abonnement/couper")
    assert _fetch(app, url).status_code == 404
    assert b"webcal://" not in client.get("/formation/mon-lieu").data
    assert _actions() == ["calendar_feed.create", "calendar_feed.revoke"]


def test_renewing_kills_the_old_url(app: Flask, client: FlaskClient) -> None:
    place = make_place()
    make_session(place)
    login_client(client, factories.create_user(Role.TRAINER, place))
    old = _subscribe_url(
        client.post(f"/formation/lieux/{place.id}/abonnement", follow_redirects=True).data
    )
    page = client.get("/formation/mon-lieu").get_data(as_text=True)
    assert "Renouveler le lien" in page and "Couper le lien" in page
    new = _subscribe_url(
        client.post(f"/formation/lieux/{place.id}/abonnement", follow_redirects=True).data
    )
    assert new != old
    assert _fetch(app, old).status_code == 404
    assert _fetch(app, new).status_code == 200
    assert _actions() == ["calendar_feed.create", "calendar_feed.renew"]


def test_cancelled_session_stays_for_a_while_after_its_date(app: Flask) -> None:
    place = make_place()
    recent, old = make_session(place, weeks=2)
    for session in (recent, old):
        cancellations.cancel_session(db.session.get(TrainingSession, session.id))
    # Their dates are now 10 and 40 days ago.
    for session, days in ((recent, 10), (old, 40)):
        db.session.execute(
            update(TrainingSession)
            .where(TrainingSession.id == session.id)
            .values(starts_at=utcnow() - timedelta(days=days))
        )
    db.session.commit()
    with app.test_request_context():
        url = feeds.feed_url(feeds.open_feed(feeds.Owner.place(place), None))
    events = _events(_fetch(app, url).data)
    assert list(events) == [f"session-{recent.id}@localhost"]
    assert str(events[f"session-{recent.id}@localhost"]["status"]) == "CANCELLED"
    assert feeds.KEEP_DAYS == 30


def test_household_feed_shows_only_its_own_bookings_by_workshop_name(
    app: Flask, client: FlaskClient
) -> None:
    place = make_place(name="Médiathèque Verlaine")
    mine, theirs, dropped, called_off = make_session(
        place, weeks=4, title="Premiers pas sur internet"
    )
    ccas = factories.create_org(OrgKind.PRESCRIBER)
    household = make_household(ccas, reference_name="Mme Zoé Secret", phone="06 99 88 77 66")
    neighbour = make_household(ccas, reference_name="M. Voisin")
    bookings.book(mine.id, household, notify=False)
    bookings.book(theirs.id, neighbour, notify=False)
    booking = bookings.book(dropped.id, household, notify=False)
    bookings.book(called_off.id, household, notify=False)

    prescriber = factories.create_user(Role.PRESCRIBER, ccas)
    login_client(client, prescriber)
    household_page = f"/formation/foyers/{household.id}/abonnement"
    page = client.get(f"/foyers/{household.id}")
    assert page.status_code == 200
    assert "Créer un lien d'abonnement" in page.get_data(as_text=True)
    assert _feed_count() == 0
    response = client.post(household_page, data={"next_url": "/formation/"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/formation/")
    with app.test_request_context():
        link = feeds.current_link(feeds.Owner.household(household))
        assert link is not None and link.url is not None
        url = link.url
    assert link.webcal in client.get(f"/foyers/{household.id}").get_data(as_text=True)
    assert _feed_count() == 1

    cancellations.cancel_booking(booking.id)  # the household gives its seat up: gone
    cancellations.cancel_session(db.session.get(TrainingSession, called_off.id))  # the place: kept
    body = _fetch(app, url)
    assert body.status_code == 200
    text = body.get_data(as_text=True)
    cal = Calendar.from_ical(body.data)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {f"session-{mine.id}@localhost", f"session-{called_off.id}@localhost"}
    assert str(events[f"session-{mine.id}@localhost"]["summary"]) == "Premiers pas sur internet"
    assert str(events[f"session-{called_off.id}@localhost"]["status"]) == "CANCELLED"
    assert str(events[f"session-{mine.id}@localhost"]["status"]) == "CONFIRMED"
    assert "Médiathèque Verlaine" in str(events[f"session-{mine.id}@localhost"]["location"])
    # RGPD: nothing about the household itself, nor about the neighbour.
    for personal in ("Zoé", "Secret", "06 99", "Voisin"):
        assert personal not in text

    # Another prescribing structure cannot make or cut it.
    other = factories.create_user(Role.PRESCRIBER, factories.create_org(OrgKind.PRESCRIBER))
    login_client(client, other)
    assert client.post(household_page + "/couper").status_code == 404
    assert _fetch(app, url).status_code == 200
    login_client(client, prescriber)
    client.post(household_page + "/couper")
    assert _fetch(app, url).status_code == 404
    assert [
        (a.action, a.object_type, a.object_id)
        for a in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("calendar_feed.%"))
        )
    ] == [
        ("calendar_feed.create", "household", str(household.id)),
        ("calendar_feed.revoke", "household", str(household.id)),
    ]


def test_unknown_links_are_rate_limited(app: Flask) -> None:
    anonymous = app.test_client()
    statuses = [anonymous.get(f"/formation/agenda/guess{n}.ics").status_code for n in range(12)]
    assert statuses[0] == 404
    assert statuses[-1] == 429
