"""The diagnostic, slot matching and weekly recurrence, without the app."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.training import diagnostic as dg
from app.training import matching as mt
from app.training import recurrence as rc


def answers(value: int, **overrides: int) -> dict[str, dg.Answer]:
    raw = dict.fromkeys(dg.QUESTION_KEYS, value) | overrides
    return dg.parse_answers(raw)


def test_at_most_ten_plain_questions_covering_every_crcn_domain() -> None:
    assert len(dg.QUESTIONS) <= 10
    covered = {d for q in dg.QUESTIONS for d in q.domains}
    assert covered == set(dg.Domain)
    assert all(len(q.text) < 80 for q in dg.QUESTIONS)


def test_nothing_done_alone_is_grand_debutant_with_assistance_and_discovery_first() -> None:
    result = dg.evaluate(answers(0))
    assert result.field_level is dg.FieldLevel.BEGINNER_PLUS
    assert result.path is dg.Path.ASSISTANCE
    assert result.themes[0] is dg.Theme.DISCOVER
    assert set(result.profile.values()) == {0}


def test_everything_alone_is_autonomous_and_goes_further() -> None:
    result = dg.evaluate(answers(2))
    assert result.field_level is dg.FieldLevel.AUTONOMOUS
    assert result.path is dg.Path.AUTONOMY
    assert set(result.profile.values()) == {5}
    assert result.themes == (dg.Theme.INFORM, dg.Theme.CREATE)


def test_online_procedures_come_first_when_they_are_the_gap() -> None:
    raw = dict.fromkeys(dg.QUESTION_KEYS, 2)
    for key in ("appointment", "accounts", "form", "taxes"):
        raw[key] = 0
    result = dg.evaluate(dg.parse_answers(raw))
    assert result.themes[0] is dg.Theme.ONLINE_PROCEDURES
    assert result.field_level is dg.FieldLevel.INTERMEDIATE
    assert result.path is dg.Path.ACCOMPANIED
    assert result.profile[dg.Domain.SAFETY] < result.profile[dg.Domain.ENVIRONMENT]


def test_missing_or_odd_answer_is_refused() -> None:
    raw = dict.fromkeys(dg.QUESTION_KEYS, "1")
    raw.pop("taxes")
    with pytest.raises(dg.DiagnosticError) as exc:
        dg.parse_answers(raw)
    assert str(exc.value) == "taxes"
    with pytest.raises(dg.DiagnosticError):
        dg.parse_answers(dict.fromkeys(dg.QUESTION_KEYS, "7"))


def test_progress_per_domain() -> None:
    before = dg.evaluate(answers(0)).profile
    after = dg.evaluate(answers(1)).profile
    assert all(delta > 0 for delta in dg.progress(before, after).values())


@given(st.lists(st.sampled_from([0, 1, 2]), min_size=10, max_size=10))
def test_levels_stay_within_bounds_and_grow_with_answers(values: list[int]) -> None:
    raw = dict(zip(dg.QUESTION_KEYS, values, strict=True))
    result = dg.evaluate(dg.parse_answers(raw))
    assert all(0 <= level <= 5 for level in result.profile.values())
    assert result.score == sum(values)
    assert 1 <= len(result.themes) <= 3
    better = dg.evaluate(dg.parse_answers({k: min(2, v + 1) for k, v in raw.items()}))
    assert all(better.profile[d] >= result.profile[d] for d in dg.Domain)


NOW = datetime(2026, 11, 23, 8, 0)


def slot(id: int, **kw: object) -> mt.Slot:
    base: dict[str, object] = {
        "commune": "Metz",
        "postcode": "57000",
        "themes": frozenset({"decouvrir"}),
        "levels": frozenset(),
        "individual": False,
        "capacity": 8,
        "booked": 0,
        "starts_at": NOW + timedelta(days=3),
    }
    base.update(kw)
    return mt.Slot(id=id, **base)  # type: ignore[arg-type]


def need(**kw: object) -> mt.Need:
    base: dict[str, object] = {
        "field_level": "grand_debutant",
        "themes": ("decouvrir", "demarches"),
        "commune": "Metz",
        "postcode": "57000",
        "path": "assistance",
    }
    base.update(kw)
    return mt.Need(**base)  # type: ignore[arg-type]


def test_matching_ranks_with_reasons_and_excludes_hard_constraints() -> None:
    slots = [
        slot(1),
        slot(2, individual=True),
        slot(3, commune="Woippy", postcode="57140"),
        slot(4, levels=frozenset({"autonome"})),
        slot(5, bring_own_device=True),
        slot(6, postcode="80000", commune="Amiens"),
        slot(7, themes=frozenset({"creer"})),
        slot(8, starts_at=NOW - timedelta(days=1)),
        slot(9, booked=8),
    ]
    found = mt.match(need(has_device=False), mt.SlotIndex(slots), NOW, limit=10)
    ids = [m.slot.id for m in found]
    assert ids[0] == 2  # one-to-one for someone who needs assistance
    assert set(ids) == {1, 2, 3, 9}
    assert ids.index(3) > ids.index(1)  # same commune beats the next commune
    assert ids[-1] == 9  # full: waiting list, last
    reasons = dict(found[0].reasons)
    assert reasons[mt.Reason.THEME] == "decouvrir"
    assert mt.Reason.SAME_COMMUNE in reasons and mt.Reason.DEVICE_PROVIDED in reasons
    assert dict(found[-1].reasons)[mt.Reason.WAITING_LIST] == "0"


def test_matching_constraints_days_price_accessibility() -> None:
    monday = NOW + timedelta(days=(7 - NOW.weekday()) % 7 or 7)
    slots = [
        slot(1, starts_at=monday, price_kind=mt.PriceKind.MEMBERSHIP, accessible=True),
        slot(2, starts_at=monday + timedelta(days=1), accessible=True),
        slot(3, starts_at=monday),
    ]
    index = mt.SlotIndex(slots)
    got = mt.match(
        need(
            weekdays=frozenset({0}),
            needs_accessibility=True,
            prices=frozenset({mt.PriceKind.MEMBERSHIP}),
        ),
        index,
        NOW,
    )
    assert [m.slot.id for m in got] == [1]
    assert (
        mt.match(need(weekdays=frozenset({0}), prices=frozenset({mt.PriceKind.FREE})), index, NOW)[
            0
        ].slot.id
        == 3
    )


def test_departement_of() -> None:
    assert mt.departement_of("57050") == "57"
    assert mt.departement_of("97411") == "974"


def test_weekly_keeps_local_time_across_dst() -> None:
    occurrences = rc.weekly(date(2026, 10, 20), time(9, 0), 3)
    assert [rc.to_local(o).hour for o in occurrences] == [9, 9, 9]
    assert occurrences[0].hour == 7 and occurrences[2].hour == 8  # summer, then winter time
    assert rc.next_weekday(date(2026, 11, 23), 1) == date(2026, 11, 24)
    assert rc.opening_hours({3, 1}, time(13), time(17)) == "Tu,Th 13:00-17:00"
    with pytest.raises(ValueError):
        rc.weekly(date(2026, 1, 1), time(9), 0)


def test_one_suggestion_per_weekly_series() -> None:
    weekly = [
        slot(n, group="tuesdays", starts_at=NOW + timedelta(days=3 + 7 * n)) for n in range(4)
    ]
    other = slot(10, group="fridays", starts_at=NOW + timedelta(days=20))
    found = mt.match(need(), mt.SlotIndex([*weekly, other]), NOW, limit=5)
    assert [m.slot.id for m in found] == [0, 10]
