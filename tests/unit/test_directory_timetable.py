"""The weekly timetable form's builder: OSM strings that app/directory/hours.py reads back."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from app.directory import hours
from app.directory.timetable import Range, Timetable, TimetableError, build, read

MONDAY = date(2026, 12, 7)


def _table(**days: list[tuple[str, str]]) -> Timetable:
    table = Timetable()
    for name, ranges in days.items():
        index = ("mo", "tu", "we", "th", "fr", "sa", "su").index(name)
        table.days[index] = [Range(time.fromisoformat(a), time.fromisoformat(b)) for a, b in ranges]
    return table


def test_same_ranges_are_grouped_and_holidays_closed() -> None:
    week = [("09:00", "12:00"), ("14:00", "17:00")]
    table = _table(mo=week, tu=week, we=week, th=week, fr=week, sa=[("09:00", "12:00")])
    value = build(table)
    assert value == "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off"
    assert hours.problem(value) is None
    assert hours.is_open(value, datetime(2026, 12, 12, 10, 0, tzinfo=hours.PARIS)) is True
    assert hours.is_open(value, datetime(2026, 12, 7, 13, 0, tzinfo=hours.PARIS)) is False
    assert hours.open_on_saturday(value, MONDAY, morning=True)
    # Christmas Day 2026 is a Friday: closed, as "fermé les jours fériés" says.
    assert hours.is_open(value, datetime(2026, 12, 25, 10, 0, tzinfo=hours.PARIS)) is False


def test_pairs_and_runs_and_reading_back() -> None:
    table = _table(tu=[("14:00", "18:00")], th=[("14:00", "18:00")], sa=[("10:00", "12:30")])
    table.closed_on_holidays = False
    value = build(table)
    assert value == "Tu,Th 14:00-18:00; Sa 10:00-12:30"
    assert hours.problem(value) is None
    back = read(value)
    assert back is not None and back.days == table.days and not back.closed_on_holidays
    again = read(
        build(_table(mo=[("09:00", "12:00")], tu=[("09:00", "12:00")], we=[("09:00", "12:00")]))
    )
    assert again is not None and [bool(d) for d in again.days] == [True] * 3 + [False] * 4


def test_nothing_open_says_nothing_and_bad_ranges_are_refused() -> None:
    assert build(Timetable()) == ""
    with pytest.raises(TimetableError) as err:
        build(_table(we=[("12:00", "09:00")]))
    assert err.value.day == 2
    with pytest.raises(TimetableError):
        build(_table(we=[("09:00", "12:00"), ("11:00", "14:00")]))


def test_hand_written_values_the_grid_cannot_hold_are_not_read() -> None:
    assert read("Sa[1] 09:30-12:30; PH off") is None
    assert read("Mo 09:00-10:00,11:00-12:00,14:00-15:00") is None
    assert read("") is not None
