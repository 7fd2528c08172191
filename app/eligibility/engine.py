"""The eligibility engine: facts + programme + day -> a decision that explains itself.

Pure module (no Flask, no SQLAlchemy). Every decision lists each condition, met or not,
as a code and its data (``explain.py`` puts them into the reader's words), the parameters
used and the day they took effect, and the programme's source. A programme outside its
dates grants nothing; a programme whose envelope is spent grants nothing either.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from app.eligibility import explain
from app.eligibility.facts import Facts
from app.eligibility.programme import (
    ConditionResult,
    EnvelopeUse,
    MissingParameter,
    Outcome,
    OutcomeSpec,
    ParameterUse,
    Programme,
    Resolver,
    quota_period,
)
from app.eligibility.vocabulary import DeviceType


class Eligibility(StrEnum):
    ELIGIBLE = "eligible"
    ALMOST = "almost"  # only an attestation (or a commitment) is missing
    NOT_ELIGIBLE = "not_eligible"


ELIGIBILITY_LABELS: dict[Eligibility, str] = {
    Eligibility(k): v for k, v in explain.ELIGIBILITY_WORDS.items()
}

_ORDER = {Eligibility.ELIGIBLE: 0, Eligibility.ALMOST: 1, Eligibility.NOT_ELIGIBLE: 2}


# Not frozen, like ConditionResult: built for every household and programme (see the
# benchmark). Treat it as read-only.
@dataclass(slots=True)
class Decision:
    programme: Programme
    on: date
    eligibility: Eligibility
    conditions: tuple[ConditionResult, ...]  # the programme's dates first, then its rules
    outcome: Outcome | None  # None unless eligible or almost eligible
    # What to do to become eligible (almost eligible), and the commitments to record in
    # the prescription: codes and data, like the conditions.
    missing_phrases: tuple[explain.Phrase, ...] = ()
    to_confirm_phrases: tuple[explain.Phrase, ...] = ()
    matches_need: bool = True

    @property
    def granted(self) -> bool:
        return self.eligibility is Eligibility.ELIGIBLE

    @property
    def label(self) -> str:
        return ELIGIBILITY_LABELS[self.eligibility]

    # In French, the source language (tests, command line); pages render ``as_dict()``
    # in the reader's language with explain.reason / explain.say.
    @property
    def reason(self) -> str:
        return explain.reason(self.as_dict())

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(explain.say(c, a) for c, a in self.missing_phrases)

    @property
    def to_confirm(self) -> tuple[str, ...]:
        return tuple(explain.say(c, a) for c, a in self.to_confirm_phrases)

    def outcome_dict(self) -> dict[str, Any] | None:
        """The outcome as kept on a prescription (what loans and sales read)."""
        if self.outcome is None:
            return None
        return {
            **self.outcome.as_dict(),
            "programme_code": self.programme.code,
            "programme_name": self.programme.name,
            "programme_version": self.programme.version,
            "decided_on": self.on.isoformat(),
        }

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: what a prescription keeps and the API sends (before rendering)."""
        programme = self.programme
        return {
            "programme": {
                "code": programme.code,
                "version": programme.version,
                "name": programme.name,
                "summary": programme.summary,
                "territory": programme.territory,
                "valid_from": programme.valid_from.isoformat(),
                "valid_to": programme.valid_to.isoformat() if programme.valid_to else None,
            },
            "on": self.on.isoformat(),
            "eligibility": self.eligibility.value,
            "missing": [{"code": c, "args": dict(a)} for c, a in self.missing_phrases],
            "to_confirm": [{"code": c, "args": dict(a)} for c, a in self.to_confirm_phrases],
            "matches_need": self.matches_need,
            "conditions": [c.as_dict() for c in self.conditions],
            "outcome": self.outcome_dict(),
            "source": programme.source.as_dict(),
        }


