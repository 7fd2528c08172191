"""Faults: the app killed in the middle of a transaction, the database restarted under load.

Real processes, nothing mocked: a private PostgreSQL cluster (initdb in a temporary
folder, its own port), migrated with ``flask db upgrade``, and the app under gunicorn as
in production. The test drives it over HTTP like a browser (login form, CSRF tokens) and
checks the database through its own connections.

To kill the app while a transaction is open, and not before or after it, the test holds
a lock that the request needs late (a row or a table, from its own transaction), waits
until PostgreSQL shows the app's backend waiting on it *after having written* (it has a
transaction id, and row-exclusive locks on the tables it wrote), then SIGKILLs gunicorn.

They run once per ``make test``: in the pass without TEST_DATABASE_URL (they bring their
own server). Without PostgreSQL binaries they are skipped, except in CI where they fail.
KEEP_FAULT_TMP=1 keeps the cluster's folder (server.log, gunicorn.log) for a post-mortem.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import time as clock_time
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from app import create_app
from app.accounts import services as accounts
from app.authz.policy import OrgKind, Role
from app.config import normalise_database_url
from app.core.clock import utcnow
from app.extensions import db
from app.training import sessions
from app.training.models import SessionFormat
from app.training.recurrence import to_local
from tests import factories
from tests.conftest import dispose_app, make_test_config
from tests.integration.test_loans_factories import (
    RSA,
    make_counter,
    ready_device,
    validated_prescription,
)
from tests.integration.test_training_support import make_household
from tests.processes import (
    ROOT,
    AppServer,
    Browser,
    PostgresCluster,
    Reply,
    flask_cli,
    free_port,
    postgres_bindir,
)

APP_NAME = "ordilien-app"  # application_name of the app's connections in pg_stat_activity
PASSWORD = factories.PASSWORD
IMPORT_ROWS = 2000


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def pg() -> Iterator[PostgresCluster]:
    if os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("fault tests run once, in the pass without TEST_DATABASE_URL (own server)")
    bindir = postgres_bindir()
    if bindir is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is required in CI for the fault tests (Debian 'postgresql').")
        pytest.skip("PostgreSQL binaries not found (Debian package 'postgresql')")
    cluster = PostgresCluster(bindir)
    try:
        cluster.init()
        cluster.start()
        cluster.create_database()
        env = {**os.environ, "ORDILIEN_ENV": "development", "DATABASE_URL": cluster.url()}
        flask_cli(env, "db", "upgrade")
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture(scope="module")
def data_app(pg: PostgresCluster) -> Iterator[Flask]:
    """The app in this process, on the private database: builds the records tests need."""
    application = create_app(make_test_config(normalise_database_url(pg.url())))
    yield application
    dispose_app(application)


@pytest.fixture(scope="module")
def server(pg: PostgresCluster) -> Iterator[AppServer]:
    env = {key: value for key, value in os.environ.items() if key != "TEST_DATABASE_URL"}
    env.update(
        ORDILIEN_ENV="production",
        SECRET_KEY=secrets.token_hex(32),  # the same across restarts: sessions survive
        DATABASE_URL=pg.url(APP_NAME),
        SESSION_COOKIE_SECURE="0",  # plain http on 127.0.0.1
        MAIL_BACKEND="console",
        SMS_BACKEND="console",
        PYTHONUNBUFFERED="1",
    )
    app_server = AppServer(env, pg.root / "gunicorn.log")
    app_server.start()
    yield app_server
    app_server.stop()


@pytest.fixture
def live(pg: PostgresCluster, server: AppServer) -> AppServer:
    """The app serving, whatever the previous test left (a killed app, a stopped server)."""
    if not pg.running():
        pg.start()
    if not server.alive():
        server.start()
    return server


@contextmanager
def on_private_db(data_app: Flask) -> Iterator[None]:
    with data_app.test_request_context():
        try:
            yield
        finally:
            db.session.remove()


# ---------------------------------------------------------------- database probes


def rows(pg: PostgresCluster, query: str, *params: Any) -> list[tuple[Any, ...]]:
    with pg.connect() as conn:
        return conn.execute(query, params).fetchall()  # type: ignore[arg-type]


def value(pg: PostgresCluster, query: str, *params: Any) -> Any:
    found = rows(pg, query, *params)
    return found[0][0] if found else None


def journal(pg: PostgresCluster, action: str) -> int:
    return int(value(pg, "SELECT count(*) FROM audit_entry WHERE action = %s", action))


def wait_for_blocked_writer(
    pg: PostgresCluster, waiting: Callable[[], bool], timeout: float = 30
) -> tuple[int, set[str]]:
    """The app's backend that has written and now waits on a lock: (pid, tables written)."""
    deadline = time.monotonic() + timeout
    with pg.connect() as conn:
        while time.monotonic() < deadline and waiting():
            found = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s "
                "AND state = 'active' AND wait_event_type = 'Lock' AND backend_xid IS NOT NULL",
                (APP_NAME,),
            ).fetchone()
            if found:
                written = conn.execute(
                    "SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "WHERE l.pid = %s AND l.granted AND l.mode = 'RowExclusiveLock' "
                    "AND c.relkind = 'r'",
                    (found[0],),
                ).fetchall()
                return found[0], {name for (name,) in written}
            time.sleep(0.02)
        activity = conn.execute(
            "SELECT pid, state, wait_event_type, backend_xid, query FROM pg_stat_activity "
            "WHERE application_name = %s",
            (APP_NAME,),
        ).fetchall()
    raise AssertionError(f"no app transaction waiting on the lock after writing: {activity}")


