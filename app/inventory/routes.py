"""Inventory pages: the list, intake at the counter, the device page, labels, import,
stock count, and the public page a label's QR code opens."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import to_user_timezone, to_utc
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from app.auth.forms import EmptyForm
from app.authz.guards import can, ensure_record_access, permission_required
from app.authz.policy import Permission
from app.core.clock import utcnow
from app.core.converters import parse_id
from app.core.errors import DomainError
from app.core.i18n import page_gettext, page_translations
from app.documents.qr import qr_png
from app.extensions import db
from app.inventory import (
    device_records,
    donations,
    erasure_records,
    erasure_rules,
    exports,
    grading,
    import_routes,
    importing,
    snipeit_export,
    stock,
    workshop,
)
from app.inventory.forms import (
    CONDITION_LABELS,
    DONOR_KIND_LABELS,
    LEVEL_LABELS,
    METHOD_LABELS,
    RESULT_LABELS,
    BatchForm,
    ChecklistTemplateForm,
    DeviceEditForm,
    DeviceForm,
    DonorForm,
    ErasureForm,
    FilterForm,
    GradeForm,
    ImportForm,
    IntakeForm,
    LabelsForm,
    StockCountForm,
    TransitionForm,
)
from app.inventory.grading import GRADE_LABELS, STORAGE_LABELS, Grade, StorageType
from app.inventory.labels import SHEETS, LabelError
from app.inventory.lifecycle import (
    DEVICE_TYPE_LABELS,
    HANDOVER_TARGETS,
    STATE_LABELS,
    DeviceType,
    State,
    allowed_targets,
    workshop_targets,
)
from app.inventory.models import (
    Condition,
    Device,
    DonationBatch,
    Donor,
    DonorKind,
    ErasureLevel,
    ErasureMethod,
    ErasureRecord,
    ErasureResult,
    Location,
)
from app.inventory.pdfs import certificates_pdf, device_url, labels_pdf

bp = Blueprint("inventory", __name__)
# The import's mapping step, in its own module (endpoints inventory.import_mapping.*).
bp.register_blueprint(import_routes.import_bp)

P = "/inventaire"
MAX_LABELS = 5000
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


def _translated(kind: str) -> dict[str, str]:
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
        "number": _number,
        "inv_can": lambda permission: can(Permission(permission)),
    }


def _number(value: Any, unit: str = "") -> str:
    """French display of a number: "15,6 Go"; an empty dash when unknown."""
    if value is None or value == "":
        return "—"
    text = f"{float(value):g}".replace(".", ",")
    return f"{text} {unit}".strip()


def _org_id() -> int:
    return int(current_user.organisation_id)


def _device(device_id: int, permission: Permission = Permission.INVENTORY_READ) -> Device:
    device = db.session.get(
        Device, device_id, options=[joinedload(Device.donor), joinedload(Device.location)]
    ) or abort(404)
    ensure_record_access(permission, device.organisation_id)
    return device


def _base_url() -> str:
    return current_app.config.get("PUBLIC_BASE_URL") or request.host_url


def _batch_choices(blank: str | None = None, selected: Any = None) -> list[SelectChoice]:
    """The recent batches (and the one chosen, however old): a select, not a catalogue."""
    choices = [SelectChoice("", blank)] if blank is not None else []
    recent = list(donations.batches(_org_id(), limit=40))
    chosen = _own_batch(parse_id(selected))
    if chosen is not None and chosen not in recent:
        recent.append(chosen)
    return choices + [SelectChoice(str(b.id), b.label) for b in recent]


def _donor_choices(blank: str) -> list[SelectChoice]:
    return [SelectChoice("", blank)] + [
        SelectChoice(str(d.id), d.name) for d in donations.donors(_org_id())
    ]


def _put_error(form: Any, exc: DomainError, default: str) -> None:
    name = exc.field if exc.field and exc.field in form else default
    form[name].errors = [*form[name].errors, exc.message]


# ---------------------------------------------------------------- the list


def _filter_from_args() -> tuple[FilterForm, stock.DeviceFilter]:
    form = FilterForm(request.args)
    form.batch_id.choices = _batch_choices(blank=_("Tous"), selected=request.args.get("batch_id"))
    form.location_id.choices = [SelectChoice("", _("Tous"))] + [
        SelectChoice(str(loc.id), loc.name) for loc in donations.locations(_org_id())
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


def _filter_args(flt: stock.DeviceFilter) -> dict[str, Any]:
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
    form, flt = _filter_from_args()
    page = stock.list_devices(_org_id(), flt, cursor=request.args.get("apres"))
    return render_template(
        "inventory/list.html",
        form=form,
        page=page,
        filter_args=_filter_args(flt),
        first_page=not request.args.get("apres"),
        states=_translated("state"),
        types=_translated("type"),
        grades={g.value: _(label) for g, label in GRADE_LABELS.items()},
    )


@bp.get(f"{P}/export.<fmt>")
@permission_required(Permission.INVENTORY_READ)
def export(fmt: str) -> Response:
    if fmt not in ("csv", "xlsx", "snipe-it.csv"):
        abort(404)
    _form, flt = _filter_from_args()
    devices = stock.iter_filtered(_org_id(), flt)
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


# ---------------------------------------------------------------- intake


@bp.route(f"{P}/reception", methods=["GET", "POST"])
@permission_required(Permission.INVENTORY_WRITE)
def intake() -> str | Response:
    remembered: dict[str, Any] = session.get("intake_last") or {}
    batch_id = session.get("intake_batch_id")
    if request.method == "GET" and request.args.get("nouveau"):
        remembered = {}
    data = None if request.method == "POST" else {**remembered, "batch_id": batch_id}
    form = IntakeForm(data=data)
    form.batch_id.choices = _batch_choices(blank=_("Sans lot"), selected=batch_id)
    if form.validate_on_submit():
        batch = _own_batch(parse_id(form.batch_id.data))
        try:
            device = device_records.create_device(
                _org_id(),
                _device_input(form),
                actor=current_user,
                batch=batch,
                duplicate_reason=_duplicate_reason(form),
            )
        except DomainError as exc:
            db.session.rollback()
            _put_error(form, exc, "serial")
        else:
            session["intake_batch_id"] = str(batch.id) if batch else ""
            session["intake_last"] = {
                name: form[name].data for name in REMEMBERED if form[name].data not in (None, "")
            }
            flash(
                _(
                    "Appareil %(tag)s enregistré (%(what)s).",
                    tag=device.asset_tag,
                    what=device.title,
                ),
                "success",
            )
            return redirect(url_for("inventory.intake"))
    # Keyboard-first: after a save, the cursor waits in the serial number field.
    first = form.serial if remembered and request.method == "GET" else form.device_type
    first.render_kw = {**(first.render_kw or {}), "autofocus": True}
    recent: list[Device] = []
    current_batch = _own_batch(parse_id(form.batch_id.data or batch_id))
    if current_batch is not None:
        recent = list(
            db.session.scalars(
                select(Device)
                .where(Device.batch_id == current_batch.id)
                .order_by(Device.id.desc())
                .limit(15)
            )
        )
    return render_template(
        "inventory/intake.html",
        form=form,
        remembered=remembered,
        recent=recent,
        batch=current_batch,
        locations=donations.locations(_org_id()),
        can_accept_duplicate=can(Permission.INVENTORY_MANAGE),
    )


def _duplicate_reason(form: DeviceForm) -> str:
    """A serial or IMEI already in stock is accepted only with a manager's reason."""
    return (form.duplicate_reason.data or "") if can(Permission.INVENTORY_MANAGE) else ""


