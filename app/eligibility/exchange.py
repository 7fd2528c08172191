"""Programmes between territories: a programme file (YAML, the vocabulary of the shipped
files) imported as a draft, or exported from the version in force."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from app.core.errors import NotFound
from app.core.i18n import translate as _
from app.eligibility import catalogue
from app.eligibility.loader import ProgrammeFileError, definition_from_yaml, definition_to_yaml
from app.eligibility.models import ProgrammeRecord, ProgrammeVersion
from app.eligibility.services import (
    ProgrammeInvalid,
    _require_write,
    changed_keys,
    create_programme,
    draft_of,
    latest_published,
    new_draft_from_latest,
    update_draft,
)
from app.extensions import db


@dataclass(frozen=True)
class ImportResult:
    """What an import did (or, with ``dry_run``, would do)."""

    code: str
    created: bool  # a new programme (else a new draft of an existing one)
    changed: list[str] = field(default_factory=list)  # against its latest published version
    version_id: int | None = None  # None on a dry run


def import_programme(
    text: str, filename: str, org_id: int | None, actor: Any, dry_run: bool = False
) -> ImportResult:
    """A programme file (YAML, today's vocabulary) -> a draft.

    A new code becomes a programme owned by ``org_id``; an existing code gets a new draft
    (or its draft replaced). A bad file raises ProgrammeInvalid naming the file, the line
    and the fault, and nothing is written; ``dry_run`` checks and writes nothing either.
    """
    try:
        definition = definition_from_yaml(text, filename)
    except ProgrammeFileError as exc:
        raise ProgrammeInvalid(exc) from None
    code = definition["code"]
    existing = db.session.scalar(select(ProgrammeRecord).where(ProgrammeRecord.code == code))
    if existing is None:
        _require_write(org_id, actor)
        if dry_run:
            return ImportResult(code, True, changed_keys(None, definition))
        draft = create_programme(code, org_id, definition, actor)
        return ImportResult(code, True, changed_keys(None, definition), draft.id)
    _require_write(existing, actor)
    latest = latest_published(existing)
    changed = changed_keys(latest.definition if latest else None, definition)
    if dry_run:
        return ImportResult(code, False, changed)
    if draft_of(existing) is None:
        new_draft_from_latest(existing, actor)
    draft = update_draft(existing, definition, actor, note=f"Import de {filename}")
    return ImportResult(code, False, changed, draft.id)


def export_programme(code: str, on: date | None = None) -> str:
    """The version in force on ``on`` (today) as a programme file, for another territory.
    NotFound when no version is in force."""
    row = catalogue.in_force(on).get(code)
    if row is None:
        raise NotFound(_("Programme introuvable."))
    definition = db.session.scalar(
        select(ProgrammeVersion.definition).where(ProgrammeVersion.id == row.version_id)
    )
    return definition_to_yaml(definition or {})
