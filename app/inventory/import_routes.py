"""The import's mapping step: after the upload, each column of the file with the field
Ordilien proposes for it (or why it is ignored), each type and status word with what it
becomes; the user changes what is wrong, checks again, imports all or nothing.

A blueprint nested in the inventory's (endpoints ``inventory.import_mapping.*``); the
upload and confirmation routes of stock_routes.py hand over to it.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.forms import EmptyForm
from app.authz.guards import permission_required
from app.authz.policy import Permission
from app.core.converters import parse_id
from app.extensions import db
from app.inventory import import_service, importing
from app.inventory.column_headers import FIELDS, SOURCES
from app.inventory.lifecycle import DEVICE_TYPE_LABELS, STATE_LABELS
from app.inventory.mapped_import import (
    MappedFile,
    Table,
    field_choices,
    read,
    value_choices,
)
from app.inventory.mapping import FileMapping
from app.inventory.models import Donor

import_bp = Blueprint("import_mapping", __name__)

IMPORT_KEEP_SECONDS = 24 * 3600
MAX_VALUES = 300  # distinct type or status words shown with a select


def import_dir() -> Path:
    """Where an uploaded file waits for its mapping; files never imported go after a day."""
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - IMPORT_KEEP_SECONDS
    for old in path.iterdir():
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
        except FileNotFoundError:
            continue  # removed meanwhile by another worker
    return path


def stored_import(token: str) -> Path | None:
    if not token.isalnum() or len(token) > 64:
        return None
    for candidate in import_dir().glob(f"{current_user.id}-{token}.*"):
        return candidate
    return None


def _org_id() -> int:
    return int(current_user.organisation_id)


def store(data: bytes, filename: str) -> str:
    token = secrets.token_hex(16)
    suffix = ".xlsx" if filename.lower().endswith((".xlsx", ".xlsm")) else ".csv"
    (import_dir() / f"{current_user.id}-{token}{suffix}").write_bytes(data)
    return token


def _chosen(table: Table) -> FileMapping | None:
    """The page's selects, when the page was posted back (else None: propose)."""
    form = request.form
    if "source" not in form:
        return None
    source = form.get("source", "")
    mapping = FileMapping(source=source if source in SOURCES else "")
    for position, header in enumerate(table.headers):
        name = form.get(f"col-{position}")
        if name is not None and (name == "" or name in FIELDS):
            mapping.columns[header] = name
    for position in range(MAX_VALUES * 2):
        written, kind = form.get(f"valname-{position}"), form.get(f"valfield-{position}")
        if written is None or kind not in ("device_type", "state"):
            continue
        target = form.get(f"val-{position}", "")
        if target:
            (mapping.types if kind == "device_type" else mapping.states)[written] = target
    return mapping


def _donor(donor_id: Any) -> Donor | None:
    donor = db.session.get(Donor, parse_id(donor_id) or 0) if donor_id else None
    if donor is None or donor.organisation_id != _org_id():
        return None
    return donor


def render_review(
    token: str,
    table: Table,
    result: import_service.ImportResult,
    *,
    donor_id: str = "",
    reference: str = "",
    override_reason: str = "",
) -> str:
    parsed: MappedFile = result.parsed
    return render_template(
        "inventory/import_mapping.html",
        token=token,
        table=table,
        result=result,
        parsed=parsed,
        form=EmptyForm(),
        donor_id=donor_id or "",
        donor=_donor(donor_id),
        reference=reference or "",
        override_reason=override_reason,
        overridable=any(p.overridable for p in result.problems),
        field_choices=field_choices(),
        field_labels=FIELDS,
        value_choices={
            "device_type": value_choices("device_type"),
            "state": value_choices("state"),
        },
        value_uses=parsed.values[:MAX_VALUES],
        sources=SOURCES,
        type_labels=DEVICE_TYPE_LABELS,
        state_labels=STATE_LABELS,
    )


def after_upload(data: bytes, filename: str, donor_id: str, reference: str) -> str | None:
    """Read, keep and check a freshly uploaded file; the review page, or None with a flash
    when the file cannot be read at all."""
    try:
        table = read(data, filename)
    except importing.ImportFileError as exc:
        flash(exc.message, "error")
        return None
    token = store(data, filename)
    result = import_service.import_table(_org_id(), table, dry_run=True)
    return render_review(token, table, result, donor_id=donor_id, reference=reference)


def _missing() -> Response:
    flash(_("Ce fichier n'est plus disponible : envoyez-le à nouveau."), "error")
    return redirect(url_for("inventory.import_upload"))  # type: ignore[return-value]


def confirm(token: str) -> str | Response:
    """Import the stored file with the mapping posted (or the one proposed)."""
    path = stored_import(token)
    if not EmptyForm().validate_on_submit() or path is None:
        return _missing()
    table = read(path.read_bytes(), path.name)
    donor_id = request.form.get("donor_id", "")
    reference = request.form.get("reference", "")[:80]
    reason = request.form.get("override_reason", "").strip()
    result = import_service.import_table(
        _org_id(),
        table,
        _chosen(table),
        actor=current_user,
        donor=_donor(donor_id),
        reference=reference,
        override_reason=reason,
    )
    if result.batch is None:
        flash(_("Rien n'a été importé : voyez les problèmes ci-dessous."), "error")
        return render_review(
            token, table, result, donor_id=donor_id, reference=reference, override_reason=reason
        )
    path.unlink(missing_ok=True)
    flash(
        _("%(n)s appareils importés dans le lot n° %(id)s.", n=result.created, id=result.batch.id),
        "success",
    )
    return redirect(url_for("inventory.batch_detail", batch_id=result.batch.id))  # type: ignore[return-value]


@import_bp.route("/inventaire/import/<token>", methods=["GET", "POST"])
@permission_required(Permission.INVENTORY_MANAGE)
def review(token: str) -> str | Response:
    """The mapping page of a stored file: GET proposes, "Vérifier" checks the choices,
    "Importer" writes."""
    path = stored_import(token)
    if path is None:
        return _missing()
    if request.method == "POST" and request.form.get("action") == "import":
        return confirm(token)
    table = read(path.read_bytes(), path.name)
    chosen = None
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            return _missing()
        chosen = _chosen(table)
    reason = request.form.get("override_reason", "").strip()
    result = import_service.import_table(
        _org_id(), table, chosen, override_reason=reason, dry_run=True
    )
    return render_review(
        token,
        table,
        result,
        donor_id=request.values.get("donor_id", ""),
        reference=request.values.get("reference", "")[:80],
        override_reason=reason,
    )
