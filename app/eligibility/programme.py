"""A programme as data: dated parameters, conditions, outcome, source. Pure module.

Each condition knows how to test itself against the facts on a day and to say, in plain
French, why it is met or not, with the parameters it used and the date they took effect.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Any

from app.eligibility.facts import PROOF_WORDS, Facts, Proof, StatusFact
from app.eligibility.vocabulary import (
    COMMITMENT_LABELS,
    DEVICE_TYPE_LABELS,
    STATUS_LABELS,
    Commitment,
    DeviceType,
    Status,
)

ParamValue = int | float | str | Mapping[str, Any]


@lru_cache(maxsize=4096)
def fr_date(day: date) -> str:
    return f"{day:%d/%m/%Y}"


# 'RSA (revenu de solidarité active)' -> 'RSA': the sentences stay short.
_SHORT = {status: label.split(" (")[0] for status, label in STATUS_LABELS.items()}


def short_status(status: Status) -> str:
    return _SHORT[status]


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

    def sentence(self) -> str:
        return f"{self.description} : {self.value} (en vigueur depuis le {fr_date(self.since)})"


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
    sentence: str
    parameters: tuple[ParameterUse, ...] = ()
    fix: Fix | None = None
    # For people: what to do, e.g. "Attester le RSA (justificatif vu)".
    missing: str = ""


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

    def describe(self) -> str:
        """The rule in one French sentence, for the programme's page."""
        raise NotImplementedError


def _status_state(fact: StatusFact | None, on: date, proof: Proof) -> str:
    """'ok', 'fixable' (an attestation would do) or 'absent'."""
    if fact is None:
        return "absent"
    return "ok" if fact.holds_on(on, proof) else "fixable"


def _why_not_attested(fact: StatusFact, on: date, proof: Proof) -> str:
    name = short_status(fact.status)
    if fact.proof is Proof.CLAIMED:
        return f"{name} : déclaré par la personne, pas encore attesté"
    if fact.valid_until is not None and on > fact.valid_until:
        return f"{name} : l'attestation a expiré le {fr_date(fact.valid_until)}"
    if fact.attested_on is not None and on < fact.attested_on:
        return f"{name} : attesté à partir du {fr_date(fact.attested_on)} seulement"
    return f"{name} : {PROOF_WORDS[fact.proof]}, ce programme demande un justificatif vu"


@dataclass(frozen=True)
class StatusesCondition(Condition):
    statuses: tuple[Status, ...]
    mode: str = "any_of"  # or "all_of"
    proof: Proof = Proof.DECLARED
    line: int = 0
    kind = "statuses"

    def memo_key(self, facts: Facts) -> Hashable:
        return facts.statuses  # cheaper than picking this condition's statuses out

    def __post_init__(self) -> None:
        names = [short_status(s) for s in self.statuses]
        joiner = " ou " if self.mode == "any_of" else " et "
        text = joiner.join(names) if len(names) < 3 else ", ".join(names[:-1]) + joiner + names[-1]
        object.__setattr__(self, "_names_text", text)

    def _names(self) -> str:
        return self._names_text  # type: ignore[attr-defined,no-any-return]

    def describe(self) -> str:
        how = (
            "justificatif vu"
            if self.proof is Proof.DOCUMENT_SEEN
            else "attestation du prescripteur"
        )
        if self.mode == "any_of" and len(self.statuses) > 1:
            return f"Avoir l'un de ces statuts : {self._names()} ({how})."
        return f"Avoir le statut {self._names()} ({how})."

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
        if (self.mode == "any_of" and ok) or (self.mode == "all_of" and len(ok) == len(states)):
            shown = ok if self.mode == "all_of" else ok[:1]
            details = []
            for status in shown:
                fact = facts.status(status)
                assert fact is not None
                when = f" le {fr_date(fact.attested_on)}" if fact.attested_on else ""
                details.append(f"{short_status(status)} ({PROOF_WORDS[fact.proof]}{when})")
            return ConditionResult(self.kind, True, "Statut attesté : " + ", ".join(details) + ".")
        need_doc = " avec justificatif vu" if self.proof is Proof.DOCUMENT_SEEN else ""
        if fixable and (self.mode == "any_of" or len(ok) + len(fixable) == len(states)):
            reasons = []
            for status in fixable:
                fact = facts.status(status)
                assert fact is not None
                reasons.append(_why_not_attested(fact, on, self.proof))
            todo = fixable[:1] if self.mode == "any_of" else fixable
            return ConditionResult(
                self.kind,
                False,
                "Il manque une attestation à jour (" + " ; ".join(reasons) + ").",
                fix=Fix.ATTESTATION,
                missing="l'attestation "
                + ", ".join(short_status(s) for s in todo)
                + " à jour"
                + need_doc,
            )
        if self.mode == "any_of":
            sentence = f"Le foyer n'a aucun statut attesté parmi : {self._names()}."
        else:
            lacking = [short_status(s) for s, state in states.items() if state == "absent"]
            sentence = f"Il manque le statut : {', '.join(lacking)} (il faut {self._names()})."
        return ConditionResult(self.kind, False, sentence)


