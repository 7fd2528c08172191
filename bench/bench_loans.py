"""Benchmark of the counter: handover latency, concurrent sales, PDFs, the family's page.

Prints figures (no pass/fail). SQLite in a temporary file by default; set
BENCH_DATABASE_URL=postgresql+psycopg://… for PostgreSQL (the database is emptied).

    .venv/bin/python bench/bench_loans.py
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("ORDILIEN_ENV", "testing")

from app import create_app  # noqa: E402
from app.accounts import services as accounts  # noqa: E402
from app.extensions import db  # noqa: E402
from app.family.links import ensure_family_token  # noqa: E402
from app.loans import printing  # noqa: E402
from app.loans.handover import HandoverInput, handover  # noqa: E402
from app.loans.models import SignatureKind  # noqa: E402
from app.loans.queries import list_sales  # noqa: E402
from app.loans.terms import PaymentMethod  # noqa: E402
from tests.conftest import IsolatedClient, make_test_config, wipe_database  # noqa: E402
from tests.integration.test_loans_factories import (  # noqa: E402
    PRE,
    RSA,
    make_counter,
    ready_device,
    validated_prescription,
)


def ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[max(0, int(len(values) * 0.95) - 1)]
    return f"median {statistics.median(values) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL")
    tmp = tempfile.TemporaryDirectory()
    url = url or f"sqlite:///{tmp.name}/bench.db"
    app = create_app(make_test_config(url, FAMILY_PAGE_PER_MINUTE=10_000))
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.drop_all()
        db.create_all()
        print(f"database: {db.engine.dialect.name}")
        counter = make_counter()
        n = 30
        prescriptions = [validated_prescription(counter, RSA, name=f"Foyer {i}") for i in range(n)]
        devices = [ready_device(counter.association) for _ in range(n)]
        times = []
        sales = []
        for p, d in zip(prescriptions, devices, strict=True):
            start = time.perf_counter()
            sales.append(
                handover(
                    counter.front_desk,
                    counter.association.id,
                    HandoverInput(
                        prescription_id=p.id, scanned=d.asset_tag, payment_method=PaymentMethod.CASH
                    ),
                )
            )
            times.append(time.perf_counter() - start)
        print(f"sale at the counter (service, {n} in a row): {ms(times)}")

        loan_p = validated_prescription(counter, PRE, name="Famille Bench")
        loan = handover(
            counter.front_desk,
            counter.association.id,
            HandoverInput(
                prescription_id=loan_p.id,
                scanned=ready_device(counter.association).asset_tag,
                signature_kind=SignatureKind.PAPER,
                signer_name="Famille Bench",
            ),
        )
        with app.test_request_context():
            pdf_times = []
            for _ in range(20):
                start = time.perf_counter()
                printing.receipt(sales[0], counter.front_desk)
                pdf_times.append(time.perf_counter() - start)
            print(f"receipt PDF (with QR code): {ms(pdf_times)}")
            sheet_times = []
            for _ in range(20):
                start = time.perf_counter()
                printing.loan_sheet(loan, counter.front_desk)
                sheet_times.append(time.perf_counter() - start)
            print(f"loan sheet PDF: {ms(sheet_times)}")
            raw = ensure_family_token(loan.household, counter.association.id, None)
        page_times = []
        client = app.test_client()
        for _ in range(30):
            start = time.perf_counter()
            assert client.get(f"/f/{raw}").status_code == 200
            page_times.append(time.perf_counter() - start)
        print(f"family page (GET, rate limit counted in the database): {ms(page_times)}")

        token = accounts.create_api_token(counter.front_desk, "bench")
        for label, same_device in (("50 desks, one device", True), ("50 sales at once", False)):
            ps = [validated_prescription(counter, RSA, name=f"Course {i}") for i in range(50)]
            ds = [ready_device(counter.association) for _ in range(1 if same_device else 50)]
            db.session.commit()
            ids = [p.id for p in ps]
            tags = [d.asset_tag for d in ds]
            barrier = threading.Barrier(50)

            def attempt(i: int, ids=ids, tags=tags, barrier=barrier, same=same_device) -> int:
                c = app.test_client()
                barrier.wait()
                return c.post(
                    "/api/v1/handovers",
                    json={
                        "prescription_id": ids[i],
                        "asset_tag": tags[0 if same else i],
                        "payment_method": "card",
                    },
                    headers={"Authorization": f"Bearer {token}"},
                ).status_code

            start = time.perf_counter()
            with ThreadPoolExecutor(max_workers=50) as pool:
                codes = list(pool.map(attempt, range(50)))
            wall = time.perf_counter() - start
            tally = {code: codes.count(code) for code in sorted(set(codes))}
            print(f"{label}: {wall:.2f} s wall, statuses {tally}")
        numbers = sorted(
            int(re.sub(r"^\d+-", "", s.receipt_number))
            for s in list_sales(counter.association.id, limit=10_000)
        )
        gaps = [b for a, b in zip(numbers, numbers[1:], strict=False) if b != a + 1]
        print(f"receipt numbers: {len(numbers)} from {numbers[0]} to {numbers[-1]}, gaps: {gaps}")
        wipe_database()
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