def wait_for_app_backends_gone(pg: PostgresCluster, timeout: float = 30) -> None:
    """After the kill, PostgreSQL ends the dead app's sessions and rolls back their work."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not value(pg, "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                     APP_NAME):  # fmt: skip
            return
        time.sleep(0.05)
    raise AssertionError("the killed app's database sessions are still there")


def kill_mid_transaction(
    pg: PostgresCluster,
    server: AppServer,
    lock: str,
    params: tuple[Any, ...],
    send: Callable[[], Reply],
) -> set[str]:
    """Send a request that blocks on ``lock`` after writing, SIGKILL the app, release.

    Returns the tables the killed transaction had written to."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["reply"] = send()
        except OSError as exc:  # the connection dies with the app
            outcome["error"] = exc

    with pg.connect() as locker, locker.transaction():
        locker.execute(lock, params)  # type: ignore[arg-type]
        sender = threading.Thread(target=run, daemon=True)
        sender.start()
        try:
            _pid, written = wait_for_blocked_writer(pg, sender.is_alive)
        except AssertionError as exc:
            sender.join(timeout=1)
            reply = outcome.get("reply")
            detail = f"{reply.status} {reply.text[:3000]}" if isinstance(reply, Reply) else outcome
            raise AssertionError(
                f"{exc}\nthe request: {detail}\napp log:\n{server.log_tail()}"
            ) from None
        server.kill()
    sender.join(timeout=30)
    assert "reply" not in outcome, f"the request finished before the kill: {outcome}"
    wait_for_app_backends_gone(pg)
    return written


# ---------------------------------------------------------------- 503 page


def test_unreachable_database_answers_503_in_french(new_app: Callable[..., Flask]) -> None:
    """A database that refuses connections: pages, API and health answer 503, no trace."""
    down = new_app(
        SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://ordilien@127.0.0.1:{free_port()}/x"
    )
    staff = down.test_client()
    with staff.session_transaction() as session:
        session["_user_id"] = "1:1"  # a logged-in user: loading them needs the database
    page = staff.get("/inventaire/")
    html = page.get_data(as_text=True)
    assert page.status_code == 503 and page.headers["Retry-After"].isdigit()
    assert page.mimetype == "text/html"
    assert "Service indisponible" in html and "momentanément indisponible" in html
    assert "Traceback" not in html and "psycopg" not in html and "OperationalError" not in html

    visitor = down.test_client()
    login = visitor.post("/connexion", data={"email": "a@b.fr", "password": "x" * 12})
    assert login.status_code == 503 and "momentanément" in login.get_data(as_text=True)

    api = down.test_client().get(
        "/api/v1/devices", headers={"Authorization": "Bearer ordi_not-checked-db-is-down"}
    )
    assert api.status_code == 503 and api.headers["Retry-After"].isdigit()
    assert api.get_json()["error"]["code"] == 503
    assert "indisponible" in api.get_json()["error"]["message"]

    assert down.test_client().get("/sante").status_code == 503

    english = down.test_client()
    with english.session_transaction() as session:
        session["lang"] = "en"
    body = english.post("/connexion", data={"email": "a@b.fr", "password": "x" * 12})
    assert body.status_code == 503 and "unavailable" in body.get_data(as_text=True)


