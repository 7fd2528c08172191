"""Referrals between structures: sent from the household's page, answered by the
receiving structure (or through the signed link), reminded, expired, anonymised."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.authz.policy import OrgKind, Role
from app.core.clock import utcnow
from app.extensions import db
from app.households.models import Household
from app.notify import services as notify
from app.notify.models import Channel, MessageStatus, OutboundMessage
from app.referrals import links, services
from app.referrals import reasons as reason_list
from app.referrals.lifecycle import ReferralState
from app.referrals.models import Referral
from app.reports.gdpr.anonymise import anonymise
from app.training.models import TrainingPlace
from tests import factories
from tests.conftest import login_client
from tests.integration.test_loans_reminders import smtp  # noqa: F401  (the aiosmtpd fixture)


def _world() -> dict[str, Any]:
    ccas = factories.create_org(OrgKind.PRESCRIBER, name="CCAS de Metz", phone="03 87 11 11 11")
    place = factories.create_org(
        OrgKind.TRAINING_PLACE, name="Médiathèque Verlaine", commune="Metz", postcode="57000",
        address="1 rue de la Paix", phone="03 87 22 22 22",
    )  # fmt: skip
    db.session.add(TrainingPlace(organisation_id=place.id, opening_hours="Tu 09:00-12:00"))
    other_place = factories.create_org(OrgKind.TRAINING_PLACE, name="MJC 4 Bornes")
    household = Household(
        organisation_id=ccas.id, reference_name="Nadia Bensaïd", phone="06 11 22 33 44",
        commune="Metz", postcode="57000",
    )  # fmt: skip
    db.session.add(household)
    db.session.commit()
    return {
        "ccas": ccas,
        "place": place,
        "household": household,
        "prescriber": factories.create_user(Role.PRESCRIBER, ccas, email="travailleuse@ccas.fr"),
        "trainer": factories.create_user(Role.TRAINER, place, email="accueil@verlaine.fr"),
        "other_trainer": factories.create_user(Role.TRAINER, other_place),
        "other_prescriber": factories.create_user(Role.PRESCRIBER),
    }


def _send(app: Flask, w: dict[str, Any], **fields: Any) -> Any:
    client = login_client(app.test_client(), w["prescriber"])
    data = {"need": "learn", "message": "Grande débutante, veut faire ses démarches CAF.",
            "person_message": "Demandez Julie à l'accueil.", "consent": "y",
            "to_organisation_id": "0", "bring": "son téléphone", **fields}  # fmt: skip
    return client.post(f"/orientations/foyers/{w['household'].id}/nouvelle", data=data)


def _referral() -> Referral:
    referral = db.session.scalars(select(Referral).order_by(Referral.id.desc())).first()
    assert referral is not None
    db.session.refresh(referral)
    return referral


def _keys(referral: Referral) -> set[str]:
    return set(
        db.session.scalars(
            select(OutboundMessage.key).where(OutboundMessage.object_id == str(referral.id))
        )
    )


def test_ccas_to_training_place_accepted_then_done_told_by_smtp_and_sms(
    new_app,
    smtp,  # noqa: F811
    tmp_path: Path,
) -> None:  # type: ignore[no-untyped-def]
    inbox, port = smtp
    sms_file = tmp_path / "sms.log"
    app = new_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                  SMS_BACKEND="file", SMS_FILE_PATH=str(sms_file),
                  PUBLIC_BASE_URL="https://ordilien.example.org")  # fmt: skip
    with app.app_context():
        w = _world()
        response = _send(app, w, to_organisation_id=str(w["place"].id))
        assert response.status_code == 302, response.text
        referral = _referral()
        assert referral.state is ReferralState.OPEN and referral.to_name == "Médiathèque Verlaine"
        assert referral.hours == "mardi 9 h – 12 h"  # the place's published hours, in words

        trainer = login_client(app.test_client(), w["trainer"])
        page = trainer.get("/orientations/").text
        assert f"/orientations/{referral.id}" in page
        detail = trainer.get(f"/orientations/{referral.id}").text
        assert "Grande débutante" in detail and "Nadia Bensaïd" in detail
        assert "Demandez Julie" not in detail  # the person's message is not the structure's
        for action in ("accept", "done"):
            answered = trainer.post(f"/orientations/{referral.id}/reponse",
                                    data={"action": action, "message": "On l'attend mardi."})  # fmt: skip
            assert answered.status_code == 302, answered.text
        referral = _referral()
        assert referral.state is ReferralState.DONE and referral.closed_at is not None

        # The household's page shows it; the journal has every step.
        household_page = (
            login_client(app.test_client(), w["prescriber"])
            .get(f"/foyers/{w['household'].id}")
            .text
        )
        assert "Orientations" in household_page and "Réalisée" in household_page
        actions = set(
            db.session.scalars(
                select(AuditEntry.action).where(
                    AuditEntry.object_type == "referral", AuditEntry.object_id == str(referral.id)
                )
            )
        )
        assert {"referral.send", "referral.accept", "referral.done"} <= actions

        runner = app.test_cli_runner()
        for _ in range(2):  # as cron would: nothing arrives twice
            result = runner.invoke(args=["reminders", "send"])
            assert result.exit_code == 0, result.output
        to_sender = [raw for rcpt, raw in inbox.messages if rcpt == ["travailleuse@ccas.fr"]]
        subjects = sorted(str(make_header(decode_header(message_from_bytes(r)["Subject"])))
                          for r in to_sender)  # fmt: skip
        assert subjects == [f"Orientation n° {referral.id} : acceptée",
                            f"Orientation n° {referral.id} : réalisée"]  # fmt: skip
        body = message_from_bytes(to_sender[0]).get_payload(decode=True).decode()
        assert f"https://ordilien.example.org/orientations/{referral.id}" in body
        assert "On l'attend mardi." in body
        # The person: by SMS (their channel), apart from the sender's e-mails.
        person = db.session.scalars(
            select(OutboundMessage).where(
                OutboundMessage.key == f"referral:{referral.id}:person:sent"
            )
        ).one()
        assert person.channel is Channel.SMS and person.status is MessageStatus.SENT
        assert "1 rue de la Paix" in person.body and "Grande débutante" not in person.body
        assert "mardi 9 h - 12 h" in person.body and "son téléphone" in person.body
        sms = [json.loads(line) for line in sms_file.read_text(encoding="utf-8").splitlines()]
        assert {s["to"] for s in sms} == {"+33611223344"} and len(sms) == 2  # sent, accepted
        assert all(len(s["text"]) <= 160 for s in sms)


def test_a_refusal_without_a_reason_is_refused_on_the_field(app: Flask) -> None:
    w = _world()
    _send(app, w, to_organisation_id=str(w["place"].id))
    referral = _referral()
    trainer = login_client(app.test_client(), w["trainer"])
    response = trainer.post(f"/orientations/{referral.id}/reponse",
                            data={"action": "refuse", "reason": "0", "message": "Complet."})  # fmt: skip
    assert response.status_code == 422
    assert re.search(r'id="reason-erreur">Choisissez le motif du refus', response.text)
    reason = reason_list.reasons()[2]  # "Plus de place"
    response = trainer.post(f"/orientations/{referral.id}/reponse",
                            data={"action": "refuse", "reason": reason.id, "message": " "})  # fmt: skip
    assert response.status_code == 422
    assert 'id="message-erreur">Expliquez le refus' in response.text
    assert _referral().state is ReferralState.OPEN
    response = trainer.post(f"/orientations/{referral.id}/reponse", data={
        "action": "refuse", "reason": reason.id, "message": "Plus de créneau avant juin."})  # fmt: skip
    assert response.status_code == 302
    referral = _referral()
    assert (
        referral.state is ReferralState.REFUSED and referral.refusal_reason.label == "Plus de place"
    )
    sender_mail = db.session.scalars(select(OutboundMessage).where(
        OutboundMessage.key.like(f"referral:{referral.id}:sender:refused:%"))).one()  # fmt: skip
    assert "Motif : Plus de place" in sender_mail.body and "avant juin" in sender_mail.body


def test_a_place_outside_the_instance_without_email_prints_a_slip(app: Flask) -> None:
    w = _world()
    response = _send(app, w, need="repair", to_name="Repair Café Borny",
                     to_address="3 place de la Mairie, Metz", to_phone="03 87 33 33 33")  # fmt: skip
    referral = _referral()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/orientations/{referral.id}/fiche")
    slip = login_client(app.test_client(), w["prescriber"]).get(
        f"/orientations/{referral.id}/fiche"
    )
    assert slip.status_code == 200
    assert "Repair Café Borny" in slip.text and "03 87 33 33 33" in slip.text
    token = links.make_token(referral)
    assert f"/orientations/r/{token}" in slip.text and "03 87 11 11 11" in slip.text
    # No e-mail to a structure without one; the person still gets where to go.
    assert _keys(referral) == {f"referral:{referral.id}:person:sent"}


def test_the_signed_link_answers_once_then_an_expired_one_says_so(app: Flask) -> None:
    w = _world()
    _send(app, w, to_name="Espace France Services", to_email="efs@example.org")
    referral = _referral()
    token = links.make_token(referral)
    assert f"referral:{referral.id}:to:sent:0" in _keys(referral)  # the link, by e-mail
    visitor = app.test_client()  # no login
    page = visitor.get(f"/orientations/r/{token}")
    assert page.status_code == 200 and "Nadia Bensaïd" in page.text
    reason = reason_list.reasons()[0]
    answered = visitor.post(f"/orientations/r/{token}", data={
        "action": "refuse", "reason": reason.id, "message": "Hors de notre secteur."})  # fmt: skip
    assert answered.status_code == 302
    assert _referral().state is ReferralState.REFUSED
    again = visitor.post(f"/orientations/r/{token}", data={"action": "accept"})
    assert again.status_code == 422 and _referral().state is ReferralState.REFUSED
    assert "déjà reçu sa réponse" in visitor.get(f"/orientations/r/{token}").text

    forged = visitor.get(f"/orientations/r/{token[:-3]}abc")
    assert forged.status_code == 404 and "pas valide" in forged.text

    _send(app, w, to_name="Espace France Services", to_email="efs@example.org")
    second = _referral()
    old_token = links.make_token(second)
    notify.run(now=utcnow() + timedelta(days=31))  # unanswered: expired
    assert _referral().state is ReferralState.EXPIRED
    expired = visitor.get(f"/orientations/r/{old_token}")
    assert expired.status_code == 410 and "Ce lien a expiré" in expired.text
    # The sender renews it: the new link works, the old one says it was replaced.
    sender = login_client(app.test_client(), w["prescriber"])
    assert sender.post(f"/orientations/{second.id}/lien").status_code == 302
    second = _referral()
    assert second.state is ReferralState.OPEN
    assert visitor.get(f"/orientations/r/{links.make_token(second)}").status_code == 200
    assert "remplacé" in visitor.get(f"/orientations/r/{old_token}").text


def test_reminded_once_after_ten_days_and_expired_after_thirty(app: Flask) -> None:
    w = _world()
    _send(app, w, to_organisation_id=str(w["place"].id))
    referral = _referral()
    sent = referral.sent_at
    notify.run(now=sent + timedelta(days=9))
    assert _referral().reminded_at is None
    for _ in range(2):
        notify.run(now=sent + timedelta(days=10, minutes=1))
    reminders = db.session.scalars(select(OutboundMessage).where(
        OutboundMessage.key.like(f"referral:{referral.id}:to:remind:%"))).all()  # fmt: skip
    assert len(reminders) == 1 and reminders[0].recipient == "accueil@verlaine.fr"
    assert "attend toujours votre réponse" in reminders[0].body
    notify.run(now=sent + timedelta(days=29))
    assert _referral().state is ReferralState.OPEN
    notify.run(now=sent + timedelta(days=30, minutes=1))
    referral = _referral()
    assert referral.state is ReferralState.EXPIRED
    assert any(k.startswith(f"referral:{referral.id}:sender:expired") for k in _keys(referral))


def test_another_organisation_can_neither_read_nor_answer(app: Flask) -> None:
    w = _world()
    _send(app, w, to_organisation_id=str(w["place"].id))
    referral = _referral()
    for user in (w["other_trainer"], w["other_prescriber"]):
        client = login_client(app.test_client(), user)
        assert client.get(f"/orientations/{referral.id}").status_code == 404
        assert client.post(f"/orientations/{referral.id}/reponse",
                           data={"action": "accept"}).status_code == 404  # fmt: skip
        assert f'/orientations/{referral.id}"' not in client.get("/orientations/").text
    # The sender reads it but does not answer for the place.
    sender = login_client(app.test_client(), w["prescriber"])
    assert sender.post(f"/orientations/{referral.id}/reponse",
                       data={"action": "accept"}).status_code == 404  # fmt: skip
    assert _referral().state is ReferralState.OPEN


def test_anonymisation_blanks_the_messages_and_cuts_the_link(app: Flask) -> None:
    w = _world()
    _send(app, w, to_name="Espace France Services", to_email="efs@example.org",
          message="Mme Bensaïd a besoin d'aide pour la CAF.")  # fmt: skip
    referral = _referral()
    token = links.make_token(referral)
    anonymise(w["household"], reason="request")
    db.session.commit()
    referral = _referral()
    assert referral.message == "" and referral.person_message == ""
    assert referral.answer_message == "" and referral.revoked_at is not None
    bodies = db.session.scalars(select(OutboundMessage.body).where(
        OutboundMessage.object_type == "referral")).all()  # fmt: skip
    assert bodies and not any("Bensaïd" in b for b in bodies)
    assert app.test_client().get(f"/orientations/r/{token}").status_code == 404


def test_reports_count_referrals_by_need_and_outcome(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The exact counts (small counts are shown as "< 5" by default: REPORT_MIN_COUNT).
    monkeypatch.setitem(app.config, "REPORT_MIN_COUNT", 1)
    w = _world()
    _send(app, w, to_organisation_id=str(w["place"].id))
    _send(app, w, need="repair", to_name="Repair Café", to_phone="0387000000")
    from app.reports import figures, scope
    from app.reports.period import Period

    today = utcnow().date()
    filters = scope.Filters(
        Period(today - timedelta(days=30), today), scope.territory_scope(), today
    )
    figure = figures.figure_by_key(filters, "orientations")
    assert figure is not None and figure.available
    rows = {row[0]: row[1:] for row in figure.table.rows}
    assert rows["Apprendre"] == [1, 1, 0, 0, 0, 0] and rows["Réparer un appareil"][0] == 1


def test_a_directory_place_is_copied_and_answers_through_the_link(app: Flask) -> None:
    from app.directory.models import Place

    w = _world()
    place = Place(name="Emmaüs Connect Metz", address="5 rue Serpenoise", postcode="57000",
                  commune="Metz", email="metz@emmaus-connect.example", phone="03 87 44 44 44",
                  opening_hours="We 14:00-17:00", what_to_bring="Une attestation CAF")  # fmt: skip
    db.session.add(place)
    db.session.commit()
    referral = services.create_referral(
        w["household"],
        services.ReferralInput(need="connect", message="Tarif social", consent=True,
                               to_place_id=place.id),
        w["prescriber"],
    )  # fmt: skip
    assert referral.to_place_id == place.id and referral.external
    assert referral.to_address == "5 rue Serpenoise, 57000 Metz"
    assert referral.hours == "mercredi 14 h – 17 h" and referral.bring == "Une attestation CAF"
    mail = db.session.scalars(select(OutboundMessage).where(
        OutboundMessage.key == f"referral:{referral.id}:to:sent:0")).one()  # fmt: skip
    assert mail.recipient == "metz@emmaus-connect.example"
    assert f"/orientations/r/{links.make_token(referral)}" in mail.body


def test_a_front_desk_refers_a_household_its_association_sees(app: Flask) -> None:
    from app.households.lifecycle import PrescriptionState
    from app.households.models import Prescription

    w = _world()
    association = factories.create_org(OrgKind.ASSOCIATION, name="Atelier Solidaire")
    desk = factories.create_user(Role.FRONT_DESK, association)
    client = login_client(app.test_client(), desk)
    url = f"/orientations/foyers/{w['household'].id}/nouvelle"
    assert client.get(url).status_code == 404  # not theirs yet
    db.session.add(Prescription(
        household_id=w["household"].id, prescriber_org_id=w["ccas"].id,
        association_org_id=association.id, programme_code="x", device_type="laptop",
        state=PrescriptionState.SUBMITTED,
    ))  # fmt: skip
    db.session.commit()
    assert "Orienter vers une autre structure" in client.get(f"/foyers/{w['household'].id}").text
    response = client.post(url, data={"need": "repair", "message": "Écran", "consent": "y",
                                      "to_organisation_id": str(w["place"].id)})  # fmt: skip
    assert response.status_code == 302
    referral = _referral()
    assert referral.from_organisation_id == association.id
    # Without the person's consent, nothing is sent.
    refused = client.post(url, data={"need": "repair", "message": "Écran",
                                     "to_organisation_id": str(w["place"].id)})  # fmt: skip
    assert refused.status_code == 200 and "doit être d'accord" in html.unescape(refused.text)
    assert _referral().id == referral.id


def test_refer_to_a_place_found_in_the_directory(app: Flask) -> None:
    from app.households.lifecycle import PrescriptionState
    from app.households.models import Prescription
    from tests.integration.test_directory import place as directory_place

    w = _world()
    found = directory_place("Emmaüs Connect Borny", 49.1098, 6.2290, needs=["learn", "connect"],
                            address="5 rue de Borny", email="borny@emmaus.example",
                            what_to_bring="Une attestation CAF")  # fmt: skip
    household = w["household"]
    client = login_client(app.test_client(), w["prescriber"])
    page = client.get(f"/ou-aller/foyers/{household.id}?besoin=connect&lieu=Metz").text
    link = f"/orientations/foyers/{household.id}/nouvelle?lieu={found.id}&amp;besoin=connect"
    assert "Orienter vers ce lieu" in page and link in page
    form = client.get(html.unescape(link))
    assert form.status_code == 200
    assert "Emmaüs Connect Borny" in form.text and "5 rue de Borny" in form.text
    assert '<option selected value="connect">' in form.text
    assert f'name="to_place_id" type="hidden" value="{found.id}"' in form.text
    response = client.post(html.unescape(link), data={
        "need": "connect", "message": "Tarif social", "consent": "y",
        "to_organisation_id": "0", "to_place_id": str(found.id)})  # fmt: skip
    assert response.status_code == 302
    referral = _referral()
    assert referral.to_place_id == found.id and referral.to_name == "Emmaüs Connect Borny"
    assert referral.to_email == "borny@emmaus.example" and referral.bring == "Une attestation CAF"
    # Someone who sees the household's search but may not refer: no button.
    association = factories.create_org(OrgKind.ASSOCIATION, name="Atelier Solidaire")
    manager = factories.create_user(Role.MANAGER, association)
    db.session.add(Prescription(
        household_id=household.id, prescriber_org_id=w["ccas"].id,
        association_org_id=association.id, programme_code="x", device_type="laptop",
        state=PrescriptionState.SUBMITTED,
    ))  # fmt: skip
    db.session.commit()
    other = login_client(app.test_client(), manager)
    seen = other.get(f"/ou-aller/foyers/{household.id}?besoin=connect&lieu=Metz")
    assert seen.status_code == 200 and "Emmaüs Connect Borny" in seen.text
    assert "Orienter vers ce lieu" not in seen.text
    # Nor on the public page.
    assert "Orienter vers ce lieu" not in app.test_client().get(
        "/ou-aller?besoin=connect&lieu=Metz").text  # fmt: skip