def _years(n: int) -> str:
    return f"{n} an" if n == 1 else f"{n} ans"


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

    def _bounds(self) -> str:
        low = f"{self.min.name}" if isinstance(self.min, ParamRef) else str(self.min)
        high = f"{self.max.name}" if isinstance(self.max, ParamRef) else str(self.max)
        return f"{low}-{high}"

    def describe(self) -> str:
        if self.who == "reference":
            return f"La personne de référence a l'âge demandé ({self._bounds()} ans)."
        return f"Au moins {self.at_least} membre(s) du foyer d'âge {self._bounds()} ans."

    def check(self, facts: Facts, on: date, params: Resolver) -> ConditionResult:
        low, high = int(params.value(self.min)), int(params.value(self.max))
        used = params.take_used()
        band = f"de {low} à {_years(high)}"
        if self.who == "reference":
            age = facts.reference_age
            if age is None:
                return ConditionResult(
                    self.kind, False, "L'âge de la personne de référence n'est pas connu.", used
                )
            met = low <= age <= high
            verb = "a" if met else "n'a pas"
            return ConditionResult(
                self.kind,
                met,
                f"La personne de référence {verb} entre {low} et {_years(high)} ({_years(age)}).",
                used,
            )
        matching = sorted(a for a in facts.ages if low <= a <= high)
        if len(matching) >= self.at_least:
            ages = ", ".join(str(a) for a in matching)
            who = "membre" if len(matching) == 1 else "membres"
            return ConditionResult(
                self.kind, True, f"{len(matching)} {who} du foyer {band} (âges : {ages}).", used
            )
        if self.at_least == 1:
            sentence = f"Aucun membre du foyer n'a {band}."
        else:
            sentence = (
                f"Il faut au moins {self.at_least} membres {band} ; le foyer en compte "
                f"{len(matching)}."
            )
        return ConditionResult(self.kind, False, sentence, used)


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

    def _area(self) -> str:
        parts = list(self.communes)
        if self.postcodes:
            parts.append("codes postaux " + ", ".join(self.postcodes))
        if self.departments:
            parts.append("département " + ", ".join(self.departments))
        return " ; ".join(parts)

    def describe(self) -> str:
        return f"Habiter : {self._area()}."

    def check(self, facts: Facts, on: date, params: Resolver) -> ConditionResult:
        postcode = facts.postcode.strip()
        met = (
            (bool(postcode) and postcode in self.postcodes)
            or (bool(postcode) and any(postcode.startswith(d) for d in self.departments))
            or (bool(facts.commune) and fold(facts.commune) in self._folded)
        )
        where = " ".join(p for p in (facts.commune, f"({postcode})" if postcode else "") if p)
        if not where:
            return ConditionResult(
                self.kind,
                False,
                f"Commune du foyer inconnue ; programme réservé à : {self._area()}.",
            )
        if met:
            return ConditionResult(
                self.kind, True, f"Le foyer habite {where}, dans la zone du programme."
            )
        return ConditionResult(
            self.kind,
            False,
            f"Le foyer habite {where} ; le programme est réservé à : {self._area()}.",
        )


