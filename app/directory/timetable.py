"""A weekly timetable (days x up to two time ranges) <-> OSM ``opening_hours`` (pure).

No one types "Mo-Fr 09:00-12:00,14:00-17:00; PH off" by hand: the owner fills a small
grid and ``build()`` writes the string the standards publish (days with the same ranges
grouped, "Mo-Fr" for a run of three or more days). ``read()`` gives the grid back from a
string ``build()`` wrote, so the form shows what is saved; a hand-written value it cannot
put in the grid (week numbers, "Sa[1]"...) comes back as None and is kept as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
HOLIDAYS_OFF = "PH off"
MAX_RANGES = 2


class TimetableError(ValueError):
    """A range the grid cannot hold; ``day`` is 0-6, ``message`` in French."""

    def __init__(self, day: int, message: str) -> None:
        super().__init__(message)
        self.day, self.message = day, message


@dataclass(frozen=True)
class Range:
    start: time
    end: time

    @property
    def text(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass
class Timetable:
    days: list[list[Range]] = field(default_factory=lambda: [[] for _ in DAYS])
    closed_on_holidays: bool = True


def check(table: Timetable) -> None:
    """Raise ``TimetableError`` for a range that ends before it starts, or overlaps."""
    for day, ranges in enumerate(table.days):
        if len(ranges) > MAX_RANGES:
            raise TimetableError(day, "Deux plages horaires au plus par jour.")
        for r in ranges:
            if r.end <= r.start:
                raise TimetableError(day, "Une plage doit finir après son début.")
        ordered = sorted(ranges, key=lambda r: r.start)
        for first, second in zip(ordered, ordered[1:], strict=False):
            if second.start < first.end:
                raise TimetableError(day, "Les deux plages se chevauchent.")


def _days_text(days: list[int]) -> str:
    """[0, 1, 2, 4] -> "Mo-We,Fr"."""
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAYS[run[0]]}-{DAYS[run[-1]]}")
        else:
            parts.extend(DAYS[d] for d in run)
    return ",".join(parts)


def build(table: Timetable) -> str:
    """The OSM string: "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off".

    Empty when no day is open (nothing said, rather than "closed every day").
    """
    check(table)
    groups: dict[str, list[int]] = {}
    for day, ranges in enumerate(table.days):
        if ranges:
            key = ",".join(r.text for r in sorted(ranges, key=lambda r: r.start))
            groups.setdefault(key, []).append(day)
    if not groups:
        return ""
    rules = [f"{_days_text(days)} {ranges}" for ranges, days in
             sorted(groups.items(), key=lambda item: item[1][0])]  # fmt: skip
    if table.closed_on_holidays:
        rules.append(HOLIDAYS_OFF)
    return "; ".join(rules)


_RULE = re.compile(r"^(?P<days>[A-Z][a-z](?:[-,][A-Z][a-z])*) (?P<ranges>\d\d:\d\d-\d\d:\d\d(?:,\d\d:\d\d-\d\d:\d\d)?)$")  # fmt: skip


def _expand(days: str) -> list[int] | None:
    found: list[int] = []
    for part in days.split(","):
        ends = part.split("-")
        if any(e not in DAYS for e in ends) or len(ends) > 2:
            return None
        first, last = DAYS.index(ends[0]), DAYS.index(ends[-1])
        if last < first:
            return None
        found.extend(range(first, last + 1))
    return found


def read(value: str) -> Timetable | None:
    """The grid of a string of the form ``build()`` writes; None for anything else."""
    table = Timetable(closed_on_holidays=False)
    rules = [r.strip() for r in (value or "").split(";") if r.strip()]
    for rule in rules:
        if rule == HOLIDAYS_OFF:
            table.closed_on_holidays = True
            continue
        match = _RULE.match(rule)
        days = _expand(match.group("days")) if match else None
        if match is None or days is None:
            return None
        try:
            ranges = [Range(time.fromisoformat(a), time.fromisoformat(b))
                      for a, b in (part.split("-") for part in match.group("ranges").split(","))]  # fmt: skip
        except ValueError:
            return None
        for day in days:
            if table.days[day]:
                return None  # the same day twice: not a grid
            table.days[day] = ranges
    if not rules:
        table.closed_on_holidays = True
    try:
        check(table)
    except TimetableError:
        return None
    return table
