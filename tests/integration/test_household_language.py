"""Issue 17: a household reads its messages in its own language (``household.language``):
the tariff SMS (in one GSM-7 message), its workshop and referral messages, and the family
page when the visitor chose no language. The household form asks it and keeps it."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.accounts import services as accounts
from app.authz.policy import OrgKind, Role
from app.core.clock import today
from app.eligibility.vocabulary import Connection, ContactChannel
from app.extensions import db
from app.family import links
from app.households.models import Household
from app.notify.gsm7 import SMS_LIMIT, fits, gsm7_length
from app.notify.models import Channel, OutboundMessage
from app.tariffs import editing, household_matches
from app.tariffs.matching import OfferKind
from app.training.bookings import book
from tests import factories
from tests.access.households import make_household
from tests.conftest import login_client
from tests.integration.test_households_prescriptions import FORM
from tests.integration.test_loans_reminders import smtp  # noqa: F401  (the aiosmtpd fixture)
from tests.integration.test_training_support import make_place, make_session


def _verified_offer(**fields: Any) -> None:
    values: dict[str, Any] = {
        "provider": "Free",
        "name": "Forfait solidaire",
        "kind": OfferKind.MOBILE,
        "monthly_price": Decimal("10"),
        "statuses_any": ("rsa",),
        "checked_on": today() - timedelta(days=5),
        "proof_required": "Attestation de droits au RSA",
        "how_to_subscribe": "En boutique, avec l'attestation.",
        "source_url": "https://www.free.fr/",
    }
    values.update(fields)
    editing.create_tariff(editing.TariffData(**values))


def _household(prescriber: Any, language: str, **fields: Any) -> Household:
    values: dict[str, Any] = {
        "commune": "Metz",
        "postcode": "57000",
        "telecom_spend_eur": 35,
        "connection": Connection.MOBILE,
        "contact_channel": ContactChannel.SMS,
        "language": language,
    }
    values.update(fields)
    return make_household(prescriber, **values)  # type: ignore[no-any-return]


def _one_sms(text: str) -> None:
    assert fits(text) and (gsm7_length(text) or SMS_LIMIT + 1) <= SMS_LIMIT, text


# ---------------------------------------------------------------- the household form


def test_the_form_asks_the_language_and_keeps_it_on_errors_and_on_edit(
    app: Any, make_user: Any
) -> None:
    prescriber = make_user(Role.PRESCRIBER)
    client = login_client(app.test_client(), prescriber)
    page = client.get("/foyers/nouveau").get_data(as_text=True)
    assert "Langue des messages" in page
    assert '<option selected value="fr">Français</option>' in page
    assert '<option value="en">English</option>' in page
    # Refused (no phone for an SMS): the choice stays.
    refused = client.post("/foyers/nouveau", data={**FORM, "language": "en", "phone": ""})
    assert "numéro de téléphone" in refused.get_data(as_text=True)
    assert '<option selected value="en">English</option>' in refused.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(Household)) == 0
    # Accepted: stored and shown on the household's page.
    response = client.post("/foyers/nouveau", data={**FORM, "language": "en"})
    assert response.status_code == 302
    household = db.session.scalars(select(Household)).one()
    assert household.language == "en"
    shown = client.get(f"/foyers/{household.id}").get_data(as_text=True)
    assert "Langue des messages" in shown and '<dd lang="en">English</dd>' in shown
    # The edit form shows it, keeps it on an error, changes it back to French.
    edit = client.get(f"/foyers/{household.id}/modifier").get_data(as_text=True)
    assert '<option selected value="en">English</option>' in edit
    refused = client.post(
        f"/foyers/{household.id}/modifier", data={**FORM, "language": "fr", "other_ages": "huit"}
    ).get_data(as_text=True)
    assert '<option selected value="fr">Français</option>' in refused
    db.session.expire_all()
    assert db.session.get(Household, household.id).language == "en"  # type: ignore[union-attr]
    saved = client.post(f"/foyers/{household.id}/modifier", data={**FORM, "language": "fr"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Household, household.id).language == "fr"  # type: ignore[union-attr]
    # A language the app does not speak is refused on the field.
    page = client.post(
        f"/foyers/{household.id}/modifier", data={**FORM, "language": "de"}
    ).get_data(as_text=True)
    assert 'aria-invalid="true"' in page and 'name="language"' in page
    db.session.expire_all()
    assert db.session.get(Household, household.id).language == "fr"  # type: ignore[union-attr]


def test_a_household_without_a_choice_reads_french(app: Any, make_user: Any) -> None:
    prescriber = make_user(Role.PRESCRIBER)
    client = login_client(app.test_client(), prescriber)
    form = {k: v for k, v in FORM.items() if k != "language"}
    assert client.post("/foyers/nouveau", data=form).status_code == 302
    assert db.session.scalars(select(Household)).one().language == "fr"


def test_the_api_reads_and_writes_the_language(client: Any, make_user: Any) -> None:
    prescriber = make_user(Role.PRESCRIBER)
    headers = {"Authorization": f"Bearer {accounts.create_api_token(prescriber, 'test')}"}
    body = {"reference_name": "Mrs Smith", "phone": "06 00 00 00 01", "consent": True}
    created = client.post("/api/v1/households", json={**body, "language": "en"}, headers=headers)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["language"] == "en"
    read = client.get(f"/api/v1/households/{created.get_json()['id']}", headers=headers)
    assert read.get_json()["language"] == "en"
    default = client.post("/api/v1/households", json=body, headers=headers)
    assert default.get_json()["language"] == "fr"
    refused = client.post("/api/v1/households", json={**body, "language": "de"}, headers=headers)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"][0]["field"] == "language"


# ---------------------------------------------------------------- the tariff SMS


@pytest.mark.parametrize(
    ("language", "lead", "month", "closing"),
    [
        ("fr", "Tarif social pour vous : ", "/mois", "Votre conseiller vous aide."),
        ("en", "Social tariff for you: ", "/month", "Your adviser can help."),
    ],
)
def test_the_tariff_sms_is_in_the_households_language_in_one_sms(
    make_user: Any, language: str, lead: str, month: str, closing: str
) -> None:
    _verified_offer()
    prescriber = make_user(Role.PRESCRIBER)
    household = _household(prescriber, language)
    sms = household_matches.matches_for_household(household).sms
    assert sms.startswith(lead) and month in sms and sms.endswith(closing), sms
    assert ("forfait" in sms) is (language == "fr") and ("plan" in sms) is (language == "en")
    _one_sms(sms)


def test_english_sms_names_each_kind_in_english_and_fits(make_user: Any) -> None:
    for n, kind in enumerate((OfferKind.BOX, OfferKind.DATA, OfferKind.BUNDLE)):
        _verified_offer(provider=f"Operateur {n}", kind=kind, name=f"Offre {n}")
    prescriber = make_user(Role.PRESCRIBER)
    household = _household(prescriber, "en", connection=Connection.NONE)
    sms = household_matches.matches_for_household(household).sms
    assert sms.startswith("Social tariffs for you: ") and "mois" not in sms, sms
    assert "box 10" in sms and "top-ups 10" in sms and "box+mobile 10" in sms
    assert sms.count("/month") == 3 and "recharges" not in sms
    _one_sms(sms)


def test_no_verified_offer_says_where_to_ask_in_the_households_language(
    make_user: Any,
) -> None:
    prescriber = make_user(Role.PRESCRIBER)
    french = household_matches.matches_for_household(_household(prescriber, "fr")).sms
    english = household_matches.matches_for_household(
        _household(prescriber, "en", reference_name="Mrs Smith")
    ).sms
    assert french.startswith("Tarif social internet et mobile : demandez")
    assert english.startswith("Internet and mobile social tariffs: ask your adviser"), english
    assert "france-services.gouv.fr" in english
    for text in (french, english):
        _one_sms(text)


def test_the_sms_sent_is_the_households_language_whatever_the_staffs(
    new_app: Any, tmp_path: Path
) -> None:
    sms_file = tmp_path / "sms.log"
    app = new_app(SMS_BACKEND="file", SMS_FILE_PATH=str(sms_file))
    with app.app_context():
        _verified_offer()
        prescriber = factories.create_user(Role.PRESCRIBER)
        english = _household(prescriber, "en", phone="06 11 22 33 44")
        french = _household(prescriber, "fr", reference_name="M. Martin", phone="06 55 66 77 88")
        client = login_client(app.test_client(), prescriber)
        client.post("/langue", data={"lang": "en"})  # the adviser reads English
        for household in (english, french):
            assert client.post(f"/tarifs/foyers/{household.id}/sms").status_code == 302
        result = app.test_cli_runner().invoke(args=["reminders", "send"])
        assert result.exit_code == 0, result.output
        sent = {
            s["to"]: s["text"]
            for s in map(json.loads, sms_file.read_text(encoding="utf-8").splitlines())
        }
        assert sent["+33611223344"].startswith("Social tariff for you: Free, plan 10")
        assert sent["+33655667788"].startswith("Tarif social pour vous : Free, forfait 10")
        for text in sent.values():
            _one_sms(text)


# ---------------------------------------------------------------- the family page


def test_the_family_page_opens_in_the_households_language_unless_the_visitor_chose(
    app: Any, make_user: Any
) -> None:
    prescriber = make_user(Role.PRESCRIBER)
    english = _household(prescriber, "en")
    french = _household(prescriber, "fr", reference_name="M. Martin")
    raw_en = links.ensure_family_token(english, prescriber.organisation_id, prescriber)
    raw_fr = links.ensure_family_token(french, prescriber.organisation_id, prescriber)
    visitor = app.test_client()
    assert '<html lang="en">' in visitor.get(f"/f/{raw_en}").get_data(as_text=True)
    assert '<html lang="fr">' in visitor.get(f"/f/{raw_fr}").get_data(as_text=True)
    # The header's language button is the visitor's choice: it wins on every page.
    visitor.post("/langue", data={"lang": "fr"})
    assert '<html lang="fr">' in visitor.get(f"/f/{raw_en}").get_data(as_text=True)
    visitor.post("/langue", data={"lang": "en"})
    assert '<html lang="en">' in visitor.get(f"/f/{raw_fr}").get_data(as_text=True)


# ---------------------------------------------------------------- workshops and referrals


def test_workshop_emails_are_in_the_households_language_through_smtp(
    new_app: Any,
    smtp: Any,  # noqa: F811
) -> None:
    inbox, port = smtp
    app = new_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    with app.app_context():
        ccas = factories.create_org(OrgKind.PRESCRIBER)
        session = make_session(make_place(), capacity=5)[0]
        for name, language in (("en@example.org", "en"), ("fr@example.org", "fr")):
            household = Household(
                organisation_id=ccas.id, reference_name=name, email=name,
                contact_channel=ContactChannel.EMAIL, language=language,
            )  # fmt: skip
            db.session.add(household)
            db.session.commit()
            # Booked by French-speaking staff (no request: the default is French).
            book(session.id, household)
        result = app.test_cli_runner().invoke(args=["reminders", "send"])
        assert result.exit_code == 0, result.output
        mails = {rcpt[0]: message_from_bytes(raw) for rcpt, raw in inbox.messages}
        subject = {k: str(make_header(decode_header(m["Subject"]))) for k, m in mails.items()}
        body = {k: m.get_payload(decode=True).decode() for k, m in mails.items()}
        assert subject == {
            "en@example.org": "Your digital workshop",
            "fr@example.org": "Votre atelier numérique",
        }
        assert body["en@example.org"].startswith("Ordilien: your booking is confirmed")
        assert body["fr@example.org"].startswith("Ordilien : votre inscription est confirmée")


def test_the_referral_told_to_an_english_household_is_in_english(app: Any) -> None:
    from tests.integration.test_referrals import _referral, _send, _world

    w = _world()
    w["household"].language = "en"
    w["household"].email = "nadia@example.org"
    w["household"].contact_channel = ContactChannel.EMAIL
    db.session.commit()
    response = _send(app, w, to_organisation_id=str(w["place"].id))
    assert response.status_code == 302, response.text
    referral = _referral()
    person = db.session.scalars(
        select(OutboundMessage).where(OutboundMessage.key == f"referral:{referral.id}:person:sent")
    ).one()
    assert person.channel is Channel.EMAIL
    assert person.subject == "Your referral to Médiathèque Verlaine"
    assert "Ordilien: you are being referred to Médiathèque Verlaine." in person.body
    # The structure and the sender still read their own language (French here).
    to_place = db.session.scalars(
        select(OutboundMessage).where(OutboundMessage.key.like(f"referral:{referral.id}:to:%"))
    ).first()
    assert to_place is not None and to_place.subject.startswith("Nouvelle orientation")
