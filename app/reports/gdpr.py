"""Personal data of households: retention purge, export on request, erasure on request.

Anonymising keeps every row (so every statistic: devices handed over, by commune, QPV,
status, month) and removes what identifies a person: the reference name, phone, e-mail,
postal address and free-text notes. Then every text column of every table is searched
for those values (journal details, outbox messages, other domains' notes) and they are
replaced there too.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum as PyEnum
from typing import Any

from flask import current_app
from sqlalchemy import JSON, DateTime, Enum, String, Table, Text, cast, or_, select, update

from app.audit.models import AuditEntry
from app.audit.services import record
from app.core.clock import utcnow
from app.core.errors import DomainError
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


def retention_days() -> int:
    return int(current_app.config["RETENTION_DAYS"])


# ---------------------------------------------------------------- journal


def record_access(household: Any, action: str, detail: dict[str, Any] | None = None) -> None:
    """Journal a read or change of the household's data (ids only, never the data)."""
    record(action, "household", household.id, detail=detail or {})


def _related_objects(household: Any) -> list[tuple[str, str]]:
    """(object_type, object_id) of records that belong to the household."""
    objects = [("household", str(household.id))]
    for table, column in _tables_pointing_to_household():
        ids = db.session.execute(
            select(*table.primary_key.columns).where(column == household.id)
        ).all()
        objects.extend((table.name, str(row[0])) for row in ids)
    return objects


def access_log(household: Any, limit: int = 200) -> list[AuditEntry]:
    """Who saw or changed the household's data (and its prescriptions, loans...)."""
    conditions = [
        (AuditEntry.object_type == kind) & (AuditEntry.object_id == oid)
        for kind, oid in _related_objects(household)
    ]
    return list(
        db.session.scalars(
            select(AuditEntry).where(or_(*conditions)).order_by(AuditEntry.id.desc()).limit(limit)
        )
    )


# ---------------------------------------------------------------- anonymisation


def _tables_pointing_to_household() -> list[tuple[Table, Any]]:
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


def _like_escape(value: str) -> str:
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
        condition = or_(*[target.ilike(f"%{_like_escape(p)}%", escape="!") for p in patterns])
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
    for table, column in _tables_pointing_to_household():
        changed += _scrub_table(table, words, column == household.id)
    objects = _related_objects(household)
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
    for table, column in _tables_pointing_to_household():
        values = {
            c.name: _blank(c)
            for c in table.columns
            if c.name in FREE_TEXT_COLUMNS or c.name in IDENTITY_COLUMNS
        }
        values = {k: v for k, v in values.items() if v is not _KEEP}
        if values:
            db.session.execute(update(table).where(column == household.id).values(values))
    now = household.anonymised_at
    for table, column in _tables_pointing_to_household():
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


@dataclass(frozen=True)
class PurgeReport:
    cutoff: datetime
    count: int
    household_ids: tuple[int, ...]


def expired_households(days: int, now: datetime | None = None) -> tuple[datetime, list[Any]]:
    from app.households.models import Household

    cutoff = (now or utcnow()) - timedelta(days=days)
    rows = db.session.scalars(
        select(Household)
        .where(Household.anonymised_at.is_(None), Household.last_activity_at < cutoff)
        .order_by(Household.id)
    ).all()
    return cutoff, [h for h in rows if not _has_open_business(h) and not _active_since(h, cutoff)]


def _has_open_business(household: Any) -> bool:
    """A device still out on loan keeps the contact details: it must come back."""
    try:
        from app.loans.models import Loan, LoanStatus
    except ImportError:
        return False
    query = select(Loan.id).where(Loan.household_id == household.id, Loan.status == LoanStatus.OPEN)
    return db.session.scalar(query.limit(1)) is not None


def _active_since(household: Any, cutoff: datetime) -> bool:
    """Any record of the household (loan, booking, prescription...) touched after cutoff.

    Other domains may not bump ``last_activity_at``: their own timestamps count too.
    """
    for table, column in _tables_pointing_to_household():
        stamps = [c for c in table.columns if isinstance(c.type, DateTime)]
        if not stamps:
            continue
        recent = or_(*[c >= cutoff for c in stamps])
        found = db.session.execute(
            select(column).where(column == household.id, recent).limit(1)
        ).first()
        if found is not None:
            return True
    return False


def purge_expired(days: int, *, dry_run: bool = False, now: datetime | None = None) -> PurgeReport:
    """Anonymise every household inactive for more than ``days`` days. Commits."""
    if days < 1:
        raise DomainError("La durée de conservation doit être d'au moins un jour.")
    try:
        cutoff, households = expired_households(days, now)
    except ImportError:
        return PurgeReport((now or utcnow()) - timedelta(days=days), 0, ())
    ids = tuple(h.id for h in households)
    if dry_run:
        return PurgeReport(cutoff, len(ids), ids)
    for household in households:
        anonymise(household, reason="retention")
        # One transaction per household: a long purge never holds every lock at once.
        db.session.commit()
        release_household(household.id)
    return PurgeReport(cutoff, len(ids), ids)


