"""A programme's draft against the version in force, over many households. Pure module.

Before publishing, an author sees who the draft would change on a day: how many
households each version finds eligible, almost eligible or not; who gains (not eligible
-> eligible or almost, almost -> eligible), who loses (the reverse), whose outcome
changes (the price 15 -> 20 EUR); and whether the envelope would hold: how many
households are eligible against what is left, and at the pace of the grants already
made, the day it would run out. Households are classified with ``classify.py`` (each
distinct situation once); a single household's explanation stays with ``engine.py``.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from app.eligibility.classify import Classification, classify
from app.eligibility.engine import Eligibility, envelope_limits
from app.eligibility.facts import Facts
from app.eligibility.programme import (
    EnvelopeUse,
    MissingParameter,
    Outcome,
    Programme,
    quota_period,
)

_RANK = {Eligibility.ELIGIBLE: 0, Eligibility.ALMOST: 1, Eligibility.NOT_ELIGIBLE: 2}
DAYS_PER_MONTH = 365.25 / 12
MIN_PACE_DAYS = 30  # a pace is read over a month at least (two grants today are not 60 a month)
# What a household gets, field by field (the parameters' own dates are not a change).
OUTCOME_FIELDS = (
    "kind",
    "device_types",
    "price_eur",
    "price_grid",
    "warranty_months",
    "loan_months",
    "deposit_eur",
    "cession_after_months",
    "terms",
)


def _plain(value: Any) -> Any:
    """JSON-ready: enums by value, tuples as lists, grids as dicts."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return getattr(value, "value", value)


@dataclass(frozen=True, slots=True)
class OutcomeChange:
    field: str  # an Outcome field, e.g. "price_eur"
    before: Any  # JSON-ready
    after: Any

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "before": self.before, "after": self.after}


def outcome_changes(before: Outcome | None, after: Outcome | None) -> tuple[OutcomeChange, ...]:
    """What a household getting both would see change (nothing when either is None)."""
    if before is None or after is None:
        return ()
    changes = []
    for name in OUTCOME_FIELDS:
        old, new = _plain(getattr(before, name)), _plain(getattr(after, name))
        if old != new:
            changes.append(OutcomeChange(name, old, new))
    return tuple(changes)


def period_end(per: str, on: date) -> date | None:
    """The last day of the envelope's period containing ``on`` (None: over its life)."""
    if per == "year":
        return date(on.year, 12, 31)
    if per == "month":
        return date(on.year, on.month, calendar.monthrange(on.year, on.month)[1])
    return None


@dataclass(frozen=True, slots=True)
class EnvelopeForecast:
    """The draft's envelope on the day: its size, what is used, who is eligible, the pace."""

    max_grants: int | None
    max_eur: int | None
    grant_eur: int
    per: str
    period: str
    used_grants: int
    used_eur: int
    remaining: int | None  # grants that still fit (None: no limit in grants)
    eligible: int  # households eligible on the day (almost eligible ones not counted)
    pace_per_month: float | None  # grants a month at the pace so far (None: none yet)
    runs_out_on: date | None  # at that pace (None: no pace, or nothing left already)
    period_ends_on: date | None

    @property
    def spent(self) -> bool:
        return self.remaining is not None and self.remaining <= 0

    @property
    def would_run_out(self) -> bool:
        """More eligible households than grants left."""
        return self.remaining is not None and self.eligible > self.remaining

    @property
    def lasts_the_period(self) -> bool:
        if self.runs_out_on is None or self.period_ends_on is None:
            return False
        return self.runs_out_on > self.period_ends_on

    def as_dict(self) -> dict[str, Any]:
        return {
            "max_grants": self.max_grants,
            "max_eur": self.max_eur,
            "grant_eur": self.grant_eur,
            "per": self.per,
            "period": self.period,
            "used_grants": self.used_grants,
            "used_eur": self.used_eur,
            "remaining": self.remaining,
            "eligible": self.eligible,
            "spent": self.spent,
            "would_run_out": self.would_run_out,
            "pace_per_month": None
            if self.pace_per_month is None
            else round(self.pace_per_month, 2),
            "runs_out_on": self.runs_out_on.isoformat() if self.runs_out_on else None,
            "period_ends_on": self.period_ends_on.isoformat() if self.period_ends_on else None,
            "lasts_the_period": self.lasts_the_period,
        }


