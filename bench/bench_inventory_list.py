"""Device list and device page timings: prints figures, judges nothing.

The list at 1,000, 10,000 and 100,000 devices (target: the 100,000 median at most 1.5
times the 1,000 one) and a device page against a minimal logged-in page of the same
app, the home page (target: at most 1.5 times). The device measured has been through
triage, erasure, tests, grading and "ready", as a device at the counter has; the two
pages are requested in alternation, so that a slow spell of the machine weighs on both.
Each request goes through the whole Flask stack (routing, login, SQL, templates) on a
SQLite file, as `make run` serves it.

    .venv/bin/python bench/bench_inventory_list.py [--sizes 1000,10000,100000] [--runs 40]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("ORDILIEN_ENV", "testing")

from sqlalchemy import insert  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts import services as accounts  # noqa: E402
from app.accounts.sessions import SESSION_KEY, create_record  # noqa: E402
from app.authz.policy import OrgKind, Role  # noqa: E402
from app.core.clock import utcnow  # noqa: E402
from app.extensions import db  # noqa: E402
from app.inventory import erasure_records, stock, tags, workshop  # noqa: E402
from app.inventory.grading import StorageType  # noqa: E402
from app.inventory.lifecycle import DeviceType, State  # noqa: E402
from app.inventory.models import (  # noqa: E402
    Device,
    DonationBatch,
    ErasureLevel,
    ErasureMethod,
    ErasureResult,
    Location,
)

MODELS = [
    ("laptop", "Lenovo", "ThinkPad T470", 3700, 8, "ssd", 256),
    ("laptop", "Dell", "Latitude E7470", 3200, 8, "ssd", 240),
    ("laptop", "HP", "EliteBook 840 G5", 6000, 16, "nvme", 512),
    ("desktop", "Dell", "OptiPlex 7050", 6000, 8, "ssd", 256),
    ("smartphone", "Samsung", "Galaxy A52", None, 6, None, 128),
]
STATES = [s.value for s in State]


def build(url: str, size: int) -> tuple[object, tuple[str, str], int]:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        }
    )
    rng = random.Random(size)
    with app.app_context():
        db.create_all()
        org = accounts.create_organisation("atelier-bench", "Atelier Bench", OrgKind.ASSOCIATION)
        user = accounts.create_user("tech@bench.local", "mot-de-passe-bench", Role.TECHNICIAN, org)
        batches = []
        for n in range(max(1, size // 50)):
            batches.append({"organisation_id": org.id, "reference": f"LOT-{n}", "notes": "",
                            "received_on": utcnow().date(), "created_at": utcnow()})  # fmt: skip
        db.session.execute(insert(DonationBatch), batches)
        places = [{"organisation_id": org.id, "name": f"Étagère {c}"} for c in "ABCDEFGH"]
        db.session.execute(insert(Location), places)
        codes: set[str] = set()
        while len(codes) < size:
            codes.add(tags.generate(rng.choice))
        rows = []
        now = utcnow()
        for n, code in enumerate(sorted(codes)):
            kind, brand, model, score, ram, storage, disk = MODELS[n % len(MODELS)]
            rows.append(
                {
                    "organisation_id": org.id, "asset_tag": code, "device_type": kind,
                    "brand": brand, "model": model, "serial": f"SN{n:08d}", "imei": "",
                    "cpu": "", "cpu_score": score, "ram_gb": ram, "storage_type": storage,
                    "storage_gb": disk, "os": "", "condition": "untested", "condition_notes": "",
                    "batch_id": 1 + n // 50, "location_id": 1 + n % 8,
                    "state": rng.choice(STATES), "version": 1, "grade_adjustment": 0,
                    "grade_override_reason": "", "created_at": now, "updated_at": now,
                }
            )  # fmt: skip
            if len(rows) == 5000:
                db.session.execute(insert(Device), rows)
                rows = []
        if rows:
            db.session.execute(insert(Device), rows)
        db.session.commit()
        device_id = size // 2
        reconditioned(db.session.get(Device, device_id), user)
        uid = user.get_id()
        sid = create_record(user, "bench")  # the server-side session a cookie needs
    return app, (uid, sid), device_id


def reconditioned(device: Device, user: object) -> None:
    """The measured device has a real past: moves, an erasure, tests and a grade."""
    kind, device.brand, device.model, device.cpu_score, device.ram_gb, storage, disk = MODELS[0]
    device.device_type, device.storage_type = DeviceType(kind), StorageType(storage)
    device.storage_gb = disk
    device.state = State.RECEIVED
    db.session.commit()
    workshop.apply_transition(device, State.TRIAGE, user, "Arrivé avec le lot")
    workshop.apply_transition(device, State.RECONDITIONING, user, "")
    start = utcnow().replace(microsecond=0)
    erasure_records.record_erasure(
        device,
        erasure_records.ErasureInput(
            level=ErasureLevel.PURGE, method=ErasureMethod.ATA_SANITIZE, tool="hdparm",
            tool_version="9.65", started_at=start - timedelta(hours=2), ended_at=start,
            result=ErasureResult.ERASED, technician_name="Tech Bench", signature="Tech Bench",
            disk_size_gb=256, verification="Lecture de vérification complète (hdparm --verify)",
        ),
        actor=user,
    )  # fmt: skip
    items = workshop.checklist_items(device.organisation_id, device.device_type)
    workshop.save_checklist(device, [{"label": i, "result": "ok"} for i in items], actor=user)
    workshop.set_grade(device, actor=user)
    workshop.apply_transition(device, State.READY, user, "")


def timed_rounds(requests: list[tuple[object, str]], runs: int) -> list[list[float]]:
    """Each request once per round, for `runs` rounds: a slow spell of the machine weighs
    on all of them alike, so their ratios hold even when the absolute figures drift."""
    for client, path in requests * 3:  # warm-up: templates compiled, caches filled
        assert client.get(path).status_code == 200, path  # type: ignore[attr-defined]
    out: list[list[float]] = [[] for _ in requests]
    for _ in range(runs):
        for (client, path), times in zip(requests, out, strict=True):
            start = time.perf_counter()
            response = client.get(path)  # type: ignore[attr-defined]
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, path
    return out


def row(label: str, values: list[float]) -> str:
    return (
        f"{label:46} median {statistics.median(values):7.2f} ms   "
        f"min {min(values):7.2f}   max {max(values):7.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        clients: dict[int, object] = {}
        paths: dict[int, dict[str, str]] = {}
        for size in sizes:
            start = time.perf_counter()
            app, uid, device_id = build(f"sqlite:///{tmp}/bench-{size}.db", size)
            print(f"{size:,} devices built in {time.perf_counter() - start:.1f} s")
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"], session[SESSION_KEY] = uid
                session["_fresh"] = True
            with app.app_context():
                page = stock.list_devices(1, stock.DeviceFilter(), per_page=50)
                for _ in range(20):
                    page = stock.list_devices(1, stock.DeviceFilter(), cursor=page.next_cursor)
                db.session.remove()
            clients[size] = client
            paths[size] = {
                "list, first page (50 devices, capped count)": "/inventaire/",
                "list, state=ready": "/inventaire/?state=ready",
                "list, sorted by model": "/inventaire/?sort=model",
                "list, 21st page (keyset cursor)": f"/inventaire/?apres={page.next_cursor}",
                "list, text search 'SN00000042'": "/inventaire/?q=SN00000042",
                "device page": f"/inventaire/appareils/{device_id}",
                "home page (minimal logged-in page)": "/",
            }
        medians: dict[tuple[str, int], float] = {}
        labels = list(paths[sizes[0]])
        for label in labels[:5]:  # the list: the sizes requested in turn
            print(f"== {label}")
            times = timed_rounds([(clients[n], paths[n][label]) for n in sizes], args.runs)
            for size, values in zip(sizes, times, strict=True):
                medians[label, size] = statistics.median(values)
                print(row(f"  {size:,} devices", values))
        print("== device page against the home page, requested in turn")
        for size in sizes:
            device, home = timed_rounds(
                [(clients[size], paths[size][labels[5]]), (clients[size], "/")],
                max(args.runs, 200),
            )
            print(row(f"  {size:,} devices: device page", device))
            print(row(f"  {size:,} devices: home page", home))
            ratio = statistics.median(device) / statistics.median(home)
            print(f"  {size:,} devices: device page / home page {ratio:5.2f} x")
    if 1000 in sizes:
        first = labels[0]
        for size in sizes:
            if size != 1000:
                print(
                    f"list first page {size:,} / 1,000 devices: "
                    f"{medians[first, size] / medians[first, 1000]:.2f} x"
                )


if __name__ == "__main__":
    main()