# ---------------------------------------------------------------- killed mid-transaction


def devices_csv(n: int, prefix: str) -> bytes:
    header = (
        "Type;Marque;Modèle;N° de série;Processeur;Indice processeur;RAM (Go);"
        "Type de stockage;Stockage (Go);Écran (pouces);Système;État;Emplacement\r\n"
    )
    lines = (
        f"Portable;Lenovo;ThinkPad T480;{prefix}{i:06d};Intel Core i5-8350U;6 000;8;SSD;256;"
        f"14;Linux Mint;fonctionne;Étagère {i % 7}\r\n"
        for i in range(n)
    )
    return (header + "".join(lines)).encode("utf-8")


def import_counts(pg: PostgresCluster, org_id: int) -> dict[str, int]:
    return {
        table: value(pg, f"SELECT count(*) FROM {table} WHERE organisation_id = %s", org_id)  # noqa: S608
        for table in ("donation_batch", "device", "device_event", "stock_location")
    } | {
        "journal": value(
            pg,
            "SELECT count(*) FROM audit_entry WHERE organisation_id = %s "
            "AND action IN ('batch.create', 'device.import')",
            org_id,
        )
    }


def test_import_killed_midway_writes_nothing(
    pg: PostgresCluster, live: AppServer, data_app: Flask
) -> None:
    with on_private_db(data_app):
        manager = factories.create_user(Role.MANAGER, full_name="Karim Benali")
        org_id, email, user_id = manager.organisation_id, manager.email, manager.id
    csv = devices_csv(IMPORT_ROWS, "KILL")
    browser = Browser(live.base_url)
    browser.login(email, PASSWORD)

    def preview() -> str:
        page = browser.submit(
            "/inventaire/import",
            [("donor_id", ""), ("reference", "DON-PANNE")],
            csrf_page="/inventaire/import",
            files={"file": ("don.csv", csv, "text/csv")},
        )
        assert f"{IMPORT_ROWS} appareils prêts à importer" in page.text, page.text[:2000]
        found = re.search(r'name="token" value="([0-9a-f]+)"', page.text)
        assert found
        return found.group(1)

    def confirm(token: str, csrf: str) -> Reply:
        return browser.submit(
            "/inventaire/import/confirmer",
            [("token", token), ("donor_id", ""), ("reference", "DON-PANNE")],
            csrf=csrf,
        )

    token, csrf = preview(), browser.csrf_token()
    try:
        # Device events are written last: the batch and every device are in by then.
        written = kill_mid_transaction(
            pg, live, "LOCK TABLE device_event IN SHARE MODE", (), lambda: confirm(token, csrf)
        )
    finally:  # the upload the killed request never removed
        (ROOT / "instance" / "imports" / f"{user_id}-{token}.csv").unlink(missing_ok=True)
    assert {"donation_batch", "device", "audit_entry"} <= written, written
    assert import_counts(pg, org_id) == {
        "donation_batch": 0, "device": 0, "device_event": 0, "stock_location": 0, "journal": 0,
    }  # fmt: skip

    live.start()  # the same file again, on a new app: all of it, once
    done = confirm(preview(), browser.csrf_token())
    assert done.status == 302 and "/inventaire/lots/" in done.location, done.text[:1000]
    assert import_counts(pg, org_id) == {
        "donation_batch": 1, "device": IMPORT_ROWS, "device_event": IMPORT_ROWS,
        "stock_location": 7, "journal": 2,
    }  # fmt: skip


