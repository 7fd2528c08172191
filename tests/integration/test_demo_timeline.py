"""The demo tells a story coherent in time (issue 18): for every device, donation <=
intake <= each workshop event (erasure, tests, grade) <= handover <= return; for every
loan and sale, the household and its prescription come before the handover; the
donations are spread over the past months, not one."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from sqlalchemy import select

from app.accounts.cli import seed_demo
from app.core.clock import utcnow
from app.extensions import db
from app.inventory.models import Device, DeviceChecklist, DeviceEvent, ErasureRecord
from app.loans.models import Loan, Sale
from app.reports.period import month_key

HANDED = {"on_loan", "sold", "given"}


def _seed(app: Flask) -> None:
    result = app.test_cli_runner().invoke(seed_demo)
    assert result.exit_code == 0, result.output
    db.session.expire_all()


def _state(value: object) -> str:
    return str(getattr(value, "value", value))


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def test_every_device_and_handover_in_order(app: Flask) -> None:
    _seed(app)
    now = utcnow()
    devices = list(db.session.scalars(select(Device).order_by(Device.id)))
    assert len(devices) > 20
    for device in devices:
        events = list(
            db.session.scalars(
                select(DeviceEvent)
                .where(DeviceEvent.device_id == device.id)
                .order_by(DeviceEvent.id)
            )
        )
        tag = device.asset_tag
        assert events and _state(events[0].to_state) == "received", tag
        intake = events[0].at
        donated = device.batch.received_on if device.batch else intake.date()
        assert donated <= intake.date(), f"{tag}: received before its donation"
        assert device.created_at <= intake, tag
        times = [e.at for e in events]
        assert times == sorted(times), f"{tag}: events out of order {times}"
        assert times[-1] <= now, f"{tag}: an event in the future"
        ready = [e.at for e in events if _state(e.to_state) == "ready"]
        handed = [e.at for e in events if _state(e.to_state) in HANDED]
        for erasure in db.session.scalars(
            select(ErasureRecord).where(ErasureRecord.device_id == device.id)
        ):
            assert intake <= erasure.started_at <= erasure.ended_at <= now, tag
            assert not ready or erasure.ended_at <= ready[0], f"{tag}: ready before erased"
        checklist = db.session.scalar(
            select(DeviceChecklist).where(DeviceChecklist.device_id == device.id)
        )
        if checklist is not None:
            assert intake <= checklist.updated_at, tag
            assert not ready or checklist.updated_at <= ready[0], f"{tag}: ready before tests"
        if handed:
            assert ready and ready[0] <= handed[0], f"{tag}: handed over before it was ready"

    loans = list(db.session.scalars(select(Loan)))
    sales = list(db.session.scalars(select(Sale)))
    assert loans and sales
    handovers: list[tuple[object, date, datetime]] = [
        (loan, loan.start_on, loan.signed_at) for loan in loans
    ] + [(sale, sale.sold_at.date(), sale.sold_at) for sale in sales]
    for record, day, at in handovers:
        device = (
            record.device if isinstance(record, Loan) else db.session.get(Device, record.device_id)
        )
        assert device is not None
        what = f"{type(record).__name__} {record.id} ({device.asset_tag})"
        assert device.batch is None or device.batch.received_on <= day, (
            f"{what}: handed over before its device was donated"
        )
        events = list(
            db.session.scalars(select(DeviceEvent).where(DeviceEvent.device_id == device.id))
        )
        out = [
            e for e in events if _state(e.to_state) in HANDED and _state(e.from_state) not in HANDED
        ]
        assert out, what
        # The device's history and the loan or sale tell the same day.
        assert any(_day(e.at) == day for e in out), f"{what}: history says another day"
        ready = [e.at for e in events if _state(e.to_state) == "ready"]
        assert ready and ready[0] <= at, f"{what}: before its device was ready"
        assert _day(at) == day, what
        prescription = record.prescription
        if prescription is not None:
            assert record.household.created_at <= prescription.created_at, what
            assert prescription.created_at <= at, f"{what}: prescribed after the handover"
            if prescription.submitted_at:
                assert prescription.created_at <= prescription.submitted_at <= at, what
            if prescription.decided_at:
                assert prescription.decided_at <= at, f"{what}: validated after the handover"
        if isinstance(record, Loan):
            assert loan_in_order(record), what


def loan_in_order(loan: Loan) -> bool:
    ends = [x for x in (loan.returned_at, loan.ceded_at) if x is not None]
    return all(loan.signed_at <= end for end in ends) and loan.start_on <= loan.due_on


def test_the_demo_spreads_over_the_past_months(app: Flask) -> None:
    _seed(app)
    intakes = {
        month_key(e.at)
        for e in db.session.scalars(select(DeviceEvent))
        if _state(e.to_state) == "received"
    }
    assert len(intakes) >= 4, intakes
    starts = sorted(loan.start_on for loan in db.session.scalars(select(Loan)))
    assert starts[0] < starts[-1]
