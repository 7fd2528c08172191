"""Programmes kept in the database: the actions. Each one checks, journals and commits.

A programme has at most one draft, which its owner edits; publishing numbers it (1, 2,
3...) and dates it (``effective_from``); a published version is never edited again. Who
may write: the managers of the owner organisation and the instance administrator
(``policy.may_write_programme``); every logged-in staff member reads.

The journal keeps codes and data, not sentences: action ``programme.<what>``, object
"programme" <id>, detail ``{"code", "version", "changed": ["conditions",
"parameters.price_eur", ...]}``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import has_request_context
from flask_babel import gettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.authz.policy import may_write_programme
from app.core.clock import today, utcnow
from app.core.errors import Conflict, DomainError, NotFound
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


def _(text: str, **values: Any) -> str:
    """French text for people, translated in a request; as written from the command line."""
    if has_request_context():
        return str(gettext(text, **values))
    return text % values if values else text


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


# ------------------------------------------------------------------------- publishing


def check_start(
    programme: ProgrammeRecord | None, effective_from: date, definition: dict[str, Any]
) -> None:
    """DomainError unless ``definition`` may be published from ``effective_from`` as the
    next version of ``programme`` (None: a programme still to create)."""
    versions = programme.versions if programme is not None else []
    published = [v for v in versions if v.state is VersionState.PUBLISHED]
    if not published:
        valid_from = date.fromisoformat(str(definition.get("valid_from")))
        if effective_from >= today() or effective_from == valid_from:
            return
        raise DomainError(
            _(
                "Une première version s'applique à partir d'aujourd'hui, d'un jour à venir "
                "ou du début du programme (%(day)s).",
                day=f"{valid_from:%d/%m/%Y}",
            ),
            "effective_from",
        )
    if effective_from < today():
        raise DomainError(
            _("Une nouvelle version s'applique à partir d'aujourd'hui ou d'un jour à venir."),
            "effective_from",
        )
    last = max(v.effective_from for v in published if v.effective_from is not None)
    if effective_from <= last:
        raise DomainError(
            _(
                "Une nouvelle version s'applique après la dernière publiée (en vigueur "
                "le %(day)s).",
                day=f"{last:%d/%m/%Y}",
            ),
            "effective_from",
        )


def _next_number(programme: ProgrammeRecord) -> int:
    numbers = [v.number for v in programme.versions if v.number is not None]
    return max(numbers, default=0) + 1


def _make_published(
    programme: ProgrammeRecord,
    version: ProgrammeVersion,
    effective_from: date,
    actor: Any,
    note: str,
) -> None:
    """The draft -> published, numbered, with a conditional UPDATE (two publishers at
    once: one wins, the other gets a Conflict)."""
    number = _next_number(programme)
    now = utcnow()
    try:
        result = db.session.execute(
            update(ProgrammeVersion)
            .where(ProgrammeVersion.id == version.id, ProgrammeVersion.state == VersionState.DRAFT)
            .values(
                state=VersionState.PUBLISHED,
                number=number,
                effective_from=effective_from,
                note=note.strip() or version.note,
                published_at=now,
                published_by_id=getattr(actor, "id", None),
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
    except IntegrityError:
        result = None
    if result is None or result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise Conflict(
            _("Ce programme vient d'être publié par quelqu'un d'autre. Rechargez la page.")
        )
    db.session.refresh(version)


def publish(
    programme: ProgrammeRecord, effective_from: date, actor: Any, note: str = ""
) -> ProgrammeVersion:
    """Publish the draft, in force from ``effective_from``: today or later, and after every
    published version's start (a first version may also start on its ``valid_from``).
    The version gets the next number and never changes again. DomainError otherwise."""
    _require_write(programme, actor)
    draft = draft_of(programme)
    if draft is None:
        raise DomainError(_("Ce programme n'a pas de brouillon à publier."))
    check_definition(draft.definition, programme.code)
    check_start(programme, effective_from, draft.definition)
    previous = latest_published(programme)
    changed = changed_keys(previous.definition if previous else None, draft.definition)
    _make_published(programme, draft, effective_from, actor, note)
    _journal(
        "publish",
        programme,
        draft,
        actor,
        effective_from=effective_from.isoformat(),
        changed=changed,
    )
    _done()
    return draft


def end_programme(
    programme: ProgrammeRecord, last_day: date, actor: Any, note: str = ""
) -> ProgrammeVersion:
    """Stop the programme after ``last_day``: a new version, copying the latest published
    one with ``valid_to`` = last_day, in force today. Refused when a version is already
    scheduled for a day to come (withdraw it first)."""
    _require_write(programme, actor)
    latest = latest_published(programme)
    if latest is None:
        raise DomainError(_("Ce programme n'a pas encore de version publiée."))
    on = today()
    if any(
        v.effective_from is not None and v.effective_from > on
        for v in programme.versions
        if v.state is VersionState.PUBLISHED
    ):
        raise DomainError(
            _(
                "Une version de ce programme est prévue pour un jour à venir : impossible d'y mettre fin."
            )
        )
    definition = {**latest.definition, "valid_to": last_day.isoformat()}
    check_definition(definition, programme.code)
    now = utcnow()
    actor_id = getattr(actor, "id", None)
    version = ProgrammeVersion(
        state=VersionState.DRAFT,
        definition=definition,
        note=note.strip() or f"Fin du programme le {last_day:%d/%m/%Y}",
        created_at=now,
        created_by_id=actor_id,
        updated_at=now,
        updated_by_id=actor_id,
    )
    programme.versions.append(version)
    db.session.flush()
    _make_published(programme, version, on, actor, note)
    _journal(
        "end",
        programme,
        version,
        actor,
        effective_from=on.isoformat(),
        last_day=last_day.isoformat(),
        changed=changed_keys(latest.definition, definition),
    )
    _done()
    return version


def programme_title(code: str) -> str | None:
    """The programme's name as people know it (its version in force), or None."""
    programme = catalogue.find(code)
    return programme.name if programme is not None else None
