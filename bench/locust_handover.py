"""Locust scenario of a handover day, run by bench/load_handover.py (which seeds the data
and writes the plan this file reads from LOAD_PLAN). Not to be run alone.

Each simulated person logs in once through the real form, does each of their tasks once
(so that even a short run requests every page of the scenario), then picks tasks at
random by weight, with a think time between pages (LOAD_THINK, "0.5,2.5" s by default). Every POST carries the CSRF token read from the page that
holds the form; a POST that does not land where the application sends a success (a lost
race, a refused form, a flash error) counts as a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from collections.abc import Callable
from typing import Any

from load_handover import DEVICE_PAGE, MINIMAL_PAGE, ROLE_WEIGHTS
from locust import HttpUser, between, events, task

PLAN: dict[str, Any] = json.loads(open(os.environ["LOAD_PLAN"]).read())  # noqa: SIM115
THINK = [float(x) for x in os.environ.get("LOAD_THINK", "0.5,2.5").split(",")]
CSRF = re.compile(r'name="(?:[\w-]*-)?csrf_token"[^>]*?value="([^"]+)"')


# Every request (end time, name, milliseconds, error or ""), written to LOAD_RESULTS at the
# end: the runner computes exact percentiles, and leaves the arrivals out of them.
RECORDS: list[list[Any]] = []


@events.request.add_listener
def _record(name: str, response_time: float, exception: Any = None, **_kw: Any) -> None:
    error = "" if exception is None else f"{type(exception).__name__}: {exception}"[:300]
    RECORDS.append([round(time.time(), 3), name, round(response_time, 1), error])


@events.user_error.add_listener
def _user_error(user_instance: Any, exception: Exception, **_kw: Any) -> None:
    name = f"exception in {type(user_instance).__name__}"
    RECORDS.append([round(time.time(), 3), name, 0.0, repr(exception)[:300]])


@events.quit.add_listener
def _save(**_kw: Any) -> None:
    with open(os.environ["LOAD_RESULTS"], "w") as f:
        json.dump(RECORDS, f)


def csrf(html: str) -> str | None:
    found = CSRF.search(html)
    return found.group(1) if found else None


class Staff(HttpUser):
    abstract = True
    wait_time = between(THINK[0], THINK[1])
    role = ""
    seq: itertools.count[int]
    list_pages: list[str] = []

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.role:  # one class per role: its weight, and a count to share the accounts
            cls.weight = ROLE_WEIGHTS[cls.role]
            cls.seq = itertools.count()

    def on_start(self) -> None:
        accounts = PLAN["accounts"][self.role]
        self.index = next(type(self).seq)
        # More people than accounts: share one (its pools stay with the first holder).
        self.own = self.index < len(accounts)
        self.account: dict[str, Any] = accounts[self.index % len(accounts)]
        pages = list(self.list_pages)
        random.shuffle(pages)
        self.list_cycle = itertools.cycle(pages)
        self.prepare()
        # As nginx in front of gunicorn (docs/DEPLOY.md): one connection per request, so
        # gunicorn's short keep-alive never races a request sent after a think time.
        self.client.headers["Connection"] = "close"
        token = self.form_page("/connexion", "/connexion")
        login = {"email": self.account["email"], "password": PLAN["password"]}
        self.post_form("/connexion", login, token, "POST /connexion", r"^/$")
        for step in [self.my_account, *self.first_round(), *[self.lists] * len(self.list_pages)]:
            self.wait()
            step()

    def prepare(self) -> None:
        """Take this person's share of the plan (before logging in)."""

    def first_round(self) -> list[Callable[[], None]]:
        """Each task once, in order, after logging in (then each list page once)."""
        return []

    def lists(self) -> None:
        page = next(self.list_cycle)
        self.client.get(page, name=page)

    def expect_redirect(self, r: Any, pattern: str) -> str | None:
        """Mark a request failed unless it redirected to ``pattern``; return the path."""
        where = re.sub(r"^https?://[^/]+", "", r.headers.get("Location", ""))
        if r.status_code != 302 or not re.search(pattern, where):
            r.failure(f"expected a redirect to {pattern}, got {r.status_code} {where}")
            return None
        r.success()
        return where

    def post_form(
        self, url: str, data: dict[str, Any], token: str | None, name: str, success: str
    ) -> str | None:
        """POST a form with its CSRF token; success is a redirect to ``success`` (a
        pattern). Returns the path redirected to, None on failure."""
        with self.client.post(
            url,
            data={**data, "csrf_token": token},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as r:
            return self.expect_redirect(r, success)

    def form_page(self, url: str, name: str) -> str | None:
        """GET a page with a form; its CSRF token, None (and the flow stops) on failure."""
        with self.client.get(url, name=name, catch_response=True) as r:
            token = csrf(r.text) if r.status_code == 200 else None
            if r.status_code == 200 and token is None:
                r.failure("no CSRF token in the page")
        return token

    @task(2)
    def my_account(self) -> None:
        self.client.get("/compte", name=MINIMAL_PAGE)


class Technician(Staff):
    """Scans labels (the QR code opens /d/<tag>), reads device pages and the list, moves
    newly received devices to triage."""

    role = "technician"

    def prepare(self) -> None:
        self.triage: list[int] = list(self.account["triage"]) if self.own else []

    def first_round(self) -> list[Callable[[], None]]:
        return [self.scan, self.to_triage, self.device_list]

    @task(8)
    def scan(self) -> None:
        device_id, tag, _serial = random.choice(self.account["scan"])
        with self.client.get(
            f"/d/{tag}", name="/d/[tag] (scan)", allow_redirects=False, catch_response=True
        ) as r:
            self.expect_redirect(r, rf"^/inventaire/appareils/{device_id}$")
        self.client.get(f"/inventaire/appareils/{device_id}", name=DEVICE_PAGE)

    @task(2)
    def to_triage(self) -> None:
        if not self.triage:
            return self.scan()
        device_id = self.triage.pop()
        token = self.form_page(f"/inventaire/appareils/{device_id}", DEVICE_PAGE)
        if token is None:
            return
        self.wait()
        self.post_form(
            f"/inventaire/appareils/{device_id}/etat",
            {"to_state": "triage", "reason": "Tri du jour"},
            token,
            "POST /inventaire/appareils/[id]/etat",
            rf"^/inventaire/appareils/{device_id}$",
        )

    @task(3)
    def device_list(self) -> None:
        self.client.get("/inventaire/", name="/inventaire/")
        self.wait()
        _id, _tag, serial = random.choice(self.account["scan"])
        query = random.choice(["state=ready", "state=reconditioning&sort=model", f"q={serial}"])
        self.client.get(f"/inventaire/?{query}", name="/inventaire/?filtre")


class FrontDesk(Staff):
    """The counter: a prescription, the device scanned, the handover form (sale at 15 EUR
    or a 12-month loan signed on paper), then the receipt or the loan sheet."""

    role = "front_desk"

    list_pages = ["/comptoir", "/ventes", "/prets", "/inventaire/"]

    def prepare(self) -> None:
        self.queue: list[dict[str, Any]] = list(self.account["handovers"]) if self.own else []

    def first_round(self) -> list[Callable[[], None]]:
        return [self.handover]

    @task(6)
    def handover(self) -> None:
        if not self.queue:
            return self.lists()
        job = self.queue.pop(0)
        pid, tag, mode = job["prescription"], job["tag"], job["mode"]
        self.client.get("/comptoir", name="/comptoir")
        self.wait()
        token = self.form_page(f"/comptoir/prescriptions/{pid}", "/comptoir/prescriptions/[id]")
        if token is None:
            return
        self.wait()
        scanned = self.post_form(
            f"/comptoir/prescriptions/{pid}",
            {"scanned": f"{self.host}/d/{tag}"},  # what a USB scanner types: the label's URL
            token,
            "POST /comptoir/prescriptions/[id] (scan)",
            rf"^/comptoir/prescriptions/{pid}/remise\?appareil={tag}$",
        )
        if scanned is None:
            return
        token = self.form_page(
            f"/comptoir/prescriptions/{pid}/remise?appareil={tag}",
            "/comptoir/prescriptions/[id]/remise",
        )
        if token is None:
            return
        self.wait()
        data: dict[str, Any] = {"scanned": tag, "accessories": ["charger"]}
        if mode == "vente":
            data["payment_method"] = "cash"
        else:
            data.update(signature_kind="paper", signer_name="Foyer Charge")
        path = self.post_form(
            f"/comptoir/prescriptions/{pid}/remise",
            data,
            token,
            f"POST /comptoir/prescriptions/[id]/remise ({mode})",
            r"^/(ventes|prets)/\d+$",
        )
        if path is None:
            return
        kind = "ventes" if "/ventes/" in path else "prets"
        self.client.get(path, name=f"/{kind}/[id]")
        self.wait()
        document = "recu.pdf" if kind == "ventes" else "convention.pdf"
        self.client.get(f"{path}/{document}", name=f"/{kind}/[id]/{document}")

    @task(3)
    def counter_lists(self) -> None:
        self.lists()


class Prescriber(Staff):
    """Households and prescriptions lists; books households on training sessions."""

    role = "prescriber"

    list_pages = ["/foyers", "/prescriptions", "/formation/"]

    def prepare(self) -> None:
        pairs = [(h, s) for h in self.account["households"] for s in PLAN["sessions"]]
        random.shuffle(pairs)
        self.pairs = pairs if self.own else []

    def first_round(self) -> list[Callable[[], None]]:
        return [self.book]

    @task(4)
    def book(self) -> None:
        if not self.pairs:
            return self.lists()
        household, session = self.pairs.pop()
        self.client.get("/formation/", name="/formation/")
        self.wait()
        token = self.form_page(f"/formation/seances/{session}", "/formation/seances/[id]")
        if token is None:
            return
        self.wait()
        # Success goes to the household's page; a refusal back to the session's.
        booked = self.post_form(
            f"/formation/seances/{session}/reserver",
            {"household_id": household},
            token,
            "POST /formation/seances/[id]/reserver",
            rf"^/foyers/{household}$",
        )
        if booked is not None:
            self.client.get(f"/foyers/{household}", name="/foyers/[id]")

    @task(3)
    def prescriber_lists(self) -> None:
        self.lists()


class Trainer(Staff):
    """The place's sessions, who is booked, the catalogue."""

    role = "trainer"

    def first_round(self) -> list[Callable[[], None]]:
        return [self.my_sessions, self.catalogue]

    @task(3)
    def my_sessions(self) -> None:
        self.client.get("/formation/mon-lieu", name="/formation/mon-lieu")
        sessions = self.account["sessions"] or PLAN["sessions"]
        self.wait()
        self.client.get(
            f"/formation/seances/{random.choice(sessions)}", name="/formation/seances/[id]"
        )

    @task(2)
    def catalogue(self) -> None:
        self.client.get("/formation/", name="/formation/")
