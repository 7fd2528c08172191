"""Every message to a household is in its language (``household.language``), French or
English, whoever triggers it and from where (a page, the command line): its workshop SMS
(confirmation, 48-hour reminder, cancellation), its workshop e-mail, its loan reminder,
its referral SMS and its prescription notice. Each SMS is GSM-7 and one segment."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from app.authz.policy import OrgKind
from app.core.clock import today, utcnow
from app.eligibility.vocabulary import ContactChannel
from app.extensions import db
from app.loans import reminders as loan_reminders
from app.loans.models import Loan
from app.notify.gsm7 import gsm7_length, segments
from app.notify.models import Channel, OutboundMessage
from app.training import bookings, cancellations
from app.training import reminders as training_reminders
from tests import factories
from tests.integration.test_loans_factories import (
    PRE,
    make_counter,
    paper_handover,
    validated_prescription,
)
from tests.integration.test_training_support import make_household, make_place, make_session

FRENCH_WHEN = r"(lun|mar|mer|jeu|ven|sam|dim)\. \d{1,2}/\d{2} \d{1,2}h\d{2}"
ENGLISH_WHEN = r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2}/\d{2} \d{1,2}:\d{2}"


def _one_sms(text: str) -> None:
    assert gsm7_length(text) is not None, text
    assert segments(text) == 1, (gsm7_length(text), text)


def _body(key: str) -> OutboundMessage:
    return db.session.scalars(select(OutboundMessage).where(OutboundMessage.key == key)).one()


def test_workshop_sms_confirmation_reminder_and_cancellation_in_each_language() -> None:
    place = make_place(name="Médiathèque Verlaine", phone="03 87 00 00 09")
    session = make_session(place, in_days=1, weeks=2)[0]
    ccas = factories.create_org(OrgKind.PRESCRIBER, phone="03 87 11 22 33")
    english = make_household(ccas, reference_name="Mrs Smith", language="en")
    french = make_household(ccas, reference_name="Mme Kaya", phone="07 98 76 54 32")
    booked = {lang: bookings.book(session.id, h) for lang, h in (("en", english), ("fr", french))}
    assert training_reminders.enqueue_due(utcnow()) == 2
    cancellations.cancel_session(session, reason="Formatrice malade")
    sms = {
        (lang, kind): _body(f"booking:{b.id}:{kind}")
        for lang, b in booked.items()
        for kind in ("confirm", "48h", "session_cancelled")
    }
    for message in sms.values():
        assert message.channel is Channel.SMS
        _one_sms(message.body)
    en = {kind: sms["en", kind].body for kind in ("confirm", "48h", "session_cancelled")}
    fr = {kind: sms["fr", kind].body for kind in ("confirm", "48h", "session_cancelled")}
    place_words = r"Médiathèque Verlaine, 2 rue Théodore de Gargan, Metz\."
    title = '"Découvrir l\'ordinateur"'
    confirmed = {
        "en": rf"Ordilien: booking confirmed for {title} on {ENGLISH_WHEN}, {place_words}",
        "fr": rf"Ordilien : inscription confirmée à {title} le {FRENCH_WHEN}, {place_words}",
    }
    for language, pattern in confirmed.items():
        text = sms[language, "confirm"].body
        assert re.fullmatch(pattern, text), text
    assert en["48h"].startswith('Ordilien reminder: "Découvrir l\'ordinateur" on ')
    assert en["48h"].endswith(
        ("Cannot come? Tell the organisation that made the booking.", "Cannot come? Let us know.")
    ), en["48h"]
    assert re.search(ENGLISH_WHEN, en["48h"]) and not re.search(FRENCH_WHEN, en["48h"])
    assert fr["48h"].startswith('Rappel Ordilien : "Découvrir l\'ordinateur" le ')
    assert fr["48h"].endswith(
        ("Empêchement ? Prévenez la structure qui a fait l'inscription.", "Prévenez-nous.")
    ), fr["48h"]
    cancelled = {
        "en": rf"Ordilien: {title} on {ENGLISH_WHEN} is cancelled \(Formatrice malade\)\. "
        rf"Next session: {ENGLISH_WHEN}\. Info: 03 87 11 22 33\.",
        "fr": rf"Ordilien : {title} du {FRENCH_WHEN} est annulée \(Formatrice malade\)\. "
        rf"Prochaine séance : {FRENCH_WHEN}\. Infos : 03 87 11 22 33\.",
    }
    for language, pattern in cancelled.items():
        text = sms[language, "session_cancelled"].body
        assert re.fullmatch(pattern, text), text


def test_a_cancelled_session_without_a_next_date_says_so_in_english() -> None:
    session = make_session(make_place(), in_days=3)[0]
    ccas = factories.create_org(OrgKind.PRESCRIBER)
    booking = bookings.book(session.id, make_household(ccas, language="en"))
    cancellations.cancel_session(session, reason="")
    text = _body(f"booking:{booking.id}:session_cancelled").body
    assert text.endswith("is cancelled. No other date planned."), text
    _one_sms(text)


def test_workshop_email_dates_are_written_in_the_households_language() -> None:
    session = make_session(make_place(), in_days=3)[0]
    ccas = factories.create_org(OrgKind.PRESCRIBER)
    mails = {}
    for language in ("en", "fr"):
        household = make_household(
            ccas, phone="", email=f"{language}@example.org", language=language,
            contact_channel=ContactChannel.EMAIL,
        )  # fmt: skip
        booking = bookings.book(session.id, household)
        mails[language] = _body(f"booking:{booking.id}:confirm")
    english, french = mails["en"].body, mails["fr"].body
    days_en = r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    months_en = (
        r"(January|February|March|April|May|June|July|August|September|October|November|December)"  # noqa: E501
    )
    assert re.search(rf"” on {days_en} \d{{1,2}} {months_en} at \d{{1,2}}:\d{{2}}, ", english), (
        english
    )
    assert not re.search(r"(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)", english)
    assert re.search(
        r"» (lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d{1,2} \w+ à \d{1,2}h\d{2}, ",
        french,
    ), french  # noqa: E501
    assert mails["en"].subject == "Your digital workshop"


def _loan_for(counter: Any, language: str, phone: str) -> Loan:
    p = validated_prescription(
        counter, PRE, name=f"Famille {language}", phone=phone, language=language
    )
    loan = paper_handover(counter, p, "A. Diallo")
    return db.session.get(Loan, loan.id)  # type: ignore[return-value]


def test_the_prescription_notice_and_the_loan_reminder_in_each_language() -> None:
    counter = make_counter()
    loans = {"en": _loan_for(counter, "en", "06 11 22 33 44")}
    loans["fr"] = _loan_for(counter, "fr", "06 55 66 77 88")
    notices = {
        lang: _body(f"prescription:{loan.prescription_id}:household:validated").body
        for lang, loan in loans.items()
    }
    assert "is waiting for you." in notices["en"] or "ready to collect." in notices["en"]
    assert "Bring sheet " in notices["en"] and "Apportez" not in notices["en"]
    assert "vous attend." in notices["fr"] or "à retirer." in notices["fr"]
    assert "Apportez la fiche " in notices["fr"]
    due = today() + timedelta(days=2)
    for loan in loans.values():
        loan.due_on = due
    db.session.commit()
    assert loan_reminders.enqueue_due(utcnow()) == 2
    reminders = {
        lang: _body(f"loan:{loan.id}:due:{due.isoformat()}:sms").body
        for lang, loan in loans.items()
    }
    day = due.strftime("%d/%m/%Y")
    assert f"is due back on {day}. To keep it longer, call us" in reminders["en"]
    assert f"est à rapporter le {day}. Pour le garder plus longtemps" in reminders["fr"]
    for text in (*notices.values(), *reminders.values()):
        _one_sms(text)


def test_the_referral_sms_to_an_english_household_is_in_english(app: Any) -> None:
    from tests.integration.test_referrals import _referral, _send, _world

    w = _world()
    w["household"].language = "en"
    w["household"].phone = "06 12 34 56 78"
    w["household"].contact_channel = ContactChannel.SMS
    w["place"].phone = "03 87 00 00 01"
    db.session.commit()
    response = _send(app, w, to_organisation_id=str(w["place"].id))
    assert response.status_code == 302, response.text
    referral = _referral()
    sms = _body(f"referral:{referral.id}:person:sent")
    assert sms.channel is Channel.SMS
    assert sms.body.startswith("Ordilien: you are being referred to Médiathèque Verlaine"), sms
    assert "Tel 03 87 00 00 01." in sms.body or referral.to_phone == ""
    assert "Horaires" not in sms.body and "Apportez" not in sms.body
    _one_sms(sms.body)


def test_opening_hours_in_an_english_notice_keep_their_capitals_and_fit(app: Any) -> None:
    from flask_babel import force_locale

    from app.households import notice_text, notices

    days = [
        ("Tuesday", "13:00 – 17:30"),
        ("Thursday", "13:00 – 17:30"),
        ("Saturday", "9:00 – 12:00"),
    ]
    with app.app_context(), force_locale("en"):
        words = notice_text.week_in_words(days, notices.current_gettext)
        notice = notice_text.Notice(
            prescription_id=12, household_name="Mrs Smith", device="Laptop",
            programme="Digital inclusion", kind="gift", association="Ordi 28",
            address="1 rue A", commune="Metz", phone="03 87 00 00 01", hours=words,
        )  # fmt: skip
        text = notice_text.sms(notice, notices.current_gettext)
    assert words == "Tuesday, Thursday: 13:00 – 17:30; Saturday: 9:00 – 12:00"
    assert "Tue, Thu 13:00-17:30; Sat 9:00-12:00." in text, text
    _one_sms(text)
