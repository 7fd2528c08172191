"""The inventory blueprint and the stock as a whole: the list and its export, the device
page. The other journeys are views on the same blueprint, imported at the end:
intake_routes.py (intake at the counter, donors and batches), workshop_routes.py (edit,
state, erasure, tests, grade), label_routes.py (label sheets, QR codes and the public page
a label's QR code opens), stock_routes.py (file import, stock count, test checklists)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from app.authz.guards import can, ensure_record_access, permission_required
from app.authz.policy import Permission
from app.core.clock import utcnow
from app.core.converters import parse_id
from app.core.errors import DomainError
from app.core.i18n import page_gettext, page_translations
from app.extensions import db
from app.inventory import (
    device_page,
    device_records,
    donations,
    erasure_records,
    exports,
    grading,
    import_routes,
    snipeit_export,
    stock,
    workshop,
)
from app.inventory.forms import (
    CONDITION_LABELS,
    METHOD_LABELS,
    RESULT_LABELS,
    DeviceEditForm,
    DeviceForm,
    FilterForm,
)
from app.inventory.grading import GRADE_LABELS, STORAGE_LABELS, Grade, StorageType
from app.inventory.lifecycle import (
    DEVICE_TYPE_LABELS,
    HANDOVER_TARGETS,
    STATE_LABELS,
    DeviceType,
    workshop_targets,
)
from app.inventory.models import Condition, Device, DonationBatch
from app.inventory.pdfs import device_url

bp = Blueprint("inventory", __name__)
# The import's mapping step, in its own module (endpoints inventory.import_mapping.*).
bp.register_blueprint(import_routes.import_bp)

P = "/inventaire"

# What "same as previous" copies from one intake to the next: all but what is unique.
REMEMBERED = (
    "device_type",
    "brand",
    "model",
    "cpu",
    "cpu_score",
    "ram_gb",
    "storage_type",
    "storage_gb",
    "screen_inches",
    "os",
    "condition",
    "location",
)


_NAMES: dict[str, Mapping[Any, str]] = {"state": STATE_LABELS, "type": DEVICE_TYPE_LABELS}


def translated_names(kind: str) -> dict[str, str]:
    """State or type names in the page's language, by value (for selects and filters)."""
    catalogue = page_translations()
    return {k.value: catalogue.ugettext(label) for k, label in _NAMES[kind].items()}


def _label(kind: str, value: Any) -> str:
    return page_gettext(_NAMES[kind][value]) if value else "—"


@bp.app_context_processor
def inventory_helpers() -> dict[str, Any]:
    return {
        "state_label": lambda s: _label("state", s),
        "type_label": lambda t: _label("type", t),
        "grade_label": lambda g: page_gettext(GRADE_LABELS[Grade(g)]) if g else "—",
        "storage_label": lambda s: page_gettext(STORAGE_LABELS[StorageType(s)]) if s else "—",
        "grade_reasons": lambda result: ", ".join(
            page_gettext(t, **p) for t, p in result.templates
        ),
        "condition_label": lambda c: CONDITION_LABELS[Condition(c)] if c else "—",
        "number": number,
        "inv_can": lambda permission: can(Permission(permission)),
    }


def number(value: Any, unit: str = "") -> str:
    """French display of a number: "15,6 Go"; an empty dash when unknown."""
    if value is None or value == "":
        return "—"
    text = f"{float(value):g}".replace(".", ",")
    return f"{text} {unit}".strip()


# ---------------------------------------------------------------- what the journeys share


def org_id() -> int:
    return int(current_user.organisation_id)


def own_device(device_id: int, permission: Permission = Permission.INVENTORY_READ) -> Device:
    device = db.session.get(
        Device, device_id, options=[joinedload(Device.donor), joinedload(Device.location)]
    ) or abort(404)
    ensure_record_access(permission, device.organisation_id)
    return device


def base_url() -> str:
    return current_app.config.get("PUBLIC_BASE_URL") or request.host_url


def batch_choices(blank: str | None = None, selected: Any = None) -> list[SelectChoice]:
    """The recent batches (and the one chosen, however old): a select, not a catalogue."""
    choices = [SelectChoice("", blank)] if blank is not None else []
    recent = list(donations.batches(org_id(), limit=40))
    chosen = own_batch(parse_id(selected))
    if chosen is not None and chosen not in recent:
        recent.append(chosen)
    return choices + [SelectChoice(str(b.id), b.label) for b in recent]


def donor_choices(blank: str) -> list[SelectChoice]:
    return [SelectChoice("", blank)] + [
        SelectChoice(str(d.id), d.name) for d in donations.donors(org_id())
    ]


def put_error(form: Any, exc: DomainError, default: str) -> None:
    name = exc.field if exc.field and exc.field in form else default
    form[name].errors = [*form[name].errors, exc.message]


def own_batch(batch_id: int | None) -> DonationBatch | None:
    if not batch_id:
        return None
    batch = db.session.get(DonationBatch, batch_id)
    if batch is None or batch.organisation_id != org_id():
        return None
    return batch


def pdf_response(data: bytes, filename: str) -> Response:
    return send_file(
        io.BytesIO(data), mimetype="application/pdf", as_attachment=False, download_name=filename
    )


# Intake and the edit page read the device form the same way.
def duplicate_reason(form: DeviceForm) -> str:
    """A serial or IMEI already in stock is accepted only with a manager's reason."""
    return (form.duplicate_reason.data or "") if can(Permission.INVENTORY_MANAGE) else ""