def test_sale_killed_midway_keeps_receipt_numbering(
    pg: PostgresCluster, live: AppServer, data_app: Flask
) -> None:
    with on_private_db(data_app):
        counter = make_counter("panne")
        first = validated_prescription(counter, RSA, name="Foyer Un").id
        second = validated_prescription(counter, RSA, name="Foyer Deux").id
        tag_1 = ready_device(counter.association).asset_tag
        tag_2 = ready_device(counter.association).asset_tag
        org_id, email = counter.association.id, counter.front_desk.email
    desk = Browser(live.base_url)
    desk.login(email, PASSWORD)

    def sell(prescription_id: int, tag: str, csrf: str | None = None) -> Reply:
        return desk.submit(
            f"/comptoir/prescriptions/{prescription_id}/remise",
            [("scanned", tag), ("payment_method", "cash"), ("accessories", "charger")],
            csrf=csrf,
            csrf_page=f"/comptoir/prescriptions/{prescription_id}/remise?appareil={tag}",
        )

    def sales() -> list[tuple[Any, ...]]:
        return rows(pg, "SELECT receipt_seq, receipt_number, device_id FROM sale "
                        "WHERE organisation_id = %s ORDER BY receipt_seq", org_id)  # fmt: skip

    def device() -> tuple[Any, ...]:
        found = rows(pg, "SELECT d.state, d.version, (SELECT count(*) FROM device_event e "
                         "WHERE e.device_id = d.id) FROM device d WHERE asset_tag = %s", tag_2)  # fmt: skip
        return found[0]

    def counter_last() -> int:
        return value(pg, "SELECT last FROM receipt_counter WHERE organisation_id = %s", org_id)

    sold = sell(first, tag_1)
    assert sold.status == 302 and "/ventes/" in sold.location, sold.text[:1000]
    year = utcnow().year
    assert [s[:2] for s in sales()] == [(1, f"{year}-00001")] and counter_last() == 1
    before = device()
    assert before[0] == "ready"

    # The prescription is marked fulfilled last: the device is sold, the receipt number
    # taken and the sale written when the request waits on it.
    csrf = desk.csrf_token()
    written = kill_mid_transaction(
        pg, live, "SELECT id FROM prescription WHERE id = %s FOR UPDATE", (second,),
        lambda: sell(second, tag_2, csrf),
    )  # fmt: skip
    assert {"device", "device_event", "receipt_counter", "sale"} <= written, written
    assert [s[:2] for s in sales()] == [(1, f"{year}-00001")]
    assert counter_last() == 1  # the killed sale's number went back with it
    assert device() == before  # still ready, same version, no new event
    assert value(pg, "SELECT state FROM prescription WHERE id = %s", second) == "validated"
    assert journal(pg, "sale.create") == 1

    live.start()  # the same desk, same session cookie, on a new app
    again = sell(second, tag_2)
    assert again.status == 302 and "/ventes/" in again.location, again.text[:1000]
    assert [s[:2] for s in sales()] == [(1, f"{year}-00001"), (2, f"{year}-00002")]
    assert counter_last() == 2 and device()[0] == "sold" and journal(pg, "sale.create") == 2


def test_booking_killed_midway_takes_no_seat(
    pg: PostgresCluster, live: AppServer, data_app: Flask
) -> None:
    with on_private_db(data_app):
        place = factories.create_org(OrgKind.TRAINING_PLACE, commune="Metz", postcode="57050",
                                     address="2 rue Théodore de Gargan")  # fmt: skip
        day = to_local(utcnow()).date() + timedelta(days=5)
        session_id = sessions.create_sessions(
            place,
            sessions.SessionData(title="Découvrir l'ordinateur", themes=["decouvrir"],
                                 capacity=3, format=SessionFormat.GROUP, duration_minutes=120),
            day, clock_time(9, 0), 1,
        )[0].id  # fmt: skip
        ccas = factories.create_org(OrgKind.PRESCRIBER)
        household_id = make_household(ccas, reference_name="Foyer Martin").id
        email = factories.create_user(Role.PRESCRIBER, ccas).email
    worker = Browser(live.base_url)
    worker.login(email, PASSWORD)
    path = f"/formation/seances/{session_id}"

    def book(csrf: str | None = None) -> Reply:
        return worker.submit(f"{path}/reserver", [("household_id", str(household_id))],
                             csrf=csrf, csrf_page=path)  # fmt: skip

    def seats() -> tuple[Any, ...]:
        return rows(pg, "SELECT booked, waiting_seq, (SELECT count(*) FROM training_booking b "
                        "WHERE b.session_id = s.id) FROM training_session s WHERE id = %s",
                    session_id)[0]  # fmt: skip

    assert seats() == (0, 0, 0)
    # The journal entry is written at the commit, after the seat and the booking.
    csrf = worker.csrf_token(path)
    written = kill_mid_transaction(
        pg, live, "LOCK TABLE audit_entry IN SHARE MODE", (), lambda: book(csrf)
    )
    assert {"training_session", "training_booking"} <= written, written
    assert seats() == (0, 0, 0) and journal(pg, "training.booking.create") == 0

    live.start()
    assert book().status == 302
    assert seats() == (1, 0, 1) and journal(pg, "training.booking.create") == 1
    assert value(pg, "SELECT status FROM training_booking WHERE session_id = %s",
                 session_id) == "booked"  # fmt: skip


