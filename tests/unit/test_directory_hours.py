"""Opening hours in words: OSM syntax in, plain French out, Europe/Paris time."""

from __future__ import annotations

from datetime import date, datetime, time

from app.directory import hours

PARIS = hours.PARIS
LIBRARY = "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off"


def test_the_week_in_words_with_a_public_holiday() -> None:
    # Monday 22 December 2025: Thursday the 25th is Christmas Day.
    lines = [day.line for day in hours.week(LIBRARY, date(2025, 12, 22))]
    assert lines == [
        "Lundi : 9 h – 12 h, 14 h – 17 h",
        "Mardi : 9 h – 12 h, 14 h – 17 h",
        "Mercredi : 9 h – 12 h, 14 h – 17 h",
        "Jeudi : Fermé (jour férié)",
        "Vendredi : 9 h – 12 h, 14 h – 17 h",
        "Samedi : 9 h – 12 h",
        "Dimanche : Fermé",
    ]


def test_ph_off_closes_on_french_public_holidays_only() -> None:
    assert hours.is_open(LIBRARY, datetime(2025, 7, 14, 10, 0, tzinfo=PARIS)) is False
    assert hours.is_open(LIBRARY, datetime(2025, 5, 8, 10, 0, tzinfo=PARIS)) is False
    assert hours.is_open(LIBRARY, datetime(2025, 7, 15, 10, 0, tzinfo=PARIS)) is True
    # Without "PH off", the holiday is an ordinary Monday.
    assert hours.is_open("Mo 09:00-12:00", datetime(2025, 7, 14, 10, 0, tzinfo=PARIS)) is True
    assert hours.is_holiday(date(2025, 7, 14)) and not hours.is_holiday(date(2025, 7, 15))


def test_open_now_is_computed_in_paris_time() -> None:
    # 08:30 UTC is 10:30 in Paris in summer: open; 10:30 UTC is 12:30 in Paris: closed.
    from datetime import UTC

    assert hours.is_open(LIBRARY, datetime(2025, 7, 15, 8, 30, tzinfo=UTC)) is True
    assert hours.is_open(LIBRARY, datetime(2025, 7, 15, 10, 30, tzinfo=UTC)) is False


def test_saturday_morning() -> None:
    monday = date(2025, 12, 1)
    assert hours.open_on_saturday(LIBRARY, monday, morning=True)
    assert hours.summary(LIBRARY, monday) == ["Ouvert le samedi matin"]
    afternoon = "Sa 14:00-18:00"
    assert hours.open_on_saturday(afternoon, monday)
    assert not hours.open_on_saturday(afternoon, monday, morning=True)
    assert hours.summary(afternoon, monday) == ["Ouvert le samedi"]
    assert not hours.open_on_saturday("Tu 09:00-12:00", monday)


def test_minutes_comments_and_whole_days() -> None:
    day = hours.day_hours('Th 09:30-11:00 "sur rendez-vous"', date(2025, 12, 4))
    assert day is not None and day.line == "Jeudi : 9 h 30 – 11 h (sur rendez-vous)"
    whole = hours.day_hours("24/7", date(2025, 12, 4))
    assert whole is not None and whole.text == "Ouvert toute la journée"
    now = datetime(2025, 12, 4, 10, 0, tzinfo=PARIS)
    assert hours.today_text("Th 09:30-11:00", now) == "Aujourd'hui : 9 h 30 – 11 h"


def test_an_unreadable_value_never_raises_and_tells_the_owner() -> None:
    bad = "lundi de 9h à 12h"
    now = datetime(2025, 12, 1, 10, 0, tzinfo=PARIS)
    assert hours.problem(bad) is not None and "OpenStreetMap" in (hours.problem(bad) or "")
    assert hours.is_open(bad, now) is None
    assert hours.week(bad, now.date()) == []
    assert hours.today_text(bad, now) is None
    assert hours.summary(bad, now.date()) == []
    assert not hours.open_on_saturday(bad, now.date())
    # Empty: not published, not a problem.
    assert hours.problem("") is None and hours.is_open("", now) is None


class English:
    """A tiny speaker: a few catalogue entries, as the English catalogue has them."""

    words = {
        "Lundi": "Monday",
        "Jeudi": "Thursday",
        "Samedi": "Saturday",
        "Dimanche": "Sunday",
        "Fermé": "Closed",
        "Fermé (jour férié)": "Closed (public holiday)",
        "Ouvert le samedi matin": "Open on Saturday mornings",
        "%(day)s : %(hours)s": "%(day)s: %(hours)s",
        "%(h)s h": "%(h)s:00",
        "%(h)s h %(m)s": "%(h)s:%(m)s",
        "Aujourd'hui : %(hours)s": "Today: %(hours)s",
    }

    def gettext(self, text: str) -> str:
        return self.words.get(text, text)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)

    def day(self, value: date) -> str:
        return value.isoformat()


def test_the_hours_in_another_language_with_its_times() -> None:
    en = English()
    week = hours.week(LIBRARY, date(2025, 12, 22))
    lines = [day.line_in(en) for day in week]
    assert lines[0] == "Monday: 9:00 – 12:00, 14:00 – 17:00"
    assert lines[3] == "Thursday: Closed (public holiday)"
    assert lines[6] == "Sunday: Closed"
    assert week[0].name_in(en) == "Monday" and week[0].line.startswith("Lundi : 9 h")
    day = hours.day_hours("Th 09:30-11:00; Sa 10:00-24:00", date(2025, 12, 4))
    assert day is not None and day.words(en) == "9:30 – 11:00"
    saturday = hours.day_hours("Th 09:30-11:00; Sa 10:00-24:00", date(2025, 12, 6))
    assert saturday is not None and saturday.words(en) == "10:00 – 24:00"
    assert saturday.text == "10 h – 24 h"
    now = datetime(2025, 12, 4, 10, 0, tzinfo=PARIS)
    assert hours.today_text("Th 09:30-11:00", now, en) == "Today: 9:30 – 11:00"
    assert hours.summary(LIBRARY, date(2025, 12, 1), en) == ["Open on Saturday mornings"]
    assert hours.hour_text(time(9, 5), en) == "9:05" and hours.hour_text(time(9, 5)) == "9 h 05"
