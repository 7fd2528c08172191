"""A screen says a message left only when it did; sessions people can attend (issue 18):
booking or cancelling names whom to telephone, the session page keeps that list, a series
warns about French public holidays and can skip them, a cancel asks for a reason."""

from __future__ import annotations

from datetime import date, time, timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from app.authz.policy import OrgKind, Role
from app.extensions import db
from app.notify.models import OutboundMessage
from app.training import bookings, sessions
from app.training.models import SessionStatus, TrainingSession
from tests import factories
from tests.conftest import login_client
from tests.integration.test_training_support import make_household, make_place, make_session


def _outbox(prefix: str) -> list[OutboundMessage]:
    return list(
        db.session.scalars(select(OutboundMessage).where(OutboundMessage.key.like(prefix + "%")))
    )


def test_booking_a_landline_household_says_no_message_left(client: FlaskClient) -> None:
    ccas = factories.create_org(OrgKind.PRESCRIBER)
    prescriber = factories.create_user(Role.PRESCRIBER, ccas)
    session = make_session(make_place())[0]
    landline = make_household(ccas, reference_name="Mme Fixe", phone="03 87 12 34 56")
    login_client(client, prescriber)
    page = client.post(
        f"/formation/seances/{session.id}/reserver",
        data={"household_id": landline.id},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Un message de confirmation part" not in page
    assert "aucun message ne part" in page and "03 87 12 34 56" in page
    assert _outbox("booking:") == []

    mobile = make_household(ccas, reference_name="M. Mobile", phone="06 12 34 56 78")
    page = client.post(
        f"/formation/seances/{session.id}/reserver",
        data={"household_id": mobile.id},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Un message de confirmation part par SMS à 06 12 34 56 78" in page
    assert len(_outbox("booking:")) == 1


def test_cancel_asks_a_reason_names_whom_to_call_and_keeps_the_list(client: FlaskClient) -> None:
    place = make_place()
    trainer = factories.create_user(Role.TRAINER, place)
    ccas = factories.create_org(OrgKind.PRESCRIBER, phone="03 87 00 11 22")
    first, second = make_session(place, weeks=2)
    reached = make_household(ccas, reference_name="Mme SMS", phone="06 12 34 56 78")
    landline = make_household(ccas, reference_name="Mme Fixe", phone="03 87 12 34 56")
    bookings.book(first.id, reached)
    bookings.book(first.id, landline)
    login_client(client, trainer)

    confirm = client.get(f"/formation/seances/{first.id}/annuler").get_data(as_text=True)
    assert "Mme Fixe" in confirm and "Motif" in confirm
    refused = client.post(f"/formation/seances/{first.id}/annuler", data={"reason": ""})
    assert refused.status_code == 200 and "Indiquez le motif" in refused.get_data(as_text=True)
    assert db.session.get(TrainingSession, first.id).status is SessionStatus.PUBLISHED  # type: ignore[union-attr]

    page = client.post(
        f"/formation/seances/{first.id}/annuler",
        data={"reason": "Formatrice malade", "confirm": "y"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "1 foyer(s) prévenu(s) par SMS ou e-mail" in page
    assert "appelez Mme Fixe (03 87 12 34 56)" in page
    sms = _outbox("booking:")
    cancelled = [m for m in sms if m.key.endswith(":session_cancelled")]
    assert len(cancelled) == 1 and "Formatrice malade" in cancelled[0].body
    assert "Prochaine séance" in cancelled[0].body and "03 87 00 11 22" in cancelled[0].body
    assert second.id  # the series' next date is the one told

    again = client.get(f"/formation/seances/{first.id}").get_data(as_text=True)
    assert "À prévenir par téléphone" in again and "Mme Fixe" in again
    assert "Formatrice malade" in again


def test_a_series_warns_about_public_holidays_and_can_skip_them(client: FlaskClient) -> None:
    place = make_place()
    trainer = factories.create_user(Role.TRAINER, place)
    login_client(client, trainer)
    year = date.today().year + 1
    first = date(year, 7, 14) - timedelta(weeks=1)  # the weekday of 14 July, a week before
    assert sessions.holidays_in(first, time(9), 3) == [date(year, 7, 14)]
    form = {
        "title": "Découvrir l'ordinateur",
        "themes": "decouvrir",
        "format": "collectif",
        "capacity": "8",
        "first_day": first.isoformat(),
        "start_time": "09:00",
        "duration_minutes": "120",
        "weeks": "3",
        "price_kind": "gratuit",
        "course_id": "0",
    }
    warned = client.post("/formation/seances/nouvelle", data=form)
    text = warned.get_data(as_text=True)
    assert warned.status_code == 200 and "jour(s) férié(s)" in text and "14 juillet" in text
    assert db.session.scalar(select(TrainingSession.id)) is None

    done = client.post("/formation/seances/nouvelle", data={**form, "on_holidays": "skip"})
    assert done.status_code == 302
    days = sorted(s.starts_at.date() for s in db.session.scalars(select(TrainingSession)).all())
    assert len(days) == 2 and date(year, 7, 14) not in days