def device_input(form: DeviceForm) -> device_records.DeviceInput:
    return device_records.DeviceInput(
        device_type=DeviceType(form.device_type.data),
        brand=form.brand.data or "",
        model=form.model.data or "",
        serial=form.serial.data or "",
        imei=form.imei.data or "",
        cpu=form.cpu.data or "",
        cpu_score=form.cpu_score.number,  # type: ignore[arg-type]
        ram_gb=form.ram_gb.number,
        storage_type=StorageType(form.storage_type.data) if form.storage_type.data else None,
        storage_gb=form.storage_gb.number,  # type: ignore[arg-type]
        screen_inches=form.screen_inches.number,
        os=form.os.data or "",
        battery_health_pct=form.battery_health_pct.number,  # type: ignore[arg-type]
        condition=Condition(form.condition.data),
        condition_notes=form.condition_notes.data or "",
        location=form.location.data or "",
        **(
            {
                "external_ref": " ".join((form.external_ref.data or "").split()),
                "purchase_date": form.purchase_date.data,
                "purchase_cost": form.purchase_cost.number,
                "supplier": " ".join((form.supplier.data or "").split()),
                "notes": (form.notes.data or "").strip(),
            }
            if isinstance(form, DeviceEditForm)
            else {}
        ),
    )


# ---------------------------------------------------------------- the list


def filter_from_args() -> tuple[FilterForm, stock.DeviceFilter]:
    form = FilterForm(request.args)
    form.batch_id.choices = batch_choices(blank=_("Tous"), selected=request.args.get("batch_id"))
    form.location_id.choices = [SelectChoice("", _("Tous"))] + [
        SelectChoice(str(loc.id), loc.name) for loc in donations.locations(org_id())
    ]
    flt = stock.DeviceFilter(
        state=form.state.data or "",
        device_type=form.device_type.data or "",
        grade=form.grade.data or "",
        batch_id=parse_id(form.batch_id.data),
        location_id=parse_id(form.location_id.data),
        q=(form.q.data or "").strip()[:100],
        sort=form.sort.data if form.sort.data in stock.SORTS else "recent",
    )
    return form, flt


def filter_args(flt: stock.DeviceFilter) -> dict[str, Any]:
    args = {
        "q": flt.q,
        "state": flt.state,
        "device_type": flt.device_type,
        "grade": flt.grade,
        "batch_id": flt.batch_id,
        "location_id": flt.location_id,
        "sort": flt.sort if flt.sort != "recent" else None,
    }
    return {k: v for k, v in args.items() if v}


@bp.get(f"{P}/")
@permission_required(Permission.INVENTORY_READ)
def device_list() -> str:
    form, flt = filter_from_args()
    page = stock.list_devices(org_id(), flt, cursor=request.args.get("apres"))
    return render_template(
        "inventory/list.html",
        form=form,
        page=page,
        filter_args=filter_args(flt),
        first_page=not request.args.get("apres"),
        states=translated_names("state"),
        types=translated_names("type"),
        grades={g.value: _(label) for g, label in GRADE_LABELS.items()},
    )


@bp.get(f"{P}/export.<fmt>")
@permission_required(Permission.INVENTORY_READ)
def export(fmt: str) -> Response:
    if fmt not in ("csv", "xlsx", "snipe-it.csv"):
        abort(404)
    _form, flt = filter_from_args()
    devices = stock.iter_filtered(org_id(), flt)
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    if fmt == "snipe-it.csv":  # Snipe-IT's asset import format: leaving is as easy
        data, mimetype = snipeit_export.to_csv(devices), "text/csv; charset=utf-8"
    elif fmt == "csv":
        data, mimetype = exports.to_csv(devices), "text/csv; charset=utf-8"
    else:
        data = exports.to_xlsx(devices)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return send_file(
        io.BytesIO(data),
        mimetype=mimetype,
        as_attachment=True,
        download_name=f"appareils-{stamp}.{fmt}",
    )


# ---------------------------------------------------------------- the device page


@bp.get(f"{P}/appareils/<int:device_id>")
@permission_required(Permission.INVENTORY_READ)
def device_detail(device_id: int) -> str:
    found = device_page.records_of(device_id) or abort(404)
    ensure_record_access(Permission.INVENTORY_READ, found.device.organisation_id)
    return _render_device(found)


def _render_device(found: device_page.DeviceRecords) -> str:
    """The page a label's QR code opens: what the device is, where it stands, what to do next.

    It stays light for a phone in the workshop: the full state form and the grade form
    have their own pages (device_transition, device_grade); the usual next steps are
    buttons here. Two queries besides the login's: device_page.records_of, the history.
    """
    device, checklist, erasures = found.device, found.checklist, found.erasures
    facts = workshop.readiness(device, checklist, erasures)
    return render_template(
        "inventory/device.html",
        device=device,
        facts=facts,
        events=device_records.history(device),
        erasures=erasures,
        erasure_levels={e.id: erasure_records.certified_level(device, e).value for e in erasures},
        checklist=checklist,
        computed=device_records.computed_grade(device),
        missing=missing_for_grade(device),
        can_manage=can(Permission.INVENTORY_MANAGE, device.organisation_id),
        quick_targets=workshop_targets(device.state),
        at_desk=device.state in HANDOVER_TARGETS,
        qr_url=device_url(base_url(), device.asset_tag),
        can_write=can(Permission.INVENTORY_WRITE, device.organisation_id),
        methods=METHOD_LABELS,
        results=RESULT_LABELS,
    )


def missing_for_grade(device: Device) -> list[tuple[str, str]]:
    """(form field, sentence) for each field the grade still needs: the device page and
    the grade page link each one to the edit form, which technicians may use."""
    names = grading.missing_for_grade(device_records.specs_of(device), cpu_named=bool(device.cpu))
    return [(name, page_gettext(grading.MISSING_LABELS[name])) for name in names]


# The other journeys, on the same blueprint.
from app.inventory import (  # noqa: E402, F401
    intake_routes,
    label_routes,
    stock_routes,
    workshop_routes,
)
