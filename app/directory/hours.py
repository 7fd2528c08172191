"""Opening hours in the OSM ``opening_hours`` syntax, read in plain words (pure).

The standards (La MedNum, data·inclusion) publish hours in the OpenStreetMap syntax
("Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off"). The maintained
``opening-hours-py`` library (a Rust parser of the full specification) reads them; this
module only puts its answers into words, in Europe/Paris time. Public holidays: the
library is given the country ("FR"), so ``PH off`` closes a place on the French public
holidays (1 January, Easter Monday, 1 and 8 May, Ascension, Whit Monday, 14 July,
15 August, 1 and 11 November, 25 December) with no calendar of ours to keep.

A value the library cannot read never breaks a page: every function answers "unknown"
(None, or no hours), and ``problem()`` gives the place's owner the reason.

Words are French texts marked with ``N_``; the functions that return words take a
``speaker`` (``app.eligibility.wording``: French by default, the page's language with
``app.eligibility.display.speaker()``). Times too: "9 h 30" in French, "9:30" in English.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import opening_hours as osm

from app.core.marking import N_
from app.eligibility.wording import FRENCH, Speaker

PARIS = ZoneInfo("Europe/Paris")
COUNTRY = "FR"
DAY_NAMES = (
    N_("Lundi"),
    N_("Mardi"),
    N_("Mercredi"),
    N_("Jeudi"),
    N_("Vendredi"),
    N_("Samedi"),
    N_("Dimanche"),
)
SATURDAY = 5
MORNING_ENDS = time(13, 0)  # "open on Saturday morning": open at some point before 1 pm
CLOSED = N_("Fermé")


@dataclass(frozen=True)
class Interval:
    start: time
    end: time  # time(0) when the interval runs to midnight
    comment: str = ""

    @property
    def text(self) -> str:
        return self.words()

    def words(self, speaker: Speaker = FRENCH) -> str:
        """ "9 h – 12 h" (French), "9:00 – 12:00" (English)."""
        end = _hour(speaker, 24, 0) if self.end == time(0) else hour_text(self.end, speaker)
        words = f"{hour_text(self.start, speaker)} – {end}"
        return f"{words} ({self.comment})" if self.comment else words


@dataclass(frozen=True)
class DayHours:
    day: date
    intervals: tuple[Interval, ...]
    holiday: bool = False  # a French public holiday
    unknown: bool = False  # the syntax says "unknown" for part of the day

    @property
    def name(self) -> str:
        return self.name_in()

    @property
    def text(self) -> str:
        return self.words()

    @property
    def line(self) -> str:
        return self.line_in()

    def name_in(self, speaker: Speaker = FRENCH) -> str:
        return speaker.gettext(DAY_NAMES[self.day.weekday()])

    def words(self, speaker: Speaker = FRENCH) -> str:
        """ "9 h – 12 h, 14 h – 17 h", or "Fermé" (with "jour férié" on a holiday)."""
        if not self.intervals:
            if self.unknown:
                return speaker.gettext(N_("Horaires à confirmer"))
            if self.holiday:
                return speaker.gettext(N_("Fermé (jour férié)"))
            return speaker.gettext(CLOSED)
        if self.intervals == (Interval(time(0), time(0)),):
            return speaker.gettext(N_("Ouvert toute la journée"))
        return ", ".join(interval.words(speaker) for interval in self.intervals)

    def line_in(self, speaker: Speaker = FRENCH) -> str:
        """ "Lundi : 9 h – 12 h, 14 h – 17 h" ("Monday: 9:00 – 12:00, 14:00 – 17:00")."""
        return speaker.gettext(N_("%(day)s : %(hours)s")) % {
            "day": self.name_in(speaker),
            "hours": self.words(speaker),
        }


def _hour(speaker: Speaker, hour: int, minute: int) -> str:
    if minute:
        return speaker.gettext(N_("%(h)s h %(m)s")) % {"h": hour, "m": f"{minute:02d}"}
    return speaker.gettext(N_("%(h)s h")) % {"h": hour}


def hour_text(value: time, speaker: Speaker = FRENCH) -> str:
    """ "9 h", "9 h 30" in French, "9:00", "9:30" in English ("24 h" for an interval that
    runs to midnight: see Interval)."""
    return _hour(speaker, value.hour, value.minute)


@lru_cache(maxsize=8192)
def _parse(value: str) -> osm.OpeningHours | None:
    try:
        return osm.OpeningHours(value, timezone=PARIS, country=COUNTRY)
    except Exception:  # the library raises its own ParserError (and SyntaxError in 1.x)
        return None


@lru_cache(maxsize=1)
def _holidays() -> osm.OpeningHours:
    return osm.OpeningHours("PH", timezone=PARIS, country=COUNTRY)


def problem(value: str, speaker: Speaker = FRENCH) -> str | None:
    """For the place's owner: why these hours cannot be read, or None when they can
    (an empty value is not a problem: the hours are simply not published)."""
    if not value.strip():
        return None
    if _parse(value.strip()) is None:
        return speaker.gettext(
            N_(
                "Les horaires ne sont pas lisibles (format OpenStreetMap attendu, par exemple "
                "« Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off »)."
            )
        )
    return None


def is_open(value: str, at: datetime) -> bool | None:
    """Open at ``at`` (an aware datetime), closed, or None when unknown or unreadable."""
    parsed = _parse(value.strip()) if value.strip() else None
    if parsed is None:
        return None
    moment = at.astimezone(PARIS)
    if parsed.is_unknown(moment):
        return None
    return parsed.is_open(moment)


def is_holiday(day: date) -> bool:
    """A French public holiday (as the library's calendar for "FR" knows them)."""
    return _holidays().is_open(datetime.combine(day, time(12), PARIS))


@lru_cache(maxsize=8192)
def day_hours(value: str, day: date) -> DayHours | None:
    """The opening intervals of one day, or None when the value is empty or unreadable."""
    parsed = _parse(value.strip()) if value.strip() else None
    if parsed is None:
        return None
    start = datetime.combine(day, time(0), PARIS)
    end = datetime.combine(day + timedelta(days=1), time(0), PARIS)
    intervals: list[Interval] = []
    unknown = False
    for begin, finish, state, comment in parsed.intervals(start, end):
        if state == osm.State.UNKNOWN:
            unknown = True
        if state != osm.State.OPEN:
            continue
        begin_local = max(begin, start).astimezone(PARIS)
        finish_local = min(finish or end, end).astimezone(PARIS)
        end_time = time(0) if finish_local >= end else finish_local.time()
        intervals.append(Interval(begin_local.time(), end_time, comment or ""))
    return DayHours(day, tuple(intervals), holiday=is_holiday(day), unknown=unknown)


def week(value: str, today: date) -> list[DayHours]:
    """Monday to Sunday, each day taken at its next date from ``today`` (today
    included), so that a public holiday of the coming days shows as one. Empty when the
    value is empty or unreadable."""
    days = [today + timedelta(days=offset) for offset in range(7)]
    result = [day_hours(value, day) for day in sorted(days, key=date.weekday)]
    return [hours for hours in result if hours is not None]


@lru_cache(maxsize=8192)  # a search asks it for every candidate place: few distinct values
def open_on_saturday(value: str, today: date, morning: bool = False) -> bool:
    """Open on one of the next two Saturdays (a holiday Saturday is skipped that way);
    with ``morning``, open at some point before 1 pm."""
    first = today + timedelta(days=(SATURDAY - today.weekday()) % 7)
    for saturday in (first, first + timedelta(days=7)):
        hours = day_hours(value, saturday)
        if hours is None:
            return False
        for interval in hours.intervals:
            if not morning or interval.start < MORNING_ENDS:
                return True
    return False


def summary(value: str, today: date, speaker: Speaker = FRENCH) -> list[str]:
    """Short facts worth a badge: "Ouvert le samedi matin", "Ouvert le samedi"."""
    if open_on_saturday(value, today, morning=True):
        return [speaker.gettext(N_("Ouvert le samedi matin"))]
    if open_on_saturday(value, today):
        return [speaker.gettext(N_("Ouvert le samedi"))]
    return []


def today_text(value: str, now: datetime, speaker: Speaker = FRENCH) -> str | None:
    """ "Aujourd'hui : 9 h – 12 h", or None when the hours are not known."""
    hours = day_hours(value, now.astimezone(PARIS).date())
    if hours is None:
        return None
    return speaker.gettext(N_("Aujourd'hui : %(hours)s")) % {"hours": hours.words(speaker)}
