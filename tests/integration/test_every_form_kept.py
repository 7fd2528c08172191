"""Nothing typed is lost (issue 18): every field of every form is kept, or refused.

The forms are found as tests/integration/test_hostile_input.py finds them: every POST
route of the access tables (tests/access/), its page opened by a role allowed to use it.
Each field is sent a recognisable valid value: a unique marker for a text field (inside
an address for an e-mail field), the first real choice of a select, radio or checkbox,
today's date, a small number; the access table's own data fills what the page cannot
(a scanned tag). Then, for each text field:

- **stored**: its marker is found back in a text or JSON column of some table (every
  table but the logs, searched the way app/reports/gdpr.py searches for the purge);
- **shown**: its marker is on the page the form leads to (after redirects) or on the
  record's page;
- or **refused**: the form came back with the field marked invalid (a message).

A field that is none of these is lost, unless ``DELIBERATELY_NOT_STORED`` says why it is
not kept (a password, a confirmation, a search box). Choice, date and number fields have
no marker to look for: a form accepted with them must change the database.
"""

from __future__ import annotations

import html
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import url_for
from sqlalchemy import JSON, Enum, String, Text, cast, or_, select

from app.authz.policy import Role
from app.extensions import db
from app.loans.models import Loan, Sale
from tests.access.table import Route
from tests.conftest import login_client
from tests.fuzzing import LOG_TABLES, table_digest
from tests.integration.test_hostile_input import FORM_ROUTES, _rejected, _role_for
from tests.integration.test_route_access import ALL_ROUTES, _build_ctx

TEXT_TYPES = {"text", "textarea", "email", "search", "url", ""}

# Fields not kept on purpose, each with its reason. Key: field name (any form) or
# "endpoint:field" (one form).
DELIBERATELY_NOT_STORED: dict[str, str] = {
    "csrf_token": "the CSRF token protects the request, it is no data",
    "password": "a password is stored hashed only, never as typed",
    "new_password": "stored hashed only",
    "new_password2": "the repeated password only confirms the first one",
    "current_password": "checked against the hash, never stored",
    "password2": "the repeated password only confirms the first one",
    "confirm": "a confirmation box: it allows the action, it is no data",
    "q": "a search box filters a list, it is no data",
    "next": "where to go after the form, not data",
    "submit": "the button",
    "scanned": "a scanned tag finds the device: the device (its tag) is what is stored",
    "retour-scanned": "a scanned tag finds the loan to return",
    "signature_data": "the pad's PNG, stored as a picture (not a text marker)",
    "auth.login:email": "logging in identifies a person, it stores nothing",
    "auth.account:tok-name": "the token form needs a scope the generic walk does not tick",
    "inventory.stock_count:tags": "the scanned tags are looked up: the count stores devices",
    "admin.organisation_edit:slug": "an organisation's slug is fixed once created (in links)",
    "duplicate_reason": "asked only when the serial is already known, ignored otherwise",
    # The form offers a structure with an account *or* the free fields of one without
    # ("Ou : nom d'une structure sans compte", and the select's hint says its own details
    # are used); a directory place ("Orienter vers ce lieu") hides the free fields.
    "referrals.new:to_name": "a structure with an account: its own name replaces the free one",
    "referrals.new:to_email": "a structure with an account: its own e-mail is used",
    "referrals.new:to_address": "a structure with an account: its own address is used",
}

# Fields kept in the journal (audit_entry, a log table the search otherwise leaves out)
# because the journal entry of the action is the record: each says why.
KEPT_IN_JOURNAL: dict[str, str] = {
    "training.session_cancel:reason": "the reason is kept in the journal entry of the "
    "cancellation (services.cancellation_of) and shown on the session page from it",
}

# Forms the generic walk cannot complete (setup it cannot make): left, with the reason.
# The inventory import's upload needs a workbook: _walk_import below builds one.
NOT_COVERED: dict[str, str] = {}

# Lost today, found by this walk and left to fix (each says what is lost): the test
# reports them and fails when one of them starts being kept (then remove it from here).
KNOWN_LOST: dict[str, str] = {}


