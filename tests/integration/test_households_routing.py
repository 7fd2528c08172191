"""Prescriptions go where the household can go, and the household is told (issue 15).

A France Services Chartres household in Châteaudun, the Eure-et-Loir 15 EUR programme:
the association list puts the one of Eure-et-Loir first (not Metz, first in the
alphabet), warns when none serves Châteaudun, the prescription names where it went, and
its validation tells the household by the channel it chose, once.
"""

from __future__ import annotations

import html
import json
import re
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.authz.policy import OrgKind, Role
from app.eligibility.vocabulary import ContactChannel
from app.extensions import db
from app.households import services
from app.households.models import Prescription
from app.notify.models import Channel, MessageStatus, OutboundMessage
from app.training.models import TrainingPlace
from tests.access.households import make_household, make_prescription
from tests.conftest import login_client
from tests.factories import create_org, create_user
from tests.integration.test_loans_reminders import Inbox, smtp  # noqa: F401 (fixture)

RSA = "rsa-ordinateur-15"
HOUSEHOLD_KEY = "prescription:{id}:household:validated"


def _metz() -> Any:
    return create_org(
        OrgKind.ASSOCIATION,
        slug="atelier-metz",
        name="Atelier Numérique Solidaire de Metz",
        commune="Metz",
        postcode="57000",
        address="12 rue des Allemands",
        phone="03 87 00 00 01",
    )


def _eure_et_loir() -> Any:
    return create_org(
        OrgKind.ASSOCIATION,
        slug="ressourcerie-28",
        name="Ressourcerie numérique d'Eure-et-Loir",
        commune="Chartres",
        postcode="28000",
        address="4 rue de la Volaille",
        phone="02 37 11 22 33",
    )


@pytest.fixture
def people() -> dict[str, Any]:
    fs = create_org(
        OrgKind.PRESCRIBER,
        slug="fs-chartres",
        name="France Services Chartres",
        commune="Chartres",
        postcode="28000",
        phone="02 37 00 00 05",
    )
    return {"fs": fs, "prescriber": create_user(Role.PRESCRIBER, fs, email="p@fs.test")}


def _selected(page: str) -> str:
    select_html = page[page.index('name="association_org_id"') :]
    select_html = select_html[: select_html.index("</select>")]
    found = re.search(r'<option selected value="(\d+)"', select_html)
    assert found, select_html
    return found.group(1)


def test_the_default_association_serves_chateaudun_not_metz_first_in_the_alphabet(
    app: Any, people: dict[str, Any]
) -> None:
    metz, ours = _metz(), _eure_et_loir()
    household = make_household(people["prescriber"])  # Châteaudun, 28200, RSA
    client = login_client(app.test_client(), people["prescriber"])
    page = client.get(f"/foyers/{household.id}/prescrire?programme={RSA}").get_data(as_text=True)
    assert _selected(page) == str(ours.id)
    assert "Aucune association ne sert" not in page
    served = page.index("Associations qui servent ce foyer")
    outside = page.index("Hors du territoire")
    assert served < page.index("Ressourcerie numérique d&#39;Eure-et-Loir") < outside
    assert page.index("Atelier Numérique Solidaire de Metz") > outside
    # How far it is: a distance when commune points are installed, else the département.
    distances = page[page.index('class="hint association-distances"') :]
    label = distances[distances.index("Ressourcerie numérique d&#39;Eure-et-Loir :") :][:60]
    assert "même département" in label or " km" in label
    metz_row = distances[distances.index("Atelier Numérique Solidaire de Metz :") :][:100]
    assert "Metz, " in metz_row and "hors du territoire" in metz_row
    assert metz.id != ours.id


def test_a_warning_when_no_association_serves_the_households_place(
    app: Any, people: dict[str, Any]
) -> None:
    _metz()
    household = make_household(people["prescriber"])
    client = login_client(app.test_client(), people["prescriber"])
    page = client.get(f"/foyers/{household.id}/prescrire?programme={RSA}").get_data(as_text=True)
    assert "Aucune association ne sert Châteaudun pour ce programme" in page
    assert _selected(page) == "0"  # nothing chosen for the prescriber: never Metz by default
    # Sent without choosing: refused on the field, nothing recorded.
    data = {
        "programme_code": RSA,
        "device_type": "laptop",
        "commitments": ["pix_test"],
        "association_org_id": "0",
        "send": "y",
    }
    page = client.post(f"/foyers/{household.id}/prescrire", data=data).get_data(as_text=True)
    assert "Choisissez une association" in page
    assert db.session.scalar(select(db.func.count()).select_from(Prescription)) == 0


