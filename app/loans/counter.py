"""The counter's lookups: the prescription in front of the desk, its terms, the scanned
device and whether it fits; and the device moves every counter action makes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.errors import Conflict, DomainError, NotFound
from app.core.i18n import translate as _
from app.extensions import db
from app.households.lifecycle import PrescriptionState
from app.households.models import Prescription
from app.inventory import device_records, workshop
from app.inventory.lifecycle import State
from app.inventory.models import Device
from app.loans import terms as rules
from app.loans.models import Reservation, ReservationStatus
from app.loans.terms import Terms, TermsError


def terms_for(prescription: Prescription, device: Device | None = None) -> Terms:
    """The loan terms or the price the programme's outcome gives this prescription (and
    this device, when the programme prices by device type and grade)."""
    decision: dict[str, Any] = dict(prescription.outcome or {})
    nested = decision.get("terms")
    if isinstance(nested, dict):
        decision = {**decision, **nested}
    decision.setdefault("programme_code", prescription.programme_code)
    decision.setdefault("programme_name", programme_name(prescription.programme_code, decision))
    try:
        if device is None:
            return rules.terms_from_decision(decision)
        return rules.terms_from_decision(
            decision, device.device_type.value, device.grade.value if device.grade else None
        )
    except TermsError as exc:
        raise DomainError(exc.message) from None


def programme_name(code: str, decision: dict[str, Any] | None = None) -> str:
    """The programme's name as people know it; its code when nothing better is known."""
    if decision:
        for key in ("programme_name", "programme_title", "name", "title"):
            if decision.get(key):
                return str(decision[key])
    try:  # the eligibility engine's catalogue, when present
        from app.eligibility import services as eligibility  # type: ignore[attr-defined]

        found = eligibility.programme_title(code)
        if found:
            return str(found)
    except (ImportError, AttributeError, LookupError):
        pass
    return code


def counter_prescription(prescription_id: int, organisation_id: int) -> Prescription:
    """A prescription addressed to this association (404 for any other)."""
    prescription = db.session.get(Prescription, prescription_id)
    if prescription is None or prescription.association_org_id != organisation_id:
        raise NotFound(_("Prescription introuvable."))
    return prescription


def awaiting_handover(organisation_id: int) -> Sequence[Prescription]:
    """Validated prescriptions of this association, oldest first: the counter's queue."""
    return db.session.scalars(
        select(Prescription)
        .where(
            Prescription.association_org_id == organisation_id,
            Prescription.state == PrescriptionState.VALIDATED,
        )
        .options(selectinload(Prescription.household))  # the queue shows each family's name
        .order_by(Prescription.decided_at, Prescription.id)
    ).all()


def active_reservation(prescription_id: int) -> Reservation | None:
    return db.session.scalar(
        select(Reservation).where(
            Reservation.prescription_id == prescription_id,
            Reservation.status == ReservationStatus.ACTIVE,
        )
    )


def check_prescription_open(prescription: Prescription) -> None:
    if prescription.state is not PrescriptionState.VALIDATED:
        if prescription.state is PrescriptionState.FULFILLED:
            raise Conflict(_("Cette prescription a déjà été honorée : l'équipement a été remis."))
        raise DomainError(
            _("Cette prescription n'est pas validée : aucun appareil ne peut être remis.")
        )


def device_for_counter(scanned: str, organisation_id: int) -> Device:
    device = device_records.find_by_tag(scanned or "", organisation_id)
    if device is None or device.organisation_id != organisation_id:
        raise NotFound(
            _("Aucun appareil de votre association ne porte cette étiquette : %(s)s", s=scanned)
        )
    return device


def check_device_fits(device: Device, prescription: Prescription) -> None:
    wanted = str(prescription.device_type.value if prescription.device_type else "")
    if wanted and device.device_type.value != wanted:
        from app.eligibility.vocabulary import DEVICE_TYPE_LABELS, DeviceType

        raise DomainError(
            _(
                "La prescription demande : %(want)s. Cet appareil (%(tag)s) est : %(got)s.",
                want=_(DEVICE_TYPE_LABELS.get(DeviceType(wanted), wanted)),
                tag=device.asset_tag,
                got=device_kind(device),
            ),
            field="scanned",
        )


def wanted_label(device_type: Any) -> str:
    """The prescribed device type, in the page's language."""
    from app.eligibility.vocabulary import DEVICE_TYPE_LABELS, DeviceType

    try:
        return _(DEVICE_TYPE_LABELS[DeviceType(str(getattr(device_type, "value", device_type)))])
    except ValueError:
        return str(device_type)


def prescription_programme(prescription: Prescription) -> str:
    return programme_name(prescription.programme_code, prescription.outcome)


def device_kind(device: Device) -> str:
    from app.inventory.lifecycle import DEVICE_TYPE_LABELS

    return _(DEVICE_TYPE_LABELS.get(device.device_type, str(device.device_type)))


def move_device(
    device: Device,
    steps: Sequence[tuple[State, State, str]],
    actor: Any,
    **link: int,
) -> None:
    """Walk the device through ``steps`` (expected state, new state, reason), each the
    inventory's conditional UPDATE in the caller's transaction (no commit); ``link`` names
    the prescription, reservation or loan on the device's events. A device that is no
    longer in the expected state raises ``Conflict``: the first write of every counter
    action, so two desks cannot both win."""
    for expected, target, reason in steps:
        workshop.apply_transition(
            device, target, actor, reason, expected_state=expected, commit=False, **link
        )
