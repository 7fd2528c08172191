"""The household is told, through the channel it chose, that its prescription is validated:
where and when to collect, what to bring, whom to call (texts in ``notice_text.py``).

Queued in the outbox in the transaction of the validation, under the unique key
``prescription:<id>:household:validated``: never twice, whatever is retried. When no
written channel reaches the household, nothing is queued and the page says whom to call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.accounts.models import Organisation
from app.core.clock import today
from app.core.i18n import current_gettext, reader_locale
from app.core.marking import Gettext
from app.eligibility import catalogue, display
from app.eligibility.vocabulary import DEVICE_TYPE_LABELS
from app.extensions import db
from app.households import notice_text
from app.households.models import Household, Prescription
from app.households.notice_text import Delivery, Notice
from app.households.routing_service import hours_text
from app.loans.models import Sale
from app.notify.models import Channel, OutboundMessage
from app.notify.phone import display_fr, to_e164

# As households.services.VALIDATED_DAYS (not imported: services imports this module).
VALID_DAYS = 90


def key_for(prescription: Prescription) -> str:
    return f"prescription:{prescription.id}:household:validated"


def _price(outcome: dict[str, object], device: str, gettext: Gettext) -> str:
    price = outcome.get("price_eur")
    if isinstance(price, int | float):
        return f"{price:g} €"
    grid = outcome.get("price_grid")
    if isinstance(grid, dict) and isinstance(grid.get(device), dict) and grid[device]:
        prices = sorted(grid[device].values())
        if prices[0] == prices[-1]:
            return f"{prices[0]:g} €"
        return gettext("de %(low)s à %(high)s € selon l'appareil") % {
            "low": f"{prices[0]:g}",
            "high": f"{prices[-1]:g}",
        }
    return ""


def _payments(org_id: int) -> tuple[str, ...]:
    """The payment methods the association's counter has taken (what the app knows)."""
    from app.loans.printing import PAYMENT_LABELS  # loans imports households: not at the top

    taken = set(
        db.session.scalars(
            select(Sale.payment_method)
            .where(Sale.organisation_id == org_id, Sale.payment_method.is_not(None))
            .distinct()
        )
    )
    return tuple(str(label).lower() for method, label in PAYMENT_LABELS.items() if method in taken)


def notice_for(prescription: Prescription) -> Notice:
    """The facts, in the current language (the household's when it is told)."""
    household: Household = prescription.household
    speaker = display.speaker()
    association = db.session.get(Organisation, prescription.association_org_id)
    prescriber = db.session.get(Organisation, prescription.prescriber_org_id)
    assert association is not None
    programme = catalogue.for_prescription(
        prescription.programme_code, prescription.programme_version
    )
    outcome = prescription.outcome or {}
    decided = prescription.decided_at.date() if prescription.decided_at else today()
    return Notice(
        prescription_id=prescription.id,
        household_name=household.reference_name,
        device=speaker.gettext(DEVICE_TYPE_LABELS[prescription.device_type]),
        programme=programme.name if programme else prescription.programme_code,
        kind=str(outcome.get("kind") or ""),
        association=association.name,
        address=association.address,
        postcode=association.postcode,
        commune=association.commune,
        phone=association.phone,
        hours=hours_text(association.id, speaker),
        price=_price(outcome, prescription.device_type.value, speaker.gettext),
        deposit_eur=outcome.get("deposit_eur") or None,  # type: ignore[arg-type]
        payments=_payments(association.id) if outcome.get("kind") == "sale" else (),
        valid_until=decided + timedelta(days=VALID_DAYS),
        prescriber=prescriber.name if prescriber else "",
        prescriber_phone=prescriber.phone if prescriber else "",
    )


def delivery_for(household: Household) -> Delivery:
    return notice_text.choose_delivery(household.contact_channel, household.phone, household.email)


def queue_validated(prescription: Prescription) -> Delivery:
    """Queue the household's message (SMS or e-mail) in the caller's transaction, unless it
    is queued already or no written channel reaches it. Returns how it is told."""
    household = prescription.household
    delivery = delivery_for(household)
    if delivery not in (Delivery.SMS, Delivery.EMAIL):
        return delivery
    key = key_for(prescription)
    if db.session.scalar(select(OutboundMessage.id).where(OutboundMessage.key == key)):
        return delivery
    with force_locale(reader_locale(household.language)):  # the household reads it
        notice = notice_for(prescription)
        if delivery is Delivery.SMS:
            channel, recipient, subject, body = (
                Channel.SMS,
                to_e164(household.phone) or household.phone,  # one format: E.164
                "",
                notice_text.sms(notice, current_gettext),
            )
        else:
            subject, body = notice_text.email(notice, current_gettext)
            channel, recipient = Channel.EMAIL, household.email.strip()
    db.session.add(
        OutboundMessage(
            key=key,
            channel=channel,
            recipient=recipient,
            subject=subject,
            body=body,
            organisation_id=prescription.association_org_id,
            object_type="prescription",
            object_id=str(prescription.id),
        )
    )
    return delivery


@dataclass(frozen=True)
class Told:
    """How the household is (or is to be) told, for the prescription page."""

    delivery: Delivery
    message: OutboundMessage | None  # the queued SMS or e-mail, if any
    call_number: str  # whom staff should telephone ("" when a message was queued)
    call_whom: str  # the household, or the prescriber when the household has no phone
    postal_address: str
    notice: Notice


def told(prescription: Prescription) -> Told:
    household = prescription.household
    message = db.session.scalar(
        select(OutboundMessage).where(OutboundMessage.key == key_for(prescription))
    )
    delivery = Delivery(message.channel.value) if message is not None else delivery_for(household)
    notice = notice_for(prescription)
    number, whom = "", ""
    if message is None:
        if household.phone.strip():
            number, whom = household.phone.strip(), household.reference_name
        elif notice.prescriber_phone:
            number, whom = notice.prescriber_phone, notice.prescriber
    return Told(
        delivery=delivery,
        message=message,
        call_number=number,
        call_whom=whom,
        postal_address=household.postal_address if delivery is Delivery.POST else "",
        notice=notice,
    )


def told_sentence(told: Told) -> str:
    """For staff, in their language: how the household is told, or whom to telephone
    (never a message claimed when none was left)."""
    _ = gettext
    message = told.message
    if message is not None:
        if message.channel is Channel.SMS:
            return str(
                _("Le foyer est prévenu par SMS au %(to)s.", to=display_fr(message.recipient))
            )
        return str(_("Le foyer est prévenu par e-mail à %(to)s.", to=message.recipient))
    if told.delivery is Delivery.POST:
        first = _(
            "Le foyer a choisi le courrier : aucun message ne lui est envoyé. Postez-lui la "
            "fiche à : %(address)s.",
            address=told.postal_address or "?",
        )
    elif told.delivery is Delivery.CALL:
        first = _(
            "Aucun SMS ni e-mail n'est envoyé au foyer (pas de portable ni d'e-mail, ou il préfère un appel)."
        )
    elif told.delivery is Delivery.NONE:
        first = _("Aucun message n'est envoyé au foyer : il n'a ni téléphone ni e-mail.")
    else:  # validated before the household was told of validations
        first = _("Aucun message n'a été envoyé au foyer.")
    if not told.call_number:
        return str(first)
    call = _(
        "Téléphonez à %(whom)s au %(number)s pour dire où et quand venir chercher l'appareil.",
        whom=told.call_whom,
        number=told.call_number,
    )
    return f"{first} {call}"