def test_the_prescription_says_where_it_went(app: Any, people: dict[str, Any]) -> None:
    ours = _eure_et_loir()
    household = make_household(people["prescriber"])
    client = login_client(app.test_client(), people["prescriber"])
    client.post(
        f"/foyers/{household.id}/prescrire",
        data={
            "programme_code": RSA,
            "device_type": "laptop",
            "commitments": ["pix_test"],
            "association_org_id": str(ours.id),
            "send": "y",
        },
    )
    prescription = db.session.scalars(select(Prescription)).one()
    page = client.get(f"/prescriptions/{prescription.id}").get_data(as_text=True)
    for fact in ("Ressourcerie numérique d&#39;Eure-et-Loir", "4 rue de la Volaille", "28000"):
        assert fact in page
    assert "02 37 11 22 33" in page
    sheet = client.get(f"/prescriptions/{prescription.id}/fiche").get_data(as_text=True)
    assert "4 rue de la Volaille" in sheet and "02 37 11 22 33" in sheet
    pdf = client.get(f"/prescriptions/{prescription.id}/fiche.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    # The social worker's e-mail names the association, its address and phone.
    mail = db.session.scalars(
        select(OutboundMessage).where(
            OutboundMessage.key == f"prescription:{prescription.id}:submitted"
        )
    ).one()
    assert (
        "Association : Ressourcerie numérique d'Eure-et-Loir, 4 rue de la Volaille, "
        "28000 Chartres, tél. 02 37 11 22 33" in mail.body
    )


def _validated_by_manager(
    app: Any, people: dict[str, Any], hours: str = "", **household: Any
) -> Any:
    ours = _eure_et_loir()
    if hours:  # the hours the app knows: those its training place publishes
        db.session.add(TrainingPlace(organisation_id=ours.id, opening_hours=hours))
        db.session.commit()
    manager = create_user(Role.MANAGER, ours, email="m@ressourcerie.test")
    h = make_household(people["prescriber"], **household)
    prescription = make_prescription(
        h, people["prescriber"], ours, programme=RSA, commitments=("pix_test",)
    )
    client = login_client(app.test_client(), manager)
    response = client.post(f"/prescriptions/{prescription.id}/valider", follow_redirects=True)
    return prescription, client, response.get_data(as_text=True)


def _household_messages(prescription: Any) -> list[OutboundMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(OutboundMessage).where(
                OutboundMessage.key == HOUSEHOLD_KEY.format(id=prescription.id)
            )
        )
    )


