"""The conditions a programme can set, each testing itself against a household's facts.

Pure module. A condition answers with a code and JSON-ready data (``app/eligibility/
explain.py`` turns them into a sentence in the reader's language), the parameters it used
with the day they took effect, and what would fix it when only an attestation or a
commitment is missing.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date

from app.eligibility.explain import Phrase
from app.eligibility.facts import Facts, Proof, StatusFact
from app.eligibility.programme import (
    Condition,
    ConditionResult,
    Fix,
    MissingParameter,
    ParamRef,
    Resolver,
    Value,
    fold,
    quota_period,
)
from app.eligibility.vocabulary import Commitment, Status

PROOF_CODES = {
    Proof.CLAIMED: "claimed",
    Proof.DECLARED: "declared",
    Proof.DOCUMENT_SEEN: "document_seen",
}


def _status_state(fact: StatusFact | None, on: date, proof: Proof) -> str:
    """'ok', 'fixable' (an attestation would do) or 'absent'."""
    if fact is None:
        return "absent"
    return "ok" if fact.holds_on(on, proof) else "fixable"


def _why_not_attested(fact: StatusFact, on: date) -> dict[str, str]:
    item = {"status": fact.status.value}
    if fact.proof is Proof.CLAIMED:
        return {**item, "why": "claimed"}
    if fact.valid_until is not None and on > fact.valid_until:
        return {**item, "why": "expired", "day": fact.valid_until.isoformat()}
    if fact.attested_on is not None and on < fact.attested_on:
        return {**item, "why": "not_yet", "day": fact.attested_on.isoformat()}
    return {**item, "why": "proof", "proof": PROOF_CODES[fact.proof]}


def _v(value: Value, params: Resolver | None) -> int | str:
    """A threshold for the programme's page: its value that day, else its parameter's name."""
    if not isinstance(value, ParamRef):
        return value
    if params is not None:
        try:
            return int(params.value(value))
        except (MissingParameter, TypeError, ValueError):
            pass
    return value.name


@dataclass(frozen=True)
class StatusesCondition(Condition):
    statuses: tuple[Status, ...]
    mode: str = "any_of"  # or "all_of"
    proof: Proof = Proof.DECLARED
    line: int = 0
    kind = "statuses"

    def memo_key(self, facts: Facts) -> Hashable:
        # One or two statuses: only theirs, far fewer distinct keys than the whole tuple
        # (attestation dates differ from household to household); for a long list,
        # picking them out costs more than the checks it saves.
        status = facts.status
        if len(self.statuses) == 1:
            return (status(self.statuses[0]),)
        if len(self.statuses) == 2:
            return (status(self.statuses[0]), status(self.statuses[1]))
        return facts.statuses

    def describe(self, params: Resolver | None = None) -> Phrase:
        return (
            "rule.statuses",
            {
                "statuses": [s.value for s in self.statuses],
                "mode": self.mode,
                "document": self.proof is Proof.DOCUMENT_SEEN,
            },
        )

    def check(self, facts: Facts, on: date, params: Resolver) -> ConditionResult:
        states = {}
        ok: list[Status] = []
        fixable: list[Status] = []
        for status in self.statuses:
            state = _status_state(facts.status(status), on, self.proof)
            states[status] = state
            if state == "ok":
                ok.append(status)
                if self.mode == "any_of":
                    break  # one is enough
            elif state == "fixable":
                fixable.append(status)
        codes = [s.value for s in self.statuses]
        if (self.mode == "any_of" and ok) or (self.mode == "all_of" and len(ok) == len(states)):
            shown = ok if self.mode == "all_of" else ok[:1]
            details = []
            for status in shown:
                fact = facts.status(status)
                assert fact is not None
                details.append(
                    {
                        "status": status.value,
                        "proof": PROOF_CODES[fact.proof],
                        "attested_on": fact.attested_on.isoformat() if fact.attested_on else None,
                    }
                )
            return ConditionResult(self.kind, True, "statuses.ok", {"shown": details})
        if fixable and (self.mode == "any_of" or len(ok) + len(fixable) == len(states)):
            reasons = []
            for status in fixable:
                fact = facts.status(status)
                assert fact is not None
                reasons.append(_why_not_attested(fact, on))
            todo = fixable[:1] if self.mode == "any_of" else fixable
            return ConditionResult(
                self.kind,
                False,
                "statuses.needs_attestation",
                {"reasons": reasons},
                fix=Fix.ATTESTATION,
                missing=(
                    "missing.attestation",
                    {
                        "statuses": [s.value for s in todo],
                        "document": self.proof is Proof.DOCUMENT_SEEN,
                    },
                ),
            )
        if self.mode == "any_of":
            return ConditionResult(self.kind, False, "statuses.none", {"statuses": codes})
        lacking = [s.value for s, state in states.items() if state == "absent"]
        return ConditionResult(
            self.kind, False, "statuses.lacking", {"lacking": lacking, "statuses": codes}
        )


@dataclass(frozen=True)
class MemberAgeCondition(Condition):
    """At least ``at_least`` members aged min..max (inclusive), or the reference person."""

    min: Value
    max: Value
    at_least: int = 1
    who: str = "any"  # "any" member, or the "reference" person
    line: int = 0
    kind = "member_age"

    def memo_key(self, facts: Facts) -> Hashable:
        return facts.reference_age if self.who == "reference" else facts.ages

    def describe(self, params: Resolver | None = None) -> Phrase:
        band = {"low": _v(self.min, params), "high": _v(self.max, params)}
        if self.who == "reference":
            return ("rule.reference_age", band)
        return ("rule.member_age", {**band, "at_least": self.at_least})

    def check(self, facts: Facts, on: date, params: Resolver) -> ConditionResult:
        low, high = int(params.value(self.min)), int(params.value(self.max))
        used = params.take_used()
        if self.who == "reference":
            age = facts.reference_age
            if age is None:
                return ConditionResult(self.kind, False, "age.reference_unknown", {}, used)
            met = low <= age <= high
            code = "age.reference_in" if met else "age.reference_out"
            return ConditionResult(
                self.kind, met, code, {"low": low, "high": high, "age": age}, used
            )
        matching = sorted(a for a in facts.ages if low <= a <= high)
        band = {"low": low, "high": high}
        if len(matching) >= self.at_least:
            return ConditionResult(
                self.kind,
                True,
                "age.members_ok",
                {**band, "count": len(matching), "ages": matching},
                used,
            )
        if self.at_least == 1:
            return ConditionResult(self.kind, False, "age.members_none", band, used)
        return ConditionResult(
            self.kind,
            False,
            "age.members_too_few",
            {**band, "at_least": self.at_least, "count": len(matching)},
            used,
        )


@dataclass(frozen=True)
class LocationCondition(Condition):
    """Lives in one of these communes, postcodes or départements (postcode prefixes)."""

    communes: tuple[str, ...] = ()
    postcodes: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    line: int = 0
    kind = "location"
    _folded: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    def memo_key(self, facts: Facts) -> Hashable:
        return (facts.postcode, facts.commune)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_folded", frozenset(fold(c) for c in self.communes))

    def area(self) -> dict[str, list[str]]:
        return {
            "communes": list(self.communes),
            "postcodes": list(self.postcodes),
            "departments": list(self.departments),
        }

    def describe(self, params: Resolver | None = None) -> Phrase:
        return ("rule.location", self.area())

    def check(self, facts: Facts, on: date, params: Resolver) -> ConditionResult:
        postcode = facts.postcode.strip()
        met = (
            (bool(postcode) and postcode in self.postcodes)
            or (bool(postcode) and any(postcode.startswith(d) for d in self.departments))
            or (bool(facts.commune) and fold(facts.commune) in self._folded)
        )
        if not (facts.commune or postcode):
            return ConditionResult(self.kind, False, "location.unknown", self.area())
        where = {"commune": facts.commune, "postcode": postcode}
        if met:
            return ConditionResult(self.kind, True, "location.met", where)
        return ConditionResult(self.kind, False, "location.not_met", {**where, **self.area()})


@dataclass(frozen=True)
class QpvCondition(Condition):
    """Lives in a quartier prioritaire de la politique de la ville."""

    line: int = 0
    kind = "qpv"

    def memo_key(self, facts: Facts) -> Hashable:
        return (facts.qpv, facts.status(Status.QPV_RESIDENT))

    def describe(self, params: Resolver | None = None) -> Phrase:
        return ("rule.qpv", {})

    def check(self, facts: Facts, on: date, params: Resolver) -> ConditionResult:
        status = facts.status(Status.QPV_RESIDENT)
        if facts.qpv or (status is not None and status.holds_on(on, Proof.DECLARED)):
            return ConditionResult(self.kind, True, "qpv.met", {})
        return ConditionResult(self.kind, False, "qpv.not_met", {})


@dataclass(frozen=True)
class HouseholdSizeCondition(Condition):
    min: Value | None = None
    max: Value | None = None
    line: int = 0
    kind = "household_size"

    def memo_key(self, facts: Facts) -> Hashable:
        return facts.household_size

    def describe(self, params: Resolver | None = None) -> Phrase:
        low = None if self.min is None else _v(self.min, params)
        high = None if self.max is None else _v(self.max, params)
        return ("rule.household_size", {"low": low, "high": high})

    def check(self, facts: Facts, on: date, params: Resolver) -> ConditionResult:
        low = None if self.min is None else int(params.value(self.min))
        high = None if self.max is None else int(params.value(self.max))
        used = params.take_used()
        size = facts.household_size
        met = (low is None or size >= low) and (high is None or size <= high)
        args = {"size": size, "low": low, "high": high}
        return ConditionResult(self.kind, met, "size.met" if met else "size.not_met", args, used)


EQUIPMENT = frozenset({"computer", "smartphone", "tablet"})


@dataclass(frozen=True)
class NoEquipmentCondition(Condition):
    """The household does not already own this kind of device."""

    equipment: tuple[str, ...]  # computer, smartphone, tablet
    line: int = 0
    kind = "no_equipment"

    def memo_key(self, facts: Facts) -> Hashable:
        return (facts.has_computer, facts.has_smartphone, facts.has_tablet)

    def describe(self, params: Resolver | None = None) -> Phrase:
        return ("rule.no_equipment", {"equipment": list(self.equipment)})

    def check(self, facts: Facts, on: date, params: Resolver) -> ConditionResult:
        owned = {
            "computer": facts.has_computer,
            "smartphone": facts.has_smartphone,
            "tablet": facts.has_tablet,
        }
        has = [e for e in self.equipment if owned[e]]
        if has:
            return ConditionResult(self.kind, False, "equipment.has", {"has": has})
        return ConditionResult(
            self.kind, True, "equipment.none", {"equipment": list(self.equipment)}
        )


@dataclass(frozen=True)
class QuotaCondition(Condition):
    """At most ``max`` grants per household per period, counted under ``key``."""

    key: str
    max: Value = 1
    per: str = "year"
    line: int = 0
    kind = "quota"

    def memo_key(self, facts: Facts) -> Hashable:
        return facts.quota_uses

    def describe(self, params: Resolver | None = None) -> Phrase:
        return ("rule.quota", {"limit": _v(self.max, params), "per": self.per})

    def check(self, facts: Facts, on: date, params: Resolver) -> ConditionResult:
        limit = int(params.value(self.max))
        used = params.take_used()
        period = quota_period(self.per, on)
        count = sum(1 for use in facts.quota_uses if use.key == self.key and use.period == period)
        args = {"count": count, "limit": limit, "per": self.per, "period": period}
        if count < limit:
            return ConditionResult(self.kind, True, "quota.ok", args, used)
        return ConditionResult(self.kind, False, "quota.reached", args, used)


_NOT_ASKED = ("commitments", "not_asked")


@dataclass(frozen=True)
class CommitmentCondition(Condition):
    commitment: Commitment
    line: int = 0
    kind = "commitment"

    def memo_key(self, facts: Facts) -> Hashable:
        # Not asked yet (None) is a situation too: reused rather than checked each time.
        return _NOT_ASKED if facts.commitments is None else facts.commitments

    def describe(self, params: Resolver | None = None) -> Phrase:
        return ("rule.commitment", {"commitment": self.commitment.value})

    def check(self, facts: Facts, on: date, params: Resolver) -> ConditionResult:
        args = {"commitment": self.commitment.value}
        missing = ("missing.commitment", args)
        if facts.commitments is None:
            return ConditionResult(self.kind, None, "commitment.to_confirm", args, missing=missing)
        if self.commitment in facts.commitments:
            return ConditionResult(self.kind, True, "commitment.made", args)
        return ConditionResult(
            self.kind, False, "commitment.not_made", args, fix=Fix.COMMITMENT, missing=missing
        )