def _own_batch(batch_id: int | None) -> DonationBatch | None:
    if not batch_id:
        return None
    batch = db.session.get(DonationBatch, batch_id)
    if batch is None or batch.organisation_id != _org_id():
        return None
    return batch


def _device_input(form: DeviceForm) -> device_records.DeviceInput:
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


# ---------------------------------------------------------------- donors and batches


@bp.get(f"{P}/lots")
@permission_required(Permission.INVENTORY_READ)
def batch_list() -> str:
    rows = donations.batches(_org_id())
    counts = donations.batch_counts([b.id for b in rows])
    return render_template("inventory/batches.html", batches=rows, counts=counts)


@bp.route(f"{P}/lots/nouveau", methods=["GET", "POST"])
@permission_required(Permission.INVENTORY_WRITE)
def batch_new() -> str | Response:
    form = BatchForm()
    form.donor_id.choices = _donor_choices(blank=_("— Choisir —"))
    if form.validate_on_submit():
        try:
            donor = _donor_from_form(form)
            batch = donations.create_batch(
                _org_id(),
                donor,
                reference=form.reference.data or "",
                received_on=form.received_on.data,
                notes=form.notes.data or "",
                actor=current_user,
            )
        except DomainError as exc:
            db.session.rollback()
            _put_error(form, exc, "donor_id")
        else:
            session["intake_batch_id"] = str(batch.id)
            flash(_("Lot n° %(id)s créé. Enregistrez ses appareils.", id=batch.id), "success")
            return redirect(url_for("inventory.intake"))
    return render_template("inventory/batch_form.html", form=form)


