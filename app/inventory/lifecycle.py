"""The device lifecycle: states, allowed moves and their guards.

Pure module: no Flask, no SQLAlchemy. Services ask ``check_transition()`` before they
write; loans (issue 5) use the same rules through ``workshop.apply_transition``.
See ../shared/DOMAIN.md section 4.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.core.marking import N_


class DeviceType(StrEnum):
    LAPTOP = "laptop"
    DESKTOP = "desktop"
    TABLET = "tablet"
    SMARTPHONE = "smartphone"
    SCREEN = "screen"
    PRINTER = "printer"
    OTHER = "other"


DEVICE_TYPE_LABELS: dict[DeviceType, str] = {
    DeviceType.LAPTOP: N_("Ordinateur portable"),
    DeviceType.DESKTOP: N_("Ordinateur fixe"),
    DeviceType.TABLET: N_("Tablette"),
    DeviceType.SMARTPHONE: N_("Smartphone"),
    DeviceType.SCREEN: N_("Écran"),
    DeviceType.PRINTER: N_("Imprimante"),
    DeviceType.OTHER: N_("Autre"),
}

# Types that hold personal data: they need a passed erasure before "ready".
DATA_BEARING: frozenset[DeviceType] = frozenset(
    {
        DeviceType.LAPTOP,
        DeviceType.DESKTOP,
        DeviceType.TABLET,
        DeviceType.SMARTPHONE,
        DeviceType.OTHER,
    }
)


class State(StrEnum):
    RECEIVED = "received"
    TRIAGE = "triage"
    RECONDITIONING = "reconditioning"
    READY = "ready"
    RESERVED = "reserved"
    ON_LOAN = "on_loan"
    SOLD = "sold"
    GIVEN = "given"
    RETURNED = "returned"
    E_WASTE = "e_waste"
    PARTS = "parts"


STATE_LABELS: dict[State, str] = {
    State.RECEIVED: N_("Reçu"),
    State.TRIAGE: N_("En tri"),
    State.RECONDITIONING: N_("En reconditionnement"),
    State.READY: N_("Prêt à distribuer"),
    State.RESERVED: N_("Réservé"),
    State.ON_LOAN: N_("Prêté"),
    State.SOLD: N_("Vendu"),
    State.GIVEN: N_("Donné"),
    State.RETURNED: N_("Rendu"),
    State.E_WASTE: N_("DEEE (recyclage)"),
    State.PARTS: N_("Pièces détachées"),
}

# No move out of these: the device is recycled or taken apart.
FINAL: frozenset[State] = frozenset({State.E_WASTE, State.PARTS})

# States in which the device is not in the association's hands.
OUT_OF_STOCK: frozenset[State] = frozenset({State.ON_LOAN, State.SOLD, State.GIVEN}) | FINAL

_S = State
_SCRAP = frozenset({_S.E_WASTE, _S.PARTS})
TRANSITIONS: dict[State, frozenset[State]] = {
    _S.RECEIVED: frozenset({_S.TRIAGE}) | _SCRAP,
    _S.TRIAGE: frozenset({_S.RECONDITIONING}) | _SCRAP,
    _S.RECONDITIONING: frozenset({_S.READY, _S.TRIAGE}) | _SCRAP,
    # Back to reconditioning when a fault shows up on the shelf.
    _S.READY: frozenset({_S.RESERVED, _S.RECONDITIONING}) | _SCRAP,
    # A cancelled reservation puts the device back on the shelf.
    _S.RESERVED: frozenset({_S.READY, _S.ON_LOAN, _S.SOLD, _S.GIVEN}),
    # A loan ends with a return, or turns into ownership (cession).
    _S.ON_LOAN: frozenset({_S.RETURNED, _S.SOLD, _S.GIVEN}),
    # A sold or given device may come back under the legal guarantee.
    _S.SOLD: frozenset({_S.RETURNED}),
    _S.GIVEN: frozenset({_S.RETURNED}),
    _S.RETURNED: frozenset({_S.TRIAGE}) | _SCRAP,
    _S.E_WASTE: frozenset(),
    _S.PARTS: frozenset(),
}

# Moves that belong to the handover desk (loans, issue 5), not to the workshop.
HANDOVER_TARGETS: frozenset[State] = frozenset({_S.RESERVED, _S.ON_LOAN, _S.SOLD, _S.GIVEN})


@dataclass(frozen=True)
class Readiness:
    """What the "ready" guard needs to know about a device."""

    device_type: DeviceType
    erasure_passed: bool = False
    checklist_complete: bool = False
    grade: str | None = None


class TransitionError(Exception):
    """An illegal or not-yet-allowed move; ``message`` is French, for people."""

    def __init__(self, message: str, source: State, target: State) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.target = target


class IllegalTransition(TransitionError):
    """The lifecycle has no such move."""


class GuardFailed(TransitionError):
    """The move exists but the device does not meet its conditions yet."""


def allowed_targets(state: State) -> frozenset[State]:
    """The states a device in ``state`` may move to (guards aside)."""
    return TRANSITIONS[state]


def missing_for_ready(facts: Readiness) -> list[str]:
    """What still stands between the device and "ready", in French; empty when nothing."""
    missing = []
    if facts.device_type in DATA_BEARING and not facts.erasure_passed:
        missing.append("un effacement des données réussi")
    if not facts.checklist_complete:
        missing.append("la liste de tests complète")
    if not facts.grade:
        missing.append("une note (grade)")
    return missing


def _join_fr(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def check_transition(source: State, target: State, facts: Readiness | None = None) -> None:
    """Raise ``IllegalTransition`` or ``GuardFailed`` (French message) unless the move is allowed.

    ``facts`` is required for a move to "ready".
    """
    src, dst = STATE_LABELS[source], STATE_LABELS[target]
    if source == target:
        raise IllegalTransition(f"L'appareil est déjà dans l'état « {dst} ».", source, target)
    if source in FINAL:
        raise IllegalTransition(
            f"L'appareil est en « {src} » : c'est un état final, "
            f"il ne peut plus passer à « {dst} ».",
            source,
            target,
        )
    if target not in TRANSITIONS[source]:
        possible = sorted(TRANSITIONS[source], key=list(State).index)
        choices = _join_fr([f"« {STATE_LABELS[s]} »" for s in possible])
        raise IllegalTransition(
            f"Un appareil « {src} » ne peut pas passer à « {dst} ». "
            f"Étapes possibles depuis « {src} » : {choices}.",
            source,
            target,
        )
    if target is State.READY:
        if facts is None:
            raise GuardFailed(
                "Impossible de vérifier si l'appareil est prêt : informations manquantes.",
                source,
                target,
            )
        missing = missing_for_ready(facts)
        if missing:
            raise GuardFailed(
                f"L'appareil ne peut pas passer à « {dst} » : il manque {_join_fr(missing)}.",
                source,
                target,
            )


class DeskOnly(TransitionError):
    """The move exists, but it is the handover desk's: it records the reservation, loan,
    sale, gift or return that goes with it."""


def is_desk_move(source: State, target: State) -> bool:
    """Into or out of a reservation, loan, sale or gift: the handover desk's move."""
    return source in HANDOVER_TARGETS or target in HANDOVER_TARGETS