def erase_on_request(household: Any) -> None:
    """The person asked for erasure: anonymise now, whatever the retention period. Commits."""
    if household.anonymised_at is not None:
        raise DomainError("Les données de ce foyer sont déjà effacées.")
    if _has_open_business(household):
        raise DomainError(
            "Un appareil est encore prêté à ce foyer : enregistrez son retour "
            "avant d'effacer les coordonnées."
        )
    anonymise(household, reason="request")
    db.session.commit()
    release_household(household.id)


def request_erasure(household: Any, actor: Any) -> int:
    """An association that served the household passes the person's erasure request to
    the organisation that holds the record (issue 19): journalled on the household, and
    an e-mail to that organisation (its address, its managers and prescribers). Commits;
    returns how many addresses were told (0: the journal entry is the only trace)."""
    from app.accounts.models import Organisation, User
    from app.authz.policy import Role
    from app.notify.models import Channel
    from app.notify.services import enqueue

    if household.anonymised_at is not None:
        raise DomainError("Les données de ce foyer sont déjà effacées.")
    holder = db.session.get(Organisation, household.organisation_id)
    sender = db.session.get(Organisation, actor.organisation_id)
    entry = record(
        "household.erasure_request",
        "household",
        household.id,
        detail={"from_organisation": actor.organisation_id},
        organisation_id=household.organisation_id,
        actor=actor,
    )
    db.session.flush()
    db.session.commit()
    emails = {holder.email} if holder is not None and holder.email else set()
    emails |= set(
        db.session.scalars(
            select(User.email).where(
                User.organisation_id == household.organisation_id,
                User.active.is_(True),
                User.role.in_([Role.MANAGER, Role.PRESCRIBER]),
            )
        )
    )
    who = sender.name if sender is not None else "Une association"
    body = (
        f"Bonjour,\n\n{who} transmet une demande d'effacement des données personnelles "
        f"du foyer n° {household.id}, suivi par votre structure. La personne a fait cette "
        "demande à l'association qui lui a remis un appareil.\n\n"
        "Ouvrez Ordilien, menu « Données personnelles », foyer n° "
        f"{household.id}, pour effacer ses données (ou répondre à l'association si un prêt "
        "est encore en cours).\n\nOrdilien\n"
    )
    told = 0
    for email in sorted(e for e in emails if e):
        told += enqueue(
            f"household:{household.id}:erasure-request:{entry.id}:"
            + hashlib.sha256(email.encode()).hexdigest()[:16],
            Channel.EMAIL,
            email,
            body,
            subject=f"Demande d'effacement : foyer n° {household.id}",
            organisation_id=household.organisation_id,
            object_type="household",
            object_id=household.id,
        )
    return told


def release_household(household_id: int) -> None:
    """After anonymisation: no booking, no seat (its links were revoked with it)."""
    try:
        from app.training.services import release_bookings
    except ImportError:
        return
    release_bookings(household_id)


# ---------------------------------------------------------------- listing

PAGE_SIZE = 50