def _donor_from_form(form: BatchForm) -> Donor | None:
    if (form.new_donor_name.data or "").strip():
        return donations.create_donor(
            _org_id(),
            DonorKind(form.new_donor_kind.data),
            form.new_donor_name.data or "",
            commit=False,
        )
    donor_id = parse_id(form.donor_id.data)
    if donor_id is None:
        return None
    donor = db.session.get(Donor, donor_id)
    if donor is None or donor.organisation_id != _org_id():
        raise DomainError(_("Choisissez un donateur de la liste."), field="donor_id")
    return donor


@bp.get(f"{P}/lots/<int:batch_id>")
@permission_required(Permission.INVENTORY_READ)
def batch_detail(batch_id: int) -> str:
    batch = db.session.get(DonationBatch, batch_id) or abort(404)
    ensure_record_access(Permission.INVENTORY_READ, batch.organisation_id)
    devices = db.session.scalars(
        select(Device).where(Device.batch_id == batch.id).order_by(Device.id)
    ).all()
    return render_template("inventory/batch.html", batch=batch, devices=devices)


@bp.get(f"{P}/lots/<int:batch_id>/certificats.pdf")
@permission_required(Permission.INVENTORY_READ)
def batch_certificates(batch_id: int) -> Response:
    batch = db.session.get(DonationBatch, batch_id) or abort(404)
    ensure_record_access(Permission.INVENTORY_READ, batch.organisation_id)
    media = donations.batch_media(batch)
    items = [(d, e) for d, e in media if e is not None and e.result is ErasureResult.ERASED]
    pdf = certificates_pdf(items, current_user.organisation, batch.label, media=media)
    return _pdf(pdf, f"certificats-lot-{batch.id}.pdf")


@bp.get(f"{P}/donateurs")
@permission_required(Permission.INVENTORY_READ)
def donor_list() -> str:
    return render_template(
        "inventory/donors.html", donors=donations.donors(_org_id()), kinds=DONOR_KIND_LABELS
    )


@bp.route(f"{P}/donateurs/nouveau", methods=["GET", "POST"])
@permission_required(Permission.INVENTORY_WRITE)
def donor_new() -> str | Response:
    form = DonorForm()
    if form.validate_on_submit():
        try:
            donations.create_donor(
                _org_id(),
                DonorKind(form.kind.data),
                form.name.data or "",
                contact_name=form.contact_name.data or "",
                email=form.email.data or "",
                phone=form.phone.data or "",
                address=form.address.data or "",
                siret=form.siret.data or "",
            )
        except DomainError as exc:
            db.session.rollback()
            _put_error(form, exc, "name")
        else:
            flash(_("Donateur enregistré."), "success")
            return redirect(url_for("inventory.donor_list"))
    return render_template("inventory/donor_form.html", form=form)


# ---------------------------------------------------------------- the device page


@bp.get(f"{P}/appareils/<int:device_id>")
@permission_required(Permission.INVENTORY_READ)
def device_detail(device_id: int) -> str:
    device = _device(device_id)
    return _render_device(device)


def _render_device(device: Device) -> str:
    """The page a label's QR code opens: what the device is, where it stands, what to do next.

    It stays light for a phone in the workshop: the full state form and the grade form
    have their own pages (device_transition, device_grade); the usual next steps are
    buttons here.
    """
    checklist = workshop.checklist_of(device)
    erasures = erasure_records.erasures(device)
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
        missing=_missing_for_grade(device),
        can_manage=can(Permission.INVENTORY_MANAGE, device.organisation_id),
        quick_targets=workshop_targets(device.state),
        at_desk=device.state in HANDOVER_TARGETS,
        qr_url=device_url(_base_url(), device.asset_tag),
        can_write=can(Permission.INVENTORY_WRITE, device.organisation_id),
        methods=METHOD_LABELS,
        results=RESULT_LABELS,
    )


