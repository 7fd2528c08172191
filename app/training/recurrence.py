"""Weekly recurrence ("every Tuesday 9h-12h") expanded to dated occurrences.

Pure module. Occurrences keep the local wall-clock time across daylight-saving changes
(9h stays 9h in Paris in March and November); each is returned in naive UTC, as stored.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
MAX_WEEKS = 52


def to_utc(local: datetime, tz: ZoneInfo = PARIS) -> datetime:
    """A naive local wall-clock time -> naive UTC."""
    return local.replace(tzinfo=tz).astimezone(UTC).replace(tzinfo=None)


def to_local(utc: datetime, tz: ZoneInfo = PARIS) -> datetime:
    """A naive UTC time -> naive local wall-clock time."""
    return utc.replace(tzinfo=UTC).astimezone(tz).replace(tzinfo=None)


def next_weekday(start: date, weekday: int) -> date:
    """The first date on or after ``start`` that falls on ``weekday`` (0 = Monday)."""
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def weekly(first_day: date, at: time, weeks: int, tz: ZoneInfo = PARIS) -> list[datetime]:
    """``weeks`` occurrences, one a week from ``first_day`` at local time ``at`` (naive UTC)."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"weeks must be between 1 and {MAX_WEEKS}")
    return [to_utc(datetime.combine(first_day + timedelta(weeks=n), at), tz) for n in range(weeks)]


def opening_hours(days: set[int], start: time, end: time) -> str:
    """OpenStreetMap opening_hours for weekly slots, e.g. 'Tu,Th 13:00-17:00'."""
    names = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
    return f"{','.join(names[d] for d in sorted(days))} {start:%H:%M}-{end:%H:%M}"