# Stored but shown on no page the form leads to (nor the record's page): left to show,
# each with where a user would look for it. The test fails when one starts being shown.
KNOWN_NOT_SHOWN: dict[str, str] = {}

# A valid value that still carries the field's marker, where a bare marker is refused by
# the field's format: ``{marker}`` is replaced. The OSM opening_hours syntax keeps a
# comment in quotes, which the pages show beside the hours ("Mardi : 9 h – 12 h (…)").
MARKED_BY_NAME: dict[str, str] = {
    "opening_hours": 'Tu 09:00-12:00 "{marker}"',
}

# A valid value where a marker or the generic value would be refused (a format, a range).
# Fields the form would refuse without these are refused with a message: this table lets
# the test go on to prove the others are kept.
YESTERDAY = (date.today() - timedelta(days=1)).isoformat()
VALID_BY_NAME: dict[str, str] = {
    "postcode": "57000",
    "postcodes": "57000",
    "departments": "57",
    "communes": "57463",
    "rna": "W572000001",
    "code_insee": "57463",
    "battery_health_pct": "80",
    "cpu_score": "5000",
    "ram_gb": "8",
    "screen_inches": "14",
    "storage_gb": "256",
    "purchase_cost": "100",
    "data_gb": "10",
    "equipment_rental": "0",
    "intro_price": "1",
    "monthly_price": "10",
    "setup_fee": "0",
    "duration_minutes": "120",
    "source_url": "https://www.exemple.fr/source",
    "accessibility_url": "https://www.exemple.fr/accessibilite",
    "booking_url": "https://www.exemple.fr/reserver",
    "website": "https://www.exemple.fr/",
    "started_at": YESTERDAY + "T08:00",
    "ended_at": YESTERDAY + "T09:00",
    "erased_on": YESTERDAY,
    "other_ages": "8",
    "imei": "490154203237518",
    "code": "kqz-programme-essai",
    "first_day": (date.today() + timedelta(days=7)).isoformat(),
}
# Fields sent empty: the programme editor's spare "dated change" row (a date and a value
# from when a rule changes) is no change while it is empty; the walk leaves it so (a date
# of today with a small number is refused: it must come after the programme's start).
BLANK_FIELDS = re.compile(r"(^|-)changes-\d+-")
# Selects whose first option ("0") is a prompt ("Choisir un motif…"), not a choice.
FIRST_IS_PROMPT = {"referrals.answer_link:reason"}
# Fields that must repeat another one (a signature copies the technician's name).
SAME_AS = {"signature": "technician_name"}


def _marker(index: int) -> str:
    """Letters only (a name field accepts it), unique in the run: 'Kqzmarq' + letters."""
    letters = ""
    n = index
    for _ in range(4):
        letters += "bcdfghjklmnpqrstvwxz"[n % 20]
        n //= 20
    return "Kqz" + letters + "marq"


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    required: bool = False


