"""The device lifecycle over every pair of states, and the "ready" guard."""

from __future__ import annotations

import itertools

import pytest

from app.inventory.lifecycle import (
    FINAL,
    STATE_LABELS,
    TRANSITIONS,
    DeskOnly,
    DeviceType,
    GuardFailed,
    IllegalTransition,
    Readiness,
    State,
    allowed_targets,
    can_transition,
    check_transition,
    check_workshop_move,
    missing_for_ready,
    workshop_targets,
)

DONE = Readiness(DeviceType.LAPTOP, erasure_passed=True, checklist_complete=True, grade="b")

# What the workshop and the loans desk need, written out once more by hand.
EXPECTED = {
    (State.RECEIVED, State.TRIAGE),
    (State.TRIAGE, State.RECONDITIONING),
    (State.RECONDITIONING, State.READY),
    (State.RECONDITIONING, State.TRIAGE),
    (State.READY, State.RESERVED),
    (State.READY, State.RECONDITIONING),
    (State.RESERVED, State.READY),
    (State.RESERVED, State.ON_LOAN),
    (State.RESERVED, State.SOLD),
    (State.RESERVED, State.GIVEN),
    (State.ON_LOAN, State.RETURNED),
    (State.ON_LOAN, State.SOLD),
    (State.ON_LOAN, State.GIVEN),
    (State.SOLD, State.RETURNED),
    (State.GIVEN, State.RETURNED),
    (State.RETURNED, State.TRIAGE),
} | {
    (source, scrap)
    for source in (
        State.RECEIVED,
        State.TRIAGE,
        State.RECONDITIONING,
        State.READY,
        State.RETURNED,
    )
    for scrap in (State.E_WASTE, State.PARTS)
}


@pytest.mark.parametrize(
    "source,target",
    list(itertools.product(State, State)),
    ids=[f"{a.value}->{b.value}" for a, b in itertools.product(State, State)],
)
def test_every_pair_of_states(source: State, target: State) -> None:
    facts = DONE if target is State.READY else None
    if (source, target) in EXPECTED:
        check_transition(source, target, facts)
        assert can_transition(source, target, facts)
        assert target in allowed_targets(source)
        return
    with pytest.raises(IllegalTransition) as info:
        check_transition(source, target, facts)
    message = info.value.message
    assert STATE_LABELS[target] in message
    assert not can_transition(source, target, facts)
    # French, and it says what is possible instead (unless nothing is).
    if source is target:
        assert "déjà" in message
    elif source in FINAL:
        assert "état final" in message
    else:
        assert "ne peut pas passer" in message and "Étapes possibles" in message


# The workshop's own moves: everything lawful but reservations, handovers and returns.
WORKSHOP = {
    (State.RECEIVED, State.TRIAGE),
    (State.TRIAGE, State.RECONDITIONING),
    (State.RECONDITIONING, State.READY),
    (State.RECONDITIONING, State.TRIAGE),
    (State.READY, State.RECONDITIONING),
    (State.RETURNED, State.TRIAGE),
} | {(source, target) for source, target in EXPECTED if target in (State.E_WASTE, State.PARTS)}


@pytest.mark.parametrize(
    "source,target", sorted(EXPECTED), ids=[f"{a.value}->{b.value}" for a, b in sorted(EXPECTED)]
)
def test_the_handover_desks_moves_are_refused_to_the_workshop(source: State, target: State) -> None:
    if (source, target) in WORKSHOP:
        check_workshop_move(source, target)
        assert target in workshop_targets(source)
        return
    with pytest.raises(DeskOnly) as info:
        check_workshop_move(source, target)
    assert "comptoir des prêts et ventes" in info.value.message
    assert target not in workshop_targets(source)


def test_workshop_targets_follow_the_lifecycle_order() -> None:
    assert workshop_targets(State.RECONDITIONING) == [
        State.TRIAGE,
        State.READY,
        State.E_WASTE,
        State.PARTS,
    ]
    assert workshop_targets(State.ON_LOAN) == [] and workshop_targets(State.PARTS) == []


def test_final_states_have_no_way_out() -> None:
    assert {State.E_WASTE, State.PARTS} == FINAL
    for state in FINAL:
        assert TRANSITIONS[state] == frozenset()


def test_every_state_is_reachable_from_received() -> None:
    seen = {State.RECEIVED}
    frontier = [State.RECEIVED]
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(State)


def test_illegal_message_lists_the_possible_steps() -> None:
    with pytest.raises(IllegalTransition) as info:
        check_transition(State.RECEIVED, State.READY, DONE)
    assert info.value.message == (
        "Un appareil « Reçu » ne peut pas passer à « Prêt à distribuer ». Étapes possibles "
        "depuis « Reçu » : « En tri », « DEEE (recyclage) » et « Pièces détachées »."
    )


@pytest.mark.parametrize(
    "facts,missing",
    [
        (Readiness(DeviceType.LAPTOP), ["effacement", "liste de tests", "note"]),
        (Readiness(DeviceType.LAPTOP, erasure_passed=True), ["liste de tests", "note"]),
        (Readiness(DeviceType.LAPTOP, True, True), ["note"]),
        (Readiness(DeviceType.SMARTPHONE, False, True, "a"), ["effacement"]),
        # Screens and printers hold no personal data: no erasure needed.
        (Readiness(DeviceType.SCREEN, False, True, "b"), []),
        (Readiness(DeviceType.PRINTER, False, False, None), ["liste de tests", "note"]),
    ],
)
def test_ready_guard(facts: Readiness, missing: list[str]) -> None:
    found = missing_for_ready(facts)
    assert len(found) == len(missing)
    for expected, text in zip(missing, found, strict=True):
        assert expected in text
    if missing:
        with pytest.raises(GuardFailed) as info:
            check_transition(State.RECONDITIONING, State.READY, facts)
        assert info.value.message.startswith(
            "L'appareil ne peut pas passer à « Prêt à distribuer » : il manque "
        )
    else:
        check_transition(State.RECONDITIONING, State.READY, facts)


def test_ready_needs_facts() -> None:
    with pytest.raises(GuardFailed):
        check_transition(State.RECONDITIONING, State.READY, None)