def households_page(org_id: int | None, text: str, page: int) -> tuple[list[Any], bool]:
    """Households of an organisation (all for None), least recently active first."""
    from app.households.models import Household

    query = select(Household).order_by(Household.last_activity_at, Household.id)
    if org_id is not None:
        query = query.where(Household.organisation_id == org_id)
    if text:
        if text.isdigit():
            query = query.where(Household.id == int(text))
        else:
            query = query.where(
                Household.reference_name.ilike(f"%{_like_escape(text)}%", escape="!")
            )
    rows = list(db.session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def expiry_of(household: Any) -> datetime:
    return household.last_activity_at + timedelta(days=retention_days())


def due_within(org_id: int | None, days: int) -> int:
    """Households the purge will anonymise within ``days`` days (if nothing happens)."""
    from sqlalchemy import func

    from app.households.models import Household

    limit = utcnow() - timedelta(days=retention_days() - days)
    query = (
        select(func.count())
        .select_from(Household)
        .where(Household.anonymised_at.is_(None), Household.last_activity_at < limit)
    )
    if org_id is not None:
        query = query.where(Household.organisation_id == org_id)
    return int(db.session.scalar(query) or 0)


# ---------------------------------------------------------------- export


def _plain(value: Any) -> Any:
    if isinstance(value, PyEnum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return None
    return value


def _row_dict(table: Table, row: Any) -> dict[str, Any]:
    return {c.name: _plain(v) for c, v in zip(table.columns, row, strict=True)}


def collect(household: Any) -> dict[str, Any]:
    """Everything the instance holds about the household, as plain JSON-able values."""
    tables = {t.name: t for t in db.metadata.sorted_tables}
    own = tables["household"]
    data: dict[str, Any] = {
        "foyer": _row_dict(
            own, db.session.execute(select(own).where(own.c.id == household.id)).one()
        ),
        "enregistrements_lies": {},
        "journal_des_acces": [
            {
                "quand": _plain(e.at),
                "qui": e.actor_label or "système",
                "action": e.action,
                "objet": f"{e.object_type} {e.object_id}",
            }
            for e in access_log(household)
        ],
        "exporte_le": _plain(utcnow()),
    }
    for table, column in _tables_pointing_to_household():
        rows = db.session.execute(select(table).where(column == household.id)).all()
        if rows:
            data["enregistrements_lies"][table.name] = [_row_dict(table, r) for r in rows]
    return data


def export_json(household: Any) -> bytes:
    return json.dumps(collect(household), ensure_ascii=False, indent=2).encode("utf-8")


FIELD_LABELS = {
    "id": "Numéro",
    "reference_name": "Nom de la personne de référence",
    "contact_channel": "Moyen de contact préféré",
    "phone": "Téléphone",
    "email": "E-mail",
    "postal_address": "Adresse postale",
    "commune": "Commune",
    "postcode": "Code postal",
    "qpv": "Quartier prioritaire (QPV)",
    "has_computer": "A un ordinateur",
    "has_smartphone": "A un smartphone",
    "has_tablet": "A une tablette",
    "connection": "Connexion internet",
    "telecom_spend_eur": "Dépense téléphone et internet (€/mois)",
    "consent_basis": "Base légale",
    "consent_at": "Accord donné le",
    "created_at": "Enregistré le",
    "updated_at": "Modifié le",
    "last_activity_at": "Dernière activité",
    "anonymised_at": "Anonymisé le",
}
TABLE_LABELS = {
    "household_member": "Personnes du foyer (âge seulement)",
    "status_attestation": "Situations attestées",
    "prescription": "Demandes d'équipement (prescriptions)",
    "quota_claim": "Utilisation des quotas des dispositifs",
}


def export_pdf(household: Any) -> bytes:
    """The same content as the JSON, laid out for the person to read."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as PdfTable

    data = collect(household)
    styles = getSampleStyleSheet()

    def esc(value: Any) -> str:
        text = "—" if value in (None, "") else str(value)
        if value is True:
            text = "oui"
        if value is False:
            text = "non"
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    story: list[Any] = [
        Paragraph("Vos données personnelles enregistrées dans Ordilien", styles["Title"]),
        Paragraph(
            esc(
                "Ce document contient tout ce que l'application garde sur votre foyer, "
                f"à la date du {utcnow():%d/%m/%Y}. Vous pouvez demander à la structure qui "
                "vous accompagne de corriger ou d'effacer ces informations."
            ),
            styles["BodyText"],
        ),
        Paragraph("Votre foyer", styles["Heading2"]),
    ]
    story.append(
        PdfTable(
            [
                [
                    Paragraph(esc(FIELD_LABELS.get(k, k)), styles["BodyText"]),
                    Paragraph(esc(v), styles["BodyText"]),
                ]
                for k, v in data["foyer"].items()
                if not k.endswith("_by_id") and k != "organisation_id"
            ],
            colWidths=[65 * mm, 105 * mm],
            hAlign="LEFT",
        )
    )
    for table_name, rows in data["enregistrements_lies"].items():
        story.append(Paragraph(esc(TABLE_LABELS.get(table_name, table_name)), styles["Heading2"]))
        for row in rows:
            text = " · ".join(
                f"{FIELD_LABELS.get(k, k)} : {esc(v)}"
                for k, v in row.items()
                if k not in ("household_id",)
                and not k.endswith("_id")
                and v not in (None, "", [], {})
            )
            story.append(Paragraph(text, styles["BodyText"]))
            story.append(Spacer(1, 2 * mm))
    story.append(Paragraph("Qui a consulté ou modifié vos données", styles["Heading2"]))
    for entry in data["journal_des_acces"] or [
        {"quand": "", "qui": "", "action": "aucune entrée", "objet": ""}
    ]:
        story.append(
            Paragraph(
                esc(
                    f"{entry['quand'][:16].replace('T', ' ')} · {entry['qui']} · {entry['action']} · {entry['objet']}"
                ),
                styles["BodyText"],
            )
        )
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        title="Vos données personnelles",
        author="Ordilien",
        lang="fr-FR",
    ).build(story)
    return buffer.getvalue()
