"""Anonymising a household: keep every row (so every statistic: devices handed over, by
commune, QPV, status, month) and remove what identifies a person: the reference name,
phone, e-mail, postal address and free-text notes. Then every text column of every table
is searched for those values (journal details, outbox messages, other domains' notes)
and they are replaced there too.

The purge and the erasure on request that call it are in erasure.py; the export of a
household's data and its access journal in subject_access.py.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import JSON, Enum, String, Table, Text, cast, or_, select, update

from app.audit.services import record
from app.core.clock import utcnow
from app.extensions import db
from app.notify.phone import to_e164

REDACTED = "[anonymisé]"
ANONYMOUS_NAME = "Foyer anonymisé"
# Shorter values are too common to be searched for across the database (they are still
# cleared in the household's own record).
MIN_NEEDLE = 4

# Household columns that identify a person, and their value once anonymised.
PERSONAL_FIELDS: dict[str, Any] = {
    "reference_name": ANONYMOUS_NAME,
    "phone": "",
    "email": "",
    "postal_address": "",
}
# Free text written about the household by staff, in tables pointing to it.
FREE_TEXT_COLUMNS = (
    "justification",
    "refusal_reason",
    "notes",
    "note",
    "comment",
    "comments",
    "message",  # referrals: to the receiving structure, to the person, its answer
    "person_message",
    "answer_message",
)
# Columns of other domains' tables (pointing to the household) that hold a person's
# identity or signature: cleared when the household is anonymised.
IDENTITY_COLUMNS = (
    "borrower_name",
    "buyer_name",
    "holder_name",
    "attendee_name",
    "participant_name",
    "contact_name",
    "signatory_name",
    "signer_name",
    "signed_by_name",
    "signature",
    "signature_image",
    "signature_svg",
    "signature_png",
    "phone",
    "email",
    "address",
    "postal_address",
    "full_name",
    "first_name",
    "last_name",
    "name",
)


def related_objects(household: Any) -> list[tuple[str, str]]:
    """(object_type, object_id) of records that belong to the household."""
    objects = [("household", str(household.id))]
    for table, column in tables_pointing_to_household():
        ids = db.session.execute(
            select(*table.primary_key.columns).where(column == household.id)
        ).all()
        objects.extend((table.name, str(row[0])) for row in ids)
    return objects


def tables_pointing_to_household() -> list[tuple[Table, Any]]:
    found = []
    for table in db.metadata.sorted_tables:
        if table.name == "household":
            continue
        for column in table.columns:
            if any(fk.column.table.name == "household" for fk in column.foreign_keys):
                found.append((table, column))
    return found


def phone_variants(phone: str) -> set[str]:
    """The ways a phone number may have been written: as typed, digits only, E.164, spaced."""
    variants = {phone.strip()} if phone.strip() else set()
    digits = re.sub(r"\D", "", phone)
    e164 = to_e164(phone)
    if e164:
        variants.add(e164)
        if e164.startswith("+33"):
            national = "0" + e164[3:]
            variants.add(national)
            variants.add(" ".join(national[i : i + 2] for i in range(0, 10, 2)))
            variants.add(".".join(national[i : i + 2] for i in range(0, 10, 2)))
            variants.add("0033" + e164[3:])
    if len(digits) >= 8:
        variants.add(digits)
    return {v for v in variants if v}


def personal_values(household: Any) -> list[str]:
    """The strings that identify this household's people, longest first."""
    values: set[str] = set()
    for field in ("reference_name", "email", "postal_address"):
        value = (getattr(household, field, "") or "").strip()
        if value and value != ANONYMOUS_NAME:
            values.add(value)
    values |= phone_variants(getattr(household, "phone", "") or "")
    return sorted((v for v in values if len(v) >= MIN_NEEDLE), key=len, reverse=True)


def like_escape(value: str) -> str:
    return value.replace("!", "!!").replace("%", "!%").replace("_", "!_")


def _replace(text: str, needles: list[str]) -> str:
    for needle in needles:
        text = re.sub(re.escape(needle), REDACTED, text, flags=re.IGNORECASE)
    return text


def _replace_json(value: Any, needles: list[str]) -> Any:
    if isinstance(value, str):
        return _replace(value, needles)
    if isinstance(value, list):
        return [_replace_json(v, needles) for v in value]
    if isinstance(value, dict):
        return {k: _replace_json(v, needles) for k, v in value.items()}
    return value


