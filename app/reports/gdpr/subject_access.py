"""A household's right of access: the journal of who saw or changed its data, and the
export of everything the instance holds about it (JSON, and a PDF for the person)."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum as PyEnum
from typing import Any

from sqlalchemy import Table, or_, select

from app.audit.models import AuditEntry
from app.audit.services import record
from app.core.clock import utcnow
from app.extensions import db
from app.reports.gdpr.anonymise import related_objects, tables_pointing_to_household


def record_access(household: Any, action: str, detail: dict[str, Any] | None = None) -> None:
    """Journal a read or change of the household's data (ids only, never the data)."""
    record(action, "household", household.id, detail=detail or {})


def access_log(household: Any, limit: int = 200) -> list[AuditEntry]:
    """Who saw or changed the household's data (and its prescriptions, loans...)."""
    conditions = [
        (AuditEntry.object_type == kind) & (AuditEntry.object_id == oid)
        for kind, oid in related_objects(household)
    ]
    return list(
        db.session.scalars(
            select(AuditEntry).where(or_(*conditions)).order_by(AuditEntry.id.desc()).limit(limit)
        )
    )


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
    for table, column in tables_pointing_to_household():
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
    "language": "Langue des messages",
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
