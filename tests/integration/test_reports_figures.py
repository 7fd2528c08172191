"""The dashboard's figures equal counts made independently (in Python, row by row) on the
demo data, for the whole territory and for one organisation."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.accounts.cli import seed_demo
from app.accounts.services import find_org
from app.core.clock import today
from app.extensions import db
from app.reports import figures as report_figures
from app.reports import handover_figures, household_figures, scope, stock_figures
from app.reports.impact import load_factors
from app.reports.period import Period, month_key, month_label_short
from app.reports.tables import Figure

HANDED = {"on_loan", "sold", "given"}


@pytest.fixture(autouse=True)
def _request(app: Flask) -> Iterator[None]:
    """Figures carry French labels: they are built inside a request, as on the dashboard."""
    with app.test_request_context():
        yield


def _seed_demo(app: Flask) -> None:
    result = app.test_cli_runner().invoke(seed_demo)
    assert result.exit_code == 0, result.output
    db.session.expire_all()


def _seed_synthetic(app: Flask) -> None:
    """A small, hand-made history written straight to the tables (no domain service):
    two associations, devices through their lifecycle, households, loans, sales, bookings."""
    from app.authz.policy import OrgKind
    from app.eligibility.vocabulary import Status
    from app.households.models import Household, StatusAttestation
    from app.inventory.grading import Grade
    from app.inventory.lifecycle import DeviceType, State
    from app.inventory.models import Device, DeviceEvent
    from app.loans.models import Loan, LoanStatus, Sale, SignatureKind
    from app.training.models import Attendance, Booking, BookingStatus, TrainingSession
    from tests.factories import create_org

    metz = create_org(OrgKind.ASSOCIATION, slug="atelier-metz", name="Atelier Metz")
    amiens = create_org(OrgKind.ASSOCIATION, slug="asso-amiens", name="Asso Amiens")
    ccas = create_org(OrgKind.PRESCRIBER, slug="ccas", name="CCAS")
    place = create_org(OrgKind.TRAINING_PLACE, slug="mjc", name="MJC")
    now = datetime.combine(today(), datetime.min.time()) + timedelta(hours=10)
    households = []
    for i, (commune, qpv, statuses) in enumerate(
        [
            ("Metz", True, [Status.RSA, Status.QPV_RESIDENT]),
            ("Metz", False, [Status.AAH]),
            ("Amiens", True, []),
            ("Woippy", False, [Status.RSA]),
        ]
    ):
        h = Household(
            organisation_id=ccas.id, reference_name=f"Foyer {i}", commune=commune, qpv=qpv
        )
        db.session.add(h)
        db.session.flush()
        for status in statuses:
            db.session.add(StatusAttestation(household_id=h.id, status=status, attested_on=today()))
        households.append(h)
    plan = [
        # org, type, grade, [(days ago, from, to)], handover
        (
            metz,
            DeviceType.LAPTOP,
            Grade.A,
            ["received", "triage", "reconditioning", "ready", "reserved", "on_loan"],
            "loan",
        ),
        (
            metz,
            DeviceType.LAPTOP,
            Grade.B,
            ["received", "triage", "reconditioning", "ready", "reserved", "sold"],
            "sale",
        ),
        (
            metz,
            DeviceType.SMARTPHONE,
            Grade.C,
            ["received", "triage", "reconditioning", "ready"],
            None,
        ),
        (metz, DeviceType.DESKTOP, None, ["received", "e_waste"], None),
        (
            amiens,
            DeviceType.TABLET,
            Grade.A,
            ["received", "triage", "reconditioning", "ready", "reserved", "on_loan", "given"],
            "loan",
        ),
        (amiens, DeviceType.LAPTOP, None, ["received", "triage"], None),
    ]
    loans = 0
    for n, (org, dtype, grade, states, handover) in enumerate(plan):
        device = Device(
            organisation_id=org.id,
            asset_tag=f"S-{n:04d}",
            device_type=dtype,
            grade=grade,
            state=State(states[-1]),
        )
        db.session.add(device)
        db.session.flush()
        previous = None
        for step, state in enumerate(states):
            # Spread over months: intake 200 days ago, then 25 days per step.
            at = now - timedelta(days=200 - 25 * step - n)
            db.session.add(
                DeviceEvent(
                    device_id=device.id,
                    organisation_id=org.id,
                    at=at,
                    from_state=State(previous) if previous else None,
                    to_state=State(state),
                )
            )
            previous = state
            if state in ("on_loan", "sold") and handover:
                household = households[n % len(households)]
                if handover == "loan":
                    loans += 1
                    db.session.add(
                        Loan(
                            organisation_id=org.id,
                            device_id=device.id,
                            household_id=household.id,
                            status=LoanStatus.CEDED if "given" in states else LoanStatus.OPEN,
                            programme_code="pre" if loans == 1 else "ccas-metz",
                            programme_name="PRE" if loans == 1 else "Aide du CCAS",
                            start_on=at.date(),
                            due_on=at.date() + timedelta(days=30 if loans == 1 else 400),
                            signature_kind=SignatureKind.PAPER,
                        )
                    )
                else:
                    db.session.add(
                        Sale(
                            organisation_id=org.id,
                            receipt_year=at.year,
                            receipt_seq=1,
                            receipt_number=f"{at.year}-00001",
                            sold_at=at,
                            device_id=device.id,
                            household_id=household.id,
                            programme_code="rsa",
                            programme_name="Ordinateur solidaire RSA",
                            price_cents=1500,
                            warranty_until=at.date() + timedelta(days=365),
                        )
                    )
    for k in range(3):
        session = TrainingSession(
            organisation_id=place.id,
            title=f"Atelier {k}",
            starts_at=now - timedelta(days=40 * k),
            series_key=f"s{k}",
        )
        db.session.add(session)
        db.session.flush()
        for j, h in enumerate(households):
            attendance = [Attendance.PRESENT, Attendance.ABSENT, Attendance.EXCUSED, None][
                (j + k) % 4
            ]
            db.session.add(
                Booking(
                    session_id=session.id,
                    household_id=h.id,
                    organisation_id=ccas.id,
                    status=BookingStatus.WAITING if attendance is None else BookingStatus.BOOKED,
                    attendance=attendance,
                )
            )
    db.session.commit()


@pytest.fixture(params=["demo", "synthetic"])
def demo(app: Flask, request: pytest.FixtureRequest) -> str:
    """The demo data of `flask seed-demo`, and a hand-made history."""
    if request.param == "demo":
        _seed_demo(app)
    else:
        _seed_synthetic(app)
    return str(request.param)


def _period() -> Period:
    """Wide enough to hold every demo record, past and planned."""
    return Period(date(2020, 1, 1), today() + timedelta(days=120))


def _filters(org_ids: tuple[int, ...] | None = None) -> scope.Filters:
    return scope.Filters(_period(), scope.Scope(org_ids, "test"), today())


def _scopes() -> list[tuple[int, ...] | None]:
    org = find_org("atelier-metz")
    return [None, (org.id,)] if org else [None]


def _in(org_ids: tuple[int, ...] | None, org_id: int | None) -> bool:
    return org_ids is None or org_id in org_ids


def _state(value: Any) -> str:
    return str(getattr(value, "value", value))


def _as_dict(figure: Figure, value_col: int = 1) -> dict[Any, Any]:
    assert figure.available, figure.note
    return {row[0]: row[value_col] for row in figure.table.rows}


def test_dashboard_renders_every_figure_on_demo_data(demo: None) -> None:
    figures = report_figures.dashboard(_filters())
    keys = [f.key for f in figures]
    assert keys == [key for key, _title, _builder in report_figures.FIGURES]
    missing = [f.key for f in figures if not f.available]
    assert not missing, f"figures without data source: {missing}"


@pytest.mark.parametrize("scope_index", [0, 1])
def test_stock_by_state_type_and_grade(demo: None, scope_index: int) -> None:
    from app.inventory.lifecycle import DEVICE_TYPE_LABELS, OUT_OF_STOCK, STATE_LABELS
    from app.inventory.models import Device

    scopes = _scopes()
    if scope_index >= len(scopes):
        pytest.skip("no demo association")
    org_ids = scopes[scope_index]
    devices = [d for d in db.session.scalars(select(Device)) if _in(org_ids, d.organisation_id)]
    assert devices, "demo devices expected"
    f = _filters(org_ids)

    by_state = Counter(STATE_LABELS[d.state] for d in devices)
    assert _as_dict(stock_figures.fig_stock_by_state(f)) == dict(by_state)

    stock = [d for d in devices if d.state not in OUT_OF_STOCK]
    by_type = Counter(DEVICE_TYPE_LABELS[d.device_type] for d in stock)
    assert _as_dict(stock_figures.fig_stock_by_type(f)) == dict(by_type)

    from app.inventory.grading import GRADE_LABELS

    by_grade = Counter(GRADE_LABELS[d.grade] if d.grade else "Pas encore noté" for d in stock)
    assert _as_dict(stock_figures.fig_stock_by_grade(f)) == dict(by_grade)


@pytest.mark.parametrize("scope_index", [0, 1])
def test_monthly_flows_from_device_events(demo: None, scope_index: int) -> None:
    from app.inventory.models import DeviceEvent

    scopes = _scopes()
    if scope_index >= len(scopes):
        pytest.skip("no demo association")
    org_ids = scopes[scope_index]
    period = _period()
    events = [
        e
        for e in db.session.scalars(select(DeviceEvent))
        if _in(org_ids, e.organisation_id) and period.contains(e.at.date())
    ]
    assert events, "demo device events expected"

    def per_month(predicate: Any) -> Counter[str]:
        seen: set[tuple[str, int]] = set()
        for e in events:
            if predicate(e):
                seen.add((month_key(e.at), e.device_id))
        return Counter(month for month, _device in seen)

    received = per_month(lambda e: _state(e.to_state) == "received")
    ready = per_month(lambda e: _state(e.to_state) == "ready")
    # Handed over: one per loan, sale or gift by its handover date (reports/handovers.py),
    # the definition every table shares (issue 18), no longer the device events.
    from app.loans.models import Loan, Sale

    handed: Counter[str] = Counter()
    for loan in db.session.scalars(select(Loan)):
        if _in(org_ids, loan.organisation_id) and period.contains(loan.start_on):
            handed[month_key(loan.start_on)] += 1
    for sale in db.session.scalars(select(Sale)):
        if _in(org_ids, sale.organisation_id) and period.contains(sale.sold_at.date()):
            handed[month_key(sale.sold_at)] += 1
    scrapped = per_month(lambda e: _state(e.to_state) in {"e_waste", "parts"})
    expected = [
        [month_label_short(m), received[m], ready[m], handed[m], scrapped[m]]
        for m in period.months()
    ]
    figure = stock_figures.fig_monthly_flows(_filters(org_ids))
    assert figure.table.rows == expected
    assert sum(received.values()) > 0


def _handovers(org_ids: tuple[int, ...] | None) -> list[tuple[str, Any]]:
    """(programme, household) of every loan and sale in the period, counted in Python."""
    from app.loans.models import Loan, Sale

    period = _period()
    out = []
    for loan in db.session.scalars(select(Loan)):
        if _in(org_ids, loan.organisation_id) and period.contains(loan.start_on):
            out.append((loan.programme_name or loan.programme_code, loan.household))
    for sale in db.session.scalars(select(Sale)):
        if _in(org_ids, sale.organisation_id) and period.contains(sale.sold_at.date()):
            out.append((sale.programme_name or sale.programme_code, sale.household))
    return out


@pytest.mark.parametrize("scope_index", [0, 1])
def test_handovers_by_programme_status_commune_qpv(demo: None, scope_index: int) -> None:
    from app.eligibility.vocabulary import STATUS_LABELS

    scopes = _scopes()
    if scope_index >= len(scopes):
        pytest.skip("no demo association")
    org_ids = scopes[scope_index]
    f = _filters(org_ids)
    handovers = _handovers(org_ids)
    assert handovers, "demo loans or sales expected"

    by_programme = Counter(p or "Sans dispositif" for p, _h in handovers)
    assert _as_dict(handover_figures.fig_handover_by_programme(f), 3) == dict(by_programme)

    by_status: Counter[str] = Counter()
    for _p, household in handovers:
        statuses = {a.status for a in household.attestations}
        for status in statuses:
            by_status[STATUS_LABELS[status]] += 1
        if not statuses:
            by_status["Aucune situation attestée"] += 1
    assert _as_dict(handover_figures.fig_handover_by_status(f)) == dict(by_status)

    by_commune = Counter(h.commune or "Non renseignée" for _p, h in handovers)
    assert _as_dict(handover_figures.fig_handover_by_commune(f)) == dict(by_commune)

    qpv = sum(1 for _p, h in handovers if h.qpv)
    rows = handover_figures.fig_handover_by_qpv(f).table.rows
    assert [rows[0][1], rows[1][1]] == [qpv, len(handovers) - qpv]

    # The device events tell the same story as the loans and sales.
    flows = stock_figures.fig_monthly_flows(f)
    assert flows.table.total(3) == len(handovers)


def test_loans_overdue(demo: None) -> None:
    from app.loans.models import Loan, LoanStatus

    loans = [loan for loan in db.session.scalars(select(Loan)) if loan.status == LoanStatus.OPEN]
    figure = handover_figures.fig_loans_overdue(_filters())
    assert figure.table.total(1) == len(loans)
    assert figure.table.total(2) == sum(1 for loan in loans if loan.due_on < today())


def test_training_bookings_attendance_and_no_show(demo: str) -> None:
    from app.training.models import Attendance, Booking, BookingStatus, SessionStatus

    period = _period()
    bookings = [  # a cancelled session's bookings ended with it
        b
        for b in db.session.scalars(select(Booking))
        if period.contains(b.session.starts_at.date())
        and b.session.status is not SessionStatus.CANCELLED
    ]
    # The demo publishes sessions without bookings; the hand-made history has some.
    assert bookings or demo == "demo", "bookings expected"
    figure = household_figures.fig_training(_filters())
    booked = sum(1 for b in bookings if b.status == BookingStatus.BOOKED)
    present = sum(1 for b in bookings if b.attendance == Attendance.PRESENT)
    absent = sum(1 for b in bookings if b.attendance == Attendance.ABSENT)
    assert figure.table.total(1) == booked
    assert figure.table.total(2) == present
    assert figure.table.total(3) == absent


def test_impact_uses_the_factors_per_device_type(demo: None) -> None:
    from app.inventory.lifecycle import DeviceType
    from app.inventory.models import Device, DeviceEvent

    period = _period()
    handed_devices = Counter()
    for e in db.session.scalars(select(DeviceEvent)):
        if (
            period.contains(e.at.date())
            and _state(e.to_state) in HANDED
            and (e.from_state is None or _state(e.from_state) not in HANDED)
        ):
            device = db.session.get(Device, e.device_id)
            handed_devices[_state(device.device_type)] += 1
    factors = load_factors()
    figure = stock_figures.fig_impact(_filters())
    rows = {row[0]: row for row in figure.table.rows}
    for device_type, n in handed_devices.items():
        factor = factors[device_type]
        assert rows[factor.label][1] == n
        assert rows[factor.label][2] == pytest.approx(n * factor.mass_kg, abs=0.05)
        assert rows[factor.label][3] == pytest.approx(n * factor.co2e_kg, abs=0.05)
    assert set(factors) >= {t.value for t in DeviceType}


def test_period_filter_keeps_only_its_months(app: Flask) -> None:
    from app.inventory.lifecycle import DeviceType, State
    from app.inventory.models import Device, DeviceEvent
    from tests.factories import create_org

    org = create_org()
    device = Device(organisation_id=org.id, asset_tag="T-0001", device_type=DeviceType.LAPTOP)
    db.session.add(device)
    db.session.flush()
    for at in (datetime(2026, 1, 15), datetime(2026, 3, 2), datetime(2026, 5, 30)):
        db.session.add(
            DeviceEvent(device_id=device.id, organisation_id=org.id, at=at, to_state=State.RECEIVED)
        )
    db.session.commit()
    f = scope.Filters(Period(date(2026, 2, 1), date(2026, 4, 30)), scope.territory_scope(), today())
    rows = stock_figures.fig_monthly_flows(f).table.rows
    assert [r[1] for r in rows] == [0, 1, 0]
    assert [r[0] for r in rows] == ["févr. 2026", "mars 2026", "avr. 2026"]


def test_tariff_matches(demo: None) -> None:
    from app.audit.models import AuditEntry
    from app.households.models import Household
    from app.tariffs.household_matches import matches_for_household

    period = _period()
    followed = [
        h
        for h in db.session.scalars(select(Household))
        if h.last_activity_at >= period.start_at and h.created_at < period.end_before
    ]
    assert followed, "households expected"
    eligible: Counter[str] = Counter()
    with_offer = 0
    for h in followed:
        result = matches_for_household(h, limit=None).result
        with_offer += bool(result.eligible)
        eligible.update(f"{p.offer.provider} · {p.offer.name}" for p in result.eligible)
    sms = sum(
        1
        for e in db.session.scalars(select(AuditEntry))
        if e.action == "tariff.sms" and period.contains(e.at.date())
    )
    figure = household_figures.fig_tariffs(_filters())
    assert {k: v for k, v in _as_dict(figure).items() if v} == dict(eligible)
    highlights = dict(figure.highlights)
    assert highlights["Foyers suivis"] == str(len(followed))
    assert highlights["Foyers avec au moins une offre"] == str(with_offer)
    assert highlights["SMS de tarifs envoyés"] == str(sms)
