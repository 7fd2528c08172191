"""What the counter is told when the scanned device cannot be handed over."""

from __future__ import annotations

from sqlalchemy import select

from app.core.errors import Conflict
from app.core.i18n import translate as _
from app.extensions import db
from app.inventory import workshop
from app.inventory.lifecycle import DATA_BEARING, STATE_LABELS, State
from app.inventory.models import Device
from app.loans.models import Reservation, ReservationStatus


def _workshop_step(device: Device) -> str:
    """The reconditioning step the device is at: the first thing "ready" still needs."""
    facts = workshop.readiness(device)
    if facts.device_type in DATA_BEARING and not facts.erasure_passed:
        return _("effacement des données")
    if not facts.checklist_complete:
        return _("liste de tests")
    if not facts.grade:
        return _("note (grade)")
    return _("tout est fait, il reste à le passer en « Prêt à distribuer »")


def unavailable_message(device: Device) -> str:
    """What the counter is told when the scanned device cannot be handed over: the
    device's real situation, from its state, and what to do."""
    tag, state = device.asset_tag, device.state
    if state is State.RECEIVED:
        return _(
            "L'appareil %(tag)s n'est pas encore prêt : il vient d'être reçu et n'a été "
            "ni trié ni reconditionné. Confiez-le à l'atelier et scannez un appareil "
            "« Prêt à distribuer ».",
            tag=tag,
        )
    if state is State.TRIAGE:
        return _(
            "L'appareil %(tag)s n'est pas encore prêt : il est en tri à l'atelier. "
            "Scannez un appareil « Prêt à distribuer ».",
            tag=tag,
        )
    if state is State.RECONDITIONING:
        return _(
            "L'appareil %(tag)s n'est pas encore prêt : il est en reconditionnement "
            "(étape : %(step)s). Terminez-le à l'atelier ou scannez un autre appareil.",
            tag=tag,
            step=_workshop_step(device),
        )
    if state is State.RETURNED:
        return _(
            "L'appareil %(tag)s n'est pas encore prêt : il a été rendu et doit repasser "
            "par l'atelier (tri, effacement, tests) avant d'être remis. Scannez un autre "
            "appareil.",
            tag=tag,
        )
    if state is State.RESERVED:
        held = db.session.scalar(
            select(Reservation).where(
                Reservation.device_id == device.id,
                Reservation.status == ReservationStatus.ACTIVE,
            )
        )
        if held is not None:
            return _(
                "L'appareil %(tag)s n'est plus disponible : il est réservé pour une autre "
                "prescription (n° %(n)s). Scannez un autre appareil, ou annulez cette "
                "réservation depuis sa prescription.",
                tag=tag,
                n=held.prescription_id,
            )
        return _(
            "L'appareil %(tag)s n'est plus disponible : il est réservé pour une autre "
            "prescription. Scannez un autre appareil.",
            tag=tag,
        )
    if state is State.ON_LOAN:
        return _(
            "L'appareil %(tag)s n'est plus disponible : il est prêté à un autre foyer. "
            "Scannez un autre appareil ; s'il est devant vous, enregistrez d'abord son "
            "retour depuis son prêt.",
            tag=tag,
        )
    if state is State.SOLD:
        return _(
            "L'appareil %(tag)s n'est plus disponible : il a été vendu à un autre foyer. "
            "Scannez un autre appareil.",
            tag=tag,
        )
    if state is State.GIVEN:
        return _(
            "L'appareil %(tag)s n'est plus disponible : il a été donné à un autre foyer. "
            "Scannez un autre appareil.",
            tag=tag,
        )
    if state is State.E_WASTE:
        return _(
            "L'appareil %(tag)s n'est plus disponible : il est parti au recyclage (DEEE) "
            "et ne peut plus être remis. Mettez-le de côté pour la filière et scannez un "
            "autre appareil.",
            tag=tag,
        )
    if state is State.PARTS:
        return _(
            "L'appareil %(tag)s n'est plus disponible : il sert de pièces détachées et ne "
            "peut plus être remis. Scannez un autre appareil.",
            tag=tag,
        )
    return _(
        "L'appareil %(tag)s ne peut pas être remis (état : %(state)s) : scannez un autre appareil.",
        tag=tag,
        state=_(STATE_LABELS.get(state, str(state))),
    )


def unavailable(device: Device) -> Conflict:
    return Conflict(unavailable_message(device), field="scanned")
