"""The eligibility engine: facts + programme + day -> a decision that explains itself.

Pure module (no Flask, no SQLAlchemy). Every decision lists each condition, met or not,
with a plain-French sentence, the parameters used and the day they took effect, and the
programme's source. A programme outside its dates grants nothing.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from app.eligibility.facts import Facts
from app.eligibility.programme import (
    ConditionResult,
    MissingParameter,
    Outcome,
    OutcomeSpec,
    ParameterUse,
    Programme,
    Resolver,
    fr_date,
)
from app.eligibility.vocabulary import DeviceType


class Eligibility(StrEnum):
    ELIGIBLE = "eligible"
    ALMOST = "almost"  # only an attestation (or a commitment) is missing
    NOT_ELIGIBLE = "not_eligible"


ELIGIBILITY_LABELS: dict[Eligibility, str] = {
    Eligibility.ELIGIBLE: "Éligible",
    Eligibility.ALMOST: "Presque éligible",
    Eligibility.NOT_ELIGIBLE: "Non éligible",
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
    reason: str  # one sentence for the list
    missing: tuple[str, ...] = ()  # what to do to become eligible (almost eligible)
    to_confirm: tuple[str, ...] = ()  # commitments to record in the prescription
    matches_need: bool = True

    @property
    def granted(self) -> bool:
        return self.eligibility is Eligibility.ELIGIBLE

    @property
    def label(self) -> str:
        return ELIGIBILITY_LABELS[self.eligibility]

    def outcome_dict(self) -> dict[str, Any] | None:
        """The outcome as kept on a prescription (what loans and sales read)."""
        if self.outcome is None:
            return None
        return {
            **self.outcome.as_dict(),
            "programme_code": self.programme.code,
            "programme_name": self.programme.name,
            "decided_on": self.on.isoformat(),
        }

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (API, prescription snapshot)."""
        programme = self.programme
        return {
            "programme": {
                "code": programme.code,
                "name": programme.name,
                "summary": programme.summary,
                "valid_from": programme.valid_from.isoformat(),
                "valid_to": programme.valid_to.isoformat() if programme.valid_to else None,
            },
            "on": self.on.isoformat(),
            "eligibility": self.eligibility.value,
            "label": self.label,
            "reason": self.reason,
            "missing": list(self.missing),
            "to_confirm": list(self.to_confirm),
            "matches_need": self.matches_need,
            "conditions": [
                {
                    "kind": c.kind,
                    "met": c.met,
                    "sentence": c.sentence,
                    "parameters": [
                        {
                            "name": p.name,
                            "description": p.description,
                            "value": p.value,
                            "since": p.since.isoformat(),
                        }
                        for p in c.parameters
                    ],
                }
                for c in self.conditions
            ],
            "outcome": self.outcome_dict(),
            "source": {
                "citation": programme.source.citation,
                "title": programme.source.title,
                "url": programme.source.url,
                "note": programme.source.note,
            },
        }


def _validity(programme: Programme, on: date) -> ConditionResult:
    start = fr_date(programme.valid_from)
    end = fr_date(programme.valid_to) if programme.valid_to else None
    if on < programme.valid_from:
        return ConditionResult(
            "validity",
            False,
            f"Le programme n'est pas en vigueur le {fr_date(on)} : il commence le {start}.",
        )
    if programme.valid_to is not None and on > programme.valid_to:
        return ConditionResult(
            "validity",
            False,
            f"Le programme n'est plus en vigueur le {fr_date(on)} : il a pris fin le {end}.",
        )
    period = f"du {start} au {end}" if end else f"depuis le {start}"
    return ConditionResult("validity", True, f"Le programme est en vigueur ({period}).")


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


DayPlan = tuple[
    ConditionResult,
    dict[str, ParameterUse],
    Outcome | None,
    str,
    list[dict[Hashable, ConditionResult]],
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
    if len(programme.day_cache) > 64:
        programme.day_cache.clear()
    memos: list[dict[Hashable, ConditionResult]] = [{} for _ in programme.conditions]
    plan: DayPlan = (_validity(programme, on), shared, outcome, gap, memos)
    programme.day_cache[on] = plan
    return plan


def evaluate(
    programme: Programme, facts: Facts, on: date, need: DeviceType | None = None
) -> Decision:
    """Check one programme for one household on one day."""
    plan = programme.day_cache.get(on)
    if plan is None:
        plan = _plan(programme, on)
    validity, shared, day_outcome, outcome_gap, memos = plan
    matches_need = need is None or need in programme.device_types
    if not validity.met:
        return Decision(
            programme,
            on,
            Eligibility.NOT_ELIGIBLE,
            (validity,),
            None,
            validity.sentence,
            matches_need=matches_need,
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
                f"Règle non applicable : le paramètre « {missing.name} » n'a pas de valeur "
                f"le {fr_date(on)}.",
            )
        if key is not None:
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[key] = result
        results.append(result)
    unmet: list[ConditionResult] = []
    pending: list[str] = []
    blocking = False  # an unmet condition that no attestation or commitment would fix
    for r in results:
        if r.met is False:
            unmet.append(r)
            if r.fix is None:
                blocking = True
        elif r.met is None and r.missing:
            pending.append(r.missing)
    to_confirm = tuple(pending)
    if not unmet:
        eligibility = Eligibility.ELIGIBLE
    elif not blocking:
        eligibility = Eligibility.ALMOST
    else:
        eligibility = Eligibility.NOT_ELIGIBLE

    outcome = None
    if eligibility is not Eligibility.NOT_ELIGIBLE:
        if outcome_gap:
            reason = (
                f"Le programme n'a pas de valeur pour « {outcome_gap} » le {fr_date(on)} : "
                "rien ne peut être accordé."
            )
            results.append(ConditionResult("outcome", False, reason))
            return Decision(
                programme,
                on,
                Eligibility.NOT_ELIGIBLE,
                tuple(results),
                None,
                reason,
                matches_need=matches_need,
            )
        outcome = day_outcome

    missing_list = tuple(r.missing for r in unmet if r.missing)
    if eligibility is Eligibility.ELIGIBLE:
        reason = "Toutes les conditions sont remplies."
        if to_confirm:
            reason += " À confirmer dans la prescription : " + " ; ".join(to_confirm) + "."
    elif eligibility is Eligibility.ALMOST:
        reason = "Il ne manque que : " + " ; ".join(missing_list) + "."
    else:
        reason = " ".join(r.sentence for r in unmet if r.fix is None)
    return Decision(
        programme,
        on,
        eligibility,
        tuple(results),
        outcome,
        reason,
        missing=missing_list,
        to_confirm=to_confirm,
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
) -> list[Decision]:
    """Check every programme at once; the result is ranked, best offer first."""
    decisions = [evaluate(p, facts, on, need) for p in programmes]
    decisions.sort(key=lambda d: rank_key(d, need))
    return decisions


def granted(decisions: Sequence[Decision]) -> list[Decision]:
    return [d for d in decisions if d.granted]
