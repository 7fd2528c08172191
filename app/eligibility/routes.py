"""The programmes in force, readable by prescribers and associations; loaded at start-up."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.blueprints import BlueprintSetupState
from flask_login import current_user

from app.authz.guards import can, permission_required
from app.authz.policy import Permission
from app.core.clock import today
from app.eligibility import catalogue, display, editor, preview_service, services

bp = Blueprint("eligibility", __name__)
bp.register_blueprint(editor.bp)  # the programme editor: eligibility.editor.*


@bp.record_once
def _load_programmes(state: BlueprintSetupState) -> None:
    # A bad programme file stops the start-up here, naming the file, line and fault.
    catalogue.load_into(state.app)
    display.install(state.app)


@bp.get("/programmes")
@permission_required(Permission.HOUSEHOLD_READ)
def programme_list() -> str:
    return render_template(
        "eligibility/programmes.html",
        programmes=catalogue.programmes(),
        today=today(),
        may_create=can(Permission.PROGRAMME_WRITE),
        drafts=services.drafts_for(current_user) if can(Permission.PROGRAMME_WRITE) else [],
    )


@bp.get("/programmes/<code>")
@permission_required(Permission.HOUSEHOLD_READ)
def programme_detail(code: str) -> str:
    stored = editor.detail_context(code)
    programme = catalogue.find(code)
    if programme is None and not stored.get("may_write"):
        abort(404)  # a programme still in draft is seen by its writers only
    return render_template(
        "eligibility/programme.html", programme=programme, today=today(), **stored
    )


@bp.get("/programmes/<code>/apercu")
@permission_required(Permission.HOUSEHOLD_READ)
def programme_preview(code: str) -> str:
    """The draft against the version in force on a chosen day (?jour=AAAA-MM-JJ)."""
    record = services.get_programme(code)
    if not services.may_write(record, current_user):
        abort(403)
    day = preview_service.parse_day(request.args.get("jour", ""))
    report = preview_service.preview(record, current_user, day)
    return render_template("eligibility/preview.html", record=record, report=report.as_dict())
