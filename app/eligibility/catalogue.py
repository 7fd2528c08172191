"""The programmes in force, read from the database (tables programme, programme_version).

For each programme, the version in force on a day is its published version with the
latest ``effective_from`` on or before that day. Parsed ``Programme`` objects are kept for
the life of the process (a published version never changes); which versions exist is read
once per request (``flask.g``), so that a version published by another worker is seen at
the next request. On first use, when the programme table is empty, the shipped files
(``PROGRAMMES_DIR``) become programmes with one published version each.

At start-up, ``load_into`` still parses every shipped file: a bad one stops create_app()
with "file, ligne N : fault" (see loader.py). It writes nothing.
"""

from __future__ import annotations

import dataclasses
import threading
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from flask import Flask, current_app, g, has_app_context
from sqlalchemy import func, select

from app.core.clock import today
from app.eligibility.loader import PROGRAMMES_DIR, from_definition, load_directory
from app.eligibility.models import ProgrammeRecord, ProgrammeVersion, VersionState
from app.eligibility.programme import Programme
from app.extensions import db

_G_KEY = "ordilien_programme_versions"
# (version id, published_at, owner) -> Programme: a published version never changes; the
# publication time tells apart two databases (tests, a restored backup) reusing an id.
_PARSED: dict[tuple[int, datetime | None, int | None, bool], Programme] = {}
_PARSED_MAX = 512
_LOCK = threading.Lock()


class _Published(NamedTuple):
    version_id: int
    code: str
    number: int
    effective_from: date
    published_at: datetime | None
    owner_org_id: int | None


def programmes_dir(app: Flask | None = None) -> Path:
    """The directory of the shipped programme files (``PROGRAMMES_DIR`` in the config)."""
    config = (app or current_app).config
    return Path(config.get("PROGRAMMES_DIR") or PROGRAMMES_DIR)


def load_into(app: Flask) -> None:
    """Check every shipped file at start-up (ProgrammeFileError stops the app)."""
    load_directory(programmes_dir(app))


def invalidate() -> None:
    """Forget this request's list of versions (after a publish in this request)."""
    if has_app_context():
        g.pop(_G_KEY, None)


def _published() -> list[_Published]:
    rows: list[_Published] | None = g.get(_G_KEY)
    if rows is not None:
        return rows
    rows = _read_published()
    if not rows and not db.session.scalar(select(func.count()).select_from(ProgrammeRecord)):
        from app.eligibility import shipping  # shipping imports this module

        shipping.ensure_shipped()
        rows = _read_published()
    g.setdefault(_G_KEY, rows)
    return rows


def _read_published() -> list[_Published]:
    result = db.session.execute(
        select(
            ProgrammeVersion.id,
            ProgrammeRecord.code,
            ProgrammeVersion.number,
            ProgrammeVersion.effective_from,
            ProgrammeVersion.published_at,
            ProgrammeRecord.organisation_id,
        )
        .join(ProgrammeRecord, ProgrammeRecord.id == ProgrammeVersion.programme_id)
        .where(ProgrammeVersion.state == VersionState.PUBLISHED)
        .order_by(ProgrammeRecord.code, ProgrammeVersion.number)
    )
    return [_Published(*row) for row in result]


def _programme(row: _Published, upcoming: bool = False) -> Programme:
    """The parsed version; ``upcoming``: shown before its first version takes effect, so
    it starts (and grants) no earlier than that day, whatever its valid_from says."""
    key = (row.version_id, row.published_at, row.owner_org_id, upcoming)
    found = _PARSED.get(key)
    if found is not None:
        return found
    definition: dict[str, Any] = (
        db.session.scalar(
            select(ProgrammeVersion.definition).where(ProgrammeVersion.id == row.version_id)
        )
        or {}
    )
    programme = dataclasses.replace(
        from_definition(definition, f"{row.code}, version {row.number}"),
        version=row.number,
        owner_org_id=row.owner_org_id,
    )
    if upcoming and programme.valid_from < row.effective_from:
        programme = dataclasses.replace(programme, valid_from=row.effective_from)
    with _LOCK:
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        _PARSED[key] = programme
    return programme


def in_force(on: date | None = None) -> dict[str, _Published]:
    """code -> the published version in force that day (codes with none are absent)."""
    on = on or today()
    chosen: dict[str, _Published] = {}
    for row in _published():
        if row.effective_from > on:
            continue
        best = chosen.get(row.code)
        if best is None or (row.effective_from, row.number) > (best.effective_from, best.number):
            chosen[row.code] = row
    return chosen


def _shown(on: date | None) -> dict[str, Programme]:
    """code -> its version in force on ``on``; a programme whose first version takes
    effect later is shown as that version, starting that day (the engine then says
    "commence le ...", as for a programme file whose valid_from is to come)."""
    current = in_force(on)
    shown = {code: _programme(row) for code, row in current.items()}
    for row in _published():
        if row.code not in current:
            first = shown.get(row.code)
            if first is None or row.number < (first.version or 0):
                shown[row.code] = _programme(row, upcoming=True)
    return shown


def programmes(on: date | None = None) -> tuple[Programme, ...]:
    """For each programme, its version in force on ``on`` (today), by (priority, code);
    one not started yet appears as its first version (see ``_shown``)."""
    return tuple(sorted(_shown(on).values(), key=lambda p: (p.priority, p.code)))


def find(code: str, on: date | None = None) -> Programme | None:
    """The programme's version in force on ``on`` (today) (or its first version, not
    started yet, see ``_shown``), or None when it has no published version."""
    return _shown(on).get(code)


def version(code: str, number: int | None) -> Programme | None:
    """Any published version (e.g. the one an old prescription was decided under)."""
    if number is None:
        return None
    row = next((r for r in _published() if r.code == code and r.number == number), None)
    return _programme(row) if row is not None else None


def for_prescription(code: str, number: int | None) -> Programme | None:
    """The version a prescription recorded, else (made before versions) the one in force."""
    return version(code, number) or find(code)