def _render_transition(device: Device, form: TransitionForm) -> str:
    targets = workshop_targets(device.state)
    # The workshop's next steps first; the select still lists every state, and an
    # impossible one (or the handover desk's) is explained rather than hidden.
    names = _translated("state")
    form.to_state.choices = [SelectChoice(s.value, names[s.value]) for s in targets] + [
        SelectChoice(s.value, names[s.value])
        for s in State
        if s not in targets and s is not device.state
    ]
    facts = workshop.readiness(device, erasure_list=erasure_records.erasures(device))
    return render_template(
        "inventory/device_state.html",
        device=device,
        form=form,
        facts=facts,
        can_write=True,
        at_desk=device.state in HANDOVER_TARGETS,
        final=not allowed_targets(device.state),
    )


def _missing_for_grade(device: Device) -> list[tuple[str, str]]:
    """(form field, sentence) for each field the grade still needs: the device page and
    the grade page link each one to the edit form, which technicians may use."""
    names = grading.missing_for_grade(device_records.specs_of(device), cpu_named=bool(device.cpu))
    return [(name, page_gettext(grading.MISSING_LABELS[name])) for name in names]


def _render_grade(device: Device, form: GradeForm) -> str:
    return render_template(
        "inventory/device_grade.html",
        device=device,
        form=form,
        computed=device_records.computed_grade(device),
        missing=_missing_for_grade(device),
        can_manage=can(Permission.INVENTORY_MANAGE, device.organisation_id),
    )


@bp.get(f"{P}/appareils/<int:device_id>/qr.png")
@permission_required(Permission.INVENTORY_READ)
def device_qr(device_id: int) -> Response:
    device = _device(device_id)
    png = qr_png(device_url(_base_url(), device.asset_tag), module_px=6)
    return Response(png, mimetype="image/png", headers={"Cache-Control": "private, max-age=3600"})


@bp.route(f"{P}/appareils/<int:device_id>/modifier", methods=["GET", "POST"])
@permission_required(Permission.INVENTORY_WRITE)
def device_edit(device_id: int) -> str | Response:
    device = _device(device_id, Permission.INVENTORY_WRITE)
    data = None
    if request.method == "GET":
        data = {
            name: getattr(device, name)
            for name in (
                *REMEMBERED,
                "serial",
                "imei",
                "battery_health_pct",
                "condition_notes",
                *device_records.ORIGIN_FIELDS,
            )
            if name != "location"
        }
        for name in (
            "cpu_score",
            "ram_gb",
            "storage_gb",
            "screen_inches",
            "battery_health_pct",
        ):
            data[name] = _number(data[name]) if data[name] is not None else ""
        cost = data["purchase_cost"]  # cents kept: "1190,50"
        data["purchase_cost"] = f"{cost:.2f}".replace(".", ",") if cost is not None else ""
        for name in ("device_type", "storage_type", "condition"):
            data[name] = data[name].value if data[name] is not None else ""
        data["location"] = device.location.name if device.location else ""
    form = DeviceEditForm(data=data)
    if form.validate_on_submit():
        try:
            device_records.update_device(
                device,
                _device_input(form),
                actor=current_user,
                origin=True,
                duplicate_reason=_duplicate_reason(form),
            )
        except DomainError as exc:
            db.session.rollback()
            _put_error(form, exc, "serial")
        else:
            flash(_("Appareil enregistré."), "success")
            return redirect(url_for("inventory.device_detail", device_id=device.id))
    return render_template(
        "inventory/device_form.html",
        form=form,
        device=device,
        locations=donations.locations(device.organisation_id),
        can_accept_duplicate=can(Permission.INVENTORY_MANAGE),
    )


@bp.route(f"{P}/appareils/<int:device_id>/etat", methods=["GET", "POST"])
@permission_required(Permission.INVENTORY_WRITE)
def device_transition(device_id: int) -> str | Response:
    """Any change of state, with a reason; the device page's buttons post here too."""
    device = _device(device_id, Permission.INVENTORY_WRITE)
    form = TransitionForm()
    if request.method == "POST":
        form.to_state.choices = [SelectChoice(s.value, s.value) for s in State]
        if form.validate_on_submit():
            target = State(form.to_state.data)
            try:
                workshop.apply_transition(
                    device, target, current_user, form.reason.data or "", workshop=True
                )
            except DomainError as exc:
                db.session.rollback()
                form.to_state.errors = [exc.message]
            else:
                flash(
                    _("État changé : %(state)s.", state=_(STATE_LABELS[target])),
                    "success",
                )
                return redirect(url_for("inventory.device_detail", device_id=device.id))
    return _render_transition(device, form)


