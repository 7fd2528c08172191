"""Many households at once: eligible, almost or not, without the explanations. Pure module.

The engine (``engine.evaluate``) explains one household. Here, thousands are only
classified, for a programme's preview and for counts: a condition's result depends only
on its memo key on a given day (the contract the engine's own memo relies on), so each
condition is checked once per distinct key, and a household's class follows from its
conditions' classes exactly as in the engine. What the eligible get (the outcome) is the
same for every household that day: the engine gives it for one of them.

``tests/unit/test_eligibility_preview.py`` proves, on generated households and
programmes, that this classifies exactly like ``evaluate`` and ranks like ``evaluate_all``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from app.eligibility.engine import Eligibility, envelope_limits, evaluate
from app.eligibility.facts import Facts
from app.eligibility.programme import (
    Condition,
    ConditionResult,
    EnvelopeUse,
    MissingParameter,
    Outcome,
    Programme,
    Resolver,
)
from app.eligibility.vocabulary import DeviceType

# A condition's class, worst last: met (or to confirm in the prescription), unmet but an
# attestation or a commitment would fix it, unmet for good.
MET, FIXABLE, BLOCKING = 0, 1, 2
_ELIGIBILITY = (Eligibility.ELIGIBLE, Eligibility.ALMOST, Eligibility.NOT_ELIGIBLE)
_ORDER = {Eligibility.ELIGIBLE: 0, Eligibility.ALMOST: 1, Eligibility.NOT_ELIGIBLE: 2}
NO_OFFER_COST = 1_000_000  # as engine.rank_key ranks a decision without an outcome


def _state(result: ConditionResult) -> int:
    if result.met is False:
        return BLOCKING if result.fix is None else FIXABLE
    return MET


def _check(condition: Condition, facts: Facts, on: date, params: Resolver) -> int:
    try:
        return _state(condition.check(facts, on, params))
    except MissingParameter:
        return BLOCKING  # the engine says "rule.missing_parameter", with no fix
    finally:
        params.used = []


@dataclass(frozen=True, slots=True)
class Classification:
    """One programme over many households on one day."""

    programme: Programme
    on: date
    eligibility: tuple[Eligibility, ...]  # one per household, in the order given
    outcome: Outcome | None  # what the eligible and almost eligible get that day

    def counts(self, indexes: Iterable[int] | None = None) -> dict[Eligibility, int]:
        """How many of each class (among the households at ``indexes``, or all)."""
        tally = dict.fromkeys(Eligibility, 0)
        chosen = self.eligibility if indexes is None else (self.eligibility[i] for i in indexes)
        for eligibility in chosen:
            tally[eligibility] += 1
        return tally


def classify(
    programme: Programme,
    households: Sequence[Facts],
    on: date,
    envelope_use: EnvelopeUse | None = None,
) -> Classification:
    """Each household's class for ``programme`` on ``on``, as ``evaluate`` would give it.

    ``envelope_use``: what the programme's envelope has given this period (as for evaluate).
    """
    count = len(households)
    if not programme.in_force(on):
        return Classification(programme, on, (Eligibility.NOT_ELIGIBLE,) * count, None)
    try:
        limits = envelope_limits(programme, on)
    except MissingParameter:
        limits = None  # the engine then refuses every grant: the outcome check below says so
    if limits is not None and not limits.result(envelope_use, on).met:
        return Classification(programme, on, (Eligibility.NOT_ELIGIBLE,) * count, None)
    states = [MET] * count
    params = Resolver(programme.parameters, on)
    for condition in programme.conditions:
        memo: dict[Hashable, int] = {}
        key_of = condition.memo_key
        for i, facts in enumerate(households):
            if states[i] == BLOCKING:
                continue
            key = key_of(facts)
            if key is None:  # "do not reuse": checked for this household alone
                state = _check(condition, facts, on, params)
            else:
                state = memo.get(key, -1)
                if state < 0:
                    state = memo[key] = _check(condition, facts, on, params)
            if state > states[i]:
                states[i] = state
    first = next((i for i, s in enumerate(states) if s != BLOCKING), None)
    outcome = None
    if first is not None:
        decision = evaluate(programme, households[first], on, envelope_use=envelope_use)
        if decision.eligibility is Eligibility.NOT_ELIGIBLE:
            # A parameter of the outcome (or the envelope) is missing that day: the engine
            # refuses every household that would otherwise get something.
            states = [BLOCKING] * count
        outcome = decision.outcome
    return Classification(programme, on, tuple(_ELIGIBILITY[s] for s in states), outcome)


BestOffer = tuple[Eligibility, str]  # the best offer's class and programme code


def best_offers(
    programmes: Iterable[Programme],
    households: Sequence[Facts],
    on: date,
    need: DeviceType | None = None,
    envelopes: Mapping[str, EnvelopeUse] | None = None,
) -> list[BestOffer]:
    """For each household, the first decision ``evaluate_all`` would rank: its class and
    programme (ranked the same way: class, the need, the cost, priority, code)."""
    uses = envelopes or {}
    columns = []
    for programme in programmes:
        found = classify(programme, households, on, uses.get(programme.code))
        matches = 0 if need is None or need in programme.device_types else 1
        cost = found.outcome.cost_eur(need) if found.outcome is not None else NO_OFFER_COST
        ranks = {
            e: (
                _ORDER[e],
                matches,
                NO_OFFER_COST if e is Eligibility.NOT_ELIGIBLE else cost,
                programme.priority,
                programme.code,
            )
            for e in Eligibility
        }
        columns.append([ranks[e] for e in found.eligibility])
    if not columns:
        raise ValueError("best_offers needs at least one programme")
    best = [min(ranks) for ranks in zip(*columns, strict=True)]
    return [(_ELIGIBILITY[rank[0]], rank[4]) for rank in best]