@dataclass(frozen=True)
class QpvCondition(Condition):
    """Lives in a quartier prioritaire de la politique de la ville."""

    line: int = 0
    kind = "qpv"

    def memo_key(self, facts: Facts) -> Hashable:
        return (facts.qpv, facts.status(Status.QPV_RESIDENT))

    def describe(self) -> str:
        return "Habiter un quartier prioritaire (QPV)."

    def check(self, facts: Facts, on: date, params: Resolver) -> ConditionResult:
        status = facts.status(Status.QPV_RESIDENT)
        if facts.qpv or (status is not None and status.holds_on(on, Proof.DECLARED)):
            return ConditionResult(
                self.kind, True, "Le foyer habite un quartier prioritaire (QPV)."
            )
        return ConditionResult(
            self.kind, False, "Le foyer n'habite pas un quartier prioritaire (QPV)."
        )


@dataclass(frozen=True)
class HouseholdSizeCondition(Condition):
    min: Value | None = None
    max: Value | None = None
    line: int = 0
    kind = "household_size"

    def memo_key(self, facts: Facts) -> Hashable:
        return facts.household_size

    def describe(self) -> str:
        parts = []
        if self.min is not None:
            parts.append(
                f"au moins {self.min if not isinstance(self.min, ParamRef) else self.min.name}"
            )
        if self.max is not None:
            parts.append(
                f"au plus {self.max if not isinstance(self.max, ParamRef) else self.max.name}"
            )
        return "Taille du foyer : " + " et ".join(parts) + " personnes."

    def check(self, facts: Facts, on: date, params: Resolver) -> ConditionResult:
        low = None if self.min is None else int(params.value(self.min))
        high = None if self.max is None else int(params.value(self.max))
        used = params.take_used()
        size = facts.household_size
        people = "personne" if size == 1 else "personnes"
        met = (low is None or size >= low) and (high is None or size <= high)
        wanted = []
        if low is not None:
            wanted.append(f"au moins {low}")
        if high is not None:
            wanted.append(f"au plus {high}")
        demand = " et ".join(wanted)
        if met:
            return ConditionResult(
                self.kind, True, f"Le foyer compte {size} {people} ({demand} demandé).", used
            )
        return ConditionResult(
            self.kind, False, f"Le foyer compte {size} {people} ; il en faut {demand}.", used
        )


_EQUIPMENT_WORDS = {
    "computer": ("d'ordinateur", "un ordinateur"),
    "smartphone": ("de smartphone", "un smartphone"),
    "tablet": ("de tablette", "une tablette"),
}
EQUIPMENT = frozenset(_EQUIPMENT_WORDS)


@dataclass(frozen=True)
class NoEquipmentCondition(Condition):
    """The household does not already own this kind of device."""

    equipment: tuple[str, ...]  # computer, smartphone, tablet
    line: int = 0
    kind = "no_equipment"

    def memo_key(self, facts: Facts) -> Hashable:
        return (facts.has_computer, facts.has_smartphone, facts.has_tablet)

    def describe(self) -> str:
        return (
            "Ne pas avoir déjà " + " ni ".join(_EQUIPMENT_WORDS[e][1] for e in self.equipment) + "."
        )

    def check(self, facts: Facts, on: date, params: Resolver) -> ConditionResult:
        owned = {
            "computer": facts.has_computer,
            "smartphone": facts.has_smartphone,
            "tablet": facts.has_tablet,
        }
        has = [e for e in self.equipment if owned[e]]
        if has:
            return ConditionResult(
                self.kind,
                False,
                "Le foyer a déjà " + " et ".join(_EQUIPMENT_WORDS[e][1] for e in has) + ".",
            )
        return ConditionResult(
            self.kind,
            True,
            "Le foyer n'a pas " + " ni ".join(_EQUIPMENT_WORDS[e][0] for e in self.equipment) + ".",
        )


PERIODS = {"year": "par an", "month": "par mois", "ever": "en tout"}


@lru_cache(maxsize=1024)
def quota_period(per: str, on: date) -> str:
    """The period a quota counts in: '2026' (year), '2026-11' (month) or 'ever'."""
    if per == "year":
        return f"{on.year}"
    if per == "month":
        return f"{on.year}-{on.month:02d}"
    return "ever"


