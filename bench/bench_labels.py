"""Label sheet timings: prints figures, judges nothing.

A batch of 1,000 devices printed on Avery L7160 (21 labels a page, 48 pages), as the
labels page serves it: the request `/inventaire/etiquettes?sheet=L7160&batch_id=…`
through the whole Flask stack (login, the devices' query, the PDF) on a SQLite file,
and the PDF alone (app.inventory.pdfs.labels_pdf on the same devices). The QR matrices
are cached per URL in the process; the first round of each kind therefore counts as a
first print ("cold"), the others as reprints of the same batch.

    .venv/bin/python bench/bench_labels.py [--devices 1000] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("ORDILIEN_ENV", "testing")

from sqlalchemy import insert, select  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts import services as accounts  # noqa: E402
from app.accounts.sessions import SESSION_KEY, create_record  # noqa: E402
from app.authz.policy import OrgKind, Role  # noqa: E402
from app.core.clock import utcnow  # noqa: E402
from app.documents import qr  # noqa: E402
from app.extensions import db  # noqa: E402
from app.inventory import tags  # noqa: E402
from app.inventory.models import Device, DonationBatch  # noqa: E402
from app.inventory.pdfs import labels_pdf  # noqa: E402

MODELS = [
    ("laptop", "Lenovo", "ThinkPad T470"),
    ("laptop", "HP", "EliteBook 840 G5"),
    ("desktop", "Dell", "OptiPlex 7050"),
    ("smartphone", "Samsung", "Galaxy A52"),
    ("tablet", "Apple", "iPad (6e génération)"),
]


def build(url: str, size: int) -> tuple[object, tuple[str, str], int]:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            "PUBLIC_BASE_URL": "https://ordilien.example.org",
        }
    )
    rng = random.Random(size)
    with app.app_context():
        db.create_all()
        org = accounts.create_organisation("atelier-bench", "Atelier Bench", OrgKind.ASSOCIATION)
        user = accounts.create_user("tech@bench.local", "mot-de-passe-bench", Role.TECHNICIAN, org)
        now = utcnow()
        db.session.execute(
            insert(DonationBatch),
            [{"organisation_id": org.id, "reference": "LOT-1", "notes": "",
              "received_on": now.date(), "created_at": now}],
        )  # fmt: skip
        batch_id = db.session.scalar(select(DonationBatch.id))
        codes: set[str] = set()
        while len(codes) < size:
            codes.add(tags.generate(rng.choice))
        rows = []
        for n, code in enumerate(sorted(codes)):
            kind, brand, model = MODELS[n % len(MODELS)]
            rows.append(
                {
                    "organisation_id": org.id, "asset_tag": code, "device_type": kind,
                    "brand": brand, "model": model, "serial": f"SN{n:08d}", "imei": "",
                    "cpu": "", "os": "", "condition": "untested", "condition_notes": "",
                    "batch_id": batch_id, "state": "received", "version": 1,
                    "grade_adjustment": 0, "grade_override_reason": "",
                    "created_at": now, "updated_at": now,
                }
            )  # fmt: skip
        db.session.execute(insert(Device), rows)
        db.session.commit()
        uid = user.get_id()
        record = create_record(user, "bench")  # the server-side session a cookie needs
    return app, (uid, record), int(batch_id or 0)


def row(label: str, values: list[float]) -> str:
    return (
        f"{label:44} median {statistics.median(values):8.1f} ms   "
        f"min {min(values):8.1f}   max {max(values):8.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        app, uid, batch_id = build(f"sqlite:///{tmp}/bench-labels.db", args.devices)
        print(f"{args.devices:,} devices built in {time.perf_counter() - start:.1f} s")
        client = app.test_client()  # type: ignore[attr-defined]
        with client.session_transaction() as session:
            session["_user_id"], session[SESSION_KEY] = uid
            session["_fresh"] = True
        path = f"/inventaire/etiquettes?sheet=L7160&start=1&batch_id={batch_id}"
        pages: list[float] = []
        size = 0
        for _ in range(args.runs):
            begin = time.perf_counter()
            response = client.get(path)
            pages.append((time.perf_counter() - begin) * 1000)
            assert response.status_code == 200, response.status_code
            assert response.mimetype == "application/pdf", response.mimetype
            size = len(response.data)
        print(f"== {args.devices:,} labels, L7160, {size / 1024:.0f} KiB")
        print(row("  labels page, first print (cold QR cache)", pages[:1]))
        print(row("  labels page, reprints", pages[1:] or pages))
        with app.app_context():  # type: ignore[attr-defined]
            devices = db.session.scalars(
                select(Device).where(Device.batch_id == batch_id).order_by(Device.id)
            ).all()
            pdfs: list[float] = []
            cold: list[float] = []
            for n in range(args.runs):
                if n % 2 == 0:
                    qr.qr_matrix.cache_clear()
                    qr._path_ops.cache_clear()
                begin = time.perf_counter()
                labels_pdf(devices, "L7160", "https://ordilien.example.org", org_name="Atelier")
                (cold if n % 2 == 0 else pdfs).append((time.perf_counter() - begin) * 1000)
            db.session.remove()
        print(row("  labels_pdf alone, QR cache emptied", cold))
        print(row("  labels_pdf alone, QR cache warm", pdfs or cold))


if __name__ == "__main__":
    main()
