"""The e-mail that tells the social worker each change of a prescription's state, in
their language, queued in the change's transaction (outbox)."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.accounts.models import Organisation, User
from app.core.clock import utcnow
from app.eligibility import catalogue
from app.extensions import db
from app.households import routing_service
from app.households.lifecycle import (
    STATE_LABELS,
    PrescriptionState,
)
from app.households.models import (
    Prescription,
)
from app.notify.models import Channel, OutboundMessage


def _prescription_url(prescription: Prescription) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL") or ""
    if base:
        return base.rstrip("/") + f"/prescriptions/{prescription.id}"
    if has_request_context():
        return url_for(
            "households.prescription_detail", prescription_id=prescription.id, _external=True
        )
    return f"/prescriptions/{prescription.id}"


def queue_state_email(prescription: Prescription) -> None:
    """Tell the prescriber by e-mail, in the same transaction as the change (outbox).

    The message says no more about the household than its prescription number."""
    if prescription.state is PrescriptionState.DRAFT or prescription.prescriber_id is None:
        return
    prescriber = db.session.get(User, prescription.prescriber_id)
    if prescriber is None or not prescriber.email:
        return
    key = f"prescription:{prescription.id}:{prescription.state.value}"
    if db.session.scalar(select(OutboundMessage.id).where(OutboundMessage.key == key)):
        return
    # In the prescriber's language, also from the command line (no request, no session).
    with force_locale(prescriber.locale or "fr"):
        subject, body = _state_email(prescription)
    db.session.add(
        OutboundMessage(
            key=key,
            channel=Channel.EMAIL,
            recipient=prescriber.email,
            subject=subject,
            body=body,
            due_at=utcnow(),
            organisation_id=prescription.prescriber_org_id,
            object_type="prescription",
            object_id=str(prescription.id),
        )
    )


def _told(text: str, **values: Any) -> str:
    """gettext in the language ``force_locale`` chose, with or without a request (``_``
    writes French outside one: ``flask reminders send`` expires prescriptions too)."""
    return str(gettext(text, **values))


def _state_email(prescription: Prescription) -> tuple[str, str]:
    _ = _told  # the prescriber's language (see queue_state_email)
    programme = catalogue.for_prescription(
        prescription.programme_code, prescription.programme_version
    )
    name = programme.name if programme else prescription.programme_code
    state = _(STATE_LABELS[prescription.state]).lower()
    lines = [
        _("Bonjour,"),
        "",
        _(
            "La prescription n° %(id)s (%(programme)s) est maintenant : %(state)s.",
            id=prescription.id,
            programme=name,
            state=state,
        ),
    ]
    association = db.session.get(Organisation, prescription.association_org_id)
    if association is not None:  # where it went: the social worker can tell the family
        where = routing_service.address_line(association)
        if association.phone:
            where += ", " + _("tél. %(phone)s", phone=association.phone)
        lines.append(_("Association : %(where)s", where=where))
    if prescription.state is PrescriptionState.REFUSED and prescription.refusal_reason:
        lines.append(_("Raison donnée par l'association : %(r)s", r=prescription.refusal_reason))
    lines += [
        "",
        _("Voir la prescription : %(url)s", url=_prescription_url(prescription)),
        "",
        "Ordilien",
    ]
    subject = _("Prescription n° %(id)s : %(state)s", id=prescription.id, state=state)
    return subject, "\n".join(lines)
