"""Slot matching: a household's profile, place, needs and constraints -> slots ranked, with reasons.

Pure module (no Flask, no SQLAlchemy). Hard constraints exclude a slot (level not taught,
no lift for a wheelchair, own device required but none at home, price not possible, day
not possible, another département); the others add to a score, and every point added
comes with a reason the prescriber can read out.

Slots are indexed once (``SlotIndex``) by (département, level, theme): matching a household
looks only at the slots of its own département and level that teach one of its themes,
so the cost per household does not grow with the number of départements.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class PriceKind(StrEnum):
    FREE = "gratuit"
    PASS_NUMERIQUE = "pass_numerique"  # noqa: S105 (paid with Pass numérique vouchers)
    MEMBERSHIP = "adhesion"  # the place's membership fee


class Reason(StrEnum):
    THEME = "theme"  # detail: the theme code
    SAME_COMMUNE = "same_commune"
    SAME_DEPARTEMENT = "same_departement"
    INDIVIDUAL_FOR_ASSISTANCE = "individual"  # one-to-one for someone who needs it
    GROUP_FOR_AUTONOMY = "group"
    SEATS_LEFT = "seats_left"  # detail: how many
    WAITING_LIST = "waiting_list"  # detail: how many already wait
    SOON = "soon"  # within a week
    ACCESSIBLE = "accessible"
    DEVICE_PROVIDED = "device_provided"
    FREE = "free"


@dataclass(frozen=True, slots=True)
class Slot:
    """A bookable session as matching sees it. ``starts_at`` is local time."""

    id: int
    commune: str
    postcode: str
    themes: frozenset[str]
    levels: frozenset[str]  # empty: every level
    individual: bool
    capacity: int
    booked: int
    starts_at: datetime
    price_kind: PriceKind = PriceKind.FREE
    accessible: bool = False
    bring_own_device: bool = False
    waiting: int = 0
    # Sessions of one weekly series share a group: suggestions show one of each.
    group: str = ""
    # Derived once here rather than for every household that looks at the slot.
    departement: str = field(default="", compare=False)
    norm_commune: str = field(default="", compare=False)
    day: int = field(default=0, compare=False)  # proleptic ordinal of the date
    weekday: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "departement", self.departement or departement_of(self.postcode))
        set_(self, "norm_commune", _norm(self.commune))
        set_(self, "day", self.starts_at.toordinal())
        set_(self, "weekday", self.starts_at.weekday())


@dataclass(frozen=True, slots=True)
class Need:
    """A household's side: its diagnostic and what is possible for it."""

    field_level: str
    themes: tuple[str, ...]  # most needed first
    commune: str = ""
    postcode: str = ""
    path: str = ""
    has_device: bool = True
    needs_accessibility: bool = False
    prices: frozenset[PriceKind] = frozenset(PriceKind)
    weekdays: frozenset[int] | None = None  # 0 = Monday; None = any day
    same_commune_only: bool = False


@dataclass(frozen=True)
class Match:
    slot: Slot
    score: int
    reasons: tuple[tuple[Reason, str], ...] = field(default=())


ALL_LEVELS = ("grand_debutant", "debutant", "intermediaire", "autonome")
THEME_POINTS = (30, 20, 10)  # first, second, third theme of the household


def departement_of(postcode: str) -> str:
    """'57050' -> '57'; Corsica and overseas keep their usual prefixes ('20', '971')."""
    code = (postcode or "").strip()
    if code.startswith("97") and len(code) >= 3:
        return code[:3]
    return code[:2]


def _norm(commune: str) -> str:
    return " ".join(commune.casefold().replace("-", " ").split())


class SlotIndex:
    """Slots grouped by (département, level, theme); built once per matching run."""

    def __init__(self, slots: Iterable[Slot]) -> None:
        self._buckets: dict[tuple[str, str, str], list[Slot]] = {}
        self._by_level: dict[tuple[str, str], list[Slot]] = {}
        self.size = 0
        for slot in slots:
            self.size += 1
            dept = slot.departement
            for level in slot.levels or ALL_LEVELS:
                self._by_level.setdefault((dept, level), []).append(slot)
                for theme in slot.themes:
                    self._buckets.setdefault((dept, level, theme), []).append(slot)

    def candidates(self, need: Need) -> Iterable[Slot]:
        dept = departement_of(need.postcode)
        if not need.themes:
            return self._by_level.get((dept, need.field_level), ())
        seen: set[int] = set()
        found: list[Slot] = []
        for theme in need.themes:
            for slot in self._buckets.get((dept, need.field_level, theme), ()):
                if slot.id not in seen:
                    seen.add(slot.id)
                    found.append(slot)
        return found


