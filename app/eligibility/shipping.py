"""First start: the programme files shipped with Ordilien (``PROGRAMMES_DIR``) become
programmes in the database, once, after which the database is the truth."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.core.clock import utcnow
from app.eligibility import catalogue
from app.eligibility.loader import _shown, definition_from_yaml
from app.eligibility.models import ProgrammeRecord, ProgrammeVersion, VersionState
from app.eligibility.services import _done, _journal
from app.extensions import db

# The first line of a shipped file that its source only describes as planned (the CCAS
# de Metz "envisage" its aid, 002:1559): it ships as a draft, published by its owner.
SHIPPED_DRAFT = "# status: draft"


def ensure_shipped() -> int:
    """When the programme table is empty, the shipped files (``PROGRAMMES_DIR``) become
    programmes owned by the instance administrator, each with one published version
    (number 1, in force from the file's ``valid_from``), or a draft when the file starts
    with ``SHIPPED_DRAFT``. Returns how many were added.

    Two workers doing it at once: the unique code lets one win; the other rolls back.
    """
    if db.session.scalar(select(func.count()).select_from(ProgrammeRecord)):
        return 0
    now = utcnow()
    added = []
    try:
        for path in sorted(catalogue.programmes_dir().glob("*.yaml")):
            shown = _shown(path)
            text = path.read_text(encoding="utf-8")
            definition = definition_from_yaml(text, shown)
            programme = ProgrammeRecord(code=definition["code"], created_at=now)
            if text.startswith(SHIPPED_DRAFT):
                # A scheme the source only plans: its owner publishes it, or not.
                version = ProgrammeVersion(state=VersionState.DRAFT)
            else:
                version = ProgrammeVersion(
                    number=1,
                    state=VersionState.PUBLISHED,
                    effective_from=date.fromisoformat(definition["valid_from"]),
                    published_at=now,
                )
            version.definition = definition
            version.note = f"Livré avec Ordilien ({path.name})"
            version.created_at = version.updated_at = now
            programme.versions.append(version)
            db.session.add(programme)
            added.append(programme)
        db.session.flush()
        for programme in added:
            _journal("ship", programme, programme.versions[0], None)
        _done()
    except IntegrityError:
        db.session.rollback()  # another worker did it first
        return 0
    return len(added)