# The usual method for each medium, with the level it reaches (erasure_rules).
_DEFAULT_METHOD = {
    erasure_rules.Medium.HDD: ErasureMethod.OVERWRITE,
    erasure_rules.Medium.SSD: ErasureMethod.ATA_SANITIZE,
    erasure_rules.Medium.NVME: ErasureMethod.NVME_SANITIZE,
    erasure_rules.Medium.EMMC: ErasureMethod.OVERWRITE,
    erasure_rules.Medium.MOBILE: ErasureMethod.FACTORY_RESET,
}
_LEVEL_NAMES = {
    ErasureLevel.CLEAR: "Clear",
    ErasureLevel.PURGE: "Purge",
    ErasureLevel.DESTROY: "Destroy",
}


def _erasure_choices(
    form: ErasureForm, device: Device, known: erasure_rules.Medium | None
) -> erasure_rules.Medium | None:
    """Offer the media of the device, and the methods and levels of the chosen medium.

    Each method says the level it reaches there; the medium read is returned.
    """
    Medium = erasure_rules.Medium
    if known is Medium.MOBILE:
        media = [Medium.MOBILE]
    else:
        media = [m for m in Medium if m is not Medium.MOBILE]
    form.medium.choices = ([] if known else [SelectChoice("", _("— à préciser —"))]) + [
        SelectChoice(m.value, erasure_rules.MEDIUM_LABELS[m]) for m in media
    ]
    try:
        medium: erasure_rules.Medium | None = Medium(form.medium.data) if form.medium.data else None
    except ValueError:
        medium = None
    if medium not in media:
        medium = known
    form.medium.data = medium.value if medium else ""
    methods = erasure_rules.methods_for(medium)
    form.method.choices = [
        SelectChoice(
            m.value,
            f"{METHOD_LABELS[m]} : {_LEVEL_NAMES[level]}"
            if medium and (level := erasure_rules.reaches(medium, m))
            else str(METHOD_LABELS[m]),
        )
        for m in methods
    ]
    form.level.choices = [
        SelectChoice(lv.value, LEVEL_LABELS[lv]) for lv in erasure_rules.levels_for(medium)
    ]
    return medium


@bp.route(f"{P}/appareils/<int:device_id>/effacement", methods=["GET", "POST"])
@permission_required(Permission.INVENTORY_WRITE)
def erasure_new(device_id: int) -> str | Response:
    device = _device(device_id, Permission.INVENTORY_WRITE)
    data = None
    known = erasure_records.erasure_medium(device)
    if request.method == "GET":
        # People type local times; the database keeps naive UTC (app/core/clock.py).
        now = to_user_timezone(utcnow()).replace(second=0, microsecond=0, tzinfo=None)
        method = _DEFAULT_METHOD[known] if known else ErasureMethod.OVERWRITE
        data = {
            "technician_name": current_user.display_name,
            "started_at": now,
            "ended_at": now,
            "disk_size_gb": device.storage_gb,
            "medium": known.value if known else "",
            "level": (erasure_rules.reaches(known, method) or ErasureLevel.CLEAR).value,
            "method": method.value,
            "passes": 1,
            "result": ErasureResult.ERASED.value,
        }
    form = ErasureForm(data=data)
    medium = _erasure_choices(form, device, known)
    if form.validate_on_submit():
        assert form.started_at.data is not None and form.ended_at.data is not None
        try:
            level = ErasureLevel(form.level.data)
        except ValueError:
            form.level.errors = [_("Choisissez un niveau.")]
            return render_template("inventory/erasure_form.html", form=form, device=device)
        try:
            method = ErasureMethod(form.method.data)
        except ValueError:
            form.method.errors = [_("Choisissez une méthode.")]
            return render_template("inventory/erasure_form.html", form=form, device=device)
        try:
            erasure_records.record_erasure(
                device,
                erasure_records.ErasureInput(
                    medium=medium,
                    level=level,
                    method=method,
                    tool=form.tool.data or "",
                    tool_version=form.tool_version.data or "",
                    started_at=to_utc(form.started_at.data),
                    ended_at=to_utc(form.ended_at.data),
                    result=ErasureResult(form.result.data),
                    technician_name=form.technician_name.data or "",
                    signature=form.signature.data or "",
                    disk_make=form.disk_make.data or "",
                    disk_model=form.disk_model.data or "",
                    disk_serial=form.disk_serial.data or "",
                    disk_size_gb=form.disk_size_gb.data,
                    passes=form.passes.data,
                    verification=form.verification.data or "",
                    notes=form.notes.data or "",
                ),
                actor=current_user,
            )
        except DomainError as exc:
            db.session.rollback()
            _put_error(form, exc, "tool")
        else:
            flash(_("Effacement enregistré."), "success")
            return redirect(url_for("inventory.device_detail", device_id=device.id))
    return render_template("inventory/erasure_form.html", form=form, device=device)