def test_a_household_that_chose_sms_gets_one_sms_however_often_it_is_tried(
    app: Any, monkeypatch: Any, people: dict[str, Any], tmp_path: Path
) -> None:
    sms_file = tmp_path / "sms.log"
    # The senders read the configuration when they send: no second app needed.
    monkeypatch.setitem(app.config, "SMS_BACKEND", "file")
    monkeypatch.setitem(app.config, "SMS_FILE_PATH", str(sms_file))
    prescription, client, page = _validated_by_manager(app, people, hours="Tu,Th 14:00-17:30")
    assert "Le foyer est prévenu par SMS au 06 11 22 33 44" in page
    assert "mardi, jeudi : 14 h – 17 h 30" in page  # the association's hours, in words
    [message] = _household_messages(prescription)
    assert message.channel is Channel.SMS and message.recipient == "+33611223344"  # E.164
    # Validated again (a double click, a second manager): refused, nothing more queued.
    again = client.post(f"/prescriptions/{prescription.id}/valider", follow_redirects=True)
    assert again.status_code == 200
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["reminders", "send"])
        assert result.exit_code == 0, result.output
    [message] = _household_messages(prescription)
    assert message.status is MessageStatus.SENT
    lines = [json.loads(line) for line in sms_file.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 1
    text = lines[0]["text"]
    assert lines[0]["to"] == "+33611223344"
    assert "Ressourcerie" in text and "4 rue de la Volaille, 28000 Chartres" in text
    assert str(prescription.id) in text and "15 €" in text and "02 37 11 22 33" in text
    assert len(text) <= 160  # one SMS: the hours gave way to the long name (in the e-mail)
    page = client.get(f"/prescriptions/{prescription.id}").get_data(as_text=True)
    assert "Le foyer est prévenu par SMS" in page and "Envoyé le" in page


def test_a_household_that_chose_email_receives_it_through_a_real_smtp_server(
    app: Any,
    monkeypatch: Any,
    people: dict[str, Any],
    smtp: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, port = smtp
    for key, value in {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    prescription, _client, page = _validated_by_manager(
        app,
        people,
        hours="Tu,Th 14:00-17:30",
        contact_channel=ContactChannel.EMAIL,
        email="durand@example.org",
        phone="",
    )
    assert "Le foyer est prévenu par e-mail à durand@example.org" in page
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    mails = [raw for rcpt, raw in inbox.messages if rcpt == ["durand@example.org"]]
    assert len(mails) == 1
    mail = message_from_bytes(mails[0])
    subject = str(make_header(decode_header(mail["Subject"])))
    assert subject == (
        "Votre ordinateur portable vous attend chez Ressourcerie numérique d'Eure-et-Loir"
    )
    body = mail.get_payload(decode=True).decode()
    assert "Bonjour Mme Test," in body
    assert "Où : Ressourcerie numérique d'Eure-et-Loir, 4 rue de la Volaille" in body
    assert f"ou son numéro : {prescription.id}) et 15 €" in body
    assert (
        "Quand : dès maintenant, aux horaires d'ouverture : mardi, jeudi : 14 h – 17 h 30" in body
    )
    assert "Qui appeler : Ressourcerie numérique d'Eure-et-Loir au 02 37 11 22 33." in body
    assert len(_household_messages(prescription)) == 1


def test_a_household_reachable_only_by_landline_the_screen_names_the_number_to_call(
    app: Any, people: dict[str, Any]
) -> None:
    prescription, client, page = _validated_by_manager(app, people, phone="02 37 45 67 89")
    assert _household_messages(prescription) == []
    assert "prévenu par SMS" not in page
    assert "Aucun SMS ni e-mail n&#39;est envoyé au foyer" in page
    assert "Téléphonez à Mme Test au 02 37 45 67 89" in page
    detail = client.get(f"/prescriptions/{prescription.id}").get_data(as_text=True)
    assert "Téléphonez à Mme Test au 02 37 45 67 89" in detail
    assert "4 rue de la Volaille" in detail and "À apporter" in detail


def test_a_household_that_chose_post_is_not_claimed_told(app: Any, people: dict[str, Any]) -> None:
    prescription, _client, page = _validated_by_manager(
        app,
        people,
        contact_channel=ContactChannel.POST,
        phone="",
        postal_address="3 place du 18 Octobre, 28200 Châteaudun",
    )
    assert _household_messages(prescription) == []
    assert "Le foyer a choisi le courrier" in page
    assert "3 place du 18 Octobre, 28200 Châteaudun" in page
    assert "Téléphonez à France Services Chartres au 02 37 00 00 05" in page


def test_validation_through_the_service_queues_the_household_message_once(
    app: Any, people: dict[str, Any]
) -> None:
    ours = _eure_et_loir()
    manager = create_user(Role.MANAGER, ours, email="m2@ressourcerie.test")
    household = make_household(people["prescriber"])
    prescription = make_prescription(
        household, people["prescriber"], ours, programme=RSA, commitments=("pix_test",)
    )
    services.validate_prescription(prescription, manager)
    assert len(_household_messages(prescription)) == 1


def test_the_prescription_page_in_english_gives_the_hours_in_english(
    app: Any, people: dict[str, Any]
) -> None:
    prescription, client, _page = _validated_by_manager(app, people, hours="Tu,Th 14:00-17:30")
    with client.session_transaction() as session:
        session["lang"] = "en"
    page = html.unescape(client.get(f"/prescriptions/{prescription.id}").get_data(as_text=True))
    assert "Tuesday" in page and "mardi, jeudi" not in page