def check_workshop_move(source: State, target: State) -> None:
    """Raise ``DeskOnly`` for a lawful move that the workshop (device page, inventory API)
    must leave to the handover desk: into or out of a reservation, loan, sale or gift.

    Otherwise a device could be "returned" while its loan stays open, or "sold" without a
    receipt. Call it after ``check_transition``.
    """
    if source in HANDOVER_TARGETS:
        raise DeskOnly(
            f"L'appareil est en « {STATE_LABELS[source]} » : ce changement se fait au "
            "comptoir des prêts et ventes, qui enregistre aussi le retour ou la remise.",
            source,
            target,
        )
    if target in HANDOVER_TARGETS:
        raise DeskOnly(
            f"Passer à « {STATE_LABELS[target]} » se fait au comptoir des prêts et ventes, "
            "qui enregistre aussi la réservation, le prêt, la vente ou le don.",
            source,
            target,
        )


def workshop_targets(state: State) -> list[State]:
    """The moves the workshop may make from ``state`` (guards aside), in lifecycle order."""
    return [s for s in State if s in TRANSITIONS[state] and not is_desk_move(state, s)]


def can_transition(source: State, target: State, facts: Readiness | None = None) -> bool:
    """True when ``check_transition`` would accept the move."""
    try:
        check_transition(source, target, facts)
    except TransitionError:
        return False
    return True