def _validity(programme: Programme, on: date) -> ConditionResult:
    start = programme.valid_from.isoformat()
    end = programme.valid_to.isoformat() if programme.valid_to else None
    if on < programme.valid_from:
        return ConditionResult(
            "validity", False, "validity.not_yet", {"on": on.isoformat(), "start": start}
        )
    if programme.valid_to is not None and on > programme.valid_to:
        return ConditionResult(
            "validity", False, "validity.ended", {"on": on.isoformat(), "end": end}
        )
    return ConditionResult("validity", True, "validity.in_force", {"start": start, "end": end})


def _outcome(spec: OutcomeSpec, programme: Programme, params: Resolver) -> Outcome:
    def number(value: Any) -> int | None:
        return None if value is None else int(params.value(value))

    grid = None
    if spec.price_grid is not None:
        raw = params.value(spec.price_grid)
        grid = {
            device: {grade: int(p) for grade, p in prices.items()} for device, prices in raw.items()
        }
    outcome = Outcome(
        kind=spec.kind,
        device_types=programme.device_types,
        price_eur=number(spec.price_eur),
        price_grid=grid,
        warranty_months=number(spec.warranty_months),
        loan_months=number(spec.loan_months),
        deposit_eur=number(spec.deposit_eur),
        cession_after_months=number(spec.cession_after_months),
        terms=spec.terms,
        parameters=params.take_used(),
    )
    return outcome


@dataclass(frozen=True, slots=True)
class EnvelopeLimits:
    """The envelope's limits on one day (parameters resolved)."""

    max_grants: int | None
    max_eur: int | None
    grant_eur: int
    per: str
    parameters: tuple[ParameterUse, ...]

    def period(self, on: date) -> str:
        return quota_period(self.per, on)

    def result(self, use: EnvelopeUse | None, on: date) -> ConditionResult:
        use = use or EnvelopeUse()
        args = {
            "grants": use.grants,
            "max_grants": self.max_grants,
            "eur": use.eur,
            "max_eur": self.max_eur,
            "per": self.per,
            "period": self.period(on),
        }
        room = (self.max_grants is None or use.grants + 1 <= self.max_grants) and (
            self.max_eur is None or use.eur + self.grant_eur <= self.max_eur
        )
        code = "envelope.room" if room else "envelope.spent"
        return ConditionResult("envelope", room, code, args, self.parameters)


def envelope_limits(programme: Programme, on: date) -> EnvelopeLimits | None:
    """The envelope's limits that day; None when the programme has none."""
    envelope = programme.envelope
    if envelope is None:
        return None
    params = Resolver(programme.parameters, on)

    def number(value: Any) -> int | None:
        return None if value is None else int(params.value(value))

    return EnvelopeLimits(
        number(envelope.max_grants),
        number(envelope.max_eur),
        number(envelope.grant_eur) or 0,
        envelope.per,
        params.take_used(),
    )


DayPlan = tuple[
    ConditionResult,
    dict[str, ParameterUse],
    Outcome | None,
    str,
    list[dict[Hashable, ConditionResult]],
    EnvelopeLimits | None,
]
MEMO_SIZE = 20_000  # results kept per condition and day, then forgotten


def _plan(programme: Programme, on: date) -> DayPlan:
    """What does not depend on the household, once per programme and day: whether it is
    in force, its parameters' values, its outcome (or the parameter it lacks)."""
    shared: dict[str, ParameterUse] = {}
    outcome, gap = None, ""
    try:
        outcome = _outcome(programme.outcome, programme, Resolver(programme.parameters, on, shared))
    except MissingParameter as missing:
        gap = missing.name
    limits = None
    try:
        limits = envelope_limits(programme, on)
    except MissingParameter as missing:
        gap = gap or missing.name
    if len(programme.day_cache) > 64:
        programme.day_cache.clear()
    memos: list[dict[Hashable, ConditionResult]] = [{} for _ in programme.conditions]
    plan: DayPlan = (_validity(programme, on), shared, outcome, gap, memos, limits)
    programme.day_cache[on] = plan
    return plan


