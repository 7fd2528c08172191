"""Reading the journal: managers see their organisation's entries, admins all."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.authz.guards import permission_required
from app.authz.policy import Permission, Role
from app.core.converters import page_number
from app.extensions import db

bp = Blueprint("audit", __name__)

PAGE_SIZE = 50


@bp.get("/journal")
@permission_required(Permission.AUDIT_READ)
def journal() -> str:
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if current_user.role is not Role.ADMIN:
        query = query.where(AuditEntry.organisation_id == current_user.organisation_id)
    object_type = request.args.get("type", "").strip()
    object_id = request.args.get("id", "").strip()
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    if object_id:
        query = query.where(AuditEntry.object_id == object_id)
    page = page_number(request.args.get("page"))
    entries = db.session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    return render_template(
        "audit/journal.html",
        entries=entries[:PAGE_SIZE],
        page=page,
        has_next=len(entries) > PAGE_SIZE,
        object_type=object_type,
        object_id=object_id,
    )