# ---------------------------------------------------------------- database restart


@dataclass
class Sample:
    kind: str
    started: float
    ended: float
    status: int  # 0: no HTTP answer at all
    reply: Reply | None
    error: str = ""


def test_database_restart_under_load_fails_cleanly_then_recovers(
    pg: PostgresCluster, live: AppServer, data_app: Flask
) -> None:
    with on_private_db(data_app):
        manager = factories.create_user(Role.MANAGER)
        counter = make_counter("charge")
        for _ in range(3):
            ready_device(counter.association)
        token = accounts.create_api_token(counter.manager, "charge")
        emails = (manager.email, counter.manager.email)
    staff = [Browser(live.base_url) for _ in emails]
    for browser, email in zip(staff, emails, strict=True):
        browser.login(email, PASSWORD)
    api_headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    requests: dict[str, Callable[[], Reply]] = {
        "page": lambda: staff[0].get("/inventaire/"),
        "home": lambda: staff[1].get("/"),
        "api": lambda: Browser(live.base_url).get("/api/v1/devices", headers=api_headers),
        "health": lambda: Browser(live.base_url).get("/sante"),
    }
    for kind, send in requests.items():
        assert send().status == 200, kind
    pids = live.pids()
    samples: list[Sample] = []
    stop = threading.Event()

    def hammer(kind: str, send: Callable[[], Reply]) -> None:
        while not stop.is_set():
            started = time.monotonic()
            try:
                reply = send()
                samples.append(Sample(kind, started, time.monotonic(), reply.status, reply))
            except OSError as exc:
                samples.append(Sample(kind, started, time.monotonic(), 0, None, repr(exc)))
            time.sleep(0.02)

    threads = [threading.Thread(target=hammer, args=item, daemon=True) for item in requests.items()]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.0)
        down_at = time.monotonic()
        pg.stop()
        time.sleep(2.0)
        pg.start()
        up_at = time.monotonic()
        deadline = up_at + 20
        while time.monotonic() < deadline:
            if all(
                any(s.kind == kind and s.started > up_at and s.status == 200 for s in samples)
                for kind in requests
            ):
                break
            time.sleep(0.05)
        time.sleep(1.0)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    assert live.alive() and live.pids() == pids  # same gunicorn, same workers: no restart
    odd = [(s.kind, s.status, s.error) for s in samples if s.status not in (200, 503)]
    assert not odd, f"{odd}\napp log:\n{live.log_tail(200)}"
    failures = [s for s in samples if s.status == 503]
    for sample in failures:
        reply = sample.reply
        assert reply is not None
        assert "Traceback" not in reply.text and "psycopg" not in reply.text, reply.text
        if sample.kind == "health":
            continue
        assert (reply.headers.get("Retry-After") or "").isdigit(), (sample.kind, reply.headers)
        if sample.kind == "api":
            assert reply.json()["error"]["code"] == 503
        else:
            assert "text/html" in reply.headers.get("Content-Type", "")
            assert "momentanément indisponible" in reply.text
    recovered: dict[str, float] = {}
    for kind in requests:
        mine = [s for s in samples if s.kind == kind]
        assert any(down_at <= s.started <= up_at and s.status == 503 for s in mine), kind
        after = [s for s in mine if s.started > up_at]
        first_ok = next((i for i, s in enumerate(after) if s.status == 200), None)
        assert first_ok is not None, f"{kind}: no 200 after the restart"
        # Once one request has gone through, the pool is healthy: no failure after it.
        assert all(s.status == 200 for s in after[first_ok:]), kind
        recovered[kind] = after[first_ok].ended - up_at
        assert recovered[kind] < 5, (kind, recovered[kind])
    print(
        f"\nPostgreSQL down {up_at - down_at:.2f} s; {len(samples)} requests, "
        f"{len(failures)} answered 503; first 200 after it came back: "
        + ", ".join(f"{kind} {delay:.2f} s" for kind, delay in recovered.items())
    )
