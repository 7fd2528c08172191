"""Inventory actions: intake, state changes, erasure, tests, grading, stock counts.

Services load, ask the pure rules (lifecycle, grading, tags), write events and the
journal, and commit. Domain errors carry French messages for people.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, union, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import attributes, selectinload

from app.audit.services import record
from app.core.clock import utcnow
from app.core.errors import Conflict, DomainError, NotFound
from app.core.marking import N_
from app.extensions import db
from app.inventory import erasure_rules, grading, processors, tags
from app.inventory.grading import Grade, GradeError, Specs, StorageType
from app.inventory.lifecycle import (
    DATA_BEARING,
    OUT_OF_STOCK,
    STATE_LABELS,
    DeviceType,
    Readiness,
    State,
    TransitionError,
    check_transition,
    check_workshop_move,
)
from app.inventory.mapping import former_tag, imei_problem
from app.inventory.models import (
    ChecklistTemplate,
    Condition,
    Device,
    DeviceChecklist,
    DeviceEvent,
    DonationBatch,
    Donor,
    DonorKind,
    ErasureLevel,
    ErasureMethod,
    ErasureRecord,
    ErasureResult,
    Location,
)

# ---------------------------------------------------------------- donors, batches, places


def create_donor(
    organisation_id: int, kind: DonorKind, name: str, *, commit: bool = True, **extra: str
) -> Donor:
    name = name.strip()
    if not name:
        raise DomainError("Indiquez le nom du donateur.", field="name")
    donor = Donor(organisation_id=organisation_id, kind=kind, name=name, **extra)
    db.session.add(donor)
    db.session.flush()
    record(
        "donor.create", "donor", donor.id, detail={"name": name}, organisation_id=organisation_id
    )
    if commit:
        db.session.commit()
    return donor


def create_batch(
    organisation_id: int,
    donor: Donor | None,
    *,
    reference: str = "",
    received_on: date | None = None,
    notes: str = "",
    actor: Any = None,
    commit: bool = True,
) -> DonationBatch:
    if donor is not None and donor.organisation_id != organisation_id:
        raise DomainError("Ce donateur n'est pas enregistré dans votre association.", "donor_id")
    batch = DonationBatch(
        organisation_id=organisation_id,
        donor_id=donor.id if donor else None,
        reference=reference.strip(),
        received_on=received_on or utcnow().date(),
        notes=notes,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(batch)
    db.session.flush()
    record(
        "batch.create",
        "donation_batch",
        batch.id,
        detail={"donor_id": batch.donor_id, "reference": batch.reference},
        organisation_id=organisation_id,
        actor=actor,
    )
    if commit:
        db.session.commit()
    return batch


def location_named(organisation_id: int, name: str) -> Location | None:
    """The location called ``name`` (created when new); None for a blank name."""
    name = " ".join(name.split())
    if not name:
        return None
    # Compared in Python: SQLite's lower() leaves accented capitals ("É") as they are.
    found = next(
        (place for place in locations(organisation_id) if place.name.casefold() == name.casefold()),
        None,
    )
    if found is None:
        found = Location(organisation_id=organisation_id, name=name)
        db.session.add(found)
        db.session.flush()
    return found


def locations(organisation_id: int) -> Sequence[Location]:
    return db.session.scalars(
        select(Location).where(Location.organisation_id == organisation_id).order_by(Location.name)
    ).all()


def batches(organisation_id: int, limit: int = 200) -> Sequence[DonationBatch]:
    return db.session.scalars(
        select(DonationBatch)
        .options(selectinload(DonationBatch.donor))
        .where(DonationBatch.organisation_id == organisation_id)
        .order_by(DonationBatch.id.desc())
        .limit(limit)
    ).all()


def donors(organisation_id: int) -> Sequence[Donor]:
    return db.session.scalars(
        select(Donor).where(Donor.organisation_id == organisation_id).order_by(Donor.name)
    ).all()


# ---------------------------------------------------------------- devices


ORIGIN_FIELDS = ("external_ref", "purchase_date", "purchase_cost", "supplier", "notes")


@dataclass
class DeviceInput:
    """What intake, edits, the API and imports give for a device."""

    device_type: DeviceType
    brand: str = ""
    model: str = ""
    serial: str = ""
    imei: str = ""
    cpu: str = ""
    cpu_score: int | None = None
    ram_gb: float | None = None
    storage_type: StorageType | None = None
    storage_gb: int | None = None
    screen_inches: float | None = None
    os: str = ""
    battery_health_pct: int | None = None
    condition: Condition = Condition.UNTESTED
    condition_notes: str = ""
    location: str = ""
    # What a stock brought from another tool keeps (mapped_import.py).
    external_ref: str = ""
    purchase_date: date | None = None
    purchase_cost: float | None = None
    supplier: str = ""
    notes: str = ""

    def columns(self) -> dict[str, Any]:
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "location"}
        for key in ("brand", "model", "serial", "imei", "cpu", "os"):
            values[key] = " ".join(str(values[key] or "").split())
        values["serial"] = values["serial"].upper()
        values["imei"] = re.sub(r"[\s.-]", "", values["imei"])  # as imei_problem reads it
        if values["cpu_score"] is None and values["cpu"]:
            # The grade needs an index: PassMark's, from the processor's name when known.
            values["cpu_score"] = processors.cpu_score_for(values["cpu"])
        return values


def specs_of(device: Device | DeviceInput) -> Specs:
    kind = {
        DeviceType.LAPTOP: "computer",
        DeviceType.DESKTOP: "computer",
        DeviceType.SMARTPHONE: "mobile",
        DeviceType.TABLET: "mobile",
    }.get(device.device_type, "other")
    return Specs(
        kind=kind,
        cpu_score=(
            device.cpu_score
            if device.cpu_score is not None
            else processors.cpu_score_for(device.cpu)
        ),
        ram_gb=float(device.ram_gb) if device.ram_gb is not None else None,
        storage_type=device.storage_type,
        storage_gb=device.storage_gb,
        battery_health_pct=device.battery_health_pct,
    )


def computed_grade(device: Device) -> grading.GradeResult:
    return grading.compute_grade(specs_of(device), device.grade_adjustment)


def _check_input(data: DeviceInput) -> None:
    # The import's check (mapping.imei_problem), for every type: tablets have IMEIs too.
    wrong = imei_problem(data.imei or "")
    if wrong:
        raise DomainError(wrong, field="imei")
    for name, low, high in (
        ("ram_gb", 0, 1024),
        ("storage_gb", 0, 100_000),
        ("screen_inches", 1, 100),
        ("battery_health_pct", 0, 100),
        ("cpu_score", 0, 200_000),
        ("purchase_cost", 0, 10_000_000),
    ):
        value = getattr(data, name)
        if value is not None and not low <= value <= high:
            raise DomainError(f"Valeur hors limites ({low} à {high}).", field=name)


def serial_taken(organisation_id: int, serial: str, except_id: int | None = None) -> Device | None:
    return _taken(organisation_id, Device.serial, serial.strip().upper(), except_id)


def _taken(organisation_id: int, column: Any, value: str, except_id: int | None) -> Device | None:
    if not value:
        return None
    query = select(Device).where(Device.organisation_id == organisation_id, column == value)
    if except_id is not None:
        query = query.where(Device.id != except_id)
    return db.session.scalar(query.order_by(Device.id).limit(1))


_DUPLICATE = {
    "serial": (Device.serial, "Ce numéro de série est déjà en stock (appareil %(tag)s)."),
    "imei": (Device.imei, "Cet IMEI est déjà en stock (appareil %(tag)s)."),
}


def check_duplicates(
    organisation_id: int,
    data: DeviceInput,
    *,
    except_id: int | None = None,
    duplicate_reason: str = "",
) -> dict[str, Any]:
    """A serial or IMEI already in the organisation's stock is refused (on its field), as
    at import, unless a manager's ``duplicate_reason`` accepts it: then the context to
    keep in the event and the journal."""
    values = data.columns()
    reason = " ".join(duplicate_reason.split())[:500]
    accepted = []
    for name, (column, message) in _DUPLICATE.items():
        clash = _taken(organisation_id, column, values[name], except_id)
        if clash is None:
            continue
        if not reason:
            raise DomainError(message % {"tag": clash.asset_tag}, field=name)
        accepted.append(f"{name} {values[name]} ({clash.asset_tag})")
    return {"override_reason": reason, "duplicates": accepted} if accepted else {}


def new_asset_tags(count: int) -> list[str]:
    """``count`` fresh tags, none already in use (the unique constraint stays the last word)."""
    result: set[str] = set()
    while len(result) < count:
        candidates = set(tags.generate_many(count - len(result))) - result
        for chunk in _chunks(sorted(candidates), 500):
            used = set(
                db.session.scalars(select(Device.asset_tag).where(Device.asset_tag.in_(chunk)))
            )
            result |= set(chunk) - used
    return sorted(result)


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _actor_label(actor: Any) -> str:
    return getattr(actor, "email", "") or getattr(actor, "display_name", "") or "système"


def create_device(
    organisation_id: int,
    data: DeviceInput,
    *,
    actor: Any = None,
    batch: DonationBatch | None = None,
    commit: bool = True,
    duplicate_reason: str = "",
) -> Device:
    """Record a received device: a tag, the "received" event, the journal. A serial or
    IMEI already in stock is refused unless ``duplicate_reason`` (a manager's) is given."""
    _check_input(data)
    if batch is not None and batch.organisation_id != organisation_id:
        raise DomainError("Ce lot n'appartient pas à votre association.", field="batch_id")
    accepted = check_duplicates(organisation_id, data, duplicate_reason=duplicate_reason)
    location = location_named(organisation_id, data.location)
    device = Device(
        organisation_id=organisation_id,
        asset_tag=new_asset_tags(1)[0],
        batch_id=batch.id if batch else None,
        donor_id=batch.donor_id if batch else None,
        location_id=location.id if location else None,
        state=State.RECEIVED,
        created_by_id=getattr(actor, "id", None),
        **data.columns(),
    )
    device.grade_computed = grading.compute_grade(specs_of(device)).grade
    db.session.add(device)
    db.session.flush()
    db.session.add(
        DeviceEvent(
            device_id=device.id,
            organisation_id=organisation_id,
            actor_id=getattr(actor, "id", None),
            actor_label=_actor_label(actor),
            from_state=None,
            to_state=State.RECEIVED,
            reason="Réception" + (f" (lot n° {batch.id})" if batch else ""),
            context=accepted,
        )
    )
    record(
        "device.create",
        "device",
        device.id,
        detail={"asset_tag": device.asset_tag, "batch_id": device.batch_id, **accepted},
        organisation_id=organisation_id,
        actor=actor,
    )
    if commit:
        try:
            db.session.commit()
        except IntegrityError:  # two intakes drew the same tag at the same instant
            db.session.rollback()
            raise Conflict("Un autre enregistrement a eu lieu en même temps : réessayez.") from None
    return device


def update_device(
    device: Device,
    data: DeviceInput,
    *,
    actor: Any = None,
    origin: bool = False,
    duplicate_reason: str = "",
) -> Device:
    """Save an edit. What came from another tool (former label, purchase, supplier, notes)
    is kept unless ``origin`` says ``data`` carries it (the edit form does)."""
    _check_input(data)
    accepted = check_duplicates(
        device.organisation_id, data, except_id=device.id, duplicate_reason=duplicate_reason
    )
    columns = {k: v for k, v in data.columns().items() if origin or k not in ORIGIN_FIELDS}
    before = {k: _jsonable(getattr(device, k)) for k in columns}
    for key, value in columns.items():
        setattr(device, key, value)
    location = location_named(device.organisation_id, data.location)
    device.location_id = location.id if location else None
    device.grade_computed = computed_grade(device).grade
    changed = {k: v for k, v in before.items() if v != _jsonable(getattr(device, k))}
    record(
        "device.update",
        "device",
        device.id,
        detail={"before": changed, **accepted},
        organisation_id=device.organisation_id,
        actor=actor,
    )
    db.session.commit()
    return device


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value


def get_device(device_id: int) -> Device:
    device = db.session.get(Device, device_id)
    if device is None:
        raise NotFound("Appareil introuvable.")
    return device


def find_by_tag(text: str, organisation_id: int | None = None) -> Device | None:
    """The device whose tag (or label URL) is ``text``; None when there is none. Given the
    organisation, a former label (Snipe-IT's tag or ``/ht/<tag>`` URL) is found too."""
    tag = tags.normalise(text)
    if not tag:
        return None
    device = db.session.scalar(select(Device).where(Device.asset_tag == tag))
    if device is None and organisation_id is not None:
        device = find_by_former_label(text, organisation_id)
    return device


def find_by_former_label(text: str, organisation_id: int | None = None) -> Device | None:
    """The device whose former label (tag or Snipe-IT ``/ht/<tag>`` URL) is ``text``: within
    the organisation when given; else only when a single association has it (a former tag
    is no one's to be unique: two associations may both have had an "ASSET-0001")."""
    former = former_tag(text)
    if not former:
        return None
    query = select(Device).where(Device.external_ref.in_({former, former.upper()}))
    if organisation_id is not None:
        query = query.where(Device.organisation_id == organisation_id)
    found = db.session.scalars(query.order_by(Device.id).limit(50)).all()
    if len({d.organisation_id for d in found}) != 1:
        return None
    return found[0]


# ---------------------------------------------------------------- lifecycle


def latest_erasure(device: Device) -> ErasureRecord | None:
    """The erasure that counts: the one that ended last (a later failure undoes a success)."""
    return db.session.scalar(
        select(ErasureRecord)
        .where(ErasureRecord.device_id == device.id)
        .order_by(ErasureRecord.ended_at.desc(), ErasureRecord.id.desc())
        .limit(1)
    )


def _latest_of(erasure_list: Sequence[ErasureRecord]) -> ErasureRecord | None:
    return max(erasure_list, key=lambda e: (e.ended_at, e.id), default=None)


def erasure_passed(device: Device) -> bool:
    latest = latest_erasure(device)
    return latest is not None and latest.result is ErasureResult.ERASED


def erasure_medium(device: Device) -> erasure_rules.Medium | None:
    """The medium an erasure of ``device`` is on: a phone's memory, else its storage type."""
    storage = device.storage_type.value if device.storage_type else None
    return erasure_rules.medium_of(device.device_type.value, storage)


def certified_level(device: Device, erasure: ErasureRecord) -> ErasureLevel:
    """The level a certificate states: what the method reaches on the device's medium."""
    return erasure_rules.certified_level(erasure_medium(device), erasure.method, erasure.level)


def checklist_of(device: Device) -> DeviceChecklist | None:
    return db.session.scalar(select(DeviceChecklist).where(DeviceChecklist.device_id == device.id))


def readiness(
    device: Device,
    checklist: DeviceChecklist | None | bool = False,
    erasure_list: Sequence[ErasureRecord] | None = None,
) -> Readiness:
    """The facts of the "ready" guard; pass what the caller already loaded to spare queries."""
    if checklist is False:
        checklist = checklist_of(device)
    if erasure_list is not None:
        latest = _latest_of(erasure_list)
        passed = latest is not None and latest.result is ErasureResult.ERASED
    else:
        passed = erasure_passed(device)
    return Readiness(
        device_type=device.device_type,
        erasure_passed=passed,
        checklist_complete=bool(isinstance(checklist, DeviceChecklist) and checklist.completed),
        grade=device.grade.value if device.grade else None,
    )


def apply_transition(
    device: Device,
    to_state: State | str,
    actor: Any,
    reason: str = "",
    *,
    expected_state: State | None = None,
    commit: bool = True,
    workshop: bool = False,
    **context: Any,
) -> DeviceEvent:
    """Move ``device`` to ``to_state`` if the lifecycle allows it; race-safe.

    The rule is checked against ``expected_state`` (default: the state loaded with the
    device), then the first write is ``UPDATE device SET state=:to, version=version+1
    WHERE id=:id AND state=:from``: if another request moved the device in between, no
    row matches and ``Conflict`` is raised, whatever the database. ``context`` is kept on
    the event (e.g. ``loan_id=...``). With ``commit=False`` the caller adds its own rows
    (a loan, a receipt) and commits them together with the move. ``workshop=True`` (the
    device page and the inventory API) also refuses the handover desk's moves.
    """
    try:
        target = State(to_state)
    except ValueError:
        raise DomainError("État inconnu.", field="to_state") from None
    source = State(expected_state or device.state)
    if source != device.state:
        raise Conflict(
            f"L'appareil {device.asset_tag} est en « {STATE_LABELS[device.state]} », "
            f"pas en « {STATE_LABELS[source]} » : il a changé d'état entre-temps."
        )
    facts = readiness(device) if target is State.READY else None
    try:
        check_transition(source, target, facts)
        if workshop:
            check_workshop_move(source, target)
    except TransitionError as exc:
        raise DomainError(exc.message, field="to_state") from None
    now = utcnow()
    result = db.session.execute(
        update(Device)
        .where(Device.id == device.id, Device.state == source)
        .values(state=target, version=Device.version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise Conflict(
            f"L'appareil {device.asset_tag} a changé d'état entre-temps : "
            "rechargez la page pour voir son état actuel."
        )
    attributes.set_committed_value(device, "state", target)
    attributes.set_committed_value(device, "version", (device.version or 0) + 1)
    attributes.set_committed_value(device, "updated_at", now)
    event = DeviceEvent(
        device_id=device.id,
        organisation_id=device.organisation_id,
        at=now,
        actor_id=getattr(actor, "id", None),
        actor_label=_actor_label(actor),
        from_state=source,
        to_state=target,
        reason=reason.strip(),
        context={k: _jsonable(v) for k, v in context.items()},
    )
    db.session.add(event)
    record(
        "device.transition",
        "device",
        device.id,
        detail={
            "from": source.value,
            "to": target.value,
            "reason": reason.strip(),
            **event.context,
        },
        organisation_id=device.organisation_id,
        actor=actor,
    )
    if commit:
        db.session.commit()
    return event


def transition_by_tag(
    asset_tag: str,
    organisation_id: int,
    expected_state: State,
    to_state: State,
    actor: Any,
    reason: str = "",
    *,
    commit: bool = True,
    **context: Any,
) -> Device:
    """For scanning desks: move the device with this tag from ``expected_state`` only."""
    device = find_by_tag(asset_tag, organisation_id)
    if device is None or device.organisation_id != organisation_id:
        raise NotFound("Aucun appareil de votre association ne porte cette étiquette.")
    apply_transition(
        device, to_state, actor, reason, expected_state=expected_state, commit=commit, **context
    )
    return device


def history(device: Device) -> Sequence[DeviceEvent]:
    return db.session.scalars(
        select(DeviceEvent)
        .where(DeviceEvent.device_id == device.id)
        .order_by(DeviceEvent.at, DeviceEvent.id)
    ).all()


# ---------------------------------------------------------------- erasure


@dataclass
class ErasureInput:
    level: ErasureLevel
    method: ErasureMethod
    tool: str
    started_at: datetime
    ended_at: datetime
    result: ErasureResult
    technician_name: str
    signature: str
    disk_make: str = ""
    disk_model: str = ""
    disk_serial: str = ""
    disk_size_gb: int | None = None
    passes: int | None = None
    tool_version: str = ""
    verification: str = ""
    notes: str = ""
    # The medium erased; None: the device's (its storage type, or a phone's memory).
    medium: erasure_rules.Medium | None = None


# The form's times are to the minute: "now", typed, may round up by less than that.
_CLOCK_SLACK = timedelta(minutes=1)


def record_erasure(device: Device, data: ErasureInput, *, actor: Any = None) -> ErasureRecord:
    if data.ended_at < data.started_at:
        raise DomainError("La fin ne peut pas précéder le début.", field="ended_at")
    now = utcnow()
    for name in ("started_at", "ended_at"):
        if getattr(data, name) > now + _CLOCK_SLACK:
            raise DomainError(
                "Un effacement ne peut pas être daté dans le futur : indiquez l'heure où il a eu lieu.",
                field=name,
            )
    medium = data.medium or erasure_medium(device)
    if medium is None:
        raise DomainError(
            "Indiquez le support effacé (disque dur, SSD SATA, SSD NVMe ou eMMC).", field="medium"
        )
    if (medium is erasure_rules.Medium.MOBILE) != (
        device.device_type.value in erasure_rules.MOBILE_TYPES
    ):
        raise DomainError("Ce support ne correspond pas au type de l'appareil.", field="medium")
    if data.method is ErasureMethod.OVERWRITE and not data.passes:
        raise DomainError("Indiquez le nombre de passes d'écrasement.", field="passes")
    why = erasure_rules.refusal(medium, data.method, data.level, data.passes)
    if why:
        applies = data.method in erasure_rules.methods_for(medium)
        raise DomainError(why, field="level" if applies else "method")
    if not data.verification.strip():
        raise DomainError(
            "Indiquez comment l'effacement a été vérifié (par ex. lecture de vérification complète).",
            field="verification",
        )
    if not data.tool.strip():
        raise DomainError("Indiquez l'outil utilisé.", field="tool")
    if data.signature.strip().casefold() != data.technician_name.strip().casefold():
        raise DomainError(
            "Pour signer, recopiez exactement le nom du technicien ou de la technicienne.",
            field="signature",
        )
    if medium is not erasure_rules.Medium.MOBILE and erasure_medium(device) is not medium:
        # The technician saw the disk: the device's storage type follows what was erased.
        device.storage_type = StorageType(medium.value)
    erasure = ErasureRecord(
        device_id=device.id,
        organisation_id=device.organisation_id,
        technician_id=getattr(actor, "id", None),
        **{f.name: getattr(data, f.name) for f in fields(data) if f.name != "medium"},
    )
    if data.method is not ErasureMethod.OVERWRITE:
        erasure.passes = None  # passes belong to an overwrite
    db.session.add(erasure)
    db.session.flush()
    record(
        "device.erasure",
        "device",
        device.id,
        detail={
            "erasure_id": erasure.id,
            "result": data.result.value,
            "method": data.method.value,
            "medium": medium.value,
        },
        organisation_id=device.organisation_id,
        actor=actor,
    )
    db.session.commit()
    return erasure


def erasures(device: Device) -> Sequence[ErasureRecord]:
    return db.session.scalars(
        select(ErasureRecord).where(ErasureRecord.device_id == device.id).order_by(ErasureRecord.id)
    ).all()


# ---------------------------------------------------------------- test checklists

# Marked with N_: the tests page shows them in the page's language.
DEFAULT_CHECKLISTS: dict[DeviceType, list[str]] = {
    DeviceType.LAPTOP: [
        N_("Démarre et s'éteint correctement"),
        N_("Écran : pas de pixel mort ni de ligne"),
        N_("Clavier : toutes les touches"),
        N_("Pavé tactile et clics"),
        N_("Wi-Fi se connecte"),
        N_("Son : haut-parleurs et prise casque"),
        N_("Webcam et micro"),
        N_("Ports USB"),
        N_("Batterie tient 1 heure au moins"),
        N_("Chargeur fourni et fonctionnel"),
        N_("Système installé et à jour"),
    ],
    DeviceType.DESKTOP: [
        N_("Démarre et s'éteint correctement"),
        N_("Ports USB avant et arrière"),
        N_("Réseau filaire et Wi-Fi"),
        N_("Sortie vidéo"),
        N_("Son"),
        N_("Système installé et à jour"),
        N_("Clavier, souris et câbles fournis"),
    ],
    DeviceType.TABLET: [
        N_("Démarre, charge"),
        N_("Écran tactile sur toute la surface"),
        N_("Wi-Fi"),
        N_("Caméras"),
        N_("Son et micro"),
        N_("Compte de l'ancien propriétaire retiré"),
        N_("Réinitialisé, système à jour"),
    ],
    DeviceType.SMARTPHONE: [
        N_("Démarre, charge"),
        N_("Écran tactile sur toute la surface"),
        N_("Appel et SMS avec une carte SIM"),
        N_("Données mobiles et Wi-Fi"),
        N_("Caméras"),
        N_("Haut-parleur, écouteur et micro"),
        N_("Compte de l'ancien propriétaire retiré (Google, Apple)"),
        N_("Réinitialisé, système à jour"),
    ],
    DeviceType.SCREEN: [
        N_("S'allume"),
        N_("Pas de pixel mort"),
        N_("Entrées vidéo"),
        N_("Câbles fournis"),
    ],
    DeviceType.PRINTER: [
        N_("S'allume"),
        N_("Imprime une page de test"),
        N_("Connexion USB ou Wi-Fi"),
    ],
    DeviceType.OTHER: [N_("Fonctionne comme prévu")],
}

RESULTS = ("ok", "ko", "na")


def checklist_items(organisation_id: int, device_type: DeviceType) -> list[str]:
    template = db.session.scalar(
        select(ChecklistTemplate).where(
            ChecklistTemplate.organisation_id == organisation_id,
            ChecklistTemplate.device_type == device_type,
        )
    )
    return list(template.items) if template else list(DEFAULT_CHECKLISTS[device_type])


def save_checklist_template(
    organisation_id: int, device_type: DeviceType, items: list[str], *, actor: Any = None
) -> ChecklistTemplate:
    cleaned = [" ".join(i.split()) for i in items if i.strip()]
    if not cleaned:
        raise DomainError("La liste doit contenir au moins un test.", field="items")
    template = db.session.scalar(
        select(ChecklistTemplate).where(
            ChecklistTemplate.organisation_id == organisation_id,
            ChecklistTemplate.device_type == device_type,
        )
    )
    if template is None:
        template = ChecklistTemplate(organisation_id=organisation_id, device_type=device_type)
        db.session.add(template)
    template.items = cleaned
    db.session.flush()
    record(
        "checklist_template.update",
        "checklist_template",
        template.id,
        detail={"device_type": device_type.value, "items": len(cleaned)},
        organisation_id=organisation_id,
        actor=actor,
    )
    db.session.commit()
    return template


def save_checklist(
    device: Device, results: list[dict[str, str]], *, actor: Any = None
) -> DeviceChecklist:
    """Save test results; the list is complete when every test passed or does not apply."""
    for item in results:
        if item.get("result", "") not in (*RESULTS, ""):
            raise DomainError("Résultat de test inconnu.")
        if item.get("result") == "ko" and not item.get("note", "").strip():
            raise DomainError(f"« {item['label']} » a échoué : notez ce qui ne va pas.")
    checklist = checklist_of(device)
    if checklist is None:
        checklist = DeviceChecklist(device_id=device.id, organisation_id=device.organisation_id)
        db.session.add(checklist)
    checklist.results = [
        {"label": i["label"], "result": i.get("result", ""), "note": i.get("note", "").strip()}
        for i in results
    ]
    checklist.completed = bool(results) and all(i.get("result") in ("ok", "na") for i in results)
    checklist.performed_by_id = getattr(actor, "id", None)
    checklist.performed_by_name = getattr(actor, "display_name", "") or _actor_label(actor)
    db.session.flush()
    record(
        "device.checklist",
        "device",
        device.id,
        detail={"completed": checklist.completed},
        organisation_id=device.organisation_id,
        actor=actor,
    )
    db.session.commit()
    return checklist


# ---------------------------------------------------------------- grading


def set_grade(
    device: Device,
    *,
    override: Grade | None = None,
    reason: str = "",
    adjustment: int = 0,
    actor: Any = None,
) -> Grade:
    """Validate the grade: the computed one, or an override with its reason."""
    device.grade_adjustment = max(-1, min(1, adjustment))
    computed = computed_grade(device).grade
    device.grade_computed = computed
    try:
        final = grading.final_grade(computed, override, reason)
    except GradeError as exc:
        raise DomainError(exc.message, field="reason") from None
    if final is None:
        raise DomainError(
            "Pas de note calculable pour cet appareil : choisissez une note et dites pourquoi.",
            field="override",
        )
    device.grade = final
    device.grade_override_reason = reason.strip() if override is not None else ""
    record(
        "device.grade",
        "device",
        device.id,
        detail={
            "grade": final.value,
            "computed": computed.value if computed else None,
            "override": override is not None,
            "reason": reason.strip(),
        },
        organisation_id=device.organisation_id,
        actor=actor,
    )
    db.session.commit()
    return final


# ---------------------------------------------------------------- the list

PER_PAGE = 50
COUNT_CAP = 1000

SORTS: dict[str, tuple[Any, bool]] = {
    # name: (column, descending); the id breaks ties in the same direction
    "recent": (None, True),
    "oldest": (None, False),
    "tag": (Device.asset_tag, False),
    "model": (Device.model, False),
    "brand": (Device.brand, False),
    "state": (Device.state, False),
}


@dataclass(frozen=True)
class DeviceFilter:
    state: str = ""
    device_type: str = ""
    grade: str = ""
    batch_id: int | None = None
    location_id: int | None = None
    q: str = ""
    sort: str = "recent"

    def query_args(self) -> dict[str, Any]:
        return {
            k: v for k, v in {f.name: getattr(self, f.name) for f in fields(self)}.items() if v
        } | ({} if self.sort != "recent" else {"sort": None})


@dataclass
class DevicePage:
    devices: list[Device]
    next_cursor: str | None
    count: int
    count_capped: bool
    state_counts: dict[str, int] = field(default_factory=dict)


def _filtered(organisation_id: int, flt: DeviceFilter) -> Any:
    conditions = [Device.organisation_id == organisation_id]
    if flt.state == "in_stock":
        conditions.append(Device.state.not_in(list(OUT_OF_STOCK)))
    elif flt.state in State.__members__.values() or flt.state in [s.value for s in State]:
        conditions.append(Device.state == State(flt.state))
    if flt.device_type in [t.value for t in DeviceType]:
        conditions.append(Device.device_type == DeviceType(flt.device_type))
    if flt.grade == "none":
        conditions.append(Device.grade.is_(None))
    elif flt.grade in [g.value for g in Grade]:
        conditions.append(Device.grade == Grade(flt.grade))
    if flt.batch_id:
        conditions.append(Device.batch_id == flt.batch_id)
    if flt.location_id:
        conditions.append(Device.location_id == flt.location_id)
    text = flt.q.strip()
    if text:
        # A scanned or typed tag, serial or IMEI is found by index; only other words
        # search inside serials, brands and models (a scan of the association's stock).
        # One indexed lookup per column, united: with the three tests in one OR, SQLite
        # walked every device of the association (25 ms at 100,000 instead of 0.4 ms).
        mine = Device.organisation_id == organisation_id
        probe = union(
            select(Device.id).where(mine, Device.asset_tag == tags.normalise(text)),
            select(Device.id).where(mine, Device.serial == " ".join(text.split()).upper()),
            select(Device.id).where(mine, Device.imei == text.replace(" ", "")),
            select(Device.id).where(mine, Device.external_ref == former_tag(text)),
        )
        found = db.session.scalars(select(probe.subquery().c.id).limit(COUNT_CAP)).all()
        if found:
            conditions.append(Device.id.in_(found))
        else:
            like = f"%{text.lower()}%"
            conditions.append(
                or_(
                    func.lower(Device.serial).like(like),
                    func.lower(Device.model).like(like),
                    func.lower(Device.brand).like(like),
                )
            )
    return and_(*conditions)


def _encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


BAD_CURSOR = "Ce lien de page n'est pas valide : revenez à la première page de la liste."


def _decode_cursor(cursor: str, column: Any = None) -> list[Any]:
    """[sort value, last id] as _encode_cursor wrote it; anything else (a crafted or cut
    link, deep JSON, a value the sort column cannot hold) is refused in French, never
    sent to the database."""
    try:
        if len(cursor) > 1000:
            raise ValueError(cursor[:20])
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, RecursionError, json.JSONDecodeError) as exc:
        raise DomainError(BAD_CURSOR) from exc
    if not (isinstance(values, list) and len(values) == 2):
        raise DomainError(BAD_CURSOR)
    value, last_id = values
    if type(last_id) is not int or not 0 < last_id < 2**63:
        raise DomainError(BAD_CURSOR)
    if column is None:
        ok = value is None
    elif column is Device.state:
        ok = value in {s.value for s in State}
    else:
        ok = isinstance(value, str) and len(value) <= 500
    if not ok:
        raise DomainError(BAD_CURSOR)
    if column is Device.state:
        values[0] = State(value)
    return values


def list_devices(
    organisation_id: int,
    flt: DeviceFilter,
    cursor: str | None = None,
    per_page: int = PER_PAGE,
    with_count: bool = True,
) -> DevicePage:
    """One page of the filtered list, by keyset (cost does not grow with the stock).

    The count stops at COUNT_CAP: past it the page says "more than 1,000".
    """
    where = _filtered(organisation_id, flt)
    column, desc = SORTS.get(flt.sort, SORTS["recent"])
    query = select(Device).where(where).options(selectinload(Device.location))
    after = _decode_cursor(cursor, column) if cursor else None
    if after is not None:
        value, last_id = after
        if column is None:
            query = query.where(Device.id < last_id if desc else Device.id > last_id)
        else:
            query = query.where(or_(column > value, and_(column == value, Device.id > last_id)))
    if column is None:
        query = query.order_by(Device.id.desc() if desc else Device.id.asc())
    else:
        query = query.order_by(column.asc(), Device.id.asc())
    rows = list(db.session.scalars(query.limit(per_page + 1)))
    next_cursor = None
    if len(rows) > per_page:
        rows = rows[:per_page]
        last = rows[-1]
        key = None if column is None else _jsonable(getattr(last, column.key))
        next_cursor = _encode_cursor([key, last.id])
    count, capped = 0, False
    if with_count and after is None and next_cursor is None:
        count = len(rows)  # the whole result is on this first page: no second walk
    elif with_count:
        sub = select(Device.id).where(where).limit(COUNT_CAP + 1).subquery()
        count = db.session.scalar(select(func.count()).select_from(sub)) or 0
        capped = count > COUNT_CAP
        count = min(count, COUNT_CAP)
    return DevicePage(rows, next_cursor, count, capped)


def iter_filtered(organisation_id: int, flt: DeviceFilter) -> Sequence[Device]:
    """Every device of the filter, for exports and labels (in tag order of intake)."""
    return db.session.scalars(
        select(Device).where(_filtered(organisation_id, flt)).order_by(Device.id)
    ).all()


# ---------------------------------------------------------------- stock count


@dataclass
class StockCount:
    location: Location
    present: list[Device]
    missing: list[Device]
    misplaced: list[Device]  # ours, in stock, recorded at another place (or none)
    not_in_stock: list[Device]  # ours but lent, sold, given or scrapped
    unknown: list[str]  # tags no device of ours carries


def stock_count(organisation_id: int, location: Location, scanned: Iterable[str]) -> StockCount:
    wanted = []
    written: dict[str, str] = {}  # tag -> what was scanned (a former label is looked up as such)
    for text in scanned:
        tag = tags.normalise(text)
        if tag and tag not in written:
            written[tag] = text.strip()
            wanted.append(tag)
    found: dict[str, Device] = {}
    for chunk in _chunks(wanted, 500):
        for device in db.session.scalars(
            select(Device).where(
                Device.organisation_id == organisation_id, Device.asset_tag.in_(chunk)
            )
        ):
            found[device.asset_tag] = device
    # A former label (Snipe-IT's tag or its ``/ht/<tag>`` URL) counts as its device.
    formers: dict[str, list[str]] = {}
    for tag in wanted:
        if tag not in found:
            former = former_tag(written[tag])
            for key in {former, former.upper()}:
                formers.setdefault(key, []).append(tag)
    for chunk in _chunks(sorted(formers), 500):
        for device in db.session.scalars(
            select(Device)
            .where(Device.organisation_id == organisation_id, Device.external_ref.in_(chunk))
            .order_by(Device.id.desc())  # the oldest wins, as in find_by_tag
        ):
            for tag in formers[device.external_ref]:
                found[tag] = device
    expected = db.session.scalars(
        select(Device)
        .where(
            Device.organisation_id == organisation_id,
            Device.location_id == location.id,
            Device.state.not_in(list(OUT_OF_STOCK)),
        )
        .order_by(Device.asset_tag)
    ).all()
    present, misplaced, not_in_stock = [], [], []
    counted: set[int] = set()
    for tag in wanted:
        device = found.get(tag)
        if device is None or device.id in counted:  # scanned by its tag and its former label
            continue
        counted.add(device.id)
        if device.state in OUT_OF_STOCK:
            not_in_stock.append(device)
        elif device.location_id == location.id:
            present.append(device)
        else:
            misplaced.append(device)
    result = StockCount(
        location=location,
        present=present,
        missing=[d for d in expected if d.id not in counted],
        misplaced=misplaced,
        not_in_stock=not_in_stock,
        unknown=[t for t in wanted if t not in found],
    )
    record(
        "stock.count",
        "stock_location",
        location.id,
        detail={
            "scanned": len(wanted),
            "present": len(present),
            "missing": len(result.missing),
            "misplaced": len(misplaced),
            "unknown": len(result.unknown),
        },
        organisation_id=organisation_id,
    )
    db.session.commit()
    return result


def move_to_location(
    organisation_id: int, location: Location, devices: Iterable[Device], *, actor: Any = None
) -> int:
    moved = 0
    for device in devices:
        if device.organisation_id != organisation_id:
            continue
        device.location_id = location.id
        moved += 1
    record(
        "stock.move",
        "stock_location",
        location.id,
        detail={"moved": moved},
        organisation_id=organisation_id,
        actor=actor,
    )
    db.session.commit()
    return moved


# ---------------------------------------------------------------- bulk import


@dataclass
class ImportResult:
    parsed: Any  # importing.ParsedFile
    problems: list[Any]
    batch: DonationBatch | None = None
    created: int = 0

    override_reason: str = ""  # a manager's reason to accept the duplicates

    @property
    def blocking(self) -> list[Any]:
        return [p for p in self.problems if not (self.override_reason and p.overridable)]

    @property
    def ok(self) -> bool:
        return not self.blocking


def check_import(organisation_id: int, parsed: Any) -> list[Any]:
    """Every problem of the file, the stock's duplicates included (nothing is written)."""
    from app.inventory.importing import Problem

    problems = list(parsed.problems)
    for name, column, label in (
        ("serial", Device.serial, "Numéro de série"),
        ("imei", Device.imei, "IMEI"),
    ):
        wanted = {row.values[name]: row.row for row in parsed.rows if row.values.get(name)}
        taken: dict[str, str] = {}
        for chunk in _chunks(sorted(wanted), 500):
            for value, tag in db.session.execute(
                select(column, Device.asset_tag).where(
                    Device.organisation_id == organisation_id, column.in_(chunk)
                )
            ):
                taken[value] = tag
        header = parsed.headers.get(name, "")
        for value, tag in taken.items():
            problems.append(
                Problem(
                    wanted[value],
                    header,
                    f"{label} « {value} » déjà en stock ({tag}).",
                    overridable=True,
                )
            )
    problems.sort(key=lambda p: (p.row, p.column))
    return problems


def import_devices(
    organisation_id: int,
    parsed: Any,
    *,
    actor: Any = None,
    donor: Donor | None = None,
    reference: str = "",
    dry_run: bool = False,
    override_reason: str = "",
) -> ImportResult:
    """All or nothing: with any problem nothing is written; else one batch, its devices,
    their first events and one journal entry, in one transaction. A duplicate serial or
    IMEI is accepted only with ``override_reason`` (kept in the events and the journal)."""
    problems = check_import(organisation_id, parsed)
    result = ImportResult(parsed=parsed, problems=problems, override_reason=override_reason)
    if not result.ok or dry_run:
        return result
    batch = create_batch(
        organisation_id, donor, reference=reference, actor=actor, commit=False,
        notes=f"Import de {len(parsed.rows)} appareils",
    )  # fmt: skip
    place_ids: dict[str, int | None] = {}
    codes = new_asset_tags(len(parsed.rows))
    now = utcnow()
    actor_id = getattr(actor, "id", None)
    rows = []
    row_of_tag = {}
    # Core inserts, not ORM objects: ten thousand rows in seconds rather than tens.
    for row, code in zip(parsed.rows, codes, strict=True):
        row_of_tag[code] = row
        data = DeviceInput(**row.values)
        place = data.location
        if place not in place_ids:
            found = location_named(organisation_id, place)
            place_ids[place] = found.id if found else None
        values = data.columns()
        rows.append(
            {
                **values,
                "organisation_id": organisation_id,
                "asset_tag": code,
                "batch_id": batch.id,
                "donor_id": batch.donor_id,
                "location_id": place_ids[place],
                "state": row.extra.get("state", State.RECEIVED),
                "version": 1,
                "grade": None,
                "grade_computed": grading.compute_grade(specs_of(data)).grade,
                "grade_adjustment": 0,
                "grade_override_reason": "",
                "created_by_id": actor_id,
                "created_at": now,
                "updated_at": now,
            }
        )
    for start in range(0, len(rows), 2000):
        db.session.execute(Device.__table__.insert(), rows[start : start + 2000])
    created = db.session.execute(
        select(Device.id, Device.asset_tag).where(Device.batch_id == batch.id)
    ).all()
    ids = [device_id for device_id, _tag in created]
    label = _actor_label(actor)
    context = {"override_reason": override_reason} if override_reason and problems else {}
    events = []
    for device_id, code in created:
        extra = row_of_tag[code].extra
        origin = extra.get("origin", "")
        events.append(
            {
                "device_id": device_id,
                "organisation_id": organisation_id,
                "at": now,
                "actor_id": actor_id,
                "actor_label": label,
                "from_state": None,
                "to_state": extra.get("state", State.RECEIVED),
                "reason": f"{origin}, lot n° {batch.id}"
                if origin
                else f"Import (lot n° {batch.id})",
                "context": context,
            }
        )
    for start in range(0, len(events), 2000):
        db.session.execute(DeviceEvent.__table__.insert(), events[start : start + 2000])
    record(
        "device.import",
        "donation_batch",
        batch.id,
        detail={"devices": len(ids), **context},
        organisation_id=organisation_id,
        actor=actor,
    )
    db.session.commit()
    result.batch = batch
    result.created = len(ids)
    return result


def batch_counts(batch_ids: list[int]) -> dict[int, int]:
    if not batch_ids:
        return {}
    rows = db.session.execute(
        select(Device.batch_id, func.count())
        .where(Device.batch_id.in_(batch_ids))
        .group_by(Device.batch_id)
    )
    return {batch_id: count for batch_id, count in rows}


def batch_media(batch: DonationBatch) -> list[tuple[Device, ErasureRecord | None]]:
    """Each device of the batch that holds data (or was erased) with the erasure that counts."""
    devices = db.session.scalars(
        select(Device).where(Device.batch_id == batch.id).order_by(Device.id)
    ).all()
    rows = db.session.scalars(
        select(ErasureRecord)
        .join(Device, ErasureRecord.device_id == Device.id)
        .where(Device.batch_id == batch.id)
    ).all()
    by_device: dict[int, list[ErasureRecord]] = {}
    for erasure in rows:
        by_device.setdefault(erasure.device_id, []).append(erasure)
    return [
        (d, _latest_of(by_device.get(d.id, [])))
        for d in devices
        if d.device_type in DATA_BEARING or d.id in by_device
    ]


def batch_erasures(batch: DonationBatch) -> list[tuple[Device, ErasureRecord]]:
    """The devices of the batch whose latest erasure passed, for the donor's certificates."""
    return [
        (device, erasure)
        for device, erasure in batch_media(batch)
        if erasure is not None and erasure.result is ErasureResult.ERASED
    ]
