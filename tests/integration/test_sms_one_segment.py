"""Messages that cost one SMS (issue 18): every SMS template, rendered with long realistic
values, is GSM-7 and one segment (160 septets, the extension table counting two), goes to
an E.164 number, and does not assume the reader is a man; in French and in English (the
household's language), with the same shortening."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import select

from app.authz.policy import OrgKind
from app.extensions import db
from app.households import notice_text, notices
from app.loans import reminders as loan_reminders
from app.notify.gsm7 import gsm7_length, segments
from app.notify.models import Channel, OutboundMessage
from app.referrals.wording import PlaceFacts, person_sms
from app.training import bookings, cancellations
from app.training.messages import queue_message
from tests import factories
from tests.integration.test_training_support import make_household, make_place, make_session

LONG_TITLE = (
    "Créer sa boîte mail, envoyer une pièce jointe et prendre rendez-vous sur « Ameli » "
    "et « Mes démarches » : première étape vers l'autonomie numérique"
)
LONG_PLACE = "Espace de médiation numérique du Centre social et culturel Saint-Éloi-Bellevue"
LONG_ADDRESS = "12 bis avenue du Maréchal de Lattre de Tassigny, bâtiment B, 2e étage"
MASCULINE = ("inscrit ", "inscrit.", "orienté", "prévenu ")
LANGUAGES = pytest.mark.parametrize("language", ["fr", "en"])


@pytest.fixture()
def _request(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


def _one_sms(text: str) -> None:
    assert gsm7_length(text) is not None, text
    assert segments(text) == 1, (gsm7_length(text), text)
    assert not any(word in text for word in MASCULINE), text


def _sms_of(prefix: str) -> list[OutboundMessage]:
    return list(
        db.session.scalars(
            select(OutboundMessage).where(
                OutboundMessage.channel == Channel.SMS, OutboundMessage.key.like(prefix + "%")
            )
        )
    )


@LANGUAGES
@pytest.mark.usefixtures("_request")
def test_every_training_sms_is_one_gsm7_segment_to_an_e164_number(language: str) -> None:
    place = make_place(name=LONG_PLACE, address=LONG_ADDRESS, commune="Saint-Étienne-du-Rouvray")
    session = make_session(place, capacity=1, weeks=2, title=LONG_TITLE)[0]
    ccas = factories.create_org(OrgKind.PRESCRIBER, phone="02 35 12 34 56")
    first = make_household(
        ccas, reference_name="Mme Ayşe Kaya", phone="06 12 34 56 78", language=language
    )
    booking = bookings.book(session.id, first)
    waiting = bookings.book(
        session.id, make_household(ccas, phone="+33 7 98 76 54 32", language=language)
    )
    for kind in ("promoted", "48h", "moved"):
        assert queue_message(booking, kind, key=f"t-{kind}")
    cancellations.cancel_session(
        session, reason="Formatrice malade, remplacement impossible avant jeudi prochain " * 2
    )
    messages = _sms_of(f"booking:{booking.id}:") + _sms_of(f"booking:{waiting.id}:")
    kinds = {m.key.rsplit(":", 1)[1] for m in messages}
    assert {"confirm", "waiting", "t-promoted", "t-48h", "t-moved", "session_cancelled"} <= kinds
    for message in messages:
        _one_sms(message.body)
        assert message.recipient.startswith("+33") and message.recipient[1:].isdigit()
    cancelled = next(m for m in messages if m.key.endswith(f"{booking.id}:session_cancelled"))
    following = {"fr": "Prochaine séance : ", "en": "Next session: "}[language]
    assert following in cancelled.body and "02 35 12 34 56" in cancelled.body
    assert "Formatrice malade" in cancelled.body
    lead = {"fr": "Ordilien : ", "en": "Ordilien: "}[language]
    assert all(
        m.body.startswith((lead, "Rappel Ordilien : ", "Ordilien reminder: ")) for m in messages
    )
    assert all(
        ("Ordilien : " in m.body or "Rappel" in m.body) is (language == "fr") for m in messages
    )


@LANGUAGES
def test_loan_reminder_sms_is_one_segment(app: Flask, language: str) -> None:
    loan: Any = SimpleNamespace(
        due_on=date(2026, 12, 31),
        device=SimpleNamespace(asset_tag="ORD-2026-0042", brand="Lenovo", model="ThinkPad T480"),
        household=SimpleNamespace(language=language),
    )
    org: Any = SimpleNamespace(
        name="Association Émmaüs Connect – Antenne de Saint-Étienne-du-Rouvray",
        phone="02 35 12 34 56",
        address=LONG_ADDRESS,
        postcode="76800",
        commune="Saint-Étienne-du-Rouvray",
    )
    with app.test_request_context():
        sms, _, _ = loan_reminders._texts(loan, org)
    _one_sms(sms)
    assert "31/12/2026" in sms and "02 35 12 34 56" in sms
    assert ("due back" in sms) is (language == "en"), sms


@LANGUAGES
def test_prescription_notice_sms_is_one_segment(app: Flask, language: str) -> None:
    notice = notice_text.Notice(
        prescription_id=12345,
        household_name="Nguyễn Thị Ánh",
        device="Ordinateur portable",
        programme="Un ordinateur pour chaque foyer",
        kind="loan",
        association="Émmaüs Connect Rouen",
        address="12 rue de la République",
        commune="Rouen",
        phone="02 35 12 34 56",
        hours="lundi, mardi et jeudi de 9 h 30 à 12 h 30 et de 14 h à 17 h 30",
    )
    with app.app_context(), force_locale(language):
        text = notice_text.sms(notice, notices.current_gettext)
    _one_sms(text)
    assert "12345" in text and "02 35 12 34 56" in text
    assert ("Bring sheet 12345" in text) is (language == "en"), text


@LANGUAGES
def test_referral_sms_is_one_segment(app: Flask, language: str) -> None:
    place = PlaceFacts(
        name="France Services de Saint-Étienne-du-Rouvray",
        address="1 place de l'Église",
        phone="02 35 12 34 56",
        hours="lun.-ven. 9h-12h",
    )
    with app.app_context(), force_locale(language):
        lead = notices.current_gettext("Ordilien : on vous oriente vers")
        text = person_sms(lead, place, "Demandez Julie à l'accueil.", notices.current_gettext)
    _one_sms(text)
    words = {"fr": "Horaires : lun.-ven. 9h-12h.", "en": "Hours: lun.-ven. 9h-12h."}
    assert words[language] in text and "02 35 12 34 56" in text, text


def test_no_sms_assumes_a_man(app: Flask) -> None:
    """The training e-mails too: "votre inscription est confirmée"."""
    with app.test_request_context():
        place = make_place()
        session = make_session(place)[0]
        ccas = factories.create_org(OrgKind.PRESCRIBER)
        household = make_household(ccas, phone="", email="kaya@example.org")
        booking = bookings.book(session.id, household)
        mail = db.session.scalar(
            select(OutboundMessage).where(OutboundMessage.key == f"booking:{booking.id}:confirm")
        )
        assert mail is not None and mail.channel is Channel.EMAIL
        assert "votre inscription est confirmée" in mail.body
        assert "inscrit " not in mail.body
