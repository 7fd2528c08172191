"""Writing to the journal. Services call ``record()`` inside their own transaction."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from app.audit.models import AuditEntry
from app.extensions import db


def record(
    action: str,
    object_type: str = "",
    object_id: object = "",
    *,
    detail: dict[str, Any] | None = None,
    organisation_id: int | None = None,
    actor: Any = None,
) -> AuditEntry:
    """Add a journal entry to the current session; the caller's commit writes it.

    ``actor`` defaults to the logged-in user; the organisation defaults to the actor's.
    """
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    entry = AuditEntry(
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else "",
        detail=detail or {},
        actor_id=getattr(actor, "id", None),
        actor_label=getattr(actor, "email", "") or "",
        organisation_id=organisation_id
        if organisation_id is not None
        else getattr(actor, "organisation_id", None),
        ip=(request.remote_addr or "") if has_request_context() else "",
    )
    db.session.add(entry)
    return entry
