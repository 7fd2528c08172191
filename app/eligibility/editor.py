"""The programme editor (issue 14): forms instead of YAML, for the managers who own a
programme. Thin views over services.py; nested in the eligibility blueprint (routes.py)."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from app.accounts.models import Organisation, User
from app.authz.guards import permission_required
from app.authz.policy import Permission, Role
from app.core.clock import today
from app.core.errors import DomainError, NotFound
from app.core.labels import Translated
from app.eligibility import catalogue, exchange, publishing, services
from app.eligibility.editing import (
    DEVICES,
    GRADES,
    definition_to_fields,
    faults,
    fields_to_definition,
)
from app.eligibility.editor_forms import (
    EndForm,
    ImportForm,
    ProgrammeForm,
    PublishForm,
    added_row,
    fields_from_form,
    fill_form,
)
from app.eligibility.models import ProgrammeRecord
from app.eligibility.vocabulary import DEVICE_TYPE_LABELS
from app.extensions import db

bp = Blueprint("editor", __name__)


def _writable(code: str) -> ProgrammeRecord:
    """The programme, if the current user may change it: 404 if unknown, 403 otherwise."""
    try:
        record = services.get_programme(code)
    except NotFound:
        abort(404)
    if not services.may_write(record, current_user):
        abort(403)
    return record


def _owner_choices() -> list[SelectChoice]:
    orgs = db.session.scalars(select(Organisation).order_by(Organisation.name))
    return [SelectChoice("", _("L'administrateur de l'instance"))] + [
        SelectChoice(str(org.id), org.name) for org in orgs
    ]


def _is_admin() -> bool:
    return bool(current_user.role == Role.ADMIN)


def _owner(form: ProgrammeForm | ImportForm) -> int | None:
    if not _is_admin():
        return int(current_user.organisation_id) if current_user.organisation_id else None
    value = form.owner_org_id.data
    return int(value) if value and str(value).isdigit() else None


def _put(target: Any, message: str) -> None:
    target.errors = [*target.errors, message]


def _fault_target(form: ProgrammeForm, name: str, values: dict[str, Any]) -> Any:
    if name == "price_grid":
        return form.grid.form[f"{values.get('device', 'laptop')}_PREMIUM"]
    target = form._fields.get(name, form.name)
    return target.form.value if hasattr(target, "form") else target


def _definition(form: ProgrammeForm, base: dict[str, Any]) -> dict[str, Any] | None:
    """The definition typed in the form, or None with the faults put on their fields."""
    fields, errors = fields_from_form(form, base)
    for target, message in errors:
        _put(target, str(message))
    if errors:
        return None
    definition = fields_to_definition(fields)
    found = faults(definition, today())
    for fault in found:
        message = _(fault.text) % fault.values if fault.values else _(fault.text)
        _put(_fault_target(form, fault.field, fault.values), message)
    if found:
        return None
    try:
        services.check_definition(definition, fields.get("code") or "programme")
    except services.ProgrammeInvalid as exc:
        _put(form.name, _("Le programme est refusé : %(fault)s", fault=exc.fault))
        return None
    return definition


def _summary(form: ProgrammeForm) -> list[tuple[str, str, str]]:
    """(field id, label, message) of every fault, for the list at the top of the page."""
    found = []
    for f in form:
        subfields = [f] if not hasattr(f, "form") and not hasattr(f, "entries") else []
        if hasattr(f, "form"):
            subfields = list(f.form)
            subfields = [s for s in subfields if not hasattr(s, "entries")] + [
                x for s in f.form if hasattr(s, "entries") for e in s for x in e.form
            ]
        elif hasattr(f, "entries"):
            subfields = [x for e in f for x in e.form]
        label = f.label.text
        for sub in subfields:
            for message in sub.errors or []:
                found.append((sub.id, label, message))
    return found


def _render(form: ProgrammeForm, record: ProgrammeRecord | None, **extra: Any) -> str:
    return render_template(
        "eligibility/editor.html",
        form=form,
        record=record,
        summary=_summary(form),
        today=today(),
        current_app=current_app,
        devices=DEVICES,
        grades=GRADES,
        device_labels=Translated(DEVICE_TYPE_LABELS),
        **extra,
    )


@bp.route("/programmes/nouveau", methods=["GET", "POST"])
@permission_required(Permission.PROGRAMME_WRITE)
def programme_new() -> str | Response:
    form = ProgrammeForm()
    form.owner_org_id.choices = _owner_choices()
    if not _is_admin():
        del form.owner_org_id
    if request.method == "GET":
        fill_form(form, {"valid_from": today()})
        return _render(form, None)
    if added_row(form):
        return _render(form, None)
    if form.validate():
        definition = _definition(form, {"code": form.code.data})
        if definition is not None:
            try:
                services.create_programme(form.code.data, _owner(form), definition, current_user)
            except DomainError as exc:
                db.session.rollback()
                _put(form.code if exc.field in (None, "code") else form.name, exc.message)
            else:
                flash(_("Brouillon enregistré. Publiez-le pour qu'il s'applique."), "success")
                return redirect(url_for("eligibility.programme_detail", code=form.code.data))
    return _render(form, None)


@bp.route("/programmes/<code>/brouillon", methods=["GET", "POST"])
@permission_required(Permission.PROGRAMME_WRITE)
def programme_draft(code: str) -> str | Response:
    record = _writable(code)
    draft = services.draft_of(record)
    source = draft or services.latest_published(record)
    if source is None:
        abort(404)
    base = definition_to_fields(source.definition)
    form = ProgrammeForm()
    del form.code
    del form.owner_org_id
    publish_form = PublishForm(formdata=None, effective_from=today())
    if request.method == "GET":
        fill_form(form, base)
        form.note.data = draft.note if draft else ""
        return _render(form, record, draft=draft, publish_form=publish_form)
    if added_row(form):
        return _render(form, record, draft=draft, publish_form=publish_form)
    if form.validate():
        definition = _definition(form, {**base, "code": record.code})
        if definition is not None:
            try:
                if draft is None:
                    services.new_draft_from_latest(record, current_user)
                services.update_draft(record, definition, current_user, note=form.note.data)
            except DomainError as exc:
                db.session.rollback()
                _put(form.name, exc.message)
            else:
                flash(_("Brouillon enregistré."), "success")
                return redirect(url_for(".programme_draft", code=code))
    return _render(form, record, draft=draft, publish_form=publish_form)


@bp.post("/programmes/<code>/publier")
@permission_required(Permission.PROGRAMME_WRITE)
def programme_publish(code: str) -> Response:
    record = _writable(code)
    form = PublishForm()
    if not form.validate():
        flash(_("Indiquez le jour où la nouvelle version s'applique."), "error")
        return redirect(url_for(".programme_draft", code=code))
    try:
        version = publishing.publish(
            record, form.effective_from.data, current_user, form.note.data or ""
        )
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".programme_draft", code=code))
    flash(
        _(
            "Version %(n)s publiée, en vigueur à partir du %(day)s.",
            n=version.number,
            day=f"{form.effective_from.data:%d/%m/%Y}",
        ),
        "success",
    )
    return redirect(url_for("eligibility.programme_detail", code=code))


@bp.post("/programmes/<code>/terminer")
@permission_required(Permission.PROGRAMME_WRITE)
def programme_end(code: str) -> Response:
    record = _writable(code)
    form = EndForm()
    if not form.validate():
        flash(_("Indiquez le dernier jour du programme."), "error")
    else:
        try:
            publishing.end_programme(record, form.last_day.data, current_user, form.note.data or "")
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            flash(_("Le programme se termine le %(day)s.", day=f"{form.last_day.data:%d/%m/%Y}"))
    return redirect(url_for("eligibility.programme_detail", code=code))


@bp.post("/programmes/<code>/brouillon/supprimer")
@permission_required(Permission.PROGRAMME_WRITE)
def programme_discard(code: str) -> Response:
    record = _writable(code)
    try:
        services.discard_draft(record, current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        flash(_("Brouillon supprimé."), "success")
    if services.latest_published(record) is None:
        return redirect(url_for("eligibility.programme_list"))
    return redirect(url_for("eligibility.programme_detail", code=code))


@bp.route("/programmes/importer", methods=["GET", "POST"])
@permission_required(Permission.PROGRAMME_WRITE)
def programme_import() -> str | Response:
    form = ImportForm()
    form.owner_org_id.choices = _owner_choices()
    if not _is_admin():
        del form.owner_org_id
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        name = upload.filename or "programme.yaml"
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            _put(
                form.file, _("%(name)s, ligne 1 : le fichier n'est pas du texte UTF-8.", name=name)
            )
        else:
            try:
                result = exchange.import_programme(
                    text, name, _owner(form), current_user, dry_run=bool(form.dry_run.data)
                )
            except services.ProgrammeInvalid as exc:
                db.session.rollback()
                _put(form.file, exc.message)
            except DomainError as exc:
                db.session.rollback()
                _put(form.file, exc.message)
            else:
                if not form.dry_run.data:
                    flash(_("Programme importé en brouillon."), "success")
                    return redirect(url_for(".programme_draft", code=result.code))
    return render_template("eligibility/import.html", form=form, result=result)


@bp.get("/programmes/<code>/export.yaml")
@permission_required(Permission.HOUSEHOLD_READ)
def programme_export(code: str) -> Response:
    catalogue.programmes()  # the shipped files become programmes on first use
    try:
        text = exchange.export_programme(code)
    except NotFound:
        abort(404)
    return Response(
        text,
        mimetype="application/x-yaml",
        headers={"Content-Disposition": f'attachment; filename="{code}.yaml"'},
    )


def detail_context(code: str) -> dict[str, Any]:
    """What the programme page shows of the stored programme: versions and the forms of
    those who may write (empty when the code is not a stored programme)."""
    try:
        record = services.get_programme(code)
    except NotFound:
        return {}
    writer = current_user.is_authenticated and services.may_write(record, current_user)
    ids = {v.published_by_id for v in record.versions if v.published_by_id}
    users = db.session.scalars(select(User).where(User.id.in_(ids))) if ids else []
    return {
        "current_app": current_app,
        "authors": {u.id: u.full_name or u.email for u in users},
        "record": record,
        "versions": services.versions(record),
        "draft": services.draft_of(record),
        "may_write": writer,
        "end_form": EndForm(formdata=None, last_day=today()) if writer else None,
    }