class _Context:
    """What matching needs from one household, computed once rather than per slot."""

    __slots__ = ("commune", "dept", "need", "now", "today", "themes")

    def __init__(self, need: Need, now: datetime) -> None:
        self.need = need
        self.now = now
        self.today = now.toordinal()
        self.dept = departement_of(need.postcode) if need.postcode else ""
        self.commune = _norm(need.commune) if need.commune else ""
        self.themes = tuple(zip(need.themes, THEME_POINTS, strict=False))


def _evaluate(ctx: _Context, slot: Slot, reasons: list[tuple[Reason, str]] | None) -> int | None:
    """The one scoring rule: the score, or None when a hard constraint excludes the slot.

    Reasons are written to ``reasons`` when given (only for the slots finally shown).
    """
    need = ctx.need
    if slot.levels and need.field_level not in slot.levels:
        return None
    if need.needs_accessibility and not slot.accessible:
        return None
    if slot.bring_own_device and not need.has_device:
        return None
    if slot.price_kind not in need.prices:
        return None
    if slot.starts_at < ctx.now:
        return None
    if need.weekdays is not None and slot.weekday not in need.weekdays:
        return None
    if ctx.dept and ctx.dept != slot.departement:
        return None
    same_commune = bool(ctx.commune) and ctx.commune == slot.norm_commune
    if need.same_commune_only and not same_commune:
        return None
    score = 0
    for theme, points in ctx.themes:
        if theme in slot.themes:
            score += points
            if reasons is not None:
                reasons.append((Reason.THEME, theme))
    if ctx.themes and score == 0:
        return None
    if same_commune:
        score += 15
    seats = slot.capacity - slot.booked
    individual_bonus = slot.individual and need.path == "assistance"
    group_bonus = not slot.individual and need.path == "autonomie"
    score += 10 if individual_bonus else 5 if group_bonus else 0
    score += 10 if seats > 0 else -5
    days = slot.day - ctx.today  # calendar days from today
    score += 5 if days < 7 else max(0, 4 - days // 7)
    free = slot.price_kind is PriceKind.FREE
    score += 2 if free else 0
    if reasons is not None:
        if same_commune:
            reasons.append((Reason.SAME_COMMUNE, slot.commune))
        elif ctx.dept:
            reasons.append((Reason.SAME_DEPARTEMENT, slot.departement))
        if individual_bonus:
            reasons.append((Reason.INDIVIDUAL_FOR_ASSISTANCE, ""))
        elif group_bonus:
            reasons.append((Reason.GROUP_FOR_AUTONOMY, ""))
        if seats > 0:
            reasons.append((Reason.SEATS_LEFT, str(seats)))
        else:
            reasons.append((Reason.WAITING_LIST, str(slot.waiting)))
        if days < 7:
            reasons.append((Reason.SOON, ""))
        if need.needs_accessibility:
            reasons.append((Reason.ACCESSIBLE, ""))
        if not need.has_device:
            reasons.append((Reason.DEVICE_PROVIDED, ""))
        if free:
            reasons.append((Reason.FREE, ""))
    return score


def score_slot(need: Need, slot: Slot, now: datetime) -> Match | None:
    """Score one slot for one household, with reasons; None when a hard constraint excludes it."""
    reasons: list[tuple[Reason, str]] = []
    score = _evaluate(_Context(need, now), slot, reasons)
    return None if score is None else Match(slot, score, tuple(reasons))


def match(need: Need, index: SlotIndex, now: datetime, limit: int = 5) -> list[Match]:
    """The best ``limit`` slots for ``need``, best first (ties: the sooner slot first),
    at most one per group (weekly series).

    Every candidate is scored without reasons; the reasons are written for the winners only.
    """
    ctx = _Context(need, now)
    ranked = []
    for slot in index.candidates(need):
        score = _evaluate(ctx, slot, None)
        if score is not None:
            ranked.append((-score, slot.starts_at, slot.id, slot))
    ranked.sort()
    best, groups = [], set()
    for item in ranked:
        group = item[3].group
        if group and group in groups:
            continue  # the soonest good session of a series stands for the others
        groups.add(group)
        best.append(item[3])
        if len(best) == limit:
            break
    found = []
    for slot in best:
        reasons: list[tuple[Reason, str]] = []
        score = _evaluate(ctx, slot, reasons)
        assert score is not None
        found.append(Match(slot, score, tuple(reasons)))
    return found


def match_many(
    needs: Sequence[Need], slots: Iterable[Slot], now: datetime, limit: int = 5
) -> list[list[Match]]:
    """Match every household against the same slots (index built once)."""
    index = SlotIndex(slots)
    return [match(need, index, now, limit) for need in needs]