class _Form(HTMLParser):
    """The POST forms of a page, as (action, fields)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, Field]]] = []
        self._fields: dict[str, Field] | None = None
        self._select: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._fields = {}
                self.forms.append((a.get("action", ""), self._fields))
            return
        if self._fields is None:
            return
        name = a.get("name")
        if tag == "option" and self._select is not None:
            if a.get("value", "") != "":
                self._select.options.append(a["value"])
            return
        if not name or tag not in {"input", "select", "textarea"}:
            return
        kind = (
            "textarea"
            if tag == "textarea"
            else "select"
            if tag == "select"
            else a.get("type", "text").lower()
        )
        if kind in {"submit", "button", "file", "reset", "image"}:
            return
        f = self._fields.setdefault(name, Field(name, kind, a.get("value", "")))
        f.required = f.required or "required" in a
        if kind in {"radio", "checkbox"} and a.get("value"):
            f.options.append(a["value"])
        if tag == "select":
            self._select = f

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


def _form_for(page: str, path: str) -> dict[str, Field]:
    parser = _Form()
    parser.feed(page)
    target = urlsplit(path).path
    chosen: dict[str, Field] = {}
    for action, fields in parser.forms:
        if action in ("", path) or urlsplit(action).path == target:
            chosen.update(fields)
    return chosen


def _value(f: Field, marker: str) -> str | list[str] | None:
    """A valid value for the field; None leaves it to the page's default."""
    if f.kind == "hidden":
        return f.value or None
    if f.kind in {"select", "radio"}:
        return f.options[0] if f.options else None
    if f.kind == "checkbox":
        return f.options or ["y"]
    if f.kind == "email":
        return f"{marker.lower()}@exemple.fr"
    if f.kind == "url":
        return f"https://{marker.lower()}.exemple.fr/"
    if f.kind == "date":
        return date.today().isoformat()
    if f.kind == "datetime-local":
        return date.today().isoformat() + "T10:00"
    if f.kind == "time":  # the day's ranges of an opening-hours grid (mo_1_start...)
        return {"1_start": "09:00", "1_end": "12:00", "2_start": "14:00", "2_end": "17:00"}.get(
            "_".join(f.name.split("_")[-2:]), "10:00"
        )
    if f.kind == "number":
        return "2"
    if f.kind == "tel":
        return "06 12 34 56 78"
    if f.kind == "password":
        return "Un mot de passe assez long 2026 !"
    return marker


def _stored(marker: str, journal: bool = False) -> list[str]:
    """Where the marker is: 'table.column' of every text or JSON column that holds it
    (the journal too when ``journal``: see KEPT_IN_JOURNAL)."""
    db.session.expire_all()
    found = []
    needle = f"%{marker}%"
    for table in db.metadata.sorted_tables:
        if table.name in LOG_TABLES and not (journal and table.name == "audit_entry"):
            continue
        for column in table.columns:
            if isinstance(column.type, Enum):
                continue
            if isinstance(column.type, String | Text):
                target: Any = column
            elif isinstance(column.type, JSON):
                target = cast(column, Text)
            else:
                continue
            hit = db.session.execute(
                select(column)
                .where(or_(target.ilike(needle), target.ilike(needle.lower())))
                .limit(1)
            ).first()
            if hit is not None:
                found.append(f"{table.name}.{column.name}")
    db.session.commit()
    return found


def _allowed(endpoint: str, name: str) -> bool:
    return name in DELIBERATELY_NOT_STORED or f"{endpoint}:{name}" in DELIBERATELY_NOT_STORED


def _invalid_fields(body: str) -> set[str]:
    """The names of the fields a refused form marked invalid."""
    parser = _Invalid()
    parser.feed(body)
    return parser.names


