"""A programme as data: dated parameters, conditions, envelope, outcome, source. Pure module.

The conditions themselves are in ``conditions.py``; their answers are codes and data that
``explain.py`` puts into words in the reader's language.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from app.eligibility.explain import FRENCH, Phrase, Speaker, outcome_sentence, say
from app.eligibility.facts import Facts
from app.eligibility.vocabulary import Commitment, DeviceType

if TYPE_CHECKING:
    from app.eligibility.conditions import QuotaCondition

ParamValue = int | float | str | Mapping[str, Any]


@lru_cache(maxsize=4096)
def fr_date(day: date) -> str:
    return f"{day:%d/%m/%Y}"


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Case- and accent-insensitive form, for commune names typed on a phone."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("-", " ")


# ---------------------------------------------------------------------------- parameters


@dataclass(frozen=True, slots=True)
class Parameter:
    """A value that changes over time, like OpenFisca's parameters: the value in force on a
    day is the one with the latest start on or before it; ``None`` ends the parameter."""

    name: str
    description: str
    values: tuple[tuple[date, ParamValue | None], ...]  # sorted by date
    unit: str = ""

    def at(self, on: date) -> tuple[ParamValue, date] | None:
        found: tuple[ParamValue, date] | None = None
        for start, value in self.values:
            if start > on:
                break
            found = None if value is None else (value, start)
        return found


@dataclass(frozen=True, slots=True)
class ParamRef:
    """A threshold written ``{param: name}`` in a programme file."""

    name: str


Value = int | ParamRef


@dataclass(frozen=True, slots=True)
class ParameterUse:
    """A parameter as used by a decision: its value and the day it took effect."""

    name: str
    description: str
    value: ParamValue
    since: date

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "value": self.value,
            "since": self.since.isoformat(),
        }

    def sentence(self, speaker: Speaker = FRENCH) -> str:
        from app.eligibility.explain import parameter_sentence

        return parameter_sentence(self.as_dict(), speaker)


class MissingParameter(Exception):
    def __init__(self, name: str, on: date) -> None:
        super().__init__(name)
        self.name = name
        self.on = on


class Resolver:
    """Reads parameters on one day and remembers which ones a condition used."""

    __slots__ = ("_cache", "on", "parameters", "used")

    def __init__(
        self,
        parameters: Mapping[str, Parameter],
        on: date,
        cache: dict[str, ParameterUse] | None = None,
    ) -> None:
        self.parameters = parameters
        self.on = on
        self.used: list[ParameterUse] = []
        # Values depend only on the programme and the day: a cache may be shared by all
        # the households checked that day.
        self._cache: dict[str, ParameterUse] = {} if cache is None else cache

    def value(self, value: Value | ParamValue) -> Any:
        if not isinstance(value, ParamRef):
            return value
        use = self._cache.get(value.name)
        if use is None:
            parameter = self.parameters[value.name]
            found = parameter.at(self.on)
            if found is None:
                raise MissingParameter(value.name, self.on)
            use = ParameterUse(parameter.name, parameter.description, found[0], found[1])
            self._cache[value.name] = use
        self.used.append(use)
        return use.value

    def take_used(self) -> tuple[ParameterUse, ...]:
        if not self.used:
            return ()
        unique = {use.name: use for use in self.used}
        self.used = []
        return tuple(unique.values())


# ---------------------------------------------------------------------------- conditions


class Fix(StrEnum):
    """What would turn an unmet condition into a met one without changing the household."""

    ATTESTATION = "attestation"
    COMMITMENT = "commitment"


# Not frozen: built tens of thousands of times a second (bench/bench_eligibility.py), and
# frozen dataclasses are three times slower to build. Treat it as read-only.
@dataclass(slots=True)
class ConditionResult:
    kind: str
    met: bool | None  # None: to be confirmed in the prescription (a commitment not yet asked)
    code: str  # what was found, e.g. "location.not_met" (explain.py puts it into words)
    args: Mapping[str, Any]  # its data, JSON-ready
    parameters: tuple[ParameterUse, ...] = ()
    fix: Fix | None = None
    # What to do, e.g. ("missing.attestation", {"statuses": ["rsa"], "document": True}).
    missing: Phrase | None = None

    @property
    def sentence(self) -> str:
        """In French (the source language); pages use ``explain.say`` in theirs."""
        return say(self.code, self.args)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "met": self.met,
            "code": self.code,
            "args": dict(self.args),
            "fix": self.fix.value if self.fix else None,
            "parameters": [p.as_dict() for p in self.parameters],
        }


class Condition:
    """One rule of a programme. Subclasses set ``kind`` and implement ``check``."""

    kind = ""
    line = 0  # line in the programme file, for error messages

    def check(self, facts: Facts, on: date, params: Resolver) -> ConditionResult:
        raise NotImplementedError

    def memo_key(self, facts: Facts) -> Hashable:
        """The facts this condition reads: on a given day, equal keys give equal results,
        so the engine reuses them across households. None: do not reuse."""
        return None

    def describe(self, params: Resolver | None = None) -> Phrase:
        """The rule as a code and data, for the programme's page (``explain.say``)."""
        raise NotImplementedError


PERIODS = {"year": "par an", "month": "par mois", "ever": "en tout"}


@lru_cache(maxsize=1024)
def quota_period(per: str, on: date) -> str:
    """The period a quota counts in: '2026' (year), '2026-11' (month) or 'ever'."""
    if per == "year":
        return f"{on.year}"
    if per == "month":
        return f"{on.year}-{on.month:02d}"
    return "ever"


# ---------------------------------------------------------------------------- envelope


