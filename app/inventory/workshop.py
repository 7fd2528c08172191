"""The workshop: state changes and their "ready" guard, test checklists and grading."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import attributes

from app.audit.services import record
from app.core.clock import utcnow
from app.core.errors import Conflict, DomainError, NotFound
from app.core.marking import N_
from app.extensions import db
from app.inventory import device_records, erasure_records, grading
from app.inventory.grading import Grade, GradeError
from app.inventory.lifecycle import (
    STATE_LABELS,
    DeviceType,
    Readiness,
    State,
    TransitionError,
    check_transition,
    check_workshop_move,
)
from app.inventory.models import (
    ChecklistTemplate,
    Device,
    DeviceChecklist,
    DeviceEvent,
    ErasureRecord,
    ErasureResult,
)


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
        latest = erasure_records.latest_of(erasure_list)
        passed = latest is not None and latest.result is ErasureResult.ERASED
    else:
        passed = erasure_records.erasure_passed(device)
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
        actor_label=device_records.actor_label(actor),
        from_state=source,
        to_state=target,
        reason=reason.strip(),
        context={k: device_records.jsonable(v) for k, v in context.items()},
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
    device = device_records.find_by_tag(asset_tag, organisation_id)
    if device is None or device.organisation_id != organisation_id:
        raise NotFound("Aucun appareil de votre association ne porte cette étiquette.")
    apply_transition(
        device, to_state, actor, reason, expected_state=expected_state, commit=commit, **context
    )
    return device


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
    checklist.performed_by_name = getattr(actor, "display_name", "") or device_records.actor_label(
        actor
    )
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
    computed = device_records.computed_grade(device).grade
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