def _period_words(per: str, period: str) -> str:
    if per == "year":
        return f"en {period}"
    if per == "month":
        year, month = period.split("-")
        return f"en {month}/{year}"
    return "jusqu'ici"


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

    def describe(self) -> str:
        limit = self.max if not isinstance(self.max, ParamRef) else self.max.name
        return f"Au plus {limit} par foyer {PERIODS[self.per]}."

    def check(self, facts: Facts, on: date, params: Resolver) -> ConditionResult:
        limit = int(params.value(self.max))
        used = params.take_used()
        period = quota_period(self.per, on)
        count = sum(1 for use in facts.quota_uses if use.key == self.key and use.period == period)
        rule = f"limite : {limit} par foyer {PERIODS[self.per]}"
        when = _period_words(self.per, period)
        if count < limit:
            already = "aucun" if count == 0 else str(count)
            return ConditionResult(self.kind, True, f"Déjà reçu {when} : {already} ({rule}).", used)
        return ConditionResult(
            self.kind,
            False,
            f"Le foyer a déjà reçu {count} équipement(s) de ce programme {when} ({rule}).",
            used,
        )


@dataclass(frozen=True)
class CommitmentCondition(Condition):
    commitment: Commitment
    line: int = 0
    kind = "commitment"

    def memo_key(self, facts: Facts) -> Hashable:
        return facts.commitments

    def describe(self) -> str:
        return f"S'engager à {COMMITMENT_LABELS[self.commitment]}."

    def check(self, facts: Facts, on: date, params: Resolver) -> ConditionResult:
        words = COMMITMENT_LABELS[self.commitment]
        if facts.commitments is None:
            return ConditionResult(
                self.kind,
                None,
                f"La personne devra s'engager à {words} (à confirmer dans la prescription).",
                missing=f"Engagement à {words}",
            )
        if self.commitment in facts.commitments:
            return ConditionResult(self.kind, True, f"La personne s'engage à {words}.")
        return ConditionResult(
            self.kind,
            False,
            f"La personne ne s'est pas engagée à {words}.",
            fix=Fix.COMMITMENT,
            missing=f"Engagement à {words}",
        )


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

    def sentence(self, device_type: DeviceType | None = None) -> str:
        if set(self.device_types) == {DeviceType.LAPTOP, DeviceType.DESKTOP}:
            devices = "ordinateur (portable ou fixe)"
        else:
            devices = " ou ".join(DEVICE_TYPE_LABELS[d].lower() for d in self.device_types)
        if self.kind is OutcomeKind.SALE:
            if self.price_eur is not None:
                text = f"Vente d'un {devices} reconditionné à {self.price_eur} €"
            else:
                ranges = []
                for device, grid in (self.price_grid or {}).items():
                    if device_type is not None and device != device_type.value:
                        continue
                    label = DEVICE_TYPE_LABELS[DeviceType(device)].lower()
                    ranges.append(f"{label} de {min(grid.values())} à {max(grid.values())} €")
                text = "Vente à prix solidaire selon l'état : " + ", ".join(ranges)
            if self.warranty_months:
                text += f", garantie {self.warranty_months} mois"
            return text + "."
        if self.kind is OutcomeKind.LOAN:
            text = f"Prêt gratuit d'un {devices}"
            if self.loan_months:
                text += f" pour {self.loan_months} mois"
            if self.deposit_eur:
                text += f", dépôt de garantie {self.deposit_eur} €"
            if self.cession_after_months:
                text += f", cédé au foyer après {self.cession_after_months} mois"
            return text + "."
        if self.kind is OutcomeKind.GIFT:
            return f"Don d'un {devices} reconditionné."
        return "Aide décidée au cas par cas" + (f" : {self.terms}" if self.terms else ".")

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
            "sentence": self.sentence(),
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

    def sentence(self) -> str:
        text = self.title or self.citation
        if self.title and self.citation:
            text = f"{self.title} ({self.citation})"
        return text + (f" — {self.note}" if self.note else "")


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

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    def quota(self) -> QuotaCondition | None:
        for condition in self.conditions:
            if isinstance(condition, QuotaCondition):
                return condition
        return None

    def commitments(self) -> tuple[Commitment, ...]:
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
