"""Issue 14: with the interface in English, eligibility decisions contain no French sentence.

The household page (an eligible decision, an almost one with an expired attestation and a
refused one), the prescription PDF and the API check are compared with the French
catalogue: no fragment of a translated msgid (split on its placeholders, at least 12
characters with a space) may appear in what the reader sees. What people typed (programme
names, terms, sources, communes, names) is not in the catalogue and stays as written.
"""

from __future__ import annotations

import html
import io
import json
import re
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select

from app.accounts import services as accounts
from app.authz.policy import OrgKind, Role
from app.core.clock import today
from app.eligibility import catalogue
from app.eligibility.vocabulary import AttestationMethod, Status
from app.extensions import db
from app.households.models import Prescription
from app.notify.models import OutboundMessage
from tests.access.households import make_household, make_prescription
from tests.conftest import login_client

PO = Path(__file__).parents[2] / "app/translations/en/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"%\([^)]*\)[a-z]|%%")


@cache
def french_fragments() -> tuple[str, ...]:
    """Pieces of every French msgid the catalogue translates into something else."""
    with PO.open("rb") as f:
        catalogue = read_po(f)
    fragments: set[str] = set()
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not any(strings) or set(strings) <= set(ids):
            continue
        for msgid in ids:
            for piece in PLACEHOLDER.split(msgid):
                piece = piece.strip()
                if len(piece) >= 12 and " " in piece:
                    fragments.add(piece)
    return tuple(sorted(fragments))


def typed_by_people(*extra: str) -> list[str]:
    """What programme owners and prescribers wrote: shown as written, in their words."""
    texts = list(extra)
    for programme in catalogue.programmes():
        source = programme.source
        texts += [programme.name, programme.summary, programme.territory, source.sentence()]
        texts += [source.title, source.citation, source.note, programme.outcome.terms]
        texts += [p.description for p in programme.parameters.values()]
    return sorted({" ".join(t.split()) for t in texts if t}, key=len, reverse=True)


def french_in(text: str, *typed: str) -> list[str]:
    text = " ".join(text.split())
    for words in typed_by_people(*typed):
        text = text.replace(words, " ")
    return [f for f in french_fragments() if " ".join(f.split()) in text]


def visible_html(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def json_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in json_strings(v)]
    return []


@pytest.fixture
def people(make_org: Any, make_user: Any) -> dict[str, Any]:
    fs = make_org(OrgKind.PRESCRIBER, slug="fs-chartres", name="France Services Chartres")
    asso = make_org(OrgKind.ASSOCIATION, slug="atelier", name="Atelier")
    return {
        "prescriber": make_user(Role.PRESCRIBER, fs, email="p@fs.test"),
        "asso": asso,
    }


def english(app: Flask, user: Any) -> Any:
    client = login_client(app.test_client(), user)
    with client.session_transaction() as session:
        session["lang"] = "en"
    return client


def test_household_page_in_english_has_no_french_sentence(
    app: Flask, people: dict[str, Any]
) -> None:
    household = make_household(
        people["prescriber"],
        reference_name="Mme Durand",
        statuses=(Status.RSA, Status.AAH),
        attestation_method=AttestationMethod.DOCUMENT_SEEN,
    )
    for attestation in household.attestations:  # RSA: seen a year ago, valid until last week
        if attestation.status is not Status.RSA:
            continue
        attestation.attested_on = today() - timedelta(days=365)
        attestation.valid_until = today() - timedelta(days=7)
    db.session.commit()
    client = english(app, people["prescriber"])
    response = client.get(f"/foyers/{household.id}")
    assert response.status_code == 200
    text = visible_html(response.get_data(as_text=True))
    kinds = {"Eligible", "Almost eligible", "Not eligible"}
    assert all(k in text for k in kinds), " ".join(text.split())
    assert "The household lives" in text
    assert french_in(text) == []


def test_prescription_pdf_in_english_has_no_french_sentence(
    app: Flask, people: dict[str, Any]
) -> None:
    household = make_household(people["prescriber"], reference_name="Mme Durand")
    prescription = make_prescription(
        household,
        people["prescriber"],
        people["asso"],
        programme="rsa-ordinateur-15",
        commitments=("pix_test",),
    )
    client = english(app, people["prescriber"])
    response = client.get(f"/prescriptions/{prescription.id}/fiche.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Mme Durand" in text and "Atelier" in text
    assert "The household lives" in " ".join(text.split())
    assert french_in(text, "Mme Durand", "Châteaudun", "Atelier", "France Services Chartres") == []
    # In French, the same sheet reads in French.
    with client.session_transaction() as session:
        session["lang"] = "fr"
    french = client.get(f"/prescriptions/{prescription.id}/fiche.pdf")
    french_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(french.data)).pages)
    assert "Le foyer habite" in french_text


def test_api_check_in_english_has_no_french_sentence(client: Any, people: dict[str, Any]) -> None:
    token = accounts.create_api_token(people["prescriber"], "test")
    body = {
        "facts": {
            "statuses": [{"status": "rsa", "proof": "declared", "attested_on": "2026-01-10"}],
            "ages": [40],
            "reference_age": 40,
            "postcode": "28200",
            "commune": "Châteaudun",
        },
        "need": "laptop",
    }
    response = client.post(
        "/api/v1/eligibility/check",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
    )
    assert response.status_code == 200
    text = " ".join(json_strings(response.get_json()))
    assert "The household lives" in text
    assert french_in(text) == []
    # A household's eligibility too.
    household = make_household(people["prescriber"], reference_name="Mme Durand")
    response = client.get(
        f"/api/v1/households/{household.id}/eligibility",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
    )
    assert response.status_code == 200
    text = " ".join(json_strings(response.get_json()))
    assert "The household lives" in text
    assert french_in(text, "Mme Durand", "Châteaudun") == []


def _state_mail(prescription: Any) -> Any:
    db.session.expire_all()
    return db.session.scalars(
        select(OutboundMessage).where(
            OutboundMessage.key == f"prescription:{prescription.id}:submitted"
        )
    ).one()


def test_prescriber_emails_in_their_language_also_from_the_command_line(
    app: Flask, people: dict[str, Any], make_user: Any
) -> None:
    # The header's switch remembers the choice for the person's e-mails.
    switch = login_client(app.test_client(), people["prescriber"])
    assert switch.post("/langue", data={"lang": "en", "next": "/"}).status_code == 302
    db.session.expire_all()
    assert people["prescriber"].locale == "en"
    household = make_household(people["prescriber"], reference_name="Mme Durand")
    # No request here, as for `flask reminders send`: the prescriber still reads English.
    sent = make_prescription(household, people["prescriber"], people["asso"])
    message = _state_mail(sent)
    assert "Hello," in message.body and "Referral no." in message.subject
    assert french_in(message.subject + " " + message.body) == []
    # A French prescriber reads French, whoever acts from an English page.
    french_user = make_user(Role.PRESCRIBER, people["prescriber"].organisation, email="fr@fs.test")
    other = make_household(french_user, reference_name="M. Martin")
    client = english(app, french_user)
    response = client.post(
        f"/foyers/{other.id}/prescrire",
        data={
            "programme_code": "prix-solidaires",
            "device_type": "laptop",
            "association_org_id": people["asso"].id,
            "send": "1",
        },
    )
    assert response.status_code == 302
    made = db.session.scalars(
        select(Prescription).where(Prescription.household_id == other.id)
    ).one()
    assert made.state.value == "submitted"
    assert "Bonjour," in _state_mail(made).body
