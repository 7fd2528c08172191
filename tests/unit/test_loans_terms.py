"""The counter's rules: terms from a programme decision, dates, extensions, receipts."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.loans import terms as t


def test_rsa_computer_is_a_sale_at_15_euros() -> None:
    terms = t.terms_from_decision({"price_eur": 15, "programme_code": "rsa-28"})
    assert terms.mode is t.Mode.SALE
    assert terms.price_cents == 1500
    assert terms.warranty_months == 12
    assert terms.deposit_cents == 0


def test_decision_without_price_is_a_loan_with_defaults() -> None:
    terms = t.terms_from_decision({})
    assert terms.mode is t.Mode.LOAN
    assert terms.loan_months == t.DEFAULT_LOAN_MONTHS
    assert terms.price_cents == 0


def test_explicit_loan_ignores_a_price_and_keeps_the_deposit() -> None:
    terms = t.terms_from_decision(
        {"mode": "loan", "price_eur": 20, "deposit_eur": "30,50", "loan_months": 4}
    )
    assert (terms.mode, terms.price_cents, terms.deposit_cents) == (t.Mode.LOAN, 0, 3050)


def test_gift_and_bad_values() -> None:
    assert t.terms_from_decision({"mode": "gift"}).mode is t.Mode.GIFT
    with pytest.raises(t.TermsError):
        t.terms_from_decision({"mode": "rental"})
    with pytest.raises(t.TermsError):
        t.terms_from_decision({"mode": "sale"})  # a sale without a price
    with pytest.raises(t.TermsError):
        t.terms_from_decision({"price_eur": "-3"})
    with pytest.raises(t.TermsError):
        t.terms_from_decision({"mode": "loan", "loan_months": 0})


@pytest.mark.parametrize(
    "value,cents",
    [(15, 1500), (15.5, 1550), ("15", 1500), ("15,5", 1550), ("15.05 €", 1505), ("0", 0)],
)
def test_euros_to_cents(value: object, cents: int) -> None:
    assert t.euros_to_cents(value) == cents


@pytest.mark.parametrize("value", ["abc", "1e3", None, True, "-1", "15,555"])
def test_euros_to_cents_refuses(value: object) -> None:
    with pytest.raises(t.TermsError):
        t.euros_to_cents(value)


def test_due_date_clamps_to_end_of_month() -> None:
    loan = t.Terms(mode=t.Mode.LOAN, loan_months=1)
    assert t.due_date(date(2026, 1, 31), loan) == date(2026, 2, 28)
    assert t.due_date(date(2028, 1, 31), loan) == date(2028, 2, 29)
    six = t.Terms(mode=t.Mode.LOAN, loan_months=6)
    assert t.due_date(date(2026, 9, 15), six) == date(2027, 3, 15)
    with pytest.raises(t.TermsError):
        t.due_date(date(2026, 1, 1), t.Terms(mode=t.Mode.SALE, price_cents=1500))


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(0, 120))
def test_add_months_is_never_earlier_and_keeps_the_month_count(start: date, months: int) -> None:
    end = t.add_months(start, months)
    assert end >= start
    assert (end.year - start.year) * 12 + end.month - start.month == months
    assert end.day <= start.day


def test_extensions_up_to_the_programme_maximum() -> None:
    terms = t.Terms(mode=t.Mode.LOAN, max_extensions=1, extension_days=30)
    due = date(2026, 6, 1)
    assert t.extend(due, 0, terms, today=date(2026, 5, 20)) == date(2026, 7, 1)
    with pytest.raises(t.TermsError, match="maximum"):
        t.extend(due, 1, terms, today=date(2026, 5, 20))
    # Overdue: the extension counts from today.
    assert t.extend(due, 0, terms, today=date(2026, 6, 10)) == date(2026, 7, 10)
    with pytest.raises(t.TermsError, match="ne permet pas"):
        t.extend(due, 0, t.Terms(mode=t.Mode.LOAN, max_extensions=0), today=due)


def test_overdue_and_reminder_window() -> None:
    due = date(2026, 6, 10)
    assert not t.is_overdue(due, due)
    assert t.is_overdue(due, date(2026, 6, 11))
    assert t.days_overdue(due, date(2026, 6, 15)) == 5
    assert t.days_overdue(due, date(2026, 6, 1)) == 0
    assert not t.reminder_due(due, date(2026, 6, 6))
    assert t.reminder_due(due, date(2026, 6, 7))
    assert t.reminder_due(due, due)
    assert not t.reminder_due(due, date(2026, 6, 11))
    assert t.reminder_key(7, due, "sms") == "loan:7:due:2026-06-10:sms"


def test_reservation_expiry_and_cession() -> None:
    assert t.reservation_expiry(datetime(2026, 1, 1, 10), 7) == datetime(2026, 1, 8, 10)
    with pytest.raises(t.TermsError):
        t.reservation_expiry(datetime(2026, 1, 1), 0)
    cedable = t.Terms(mode=t.Mode.LOAN, cession_after_months=12)
    t.may_cede(date(2025, 1, 1), cedable, today=date(2026, 1, 1))
    with pytest.raises(t.TermsError, match="01/01/2026"):
        t.may_cede(date(2025, 1, 1), cedable, today=date(2025, 12, 31))
    with pytest.raises(t.TermsError, match="ne prévoit pas"):
        t.may_cede(date(2025, 1, 1), t.Terms(mode=t.Mode.LOAN), today=date(2030, 1, 1))


def test_deposit_refund() -> None:
    assert t.deposit_refund(5000, 0) == 5000
    assert t.deposit_refund(5000, 2000) == 3000
    with pytest.raises(t.TermsError):
        t.deposit_refund(5000, 6000)
    with pytest.raises(t.TermsError):
        t.deposit_refund(5000, -1)


def test_receipt_number_and_money() -> None:
    assert t.receipt_number(2026, 42) == "2026-00042"
    with pytest.raises(t.TermsError):
        t.receipt_number(2026, 0)
    assert t.format_eur(1500) == "15,00\u00a0€"
    assert t.format_eur(123456) == "1\u202f234,56\u00a0€"


def test_price_from_the_programme_grid_by_type_and_grade() -> None:
    decision = {"kind": "sale", "mode": "sale", "price_grid": {"laptop": {"A": 150, "B": 120}}}
    before_scan = t.terms_from_decision(decision)
    assert before_scan.mode is t.Mode.SALE and before_scan.price_by_grade
    assert t.terms_from_decision(decision, "laptop", "B").price_cents == 12000
    assert t.terms_from_decision(decision, "laptop", "b").price_cents == 12000
    with pytest.raises(t.TermsError, match="note"):
        t.terms_from_decision(decision, "laptop", "C")
    with pytest.raises(t.TermsError, match="type"):
        t.terms_from_decision(decision, "tablet", "A")


def test_engine_outcome_shapes() -> None:
    """The keys app.eligibility.programme.Outcome.as_dict() writes on a prescription."""
    rsa = {
        "kind": "sale",
        "mode": "sale",
        "price_eur": 15,
        "warranty_months": 12,
        "loan_months": None,
        "deposit_eur": None,
        "cession_after_months": None,
        "terms": "Aide à l'accès à internet",
        "price_grid": None,
    }
    assert t.terms_from_decision(rsa).price_cents == 1500
    pre = {
        "kind": "loan",
        "mode": "loan",
        "loan_months": 12,
        "deposit_eur": 0,
        "price_eur": None,
        "warranty_months": None,
        "cession_after_months": None,
    }
    terms = t.terms_from_decision(pre)
    assert (terms.mode, terms.loan_months, terms.warranty_months) == (t.Mode.LOAN, 12, 12)
    aid = {"kind": "aid", "mode": None, "terms": "montant décidé par le CCAS"}
    assert t.terms_from_decision(aid).mode is t.Mode.GIFT
