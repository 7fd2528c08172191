"""Programmes kept in the database: the actions. Each one checks, journals and commits.

A programme has at most one draft, which its owner edits; publishing numbers it (1, 2,
3...) and dates it (``effective_from``); a published version is never edited again. Who
may write: the managers of the owner organisation and the instance administrator
(``policy.may_write_programme``); every logged-in staff member reads.

The journal keeps codes and data, not sentences: action ``programme.<what>``, object
"programme" <id>, detail ``{"code", "version", "changed": ["conditions",
"parameters.price_eur", ...]}``.

This module reads the store and edits drafts; publishing.py publishes and ends them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.authz.policy import may_write_programme
from app.core.clock import utcnow
from app.core.errors import Conflict, DomainError, NotFound
from app.core.i18n import translate as _
from app.eligibility import catalogue
from app.eligibility.loader import (
    ProgrammeFileError,
    from_definition,
)
from app.eligibility.models import (
    ProgrammeRecord,
    ProgrammeVersion,
    VersionState,
)
from app.eligibility.programme import Programme
from app.extensions import db


class ProgrammeInvalid(DomainError):
    """A definition (or an imported file) is refused; ``message`` is "name, ligne N : fault"
    and ``path``, ``line``, ``fault`` give its parts (an editor can point at the line)."""

    def __init__(self, error: ProgrammeFileError) -> None:
        super().__init__(str(error), field="definition")
        self.path = error.path
        self.line = error.line
        self.fault = error.fault


# ------------------------------------------------------------------------- reading


def get_programme(code: str) -> ProgrammeRecord:
    """The programme with this code, or NotFound."""
    catalogue.programmes()  # the shipped files become programmes on first use
    found = db.session.scalar(select(ProgrammeRecord).where(ProgrammeRecord.code == code))
    if found is None:
        raise NotFound(_("Programme introuvable."))
    return found


def all_programmes() -> list[ProgrammeRecord]:
    """Every programme (the shipped files become programmes on first use), by code."""
    catalogue.programmes()
    return list(db.session.scalars(select(ProgrammeRecord).order_by(ProgrammeRecord.code)))


def versions(programme: ProgrammeRecord) -> list[ProgrammeVersion]:
    """Its versions, published ones by number, then the draft if any."""
    return sorted(
        programme.versions,
        key=lambda v: (v.number is None, v.number or 0, v.id),
    )


def draft_of(programme: ProgrammeRecord) -> ProgrammeVersion | None:
    return next((v for v in programme.versions if v.state is VersionState.DRAFT), None)


def drafts_for(actor: Any) -> list[tuple[ProgrammeRecord, ProgrammeVersion]]:
    """The drafts this person may write (to finish and publish), by programme code."""
    rows = db.session.execute(
        select(ProgrammeRecord, ProgrammeVersion)
        .join(ProgrammeVersion, ProgrammeVersion.programme_id == ProgrammeRecord.id)
        .where(ProgrammeVersion.state == VersionState.DRAFT)
        .order_by(ProgrammeRecord.code)
    ).all()
    return [(record, draft) for record, draft in rows if may_write(record, actor)]


def latest_published(programme: ProgrammeRecord) -> ProgrammeVersion | None:
    published = [v for v in programme.versions if v.state is VersionState.PUBLISHED]
    return max(published, key=lambda v: v.number or 0) if published else None


def may_write(programme_or_owner: ProgrammeRecord | int | None, actor: Any) -> bool:
    """May ``actor`` change this programme (or a programme of this owner organisation)?
    ``actor`` None is the system (command line, start-up): always allowed."""
    if actor is None:
        return True
    owner = (
        programme_or_owner.organisation_id
        if isinstance(programme_or_owner, ProgrammeRecord)
        else programme_or_owner
    )
    return may_write_programme(actor.role, actor.organisation_id, owner)


def _require_write(programme_or_owner: ProgrammeRecord | int | None, actor: Any) -> None:
    if not may_write(programme_or_owner, actor):
        raise DomainError(
            _(
                "Seuls les responsables de l'organisation propriétaire et l'administrateur "
                "peuvent modifier ce programme."
            )
        )


def check_definition(definition: dict[str, Any], name: str = "programme") -> Programme:
    """The definition as a Programme, or ProgrammeInvalid naming ``name``, line and fault."""
    try:
        return from_definition(definition, name)
    except ProgrammeFileError as exc:
        raise ProgrammeInvalid(exc) from None


def changed_keys(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    """The top-level keys whose value changed; for parameters, ``parameters.<name>`` for
    each parameter added, removed or changed."""
    before = before or {}
    changed: list[str] = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) == after.get(key):
            continue
        if key == "parameters":
            old, new = before.get(key) or {}, after.get(key) or {}
            names = sorted(n for n in set(old) | set(new) if old.get(n) != new.get(n))
            changed += [f"parameters.{n}" for n in names] or ["parameters"]
        else:
            changed.append(key)
    return changed


def _journal(
    action: str,
    programme: ProgrammeRecord,
    version: ProgrammeVersion | None,
    actor: Any,
    **detail: Any,
) -> None:
    record(
        f"programme.{action}",
        "programme",
        programme.id,
        detail={
            "code": programme.code,
            "version": version.number if version is not None else None,
            "version_id": version.id if version is not None else None,
            **detail,
        },
        actor=actor,
    )


def _done() -> None:
    db.session.commit()
    catalogue.invalidate()


# ------------------------------------------------------------------------- drafts


def create_programme(
    code: str, owner_org_id: int | None, definition: dict[str, Any], actor: Any
) -> ProgrammeVersion:
    """A new programme owned by ``owner_org_id`` (None: the administrator), as a draft.

    ``definition`` is a programme file's data (loader.definition_from_yaml); its ``code``
    must be ``code``. Raises ProgrammeInvalid, Conflict (code taken) or DomainError.
    """
    _require_write(owner_org_id, actor)
    catalogue.programmes()  # on a new instance, the shipped files come first
    if definition.get("code") != code:
        raise DomainError(_("Le code du programme ne correspond pas à sa définition."), "code")
    check_definition(definition, code)
    if db.session.scalar(select(ProgrammeRecord.id).where(ProgrammeRecord.code == code)):
        raise Conflict(_("Ce code de programme est déjà pris."))
    now = utcnow()
    actor_id = getattr(actor, "id", None)
    programme = ProgrammeRecord(
        code=code, organisation_id=owner_org_id, created_at=now, created_by_id=actor_id
    )
    draft = ProgrammeVersion(
        state=VersionState.DRAFT,
        definition=definition,
        created_at=now,
        created_by_id=actor_id,
        updated_at=now,
        updated_by_id=actor_id,
    )
    programme.versions.append(draft)
    db.session.add(programme)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("Ce code de programme est déjà pris.")) from None
    _journal("create", programme, draft, actor, changed=changed_keys(None, definition))
    _done()
    return draft


def update_draft(
    programme: ProgrammeRecord,
    definition: dict[str, Any],
    actor: Any,
    note: str | None = None,
) -> ProgrammeVersion:
    """Replace the draft's definition (and its note, when given). A published version is
    never edited: without a draft, DomainError (start one with new_draft_from_latest)."""
    _require_write(programme, actor)
    draft = draft_of(programme)
    if draft is None:
        raise DomainError(
            _("Une version publiée ne se modifie plus : créez d'abord un nouveau brouillon.")
        )
    if definition.get("code") != programme.code:
        raise DomainError(_("Le code du programme ne peut pas changer."), "code")
    check_definition(definition, programme.code)
    changed = changed_keys(draft.definition, definition)
    draft.definition = definition
    if note is not None:
        draft.note = note.strip()
    draft.updated_at = utcnow()
    draft.updated_by_id = getattr(actor, "id", None)
    _journal("update_draft", programme, draft, actor, changed=changed)
    _done()
    return draft


def new_draft_from_latest(programme: ProgrammeRecord, actor: Any) -> ProgrammeVersion:
    """A draft copying the latest published version (Conflict if a draft exists)."""
    _require_write(programme, actor)
    if draft_of(programme) is not None:
        raise Conflict(_("Ce programme a déjà un brouillon en cours."))
    latest = latest_published(programme)
    if latest is None:
        raise DomainError(_("Ce programme n'a pas encore de version publiée."))
    now = utcnow()
    actor_id = getattr(actor, "id", None)
    draft = ProgrammeVersion(
        state=VersionState.DRAFT,
        definition=dict(latest.definition),
        created_at=now,
        created_by_id=actor_id,
        updated_at=now,
        updated_by_id=actor_id,
    )
    programme.versions.append(draft)
    db.session.flush()
    _journal("new_draft", programme, draft, actor, copied_from=latest.number, changed=[])
    _done()
    return draft


def discard_draft(programme: ProgrammeRecord, actor: Any) -> None:
    """Delete the draft (the published versions stay)."""
    _require_write(programme, actor)
    draft = draft_of(programme)
    if draft is None:
        raise DomainError(_("Ce programme n'a pas de brouillon."))
    _journal("discard_draft", programme, draft, actor)
    programme.versions.remove(draft)
    db.session.delete(draft)
    _done()


def programme_title(code: str) -> str | None:
    """The programme's name as people know it (its version in force), or None."""
    programme = catalogue.find(code)
    return programme.name if programme is not None else None
