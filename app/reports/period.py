"""Report periods: whole days, both ends included, split into calendar months. Pure module."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.core.marking import N_

MONTH_NAMES_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

MONTH_ABBREVIATIONS_FR = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)


# Longest period a report may cover: ten years of months keeps charts readable.
MAX_DAYS = 3660


class PeriodError(ValueError):
    """A period that cannot be used; the message is French, for people."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included

    @property
    def start_at(self) -> datetime:
        """First instant of the period (naive UTC, as stored)."""
        return datetime(self.start.year, self.start.month, self.start.day)

    @property
    def end_before(self) -> datetime:
        """First instant after the period: queries use ``at < end_before``."""
        return datetime(self.end.year, self.end.month, self.end.day) + timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def months(self) -> list[str]:
        """Every calendar month the period touches, as 'YYYY-MM', in order."""
        out = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    def label(self) -> str:
        return f"du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def month_key(value: date | datetime) -> str:
    return f"{value.year:04d}-{value.month:02d}"


def month_label(key: str) -> str:
    """'2026-03' -> 'mars 2026'."""
    year, month = key.split("-")
    return f"{MONTH_NAMES_FR[int(month) - 1]} {year}"


def month_label_short(key: str) -> str:
    """'2026-03' -> 'mars 2026', '2026-02' -> 'févr. 2026' (tables and chart axes)."""
    year, month = key.split("-")
    return f"{MONTH_ABBREVIATIONS_FR[int(month) - 1]} {year}"


def last_twelve_months(today: date) -> Period:
    """Default period: the current month and the eleven before it, up to today."""
    year, month = today.year, today.month - 11
    if month < 1:
        year, month = year - 1, month + 12
    return Period(date(year, month, 1), today)


def parse_period(start: str | date | None, end: str | date | None, today: date) -> Period:
    """A period from form values (ISO dates); missing ends default to the last 12 months."""
    default = last_twelve_months(today)
    try:
        first = _as_date(start) or default.start
        last = _as_date(end) or (today if start else default.end)
    except ValueError:
        raise PeriodError(N_("Date invalide : utilisez le format jj/mm/aaaa.")) from None
    if last < first:
        raise PeriodError(N_("La date de fin est avant la date de début."))
    if (last - first).days + 1 > MAX_DAYS:
        raise PeriodError(N_("La période est trop longue : dix ans au plus."))
    return Period(first, last)


def _as_date(value: str | date | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(value.strip())
