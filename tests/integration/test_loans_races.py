"""Races at the counter, on the database the suite runs on (SQLite or PostgreSQL).

50 desks hand over the same device at the same instant: one wins, 49 get a clear
message, no 500, one sale. 50 different sales at once: receipt numbers 1..50, no gap,
no duplicate. Threads go through the real app (API test clients), each request with its
own database session and connection.
"""

from __future__ import annotations

import threading
from collections import Counter as Tally
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from app.accounts import services as accounts
from app.extensions import db
from app.households.lifecycle import PrescriptionState
from app.households.models import Prescription
from app.inventory.lifecycle import State
from app.inventory.models import Device, DeviceEvent
from app.loans.models import Sale
from tests.integration.test_loans_factories import (
    RSA,
    make_counter,
    ready_device,
    validated_prescription,
)

N = 50


def _run_all(app, token: str, bodies: list[dict]) -> list[tuple[int, dict]]:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(len(bodies))

    def attempt(body: dict) -> tuple[int, dict]:
        client = app.test_client()
        barrier.wait()
        response = client.post(
            "/api/v1/handovers", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        return response.status_code, response.get_json(silent=True) or {}

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(attempt, bodies))


def test_fifty_desks_one_device_one_winner(app) -> None:  # type: ignore[no-untyped-def]
    counter = make_counter()
    prescriptions = [validated_prescription(counter, RSA, name=f"Foyer {i}") for i in range(N)]
    device = ready_device(counter.association)
    token = accounts.create_api_token(counter.front_desk, "race")
    db.session.commit()
    results = _run_all(
        app,
        token,
        [
            {"prescription_id": p.id, "asset_tag": device.asset_tag, "payment_method": "cash"}
            for p in prescriptions
        ],
    )
    statuses = Tally(code for code, _ in results)
    assert statuses == {201: 1, 409: N - 1}, statuses
    losers = [body["error"]["message"] for code, body in results if code == 409]
    assert all(device.asset_tag in m and "n'est plus disponible" in m for m in losers), losers[:3]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Sale)) == 1
    assert db.session.get(Device, device.id).state is State.SOLD
    fulfilled = db.session.scalar(
        select(func.count())
        .select_from(Prescription)
        .where(Prescription.state == PrescriptionState.FULFILLED)
    )
    assert fulfilled == 1
    # One way off the shelf in the device's history: ready -> reserved -> sold, once.
    moves = db.session.scalars(
        select(DeviceEvent.to_state).where(DeviceEvent.device_id == device.id)
    ).all()
    assert sorted(moves) == sorted([State.RESERVED, State.SOLD])


def test_fifty_sales_at_once_take_consecutive_receipt_numbers(app) -> None:  # type: ignore[no-untyped-def]
    counter = make_counter()
    prescriptions = [validated_prescription(counter, RSA, name=f"Foyer {i}") for i in range(N)]
    devices = [ready_device(counter.association) for _ in range(N)]
    token = accounts.create_api_token(counter.front_desk, "race")
    db.session.commit()
    results = _run_all(
        app,
        token,
        [
            {"prescription_id": p.id, "asset_tag": d.asset_tag, "payment_method": "card"}
            for p, d in zip(prescriptions, devices, strict=True)
        ],
    )
    assert [code for code, _ in results] == [201] * N, [b for c, b in results if c != 201][:3]
    db.session.expire_all()
    sequences = sorted(db.session.scalars(select(Sale.receipt_seq)))
    assert sequences == list(range(1, N + 1))
    numbers = [body["sale"]["receipt_number"] for _, body in results]
    assert len(set(numbers)) == N