def evaluate(
    programme: Programme,
    facts: Facts,
    on: date,
    need: DeviceType | None = None,
    envelope_use: EnvelopeUse | None = None,
) -> Decision:
    """Check one programme for one household on one day.

    ``envelope_use`` is what the programme's envelope has already given in the current
    period (the database knows; none given: nothing yet)."""
    plan = programme.day_cache.get(on)
    if plan is None:
        plan = _plan(programme, on)
    validity, shared, day_outcome, outcome_gap, memos, limits = plan
    matches_need = need is None or need in programme.device_types
    if not validity.met:
        return Decision(
            programme, on, Eligibility.NOT_ELIGIBLE, (validity,), None, matches_need=matches_need
        )
    params = Resolver(programme.parameters, on, shared)
    results: list[ConditionResult] = [validity]
    for condition, memo in zip(programme.conditions, memos, strict=True):
        key = condition.memo_key(facts)
        if key is not None:
            known = memo.get(key)
            if known is not None:
                results.append(known)
                continue
        try:
            result = condition.check(facts, on, params)
        except MissingParameter as missing:
            params.take_used()
            result = ConditionResult(
                condition.kind,
                False,
                "rule.missing_parameter",
                {"name": missing.name, "on": on.isoformat()},
            )
        if key is not None:
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[key] = result
        results.append(result)
    if limits is not None:
        results.append(limits.result(envelope_use, on))
    unmet: list[ConditionResult] = []
    pending: list[explain.Phrase] = []
    blocking = False  # an unmet condition that no attestation or commitment would fix
    for r in results:
        if r.met is False:
            unmet.append(r)
            if r.fix is None:
                blocking = True
        elif r.met is None and r.missing:
            pending.append(r.missing)
    if not unmet:
        eligibility = Eligibility.ELIGIBLE
    elif not blocking:
        eligibility = Eligibility.ALMOST
    else:
        eligibility = Eligibility.NOT_ELIGIBLE

    outcome = None
    if eligibility is not Eligibility.NOT_ELIGIBLE:
        if outcome_gap:
            results.append(
                ConditionResult(
                    "outcome",
                    False,
                    "outcome.missing_parameter",
                    {"name": outcome_gap, "on": on.isoformat()},
                )
            )
            return Decision(
                programme,
                on,
                Eligibility.NOT_ELIGIBLE,
                tuple(results),
                None,
                matches_need=matches_need,
            )
        outcome = day_outcome

    return Decision(
        programme,
        on,
        eligibility,
        tuple(results),
        outcome,
        missing_phrases=tuple(r.missing for r in unmet if r.missing),
        to_confirm_phrases=tuple(pending),
        matches_need=matches_need,
    )


def rank_key(decision: Decision, need: DeviceType | None = None) -> tuple[int, int, int, int, str]:
    """Eligible first, then almost; those that match the need; cheaper; then priority."""
    cost = decision.outcome.cost_eur(need) if decision.outcome else 1_000_000
    return (
        _ORDER[decision.eligibility],
        0 if decision.matches_need else 1,
        cost,
        decision.programme.priority,
        decision.programme.code,
    )


def evaluate_all(
    programmes: Iterable[Programme],
    facts: Facts,
    on: date,
    need: DeviceType | None = None,
    envelopes: Mapping[str, EnvelopeUse] | None = None,
) -> list[Decision]:
    """Check every programme at once; the result is ranked, best offer first.

    ``envelopes``: what each programme's envelope (by code) has given this period."""
    uses = envelopes or {}
    decisions = [evaluate(p, facts, on, need, uses.get(p.code)) for p in programmes]
    decisions.sort(key=lambda d: rank_key(d, need))
    return decisions


def granted(decisions: Sequence[Decision]) -> list[Decision]:
    return [d for d in decisions if d.granted]