def _scrub_table(table: Table, needles: list[str], where: Any = None) -> int:
    """Replace the needles in the text and JSON columns of ``table`` (rows matching ``where``)."""
    pk = list(table.primary_key.columns)
    if not pk or not needles:
        return 0
    changed = 0
    for column in table.columns:
        if isinstance(column.type, Enum):
            continue
        if isinstance(column.type, String | Text):
            target: Any = column
            patterns = needles
            is_json = False
        elif isinstance(column.type, JSON):
            target = cast(column, Text)
            # JSON is stored with non-ASCII characters escaped (\u00e9).
            patterns = sorted({*needles, *(json.dumps(n)[1:-1] for n in needles)})
            is_json = True
        else:
            continue
        condition = or_(*[target.ilike(f"%{like_escape(p)}%", escape="!") for p in patterns])
        query = select(*pk, column).where(condition)
        if where is not None:
            query = query.where(where)
        for row in db.session.execute(query).all():
            old = row[-1]
            new = _replace_json(old, needles) if is_json else _replace(old or "", needles)
            if new == old:
                continue
            key = dict(zip([c.name for c in pk], row[:-1], strict=True))
            db.session.execute(
                update(table).where(*[c == key[c.name] for c in pk]).values({column.name: new})
            )
            changed += 1
    return changed


def scrub_everywhere(needles: list[str]) -> int:
    """Replace the needles in every text and JSON column of every table. Returns cells changed.

    History tables (device events, the journal) are append-only for the application; this
    is their one exception, on purpose: it rewrites the personal strings in them and
    nothing else (a Core UPDATE, below the ORM's append-only guard).
    """
    return sum(_scrub_table(table, needles) for table in db.metadata.sorted_tables)


def name_parts(name: str) -> list[str]:
    """'Marie-Claire Dupont' -> the words a note may use alone: Marie-Claire, Marie, Claire, Dupont."""
    parts: set[str] = set()
    for word in re.split(r"[\s,;/()]+", name):
        word = word.strip(".'’")
        if len(word) >= 3:
            parts.add(word)
        parts.update(p for p in word.split("-") if len(p) >= 3)
    return sorted(parts, key=len, reverse=True)


def scrub_related(household: Any, words: list[str]) -> int:
    """Replace single words of the name in the household's own records only: its rows in
    other tables, and journal entries and messages about the household or those rows.
    (A first name alone is too common to be replaced across the whole database.)"""
    if not words:
        return 0
    changed = 0
    for table, column in tables_pointing_to_household():
        changed += _scrub_table(table, words, column == household.id)
    objects = related_objects(household)
    tables = {t.name: t for t in db.metadata.sorted_tables}
    for name in ("audit_entry", "outbound_message"):
        table = tables.get(name)
        if table is None:
            continue
        about = or_(
            *[(table.c.object_type == kind) & (table.c.object_id == oid) for kind, oid in objects]
        )
        changed += _scrub_table(table, words, about)
    return changed


def anonymise(household: Any, reason: str) -> None:
    """Remove what identifies the household's people; keep the row and its statistics.

    Does not commit: the caller's transaction also holds the journal entry.
    """
    if household.anonymised_at is not None:
        return
    needles = personal_values(household)
    words = name_parts(household.reference_name or "")
    table = household.__table__
    # First write: a conditional UPDATE, so a purge and an erasure (or two purges) running
    # at the same moment anonymise the household once (see docs/CONTRIBUTING.md, races).
    claimed = db.session.execute(
        update(table)
        .where(table.c.id == household.id, table.c.anonymised_at.is_(None))
        .values(
            anonymised_at=utcnow(),
            **{f: v for f, v in PERSONAL_FIELDS.items() if f in table.c},
        )
    )
    if claimed.rowcount == 0:
        db.session.expire(household)
        return
    db.session.expire(household)
    for table, column in tables_pointing_to_household():
        values = {
            c.name: _blank(c)
            for c in table.columns
            if c.name in FREE_TEXT_COLUMNS or c.name in IDENTITY_COLUMNS
        }
        values = {k: v for k, v in values.items() if v is not _KEEP}
        if values:
            db.session.execute(update(table).where(column == household.id).values(values))
    now = household.anonymised_at
    for table, column in tables_pointing_to_household():
        # The family's page link (QR code) stops working.
        if "revoked_at" in table.c:
            db.session.execute(
                update(table)
                .where(column == household.id, table.c.revoked_at.is_(None))
                .values(revoked_at=now)
            )
    scrub_everywhere(needles)
    scrub_related(household, words)
    record(
        "household.anonymise",
        "household",
        household.id,
        detail={"reason": reason},
        organisation_id=household.organisation_id,
    )


_KEEP = object()


def _blank(column: Any) -> Any:
    """The empty value of a column: '' for text, NULL when allowed, else left alone."""
    if isinstance(column.type, Enum):
        return _KEEP
    if isinstance(column.type, String | Text):
        return None if column.nullable else ""
    if isinstance(column.type, JSON):
        return None if column.nullable else {}
    return None if column.nullable else _KEEP