@bp.get(f"{P}/effacements/<int:erasure_id>/certificat.pdf")
@permission_required(Permission.INVENTORY_READ)
def erasure_certificate(erasure_id: int) -> Response:
    erasure = db.session.get(ErasureRecord, erasure_id) or abort(404)
    ensure_record_access(Permission.INVENTORY_READ, erasure.organisation_id)
    device = db.session.get(Device, erasure.device_id) or abort(404)
    from app.accounts.models import Organisation

    org = db.session.get(Organisation, device.organisation_id)
    latest = erasure_records.latest_erasure(device)
    warning = ""
    if latest is not None and latest.id != erasure.id:
        # The latest erasure is the one that counts (erasure_records.latest_erasure).
        warning = f"Remplacé par l'effacement EFF-{latest.id:06d} du {latest.ended_at:%d/%m/%Y}"
        if latest.result is ErasureResult.FAILED:
            warning += ", en échec :\nl'appareil n'est pas effacé."
        else:
            warning += "."
    pdf = certificates_pdf([(device, erasure)], org, warning=warning)
    return _pdf(pdf, f"certificat-effacement-{device.asset_tag}.pdf")


@bp.route(f"{P}/appareils/<int:device_id>/tests", methods=["GET", "POST"])
@permission_required(Permission.INVENTORY_WRITE)
def checklist(device_id: int) -> str | Response:
    device = _device(device_id, Permission.INVENTORY_WRITE)
    existing = workshop.checklist_of(device)
    if existing and existing.results:
        items = [dict(i) for i in existing.results]
    else:
        items = [
            {"label": label, "result": "", "note": ""}
            for label in workshop.checklist_items(device.organisation_id, device.device_type)
        ]
    form = EmptyForm()
    error = None
    if form.validate_on_submit():
        for index, item in enumerate(items):
            item["result"] = request.form.get(f"result-{index}", "")
            item["note"] = request.form.get(f"note-{index}", "")[:500]
        try:
            saved = workshop.save_checklist(device, items, actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
        else:
            flash(
                _("Tests enregistrés : liste complète.")
                if saved.completed
                else _("Tests enregistrés. La liste n'est pas encore complète."),
                "success" if saved.completed else "warning",
            )
            return redirect(url_for("inventory.device_detail", device_id=device.id))
    return render_template(
        "inventory/checklist.html", device=device, items=items, form=form, error=error
    )


@bp.route(f"{P}/appareils/<int:device_id>/note", methods=["GET", "POST"])
@permission_required(Permission.INVENTORY_WRITE)
def device_grade(device_id: int) -> str | Response:
    """Validate the computed grade, adjust it (phones, tablets) or, for a manager, change it."""
    device = _device(device_id, Permission.INVENTORY_WRITE)
    if request.method == "GET":
        return _render_grade(device, GradeForm(data={"adjustment": str(device.grade_adjustment)}))
    form = GradeForm()
    if form.validate_on_submit():
        override = Grade(form.override.data) if form.override.data else None
        if override is not None and not can(Permission.INVENTORY_MANAGE, device.organisation_id):
            form.override.errors = [_("Seul·e un·e responsable peut changer la note calculée.")]
            return _render_grade(device, form)
        try:
            grade = workshop.set_grade(
                device,
                override=override,
                reason=form.reason.data or "",
                adjustment=int(form.adjustment.data or 0),  # one of the choices
                actor=current_user,
            )
        except DomainError as exc:
            db.session.rollback()
            _put_error(form, exc, "override")
            return _render_grade(device, form)
        flash(_("Note validée : %(grade)s.", grade=_(GRADE_LABELS[grade])), "success")
        return redirect(url_for("inventory.device_detail", device_id=device.id))
    return _render_grade(device, form)


# ---------------------------------------------------------------- labels


@bp.get(f"{P}/etiquettes")
@permission_required(Permission.INVENTORY_READ)
def labels() -> str | Response:
    form = LabelsForm(request.args, meta={"csrf": False})
    form.batch_id.choices = _batch_choices(
        blank=_("— Appareils du filtre ou de la liste —"), selected=request.args.get("batch_id")
    )
    _filter_form, flt = _filter_from_args()
    ids = [i for i in (parse_id(x) for x in request.args.get("ids", "").split(",")) if i]
    wants_pdf = "sheet" in request.args
    if wants_pdf and form.validate():
        devices = _label_devices(flt, ids)
        if not devices:
            form.batch_id.errors = [_("Aucun appareil à étiqueter.")]
        elif len(devices) > MAX_LABELS:
            form.batch_id.errors = [
                _("Trop d'étiquettes (%(n)s) : filtrez davantage.", n=len(devices))
            ]
        else:
            try:
                pdf = labels_pdf(
                    devices,
                    form.sheet.data or "L7160",
                    _base_url(),
                    start=form.start.data or 1,
                    org_name=current_user.organisation.name,
                    outlines=bool(form.outlines.data),
                )
            except LabelError as exc:
                form.start.errors = [exc.message]
            else:
                return _pdf(pdf, f"etiquettes-{form.sheet.data}.pdf")
    return render_template(
        "inventory/labels.html",
        form=form,
        sheets=SHEETS,
        filter_args=_filter_args(flt),
        ids=request.args.get("ids", ""),
    )


def _label_devices(flt: stock.DeviceFilter, ids: list[int]) -> list[Device]:
    if ids:
        rows = db.session.scalars(
            select(Device).where(Device.id.in_(ids[:MAX_LABELS])).order_by(Device.id)
        ).all()
        return [d for d in rows if can(Permission.INVENTORY_READ, d.organisation_id)]
    batch = _own_batch(parse_id(request.args.get("batch_id")))
    if request.args.get("batch_id") and batch is None:
        return []
    return list(stock.iter_filtered(_org_id(), flt))


def _pdf(data: bytes, filename: str) -> Response:
    return send_file(
        io.BytesIO(data), mimetype="application/pdf", as_attachment=False, download_name=filename
    )


# ---------------------------------------------------------------- import


@bp.route(f"{P}/import", methods=["GET", "POST"])
@permission_required(Permission.INVENTORY_MANAGE)
def import_upload() -> str | Response:
    """The upload; the mapping step (import_routes.py) follows on the same response."""
    form = ImportForm()
    form.donor_id.choices = _donor_choices(blank=_("Sans donateur"))
    file_error = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            return import_routes.after_upload(
                upload.read(),
                upload.filename or "import.csv",
                form.donor_id.data or "",
                form.reference.data or "",
            )
        except importing.ImportFileError as exc:
            file_error = exc.message
    return render_template(
        "inventory/import.html",
        form=form,
        result=None,
        token="",
        file_error=file_error,
        confirm_form=EmptyForm(),
    )


@bp.post(f"{P}/import/confirmer")
@permission_required(Permission.INVENTORY_MANAGE)
def import_confirm() -> str | Response:
    return import_routes.confirm(request.form.get("token", ""))


# ---------------------------------------------------------------- stock count


@bp.route(f"{P}/comptage", methods=["GET", "POST"])
@permission_required(Permission.INVENTORY_READ)
def stock_count() -> str:
    form = StockCountForm()
    places = donations.locations(_org_id())
    form.location_id.choices = [SelectChoice(str(p.id), p.name) for p in places]
    result = None
    if form.validate_on_submit():
        location = db.session.get(Location, parse_id(form.location_id.data) or 0)
        if location is None or location.organisation_id != _org_id():
            form.location_id.errors = [_("Choisissez un emplacement de la liste.")]
        else:
            result = stock.stock_count(_org_id(), location, (form.tags.data or "").splitlines())
    return render_template(
        "inventory/stock_count.html",
        form=form,
        result=result,
        has_places=bool(places),
        move_form=EmptyForm(),
        can_write=can(Permission.INVENTORY_WRITE),
    )


@bp.post(f"{P}/comptage/ranger")
@permission_required(Permission.INVENTORY_WRITE)
def stock_move() -> Response:
    form = EmptyForm()
    location = db.session.get(Location, parse_id(request.form.get("location_id")) or 0)
    if form.validate_on_submit() and location and location.organisation_id == _org_id():
        ids = [i for i in (parse_id(x) for x in request.form.getlist("device_id")) if i]
        devices = db.session.scalars(select(Device).where(Device.id.in_(ids))).all() if ids else []
        moved = stock.move_to_location(_org_id(), location, devices, actor=current_user)
        flash(_("%(n)s appareils rangés à « %(place)s ».", n=moved, place=location.name), "success")
    return redirect(url_for("inventory.stock_count"))


# ---------------------------------------------------------------- checklist templates


@bp.route(f"{P}/listes-de-tests", methods=["GET", "POST"])
@permission_required(Permission.INVENTORY_MANAGE)
def checklist_templates() -> str | Response:
    kind = request.values.get("device_type", DeviceType.LAPTOP.value)
    if kind not in [t.value for t in DeviceType]:
        kind = DeviceType.LAPTOP.value
    items = workshop.checklist_items(_org_id(), DeviceType(kind))
    form = ChecklistTemplateForm(data={"device_type": kind, "items": "\n".join(items)})
    if request.method == "POST":
        form = ChecklistTemplateForm()
    if form.validate_on_submit():
        try:
            workshop.save_checklist_template(
                _org_id(),
                DeviceType(form.device_type.data),
                (form.items.data or "").splitlines(),
                actor=current_user,
            )
        except DomainError as exc:
            db.session.rollback()
            form.items.errors = [exc.message]
        else:
            flash(_("Liste de tests enregistrée."), "success")
            return redirect(
                url_for("inventory.checklist_templates", device_type=form.device_type.data)
            )
    return render_template(
        "inventory/checklist_templates.html", form=form, kind=kind, types=DEVICE_TYPE_LABELS
    )


# ---------------------------------------------------------------- the label's public page


def _scan_limited() -> int:
    """Seconds to wait (0: go on): the family page's limits (FAMILY_PAGE_PER_MINUTE visits a
    minute, FAMILY_PAGE_FAILURES unknown tags in 15 minutes) in a bucket of its own, keyed
    by a hash of the address (issue 19)."""
    from app.family.rate_limit import rate_check

    config = current_app.config
    decision = rate_check(
        _scan_key(),
        int(config.get("FAMILY_PAGE_PER_MINUTE", 30)),
        int(config.get("FAMILY_PAGE_FAILURES", 10)),
    )
    return 0 if decision.allowed else decision.retry_after


def _scan_key() -> str:
    import hashlib

    return "d:" + hashlib.sha256((request.remote_addr or "").encode()).hexdigest()[:32]


def _scan_hit(ok: bool) -> None:
    from app.family.rate_limit import record_hit

    record_hit(_scan_key(), ok)


@bp.get("/d/<tag>")
def scan(tag: str) -> str | Response | tuple[str, int, dict[str, str]]:
    """What a label's QR code opens. Public on purpose (no permission_required): staff of
    the device's association go to its page; anyone else learns only where to return it.
    Rate-limited per address like the family page."""
    wait = _scan_limited()
    if wait:
        return render_template("family/limited.html"), 429, {"Retry-After": str(wait)}
    device = device_records.find_by_tag(tag)
    if device is None:
        # A former label (issue 16): the staff's own association first, else the one
        # association that has it.
        own = getattr(current_user, "organisation_id", None)
        if own is not None and can(Permission.INVENTORY_READ, own):
            device = device_records.find_by_former_label(tag, own)
        device = device or device_records.find_by_former_label(tag)
    _scan_hit(device is not None)
    if device is None:
        abort(404)
    if can(Permission.INVENTORY_READ, device.organisation_id):
        return redirect(url_for("inventory.device_detail", device_id=device.id))
    from app.accounts.models import Organisation

    org = db.session.get(Organisation, device.organisation_id)
    return render_template("inventory/public_device.html", device=device, org=org)