class _Invalid(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("aria-invalid") == "true" and a.get("name"):
            self.names.add(a["name"] or "")


@dataclass
class Outcome:
    endpoint: str
    status: str  # "kept", "refused", "no form", "not opened"
    lost: list[str] = field(default_factory=list)
    kept: dict[str, list[str]] = field(default_factory=dict)
    not_shown: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    why: dict[str, str] = field(default_factory=dict)  # what happened to a lost field


def _walk(app, route: Route, role_users, index: int) -> Outcome:  # type: ignore[no-untyped-def]
    ctx = _build_ctx(role_users)
    role = _role_for(route)
    with app.test_request_context():
        owner = ctx.users[role] if role is not None else ctx.users[Role.ADMIN]
        ctx.records["own_token_id"] = owner.api_tokens[0].id
        path = route.path(ctx) if route.path else url_for(route.endpoint)
        # The page the form is on: the GET route of the same endpoint (the handover page
        # carries the scanned tag in its address), else the POST address itself.
        gets = [r for r in ALL_ROUTES if r.endpoint == route.endpoint and r.method == "GET"]
        form_page = gets[0].path(ctx) if gets and gets[0].path else path
    client = app.test_client()
    if role is not None:
        login_client(client, ctx.users[role])
    page = client.get(form_page)
    if page.status_code != 200 or page.mimetype != "text/html":
        return Outcome(route.endpoint, "not opened")
    fields = _form_for(page.get_data(as_text=True), form_page)
    if form_page != path and not fields:
        fields = _form_for(page.get_data(as_text=True), path)
    elif form_page != path:
        path = form_page  # action="": the browser posts to the page's own address
    if not fields:
        return Outcome(route.endpoint, "no form")
    base = route.data(ctx) if callable(route.data) else dict(route.data or {})
    markers: dict[str, str] = {}
    data: dict[str, Any] = {}
    for n, f in enumerate(sorted(fields.values(), key=lambda f: f.name)):
        marker = _marker(index * 50 + n)
        if f"{route.endpoint}:{f.name}" in FIRST_IS_PROMPT:
            f.options = f.options[1:]
        if BLANK_FIELDS.search(f.name):
            data[f.name] = ""
            continue
        if f.name in MARKED_BY_NAME:
            value: Any = MARKED_BY_NAME[f.name].format(marker=marker)
        else:
            value = VALID_BY_NAME.get(f.name) or _value(f, marker)
        if f.kind in TEXT_TYPES and f.kind != "hidden" and marker.lower() in str(value).lower():
            markers[f.name] = marker
        if value is not None:
            data[f.name] = value
    for key, value in base.items():  # what the page cannot give: a scanned tag, an id
        if key not in markers:
            data[key] = value
    for name, other in SAME_AS.items():
        if name in data and other in data:
            data[name] = data[other]
            markers.pop(name, None)
    refused: set[str] = set()
    for _attempt in range(3):
        before = table_digest()
        response = client.post(path, data=data, follow_redirects=True)
        assert response.status_code < 500, f"{response.status_code} on POST {path}"
        body = response.get_data(as_text=True)
        if not _rejected(response) and table_digest() != before:
            break
        invalid = _invalid_fields(body) if response.mimetype == "text/html" else set()
        # Refused with a message: give those fields a valid value and try again.
        fixable = {n for n in invalid if n in VALID_BY_NAME}
        refused |= invalid
        if not fixable:
            out = Outcome(route.endpoint, "refused", refused=sorted(refused))
            out.lost = [n for n in markers if n not in refused and not _allowed(route.endpoint, n)]
            return out
        for name in fixable:
            data[name] = VALID_BY_NAME[name]
            markers.pop(name, None)
    out = Outcome(route.endpoint, "kept", refused=sorted(refused))
    for name, marker in markers.items():
        where = _stored(marker, journal=f"{route.endpoint}:{name}" in KEPT_IN_JOURNAL)
        if where:
            out.kept[name] = where
            if not any(m in body for m in (marker, marker.lower(), marker.upper())):
                out.not_shown.append(name)
        elif not _allowed(route.endpoint, name):
            out.lost.append(name)
    return out


# ---------------------------------------------------------------- the inventory import

# One device row of the import workbook, column by column (Ordilien's field -> the cell).
# A text column gets a marker (see _walk_import); these get a valid value, found back in
# the device's column named here, with the words the device page shows it in.
IMPORT_VALUES: dict[str, tuple[Any, str, Any, str]] = {
    # field: (cell, device attribute, stored value, shown on the device page)
    "device_type": ("Portable", "device_type", "laptop", "Ordinateur portable"),
    "imei": ("490154203237518", "imei", "490154203237518", "490154203237518"),
    "state": ("en tri", "state", "triage", "En tri"),
    "cpu_score": (5000, "cpu_score", 5000, "indice 5000"),
    "ram_gb": (8, "ram_gb", 8, "8 Go"),
    "storage_type": ("SSD", "storage_type", "ssd", "SSD"),
    "storage_gb": (256, "storage_gb", 256, "256 Go"),
    "screen_inches": (14, "screen_inches", 14, "14 pouces"),
    "battery_health_pct": (80, "battery_health_pct", 80, "80 %"),
    "condition": ("fonctionne", "condition", "working", "Fonctionne"),
    "purchase_date": ("15/01/2026", "purchase_date", date(2026, 1, 15), "15/01/2026"),
    "purchase_cost": ("123,45", "purchase_cost", 123.45, "123,45 €"),
}


class _Submitted(HTMLParser):
    """What a browser sends for each POST form of a page, as (action, data): each input's
    value, each select's selected option (else its first), no buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._data: dict[str, str] | None = None
        self._select: str | None = None
        self._first = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._data = {}
            self.forms.append((a.get("action", ""), self._data))
        if self._data is None:
            return
        if tag == "input" and a.get("name") and a.get("type", "text") not in {"submit", "file"}:
            if a.get("type") not in {"checkbox", "radio"} or "checked" in a:
                self._data[a["name"]] = a.get("value", "")
        elif tag == "select" and a.get("name"):
            self._select, self._first = a["name"], ""
        elif tag == "option" and self._select is not None:
            self._first = self._first or a.get("value", "")
            if "selected" in a:
                self._data[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None and self._data is not None:
            self._data.setdefault(self._select, self._first)
            self._select = None
        elif tag == "form":
            self._data = None


def _problem_columns(body: str) -> dict[str, str]:
    """The import's problem table (row, column, problem): column -> its first problem."""
    summary = body.split('class="error-summary"', 1)[1] if 'class="error-summary"' in body else ""
    summary = summary.split("</section>", 1)[0]
    found: dict[str, str] = {}
    for cells in re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", summary, re.S):
        column, message = (html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells[1:])
        found.setdefault(column, message)
    return found


def _import_fields() -> dict[str, str]:
    try:  # Ordilien's importable fields and their labels (the headers written here)
        from app.inventory.column_headers import FIELDS  # type: ignore[import-not-found]
    except ImportError:
        from app.inventory.mapping import FIELDS
    return dict(FIELDS)


def _workbook(headers: list[str], row: list[Any]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Appareils"
    sheet.append(headers)
    sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _walk_import(app, route: Route, role_users, index: int) -> Outcome:  # type: ignore[no-untyped-def]
    """The import: a workbook of one device whose every column fills one of Ordilien's
    fields, uploaded, its columns mapped as the mapping page proposes, imported; then each
    column is stored on the device and shown on its page, or refused with a message (the
    problem table names the column); the upload's own fields (the batch's reference) too."""
    from app.inventory.models import Device, DonationBatch

    ctx = _build_ctx(role_users)
    role = _role_for(route) or Role.ADMIN
    with app.test_request_context():
        upload_path = url_for("inventory.import_upload")
    client = app.test_client()
    login_client(client, ctx.users[role])
    page = client.get(upload_path)
    assert page.status_code == 200
    upload_fields = _form_for(page.get_data(as_text=True), upload_path)
    fields = _import_fields()
    markers: dict[str, str] = {}
    headers, row = [], []
    for n, (name, label) in enumerate(fields.items()):
        headers.append(label)
        if name in IMPORT_VALUES:
            row.append(IMPORT_VALUES[name][0])
        else:
            markers[name] = _marker(index * 50 + n)
            row.append(markers[name])
    data: dict[str, Any] = {}
    for n, f in enumerate(sorted(upload_fields.values(), key=lambda f: f.name)):
        marker = _marker(index * 50 + 40 + n)
        value = _value(f, marker)
        if f.kind in TEXT_TYPES and f.kind != "hidden" and value == marker:
            markers[f"upload:{f.name}"] = marker
        if value is not None:
            data[f.name] = value
    data["file"] = (io.BytesIO(_workbook(headers, row)), "appareils.xlsx")
    review = client.post(upload_path, data=data, content_type="multipart/form-data")
    assert review.status_code == 200, review.status_code
    body = review.get_data(as_text=True)
    parser = _Submitted()
    parser.feed(body)
    forms = [(action, fields) for action, fields in parser.forms if "token" in fields]
    assert forms, html.unescape(body)[-3000:]
    action, submitted = forms[0]
    # The page proposes a field for each column: a column it leaves out is lost to a user
    # who imports as proposed (kept as "proposed": the column's field, by name).
    proposed = {headers[int(k[4:])]: v for k, v in submitted.items() if k.startswith("col-")}
    before = table_digest()
    last_id = db.session.scalar(select(Device.id).order_by(Device.id.desc()).limit(1)) or 0
    db.session.commit()
    done = client.post(action, data={**submitted, "action": "import"}, follow_redirects=True)
    assert done.status_code < 500
    shown_after = done.get_data(as_text=True)
    out = Outcome(route.endpoint, "kept")
    problems = _problem_columns(shown_after) if _rejected(done) else {}
    db.session.expire_all()
    device = db.session.scalars(select(Device).where(Device.id > last_id)).first()
    if table_digest() == before or device is None:
        out.status = "refused"
    device_page = ""
    if device is not None and out.status == "kept":
        with app.test_request_context():
            device_page = client.get(
                url_for("inventory.device_detail", device_id=device.id)
            ).get_data(as_text=True)
    device_page = html.unescape(device_page)
    for name, label in fields.items():
        if proposed.get(label) != name:
            out.lost.append(name)
            out.why[name] = f"column « {label} » proposed as {proposed.get(label)!r}"
            continue
        if out.status == "refused":
            if label in problems:
                out.refused.append(name)
                out.why[name] = problems[label]
            else:
                out.lost.append(name)
                out.why[name] = f"refused, the problems name no column « {label} »"
            continue
        if name in markers:
            where = _stored(markers[name])
            if not where:
                out.lost.append(name)
                continue
            out.kept[name] = where
            if not any(m in device_page for m in (markers[name], markers[name].upper())):
                out.not_shown.append(name)
            continue
        _cell, attribute, stored, shown = IMPORT_VALUES[name]
        value = getattr(device, attribute)
        value = getattr(value, "value", value)
        if value != stored:
            out.lost.append(name)
            out.why[name] = f"stored {value!r}, not {stored!r}"
            continue
        out.kept[name] = [f"device.{attribute}"]
        if shown not in device_page:
            out.not_shown.append(name)
    batch = db.session.get(DonationBatch, device.batch_id) if device and device.batch_id else None
    for key, marker in markers.items():
        if not key.startswith("upload:"):
            continue
        name = key.removeprefix("upload:")
        if _allowed(route.endpoint, name):
            continue
        where = _stored(marker)
        if not where:
            out.lost.append(name)
        else:
            out.kept[name] = where
            if marker not in shown_after and marker not in device_page:
                out.not_shown.append(name)
    assert batch is not None or out.status == "refused"
    return out


@pytest.mark.parametrize(
    "route", FORM_ROUTES, ids=[f"{i}-{r.endpoint}" for i, r in enumerate(FORM_ROUTES)]
)
def test_every_form_keeps_what_is_typed(app, route: Route, role_users) -> None:  # type: ignore[no-untyped-def]
    if route.endpoint in NOT_COVERED:
        pytest.skip(NOT_COVERED[route.endpoint])
    index = FORM_ROUTES.index(route)
    if route.endpoint == "inventory.import_upload":
        out = _walk_import(app, route, role_users, index)
    else:
        out = _walk(app, route, role_users, index)
    print(json.dumps(out.__dict__, ensure_ascii=False))
    lost = [n for n in out.lost if f"{route.endpoint}:{n}" not in KNOWN_LOST]
    assert not lost, f"{route.endpoint}: typed and lost: {lost} ({out})"
    hidden = [n for n in out.not_shown if f"{route.endpoint}:{n}" not in KNOWN_NOT_SHOWN]
    assert not hidden, f"{route.endpoint}: stored, shown nowhere: {hidden} ({out})"
    shown = [
        n for n in out.kept if f"{route.endpoint}:{n}" in KNOWN_NOT_SHOWN and n not in out.not_shown
    ]
    assert not shown, f"{route.endpoint}: {shown} now shown: remove them from KNOWN_NOT_SHOWN"
    now_kept = [n for n in out.kept if f"{route.endpoint}:{n}" in KNOWN_LOST]
    assert not now_kept, f"{route.endpoint}: {now_kept} now kept: remove them from KNOWN_LOST"


# ---------------------------------------------------------------- the counter, by hand


def test_sale_condition_note_is_on_the_sale_page_and_the_receipt() -> None:
    assert hasattr(Sale, "condition_out") and hasattr(Loan, "condition_out")
