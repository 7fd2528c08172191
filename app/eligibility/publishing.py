"""Publishing a programme's draft (numbered, dated, never edited again) and ending a
programme (a last version with its ``valid_to``). Journalled and committed like the
actions of services.py."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from app.core.clock import today, utcnow
from app.core.errors import Conflict, DomainError
from app.core.i18n import translate as _
from app.eligibility.models import ProgrammeRecord, ProgrammeVersion, VersionState
from app.eligibility.services import (
    _done,
    _journal,
    _require_write,
    changed_keys,
    check_definition,
    draft_of,
    latest_published,
)
from app.extensions import db


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
