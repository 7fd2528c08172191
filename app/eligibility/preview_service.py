"""A programme's preview before publishing: the draft against the version in force.

The households' facts are read in bulk (four queries: households, members, attestations,
quota claims; plain rows, no ORM object per household), by the same rules as
``households.services.facts_for``. Anonymised households are left out. The author sees
the households of their own organisation by name (those they may read); the rest of the
territory only as counts. The comparison itself is pure (``preview.py``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from app.audit.services import record
from app.authz.policy import Permission, allowed
from app.core.clock import today
from app.core.errors import DomainError
from app.core.i18n import translate as _
from app.eligibility import catalogue, services
from app.eligibility.facts import Facts, Proof, QuotaUse, StatusFact
from app.eligibility.models import EnvelopeClaim, EnvelopeCounter, ProgrammeRecord
from app.eligibility.preview import PreviewResult, compare
from app.eligibility.programme import EnvelopeUse, Programme, quota_period
from app.eligibility.vocabulary import AttestationMethod
from app.extensions import db
from app.households.models import Household, HouseholdMember, QuotaClaim, StatusAttestation

LISTED_MAX = 200  # households named per list; the counts say how many in all


def _age_on(age: int, recorded_on: date, on: date) -> int:
    # As HouseholdMember.age_on: ages grow from the day they were recorded.
    years = on.year - recorded_on.year
    if (on.month, on.day) < (recorded_on.month, recorded_on.day):
        years -= 1
    return age + max(years, 0)


@dataclass(frozen=True)
class Population:
    """Households as the engine sees them on a day, with their organisations."""

    facts: list[tuple[int, Facts]]  # (household id, facts), by id
    organisation_of: dict[int, int]


def load_facts(on: date, organisation_id: int | None = None) -> Population:
    """Every household that is not anonymised (or only ``organisation_id``'s) on ``on``."""
    stmt = select(
        Household.id,
        Household.organisation_id,
        Household.postcode,
        Household.commune,
        Household.qpv,
        Household.has_computer,
        Household.has_smartphone,
        Household.has_tablet,
    ).where(Household.anonymised_at.is_(None))
    if organisation_id is not None:
        stmt = stmt.where(Household.organisation_id == organisation_id)
    # Core rows through the session's connection: the ORM's row processing costs more
    # than the query itself here.
    run = db.session.connection().execute
    households = run(stmt.order_by(Household.id)).all()
    wanted = {row[0] for row in households}
    ages: dict[int, list[int]] = defaultdict(list)
    reference: dict[int, int] = {}
    grown: dict[tuple[int, date], int] = {}  # many members share an age and a day
    members = run(
        select(
            HouseholdMember.household_id,
            HouseholdMember.is_reference,
            HouseholdMember.age,
            HouseholdMember.age_recorded_on,
        ).order_by(HouseholdMember.household_id, HouseholdMember.id)
    )
    for hid, is_reference, age, recorded_on in members:
        if hid in wanted:
            years = grown.get((age, recorded_on), -1)
            if years < 0:
                years = grown[(age, recorded_on)] = _age_on(age, recorded_on, on)
            ages[hid].append(years)
            if is_reference and hid not in reference:
                reference[hid] = years
    statuses: dict[int, list[StatusFact]] = defaultdict(list)
    interned: dict[tuple[Any, ...], StatusFact] = {}
    attestations = run(
        select(
            StatusAttestation.household_id,
            StatusAttestation.status,
            StatusAttestation.method,
            StatusAttestation.attested_on,
            StatusAttestation.valid_until,
        ).order_by(StatusAttestation.household_id, StatusAttestation.id)
    )
    for hid, status, method, attested_on, valid_until in attestations:
        if hid in wanted:
            proof = (
                Proof.DOCUMENT_SEEN if method is AttestationMethod.DOCUMENT_SEEN else Proof.DECLARED
            )
            key = (status, proof, attested_on, valid_until)
            fact = interned.get(key)
            if fact is None:
                fact = interned[key] = StatusFact(status, proof, attested_on, valid_until)
            statuses[hid].append(fact)
    quotas: dict[int, list[QuotaUse]] = defaultdict(list)
    claims = run(
        select(QuotaClaim.household_id, QuotaClaim.quota_key, QuotaClaim.period).order_by(
            QuotaClaim.household_id, QuotaClaim.id
        )
    )
    for hid, key, period in claims:
        if hid in wanted:
            quotas[hid].append(QuotaUse(key, period))
    facts = []
    organisation_of = {}
    for hid, org_id, postcode, commune, qpv, computer, smartphone, tablet in households:
        organisation_of[hid] = org_id
        household_ages = tuple(ages.get(hid, ()))
        facts.append(
            (
                hid,
                Facts(
                    statuses=tuple(statuses.get(hid, ())),
                    ages=household_ages,
                    reference_age=reference.get(hid),
                    postcode=postcode,
                    commune=commune,
                    qpv=qpv,
                    has_computer=computer,
                    has_smartphone=smartphone,
                    has_tablet=tablet,
                    quota_uses=tuple(quotas.get(hid, ())),
                    commitments=None,
                    size=max(len(household_ages), 1),
                ),
            )
        )
    return Population(facts, organisation_of)


def parse_day(text: str) -> date | None:
    """The day chosen on the page (AAAA-MM-JJ), or None (the default day) when unreadable."""
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


def first_change(draft: Programme, current: Programme | None, after: date) -> date | None:
    """The first day after ``after`` on which the draft's dates differ from the version in
    force: a dated parameter value, its start or its end."""

    def dated(programme: Programme | None) -> set[tuple[str, date, Any]]:
        if programme is None:
            return set()
        found = {("valid_from", programme.valid_from, None)}
        if programme.valid_to is not None:
            found.add(("valid_to", programme.valid_to, None))
        for parameter in programme.parameters.values():
            found |= {(parameter.name, start, repr(v)) for start, v in parameter.values}
        return found

    days = [day for _, day, _ in dated(draft) - dated(current) if day > after]
    return min(days, default=None)


def _envelope_use(code: str, programme: Programme, on: date) -> tuple[EnvelopeUse, list[date]]:
    if programme.envelope is None:
        return EnvelopeUse(), []
    period = quota_period(programme.envelope.per, on)
    counter = db.session.execute(
        select(EnvelopeCounter.grants, EnvelopeCounter.eur).where(
            EnvelopeCounter.programme_code == code, EnvelopeCounter.period == period
        )
    ).first()
    days = db.session.scalars(
        select(EnvelopeClaim.created_at).where(
            EnvelopeClaim.programme_code == code, EnvelopeClaim.period == period
        )
    )
    use = EnvelopeUse(*counter) if counter is not None else EnvelopeUse()
    return use, [moment.date() for moment in days]


def _counts(counts: dict[Any, int] | None) -> dict[str, int] | None:
    return None if counts is None else {e.value: n for e, n in counts.items()}


@dataclass(frozen=True)
class PreviewReport:
    """What the preview page and the API show: JSON-ready through ``as_dict``."""

    code: str
    on: date
    source: str  # "draft", "definition" (given) or "published" (the latest, no draft)
    current_version: int | None
    result: PreviewResult
    organisation_id: int | None
    named: dict[int, str]  # id -> reference name, for the author's organisation
    organisation_ids: tuple[int, ...]

    def _people(self, ids: tuple[int, ...]) -> list[dict[str, Any]]:
        price = {
            "before": self.result.current.outcome if self.result.current else None,
            "after": self.result.draft.outcome,
        }
        listed: list[dict[str, Any]] = []
        for hid in ids:
            if hid not in self.named:
                continue
            if len(listed) >= LISTED_MAX:
                break
            before, after = self.result.eligibility(hid)
            listed.append(
                {
                    "household_id": hid,
                    "name": self.named[hid],
                    "before": before.value,
                    "after": after.value,
                    "price_before": price["before"].price_eur if price["before"] else None,
                    "price_after": price["after"].price_eur if price["after"] else None,
                }
            )
        return listed

    def as_dict(self) -> dict[str, Any]:
        result = self.result
        mine = set(self.organisation_ids)
        draft_org, current_org = result.counts(self.organisation_ids)

        def among(ids: tuple[int, ...]) -> int:
            return sum(1 for i in ids if i in mine)

        return {
            "programme": self.code,
            "on": self.on.isoformat(),
            "source": self.source,
            "current_version": self.current_version,
            "outcome_changes": [c.as_dict() for c in result.outcome_changes],
            "organisation": {
                "id": self.organisation_id,
                "counts": {"draft": _counts(draft_org), "current": _counts(current_org)},
                "gains": self._people(result.gains),
                "losses": self._people(result.losses),
                "changes": self._people(result.changes),
                "totals": {
                    "gains": among(result.gains),
                    "losses": among(result.losses),
                    "changes": among(result.changes),
                },
            },
            "territory": {
                "households": len(result.ids),
                "counts": {
                    "draft": _counts(result.draft_counts),
                    "current": _counts(result.current_counts),
                },
                "gains": len(result.gains),
                "losses": len(result.losses),
                "changes": len(result.changes),
            },
            "envelope": result.envelope.as_dict() if result.envelope else None,
        }


def preview(
    record_: ProgrammeRecord,
    actor: Any,
    on: date | None = None,
    definition: dict[str, Any] | None = None,
) -> PreviewReport:
    """The draft (or ``definition``) against the version in force on ``on`` (default:
    the draft's first dated change to come, else today). DomainError for a reader who may
    not write the programme; ProgrammeInvalid for a bad definition."""
    if not services.may_write(record_, actor):
        raise DomainError(_("Seuls ceux qui peuvent modifier ce programme le prévisualisent."))
    source = "definition"
    if definition is None:
        version = services.draft_of(record_)
        source = "draft"
        if version is None:
            version, source = services.latest_published(record_), "published"
        if version is None:
            raise DomainError(_("Ce programme n'a ni brouillon ni version publiée."))
        definition = version.definition
    draft = services.check_definition(definition, record_.code)
    now = today()
    current_today = catalogue.find(record_.code, now)
    on = on or first_change(draft, current_today, now) or now
    current = catalogue.find(record_.code, on)
    use, grant_days = _envelope_use(record_.code, draft, on)
    population = load_facts(on)
    result = compare(current, draft, population.facts, on, use, grant_days, as_of=now)
    org_id = getattr(actor, "organisation_id", None)
    role = getattr(actor, "role", None)
    mine = tuple(
        hid
        for hid, owner in population.organisation_of.items()
        if owner == org_id
        and (role is None or allowed(role, Permission.HOUSEHOLD_READ, org_id, owner))
    )
    shown = set(mine)
    listed = {
        hid
        for ids in (result.gains, result.losses, result.changes)
        for hid in [i for i in ids if i in shown][:LISTED_MAX]
    }
    named = _names(sorted(listed))
    if named:
        record(
            "household.list",
            "household",
            "",
            detail={"count": len(named), "programme_preview": record_.code},
            actor=actor,
        )
        db.session.commit()
    return PreviewReport(
        code=record_.code,
        on=on,
        source=source,
        current_version=current.version if current is not None else None,
        result=result,
        organisation_id=org_id,
        named=named,
        organisation_ids=mine,
    )


def _names(ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(Household.id, Household.reference_name).where(Household.id.in_(ids))
    )
    return {hid: name for hid, name in rows}