def envelope_forecast(
    programme: Programme,
    on: date,
    eligible: int,
    use: EnvelopeUse | None,
    grant_days: Iterable[date],
    as_of: date,
) -> EnvelopeForecast | None:
    """The envelope of ``programme`` on ``on`` against ``eligible`` households.

    ``use``: what it has given in the period of ``on``; ``grant_days``: the days of the
    grants already made, read on ``as_of`` (usually today): the pace is their number over
    the days from the first of them to ``as_of`` (a month at least). None: no envelope
    (or one whose size is a parameter missing that day)."""
    try:
        limits = envelope_limits(programme, on)
    except MissingParameter:
        return None
    if limits is None:
        return None
    use = use or EnvelopeUse()
    left = []
    if limits.max_grants is not None:
        left.append(limits.max_grants - use.grants)
    if limits.max_eur is not None and limits.grant_eur > 0:
        left.append((limits.max_eur - use.eur) // limits.grant_eur)
    remaining = max(min(left), 0) if left else None
    past = sorted(d for d in grant_days if d <= as_of)
    pace_per_day = None
    if past:
        span = max((as_of - past[0]).days, MIN_PACE_DAYS)
        pace_per_day = len(past) / span
    runs_out_on = None
    if pace_per_day and remaining:
        runs_out_on = max(as_of, on) + timedelta(days=math.ceil(remaining / pace_per_day))
    return EnvelopeForecast(
        max_grants=limits.max_grants,
        max_eur=limits.max_eur,
        grant_eur=limits.grant_eur,
        per=limits.per,
        period=quota_period(limits.per, on),
        used_grants=use.grants,
        used_eur=use.eur,
        remaining=remaining,
        eligible=eligible,
        pace_per_month=None if pace_per_day is None else pace_per_day * DAYS_PER_MONTH,
        runs_out_on=runs_out_on,
        period_ends_on=period_end(limits.per, on),
    )


@dataclass(frozen=True)
class PreviewResult:
    """The draft and the version in force on ``on``, household by household (by id)."""

    on: date
    ids: tuple[int, ...]
    draft: Classification
    current: Classification | None  # None: no version in force (a new programme)
    gains: tuple[int, ...]
    losses: tuple[int, ...]
    changes: tuple[int, ...]  # eligible or almost in both, and what they get changes
    outcome_changes: tuple[OutcomeChange, ...]
    envelope: EnvelopeForecast | None
    _index: dict[int, int] = field(default_factory=dict, repr=False, compare=False)

    def positions(self, ids: Iterable[int]) -> list[int]:
        index = self._index or {hid: i for i, hid in enumerate(self.ids)}
        return [index[i] for i in ids if i in index]

    def counts(
        self, ids: Iterable[int] | None = None
    ) -> tuple[dict[Eligibility, int], dict[Eligibility, int] | None]:
        """(draft, in force) counts, among ``ids`` or over every household."""
        where = None if ids is None else self.positions(ids)
        current = None if self.current is None else self.current.counts(where)
        return self.draft.counts(where), current

    @property
    def draft_counts(self) -> dict[Eligibility, int]:
        return self.draft.counts()

    @property
    def current_counts(self) -> dict[Eligibility, int] | None:
        return None if self.current is None else self.current.counts()

    def eligibility(self, household_id: int) -> tuple[Eligibility, Eligibility]:
        """(in force, draft) for one household."""
        i = self.positions([household_id])[0]
        before = Eligibility.NOT_ELIGIBLE if self.current is None else self.current.eligibility[i]
        return before, self.draft.eligibility[i]


def compare(
    current: Programme | None,
    draft: Programme,
    households: Sequence[tuple[int, Facts]],
    on: date,
    envelope_use: EnvelopeUse | None = None,
    grants: Iterable[date] = (),
    as_of: date | None = None,
) -> PreviewResult:
    """The draft against the version in force (``current``), both on ``on``.

    ``households``: (id, facts) pairs; ``envelope_use``: what the programme's envelope has
    given in the period of ``on``; ``grants``: the days of the grants already made, read
    on ``as_of`` (default ``on``), for the envelope's pace."""
    ids = tuple(hid for hid, _ in households)
    facts = [f for _, f in households]
    after = classify(draft, facts, on, envelope_use)
    before = classify(current, facts, on, envelope_use) if current is not None else None
    changed = outcome_changes(before.outcome if before else None, after.outcome)
    gains, losses, changes = [], [], []
    olds = before.eligibility if before is not None else (Eligibility.NOT_ELIGIBLE,) * len(ids)
    for hid, old, new in zip(ids, olds, after.eligibility, strict=True):
        if old is new:
            if changed and new is not Eligibility.NOT_ELIGIBLE:
                changes.append(hid)
            continue
        if _RANK[new] < _RANK[old]:
            gains.append(hid)
        else:
            losses.append(hid)
        if changed and Eligibility.NOT_ELIGIBLE not in (old, new):
            changes.append(hid)
    eligible = after.counts()[Eligibility.ELIGIBLE]
    return PreviewResult(
        on=on,
        ids=ids,
        draft=after,
        current=before,
        gains=tuple(gains),
        losses=tuple(losses),
        changes=tuple(changes),
        outcome_changes=changed,
        envelope=envelope_forecast(draft, on, eligible, envelope_use, grants, as_of or on),
        _index={hid: i for i, hid in enumerate(ids)},
    )
