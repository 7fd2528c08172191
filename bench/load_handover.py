"""Load test of a handover day on PostgreSQL: prints figures per page, judges two targets.

Technicians scan labels and open device pages, front desks hand devices over (loans and
sales, through the real forms with their CSRF tokens), prescribers book training
sessions, trainers look at their sessions; everyone views lists, and everyone opens
"Mon compte" (/compte), the minimal logged-in page, in the same run as the baseline.

What it does, and undoes even on failure: a PostgreSQL database of its own (a throwaway
cluster in a temporary directory, or a new database on the server of --pg-url), the
migrations and the demo data through the real commands, a few thousand more devices with
their history, households, validated prescriptions and one account per simulated person;
gunicorn on 127.0.0.1 (5 workers x 2 threads, as docs/DEPLOY.md); locust headless.

People arrive over the first 20 seconds (a sixth of a shorter run) and log in once
(scrypt, slow on purpose); each does each of their tasks once, then picks tasks by weight
with a think time of 0.5 to 2.5 s between pages. Printed: per page, requests, failures,
req/s, median and 95th percentile over the steady state (once everyone is logged in; the
logins over the arrivals), the throughput, and every error over the whole run.

Targets (full form, exit code 1 when missed): zero errors; 95th percentile of the device
page under 4 times that of /compte. The short form (what `make test` runs,
tests/integration/test_load_short.py) judges only the errors and that every page of the
scenario was requested.

    .venv/bin/python bench/load_handover.py            # full: 50 users, 2 minutes (make bench-load)
    .venv/bin/python bench/load_handover.py --short    # 10 users, 30 seconds
      [--users N] [--duration SECONDS] [--pg-url postgresql://user@host:port/any_db]
      [--think 0.5,2.5] [--json FILE] [--workers 5] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LOCUSTFILE = Path(__file__).resolve().parent / "locust_handover.py"
PASSWORD = "charge-ordilien-2025"  # noqa: S105 (accounts of a throwaway database)

# Locust user classes and their weights (50 users: 17 technicians, 13 front desks, 13
# prescribers, 7 trainers). The locustfile imports them; seeding makes enough accounts.
ROLE_WEIGHTS = {"technician": 5, "front_desk": 4, "prescriber": 4, "trainer": 2}

# The request names of the scenario (locust's "Name" column): the short form checks that
# each one was requested at least once.
DEVICE_PAGE = "/inventaire/appareils/[id]"
MINIMAL_PAGE = "/compte"
PAGES = [
    "/connexion",
    "POST /connexion",
    MINIMAL_PAGE,
    "/d/[tag] (scan)",
    DEVICE_PAGE,
    "POST /inventaire/appareils/[id]/etat",
    "/inventaire/",
    "/inventaire/?filtre",
    "/comptoir",
    "/comptoir/prescriptions/[id]",
    "POST /comptoir/prescriptions/[id] (scan)",
    "/comptoir/prescriptions/[id]/remise",
    "POST /comptoir/prescriptions/[id]/remise (vente)",
    "POST /comptoir/prescriptions/[id]/remise (prêt)",
    "/ventes/[id]",
    "/ventes/[id]/recu.pdf",
    "/prets/[id]",
    "/prets/[id]/convention.pdf",
    "/ventes",
    "/prets",
    "/foyers",
    "/foyers/[id]",
    "/prescriptions",
    "/formation/",
    "/formation/seances/[id]",
    "POST /formation/seances/[id]/reserver",
    "/formation/mon-lieu",
]
RATIO_TARGET = 4.0
ARRIVALS = {"/connexion", "POST /connexion"}  # each person logs in once, on arrival


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def accounts_needed(users: int) -> dict[str, int]:
    total = sum(ROLE_WEIGHTS.values())
    return {role: math.ceil(users * w / total) + 1 for role, w in ROLE_WEIGHTS.items()}


# ---------------------------------------------------------------- PostgreSQL


def _pg_bindir() -> Path:
    if os.environ.get("PG_BIN_DIR"):
        return Path(os.environ["PG_BIN_DIR"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name or 0))
    if not found:
        raise SystemExit("PostgreSQL n'est pas installé (paquet Debian 'postgresql').")
    return found[-1]


def _as_postgres(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: use the postgres account when we are root."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.getuid() == 0 else cmd


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """initdb in a temporary directory, started on a free port; yields the server's URL."""
    bindir = _pg_bindir()
    tmp = Path(tempfile.mkdtemp(prefix="ordilien-load-pg-"))
    port = free_port()
    data = tmp / "data"
    try:
        if os.getuid() == 0:
            shutil.chown(tmp, "postgres", "postgres")
        init = [str(bindir / "initdb"), "-D", str(data), "-U", "ordilien", "--auth=trust", "-E"]
        with open(tmp / "initdb.log", "w") as out:
            if subprocess.call(_as_postgres([*init, "UTF8", "--locale=C.UTF-8"]), stdout=out,
                               stderr=subprocess.STDOUT) != 0:  # fmt: skip
                shutil.rmtree(data, ignore_errors=True)
                subprocess.check_call(_as_postgres([*init, "UTF8"]), stdout=out,
                                      stderr=subprocess.STDOUT)  # fmt: skip
        options = f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c max_connections=200"
        subprocess.check_call(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(tmp / "server.log"),
                          "-w", "-t", "60", "-o", options, "start"]),
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        log(f"PostgreSQL {bindir.parent.name} started on 127.0.0.1:{port} ({tmp})")
        yield f"postgresql://ordilien@127.0.0.1:{port}/postgres"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.call(
                _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def dedicated_database(server_url: str) -> Iterator[str]:
    """A new database on this server, dropped afterwards; yields its SQLAlchemy URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    server = make_url(server_url).set(drivername="postgresql", database="postgres")
    admin = server.render_as_string(hide_password=False)
    name = f"ordilien_load_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ---------------------------------------------------------------- data


def run_flask(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-5000:])
        raise RuntimeError(f"flask {' '.join(args)} failed (exit code {done.returncode})")


def seed_extra(url: str, *, devices: int, users: int, handovers: int, plan_path: Path) -> None:
    """More records than the demo (devices with their history, households, validated
    prescriptions), one account per simulated person, and the plan the locustfile reads."""
    sys.path.insert(0, str(ROOT))
    from bench_inventory_list import MODELS
    from sqlalchemy import func, insert, select, text

    from app import create_app
    from app.accounts import services as accounts
    from app.accounts.models import Organisation, User
    from app.authz.policy import Role
    from app.core.clock import utcnow
    from app.extensions import db
    from app.households import services as households
    from app.inventory import tags
    from app.inventory.grading import Grade
    from app.inventory.lifecycle import DeviceType, State
    from app.inventory.models import (
        Device,
        DeviceChecklist,
        DeviceEvent,
        DonationBatch,
        ErasureRecord,
        Location,
    )
    from app.training.models import SessionStatus, TrainingSession
    from tests.integration.test_loans_factories import (
        PRE,
        RSA,
        Counter,
        household_input,
        validated_prescription,
    )

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    rng = random.Random(2025)
    need = accounts_needed(users)
    plan: dict[str, Any] = {"password": PASSWORD, "accounts": {}}
    with app.app_context():
        orgs = {o.slug: o for o in db.session.scalars(select(Organisation))}
        associations = [orgs["atelier-metz"], orgs["ressourcerie-amiens"]]
        prescribers = [orgs[s] for s in ("ccas-metz", "mds-amiens-nord", "france-services-chartres")]  # fmt: skip
        managers = {
            a.id: db.session.scalar(
                select(User).where(User.organisation_id == a.id, User.role == Role.MANAGER)
            )
            for a in associations
        }

        # Devices: a workshop's stock in every state, each with the events that led there.
        path = [State.RECEIVED, State.TRIAGE, State.RECONDITIONING, State.READY]
        weights = {State.RECEIVED: 2, State.TRIAGE: 2, State.RECONDITIONING: 3, State.READY: 3,
                   State.ON_LOAN: 3, State.SOLD: 3, State.E_WASTE: 1, State.PARTS: 1}  # fmt: skip
        now = utcnow()
        existing = set(db.session.scalars(select(Device.asset_tag)))
        codes: set[str] = set()
        while len(codes) < devices:
            code = tags.generate(rng.choice)
            if code not in existing:
                codes.add(code)
        first_id = (db.session.scalar(select(func.max(Device.id))) or 0) + 1
        device_rows, event_rows, erasure_rows, checklist_rows = [], [], [], []
        batch_ids: dict[int, list[int]] = {}
        location_ids: dict[int, list[int]] = {}
        for org in associations:
            batch_ids[org.id] = list(db.session.scalars(insert(DonationBatch).returning(DonationBatch.id), [
                {"organisation_id": org.id, "reference": f"CHARGE-{n:03d}", "notes": "",
                 "received_on": now.date(), "created_at": now} for n in range(devices // 100 + 1)
            ]))  # fmt: skip
            location_ids[org.id] = list(db.session.scalars(insert(Location).returning(Location.id), [
                {"organisation_id": org.id, "name": f"Étagère charge {c}"} for c in "ABCDEF"
            ]))  # fmt: skip
        for n, code in enumerate(sorted(codes)):
            org = associations[n % 2]
            kind, brand, model, score, ram, storage, disk = MODELS[n % len(MODELS)]
            state = rng.choices(list(weights), list(weights.values()))[0]
            # Laptops ready to hand over carry what made them ready in the workshop.
            laptop_ready = kind == "laptop" and state in (State.READY, State.ON_LOAN, State.SOLD)
            device_id = first_id + n
            device_rows.append({
                "id": device_id, "organisation_id": org.id, "asset_tag": code,
                "device_type": kind, "brand": brand, "model": model, "serial": f"CH{n:07d}",
                "imei": "", "cpu": "", "cpu_score": score, "ram_gb": ram, "storage_type": storage,
                "storage_gb": disk, "os": "Linux Mint 22", "condition": "working",
                "condition_notes": "", "batch_id": rng.choice(batch_ids[org.id]),
                "location_id": rng.choice(location_ids[org.id]), "state": state.value,
                "version": 1, "grade": Grade.B.value if laptop_ready else None,
                "grade_adjustment": 0, "grade_override_reason": "", "created_at": now,
                "updated_at": now,
            })  # fmt: skip
            steps = [None, *path]
            if state in path:
                steps = steps[: path.index(state) + 2]
            else:
                steps.append(state)
            for i in range(1, len(steps)):
                event_rows.append({
                    "device_id": device_id, "organisation_id": org.id, "actor_label": "charge",
                    "from_state": steps[i - 1].value if steps[i - 1] else None,
                    "to_state": steps[i].value, "reason": "", "context": {},
                    "at": now - timedelta(days=3 * (len(steps) - i)),
                })  # fmt: skip
            if state not in (State.RECEIVED, State.TRIAGE, State.E_WASTE, State.PARTS):
                erasure_rows.append({
                    "device_id": device_id, "organisation_id": org.id, "level": "purge",
                    "method": "overwrite", "tool": "nwipe", "tool_version": "0.34",
                    "verification": "", "started_at": now, "ended_at": now, "result": "erased",
                    "technician_name": "Lucie Marchal", "signature": "Lucie Marchal", "notes": "",
                    "disk_make": "", "disk_model": "", "disk_serial": "", "created_at": now,
                })  # fmt: skip
                checklist_rows.append({
                    "device_id": device_id, "organisation_id": org.id, "completed": True,
                    "results": [{"label": "Écran", "result": "ok", "note": ""}],
                    "performed_by_name": "Lucie Marchal", "updated_at": now,
                })  # fmt: skip
        for model_cls, rows in ((Device, device_rows), (DeviceEvent, event_rows),
                                (ErasureRecord, erasure_rows), (DeviceChecklist, checklist_rows)):  # fmt: skip
            for start in range(0, len(rows), 2000):
                db.session.execute(insert(model_cls), rows[start : start + 2000])
        # Explicit ids were inserted: move the sequence past them.
        db.session.execute(
            text("SELECT setval(pg_get_serial_sequence('device', 'id'), :last)"),
            {"last": first_id + devices},
        )
        db.session.commit()
        log(f"  {devices} devices, {len(event_rows)} events")

        # One account per simulated person.
        roles = {"technician": (Role.TECHNICIAN, associations),
                 "front_desk": (Role.FRONT_DESK, associations),
                 "prescriber": (Role.PRESCRIBER, prescribers),
                 "trainer": (Role.TRAINER, [orgs[s] for s in ("mjc-4-bornes", "mediatheque-verlaine", "mixytes", "le-quai", "arc-en-ciel", "famille-lorraine")])}  # fmt: skip
        made: dict[str, list[User]] = {}
        for name, (role, homes) in roles.items():
            made[name] = [
                accounts.create_user(
                    f"{name.replace('_', '-')}-{i:02d}@charge.local",
                    PASSWORD,
                    role,
                    homes[i % len(homes)],
                    full_name=f"Charge {name} {i}",
                    commit=False,
                )
                for i in range(need[name])
            ]
        db.session.commit()

        ready = {
            a.id: [
                tag
                for (tag,) in db.session.execute(
                    select(Device.asset_tag).where(
                        Device.organisation_id == a.id,
                        Device.state == State.READY,
                        Device.device_type == DeviceType.LAPTOP,
                        Device.grade.is_not(None),
                    )
                )
            ]
            for a in associations
        }
        received = {
            a.id: list(
                db.session.scalars(
                    select(Device.id).where(
                        Device.organisation_id == a.id,
                        Device.state == State.RECEIVED,
                        Device.serial.like("CH%"),
                    )
                )
            )
            for a in associations
        }
        scannable = {
            a.id: [
                list(r)
                for r in db.session.execute(
                    select(Device.id, Device.asset_tag, Device.serial)
                    .where(Device.organisation_id == a.id)
                    .order_by(func.random())
                    .limit(400)
                )
            ]
            for a in associations
        }

        # Technicians: devices to scan (their association's), received devices to triage.
        plan["accounts"]["technician"] = [
            {
                "email": u.email,
                "scan": scannable[u.organisation_id],
                "triage": received[u.organisation_id][
                    i // 2 :: max(1, need["technician"] // 2 + 1)
                ][:20],
            }
            for i, u in enumerate(made["technician"])
        ]

        # Front desks: validated prescriptions (their own households, alternately a sale at
        # 15 EUR and a 12-month loan), each with a ready laptop of the desk's association.
        desks = []
        for i, u in enumerate(made["front_desk"]):
            asso = db.session.get(Organisation, u.organisation_id)
            prescriber_user = made["prescriber"][i % len(made["prescriber"])]
            counter = Counter(asso, managers[asso.id], u, prescriber_user.organisation,
                              prescriber_user)  # fmt: skip
            jobs = []
            for k in range(handovers):
                if not ready[asso.id]:
                    break
                programme = RSA if (i + k) % 2 == 0 else PRE  # both kinds from the start
                p = validated_prescription(counter, programme, name=f"Foyer Charge {i}-{k}")
                jobs.append({"prescription": p.id, "tag": ready[asso.id].pop(),
                             "mode": "vente" if programme == RSA else "prêt"})  # fmt: skip
            desks.append({"email": u.email, "handovers": jobs})
        plan["accounts"]["front_desk"] = desks
        log(f"  {sum(len(d['handovers']) for d in desks)} validated prescriptions")

        # Prescribers: households of their own to book on the published sessions.
        sessions = list(db.session.scalars(select(TrainingSession.id).where(
            TrainingSession.status == SessionStatus.PUBLISHED,
            TrainingSession.starts_at > now).order_by(TrainingSession.starts_at)))  # fmt: skip
        plan["sessions"] = sessions
        plan["accounts"]["prescriber"] = []
        for i, u in enumerate(made["prescriber"]):
            ids = [
                households.create_household(
                    household_input(RSA if k % 2 else PRE, f"Foyer Atelier {i}-{k}"), u
                ).id
                for k in range(8)
            ]
            plan["accounts"]["prescriber"].append({"email": u.email, "households": ids})
        plan["accounts"]["trainer"] = [
            {
                "email": u.email,
                "sessions": list(
                    db.session.scalars(
                        select(TrainingSession.id).where(
                            TrainingSession.organisation_id == u.organisation_id
                        )
                    )
                ),
            }
            for u in made["trainer"]
        ]
        db.session.remove()
        db.engine.dispose()
    plan_path.write_text(json.dumps(plan))


# ---------------------------------------------------------------- gunicorn and locust


def wait_for(url: str, proc: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn stopped before answering")
        with (
            suppress(OSError, urllib.error.URLError),
            urllib.request.urlopen(url, timeout=5) as response,  # noqa: S310 (our server)
        ):
            if response.status == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout:.0f} s")


def stop(proc: subprocess.Popen[bytes] | None, grace: float = 30) -> None:
    """SIGTERM to a process we started (its own session), then SIGKILL to its group."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (the median is 0.5)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * fraction) - 1)]


def figures(records: list[list[Any]], since: float = 0.0) -> dict[str, dict[str, Any]]:
    """Per page: requests, failures, req/s, median and 95th percentile, of the requests
    ended after ``since`` (a time.time())."""
    kept = [r for r in records if r[0] > since]
    span = max(
        1.0, max((r[0] for r in kept), default=0) - (since or min((r[0] for r in kept), default=0))
    )
    pages: dict[str, dict[str, Any]] = {}
    for name in sorted({r[1] for r in kept}):
        rows = [r for r in kept if r[1] == name]
        times = [r[2] for r in rows]
        pages[name] = {
            "requests": len(rows),
            "failures": sum(1 for r in rows if r[3]),
            "rps": len(rows) / span,
            "median_ms": percentile(times, 0.5),
            "p95_ms": percentile(times, 0.95),
        }
    times = [r[2] for r in kept]
    pages["(all)"] = {"requests": len(kept), "failures": sum(1 for r in kept if r[3]),
                      "rps": len(kept) / span, "median_ms": percentile(times, 0.5),
                      "p95_ms": percentile(times, 0.95), "seconds": span}  # fmt: skip
    return pages


def server_warnings(log_path: Path) -> list[str]:
    """gunicorn's own complaints (worker timeouts, crashes, restarts)."""
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    return [
        line
        for line in text.splitlines()
        if "[WARNING]" in line or "[ERROR]" in line or "[CRITICAL]" in line
    ]


def server_errors(log_path: Path) -> list[str]:
    """Tracebacks in gunicorn's log: each is a 500 or a crash the client may not see."""
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    blocks = text.split("Traceback (most recent call last):")[1:]
    return ["Traceback (most recent call last):" + b[:3000] for b in blocks]


def report(records: list[list[Any]], short: bool, tracebacks: list[str]) -> dict[str, Any]:
    """Errors over the whole run; timings over the steady state, from the moment the last
    person has logged in (people arrive over the first seconds, and a login costs a
    deliberately slow password hash), so that arrivals do not weigh on the baseline."""
    whole = figures(records)
    logins = [r[0] for r in records if r[1] == "POST /connexion" and not r[3]]
    since = max(logins) if logins else 0.0
    steady = figures(records, since)
    errors = [r for r in records if r[3]]  # failed requests and exceptions of the scenario

    print()
    print(
        f"{'page':50} {'requests':>8} {'failures':>8} {'req/s':>7} {'median ms':>9} {'p95 ms':>7}"
    )
    order = {name: i for i, name in enumerate(PAGES)}
    for name in sorted(set(whole) - {"(all)"}, key=lambda n: order.get(n, len(order))):
        arrival = name in ARRIVALS or name not in steady
        f = whole[name] if arrival else steady[name]
        mark = " *" if arrival else ""
        print(f"{(name + mark)[:50]:50} {f['requests']:8d} {f['failures']:8d} {f['rps']:7.2f} "
              f"{f['median_ms']:9.0f} {f['p95_ms']:7.0f}")  # fmt: skip
    print("* while people arrive (the other lines: steady state, once everyone is logged in)")
    missing = [p for p in PAGES if p not in whole]
    device = steady.get(DEVICE_PAGE, {}).get("p95_ms", float("nan"))
    minimal = steady.get(MINIMAL_PAGE, {}).get("p95_ms", float("nan"))
    ratio = device / minimal if minimal else float("nan")
    ok_ratio = not math.isnan(ratio) and ratio < RATIO_TARGET
    a, s = whole["(all)"], steady["(all)"]
    print()
    print(f"whole run: {a['requests']} requests in {a['seconds']:.0f} s, {a['rps']:.1f} req/s")
    print(f"steady state: {s['requests']} requests in {s['seconds']:.0f} s, {s['rps']:.1f} req/s, "
          f"median {s['median_ms']:.0f} ms, p95 {s['p95_ms']:.0f} ms")  # fmt: skip
    print(f"errors: {len(errors)}   (target 0: {'PASS' if not errors else 'FAIL'})")
    for r in errors[:20]:
        print(f"    {r[1]}: {r[3]}")
    if tracebacks:
        print(f"server tracebacks in gunicorn's log: {len(tracebacks)}; the first:")
        print(tracebacks[0])
    print(f"p95 device page / p95 {MINIMAL_PAGE}: {device:.0f} / {minimal:.0f} ms = {ratio:.2f} x"
          f"   (target < {RATIO_TARGET:g} x: {'PASS' if ok_ratio else 'FAIL'}"
          f"{', not judged in the short form' if short else ''})")  # fmt: skip
    if missing:
        print(f"pages never requested: {', '.join(missing)}")
    return {
        "requests": a["requests"],
        "throughput": a["rps"],
        "steady_throughput": s["rps"],
        "errors": len(errors),
        "server_tracebacks": len(tracebacks),
        "ratio": ratio,
        "ratio_ok": ok_ratio,
        "missing_pages": missing,
        "pages": steady,
        "whole_run": whole,
        "error_samples": [r[1:] for r in errors[:50]],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="10 users, 30 s, smaller data")
    parser.add_argument("--users", type=int)
    parser.add_argument("--duration", type=int, help="seconds of load")
    parser.add_argument("--pg-url", help="an existing server (a new database is made on it)")
    parser.add_argument("--think", help="think time between pages, seconds: MIN,MAX")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    users = args.users or (10 if args.short else 50)
    duration = args.duration or (30 if args.short else 120)
    think = args.think or ("0.2,1.0" if args.short else "0.5,2.5")
    devices = 600 if args.short else 3000
    handovers = 6 if args.short else 8

    work = Path(tempfile.mkdtemp(prefix="ordilien-load-"))
    gunicorn: subprocess.Popen[bytes] | None = None
    locust: subprocess.Popen[bytes] | None = None
    gunicorn_log = work / "gunicorn.log"
    locust_log = work / "locust.log"
    try:
        cluster = nullcontext(args.pg_url) if args.pg_url else throwaway_cluster()
        with cluster as server, dedicated_database(server) as url:
            env = {
                **os.environ,
                "ORDILIEN_ENV": "production",
                "SECRET_KEY": secrets.token_hex(32),
                "DATABASE_URL": url,
                "SESSION_COOKIE_SECURE": "false",  # plain HTTP on 127.0.0.1
                "MAIL_BACKEND": "console",
                "SMS_BACKEND": "file",
                "SMS_FILE_PATH": str(work / "sms.log"),
                "PYTHONPATH": str(ROOT),
                # Every simulated person comes from 127.0.0.1: the per-address limits of the
                # scan and family pages would stop them as one visitor.
                "FAMILY_PAGE_PER_MINUTE": "100000",
                "FAMILY_PAGE_FAILURES": "100000",
            }
            os.environ.update({k: env[k] for k in ("ORDILIEN_ENV", "SECRET_KEY", "DATABASE_URL",
                                                   "MAIL_BACKEND", "SMS_BACKEND", "SMS_FILE_PATH")})  # fmt: skip
            start = time.perf_counter()
            log("migrations (flask db upgrade), demo data (flask seed-demo)")
            run_flask(env, "db", "upgrade")
            run_flask(env, "seed-demo")
            log("more records and one account per simulated person")
            plan = work / "plan.json"
            seed_extra(url, devices=devices, users=users, handovers=handovers, plan_path=plan)
            log(f"data ready in {time.perf_counter() - start:.0f} s")

            port = free_port()
            host = f"http://127.0.0.1:{port}"
            with open(gunicorn_log, "wb") as out:
                gunicorn = subprocess.Popen(
                    [str(BIN / "gunicorn"), "wsgi:app", "--workers", str(args.workers),
                     "--threads", str(args.threads), "--bind", f"127.0.0.1:{port}",
                     "--timeout", "60", "--error-logfile", "-"],
                    cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                    start_new_session=True,
                )  # fmt: skip
            wait_for(f"{host}/sante", gunicorn)
            log(f"gunicorn on {host}: {args.workers} workers x {args.threads} threads; "
                f"locust: {users} users for {duration} s, think time {think} s")  # fmt: skip
            results = work / "requests.json"
            with open(locust_log, "wb") as out:
                locust = subprocess.Popen(
                    [str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "-u", str(users),
                     "-r", f"{users / min(20, duration / 6):.2f}", "-t", f"{duration}s",
                     "--host", host, "--only-summary", "--stop-timeout", "15",
                     "--loglevel", "WARNING"],
                    cwd=ROOT, env={**env, "LOAD_PLAN": str(plan), "LOAD_THINK": think,
                                   "LOAD_RESULTS": str(results)},
                    start_new_session=True, stdout=out, stderr=subprocess.STDOUT,
                )  # fmt: skip
            try:
                code = locust.wait(duration + 120)
            except subprocess.TimeoutExpired:
                code = None
                log("locust did not stop in time: stopped")
            stop(locust)
            stop(gunicorn)
            if code not in (0, 1) or not results.exists():
                print(locust_log.read_text(errors="replace")[-5000:])
                raise RuntimeError(f"locust failed (exit code {code})")
            for line in server_warnings(gunicorn_log)[-30:]:
                print("gunicorn:", line)
            records = json.loads(results.read_text())
            summary = report(records, args.short, server_errors(gunicorn_log))
    except BaseException:
        if gunicorn_log.exists():
            print("gunicorn's log, the end:", gunicorn_log.read_text(errors="replace")[-5000:])
        raise
    finally:
        stop(locust)
        stop(gunicorn)
        shutil.rmtree(work, ignore_errors=True)
    summary.update(users=users, duration=duration, short=args.short)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    failed = summary["errors"] > 0 or summary["server_tracebacks"] > 0 or summary["missing_pages"]
    if not args.short and not summary["ratio_ok"]:
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