@dataclass(frozen=True, slots=True)
class Envelope:
    """What the programme may grant in all, whatever the household: at most ``max_grants``
    grants and/or ``max_eur`` euros (each grant costs ``grant_eur``), over its life
    (``per`` = "ever") or per year or month. Held under concurrency by the database."""

    max_grants: Value | None = None
    max_eur: Value | None = None
    grant_eur: Value | None = None
    per: str = "ever"


@dataclass(frozen=True, slots=True)
class EnvelopeUse:
    """What the envelope has already given in the current period."""

    grants: int = 0
    eur: int = 0


# ---------------------------------------------------------------------------- outcome


class OutcomeKind(StrEnum):
    SALE = "sale"
    LOAN = "loan"
    GIFT = "gift"
    AID = "aid"  # help decided case by case (e.g. a CCAS grant)


@dataclass(frozen=True)
class OutcomeSpec:
    kind: OutcomeKind
    price_eur: Value | None = None
    # {param: grid} whose value maps device type -> grade -> price.
    price_grid: ParamRef | None = None
    warranty_months: Value | None = None
    loan_months: Value | None = None
    deposit_eur: Value | None = None
    cession_after_months: Value | None = None  # loan turned into ownership (cession)
    terms: str = ""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the household gets, with the values in force on the day of the decision."""

    kind: OutcomeKind
    device_types: tuple[DeviceType, ...]
    price_eur: int | None = None
    price_grid: Mapping[str, Mapping[str, int]] | None = None
    warranty_months: int | None = None
    loan_months: int | None = None
    deposit_eur: int | None = None
    cession_after_months: int | None = None
    terms: str = ""
    parameters: tuple[ParameterUse, ...] = ()

    def cost_eur(self, device_type: DeviceType | None = None) -> int:
        """What the household pays at most (for ranking): a loan or gift costs nothing."""
        if self.price_eur is not None:
            return self.price_eur
        if self.price_grid:
            grids = (
                [self.price_grid[device_type.value]]
                if device_type is not None and device_type.value in self.price_grid
                else list(self.price_grid.values())
            )
            return min(min(g.values()) for g in grids if g)
        return self.deposit_eur or 0

    def sentence(self, device_type: DeviceType | None = None, speaker: Speaker = FRENCH) -> str:
        return outcome_sentence(
            self.as_dict(), speaker, device_type.value if device_type is not None else None
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, as kept on a prescription and read by loans and sales."""
        return {
            "kind": self.kind.value,
            # The keys below are those app.loans.terms.terms_from_decision() reads.
            "mode": self.kind.value if self.kind is not OutcomeKind.AID else None,
            "device_types": [d.value for d in self.device_types],
            "price_eur": self.price_eur,
            "price_grid": {k: dict(v) for k, v in self.price_grid.items()}
            if self.price_grid
            else None,
            "warranty_months": self.warranty_months,
            "loan_months": self.loan_months,
            "deposit_eur": self.deposit_eur,
            "cession_after_months": self.cession_after_months,
            "terms": self.terms,
            "parameters": [
                {"name": p.name, "value": p.value, "since": p.since.isoformat()}
                for p in self.parameters
            ],
        }


# ---------------------------------------------------------------------------- programme


@dataclass(frozen=True, slots=True)
class Source:
    citation: str  # e.g. "004:18" (study file:line) or a press article
    title: str = ""
    url: str = ""
    note: str = ""
    date: str = ""  # when the source was read or published, AAAA-MM-JJ

    def sentence(self) -> str:
        """The owner's own words (a title, a citation, a note): shown as written."""
        text = self.title or self.citation
        if self.title and self.citation:
            text = f"{self.title} ({self.citation})"
        return text + (f" — {self.note}" if self.note else "")

    def as_dict(self) -> dict[str, str]:
        return {
            "citation": self.citation,
            "title": self.title,
            "url": self.url,
            "note": self.note,
            "date": self.date,
        }


@dataclass(frozen=True)
class Programme:
    code: str
    name: str
    summary: str
    device_types: tuple[DeviceType, ...]
    valid_from: date
    valid_to: date | None
    conditions: tuple[Condition, ...]
    outcome: OutcomeSpec
    source: Source
    parameters: Mapping[str, Parameter] = field(default_factory=dict)
    territory: str = ""
    priority: int = 100  # lower comes first among equally good offers
    path: str = ""  # the file it was read from
    # Per day: what does not depend on the household (dates, parameter values).
    day_cache: dict[date, Any] = field(
        default_factory=dict, init=False, compare=False, repr=False, hash=False
    )
    # Set by the catalogue: the published version it comes from, and the organisation that
    # owns the programme (None: the instance administrator).
    version: int = 0
    owner_org_id: int | None = None
    envelope: Envelope | None = None
    campaign_months: int | None = None  # a campaign window: valid_to follows from it

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    def quota(self) -> QuotaCondition | None:
        from app.eligibility.conditions import QuotaCondition

        for condition in self.conditions:
            if isinstance(condition, QuotaCondition):
                return condition
        return None

    def commitments(self) -> tuple[Commitment, ...]:
        from app.eligibility.conditions import CommitmentCondition

        return tuple(c.commitment for c in self.conditions if isinstance(c, CommitmentCondition))


def priced_outcome(
    outcome: Mapping[str, Any], device_type: str, grade: str | None
) -> dict[str, Any]:
    """A stored outcome with ``price_eur`` set from its grid for this device and grade.

    For the counter: a programme with a price grid (solidarity prices by grade) gets its
    price once the device is chosen. Raises KeyError when the grid has no such price.
    """
    result = dict(outcome)
    grid = outcome.get("price_grid")
    if result.get("price_eur") is None and grid:
        prices = grid[device_type]
        result["price_eur"] = prices[grade] if grade is not None else max(prices.values())
    return result
