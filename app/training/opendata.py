"""Open data: places and services as data·inclusion records and as La MedNum CSV; imports.

- data·inclusion: every record is validated with the ``data-inclusion-schema`` pydantic
  models (``data_inclusion.schema.v1``) before it leaves or enters.
- La MedNum "lieux de médiation numérique": a CSV valid against the standard's table
  schema (``data/mednum_schema.json``, see README "Training"). That version of the schema
  allows one value per list column, so the export writes the main one; the import reads
  pipe- or semicolon-separated lists as well.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from data_inclusion.schema import v1
from pydantic import BaseModel, ValidationError
from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.models import Organisation
from app.audit.services import record
from app.authz.policy import OrgKind
from app.core.clock import today
from app.core.errors import DomainError
from app.extensions import db
from app.notify.phone import to_e164
from app.training import recurrence
from app.training.matching import PriceKind
from app.training.models import SessionStatus, TrainingPlace, TrainingSession
from app.training.services import place_for, training_place_orgs

SOURCE = "ordilien"
MEDNUM_SCHEMA = Path(__file__).parent / "data" / "mednum_schema.json"
MEDNUM_FIELDS = [f["name"] for f in json.loads(MEDNUM_SCHEMA.read_text("utf-8"))["fields"]]
MEDNUM_TRAINING = "Maîtrise des outils numériques du quotidien"

# Catalogue theme -> data·inclusion thématique and MedNum service.
THEME_DI = {
    "demarches": "numerique--acceder-a-des-services-en-ligne",
}
THEME_DI_DEFAULT = "numerique--maitriser-les-fondamentaux-du-numerique"
THEME_MEDNUM = {
    "decouvrir": MEDNUM_TRAINING,
    "demarches": "Aide aux démarches administratives",
    "emploi": "Insertion professionnelle via le numérique",
    "communiquer": MEDNUM_TRAINING,
    "bureautique": MEDNUM_TRAINING,
    "sinformer": "Compréhension du monde numérique",
    "creer": "Loisirs et créations numériques",
}
PUBLIC_DI = {"seniors": "seniors", "jeunes": "jeunes", "familles": "familles",
             "demandeurs_emploi": "demandeurs-emploi", "handicap": "personnes-en-situation-de-handicap",
             "minimas_sociaux": "beneficiaires-des-minimas-sociaux"}  # fmt: skip


def _clean(model: type[BaseModel], data: dict[str, Any]) -> BaseModel:
    """Validate; an optional field that does not pass (a ``.local`` e-mail...) is left out."""
    data = {k: v for k, v in data.items() if v not in ("", None, [], set())}
    for _attempt in range(10):
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
            required = {n for n, f in model.model_fields.items() if f.is_required()}
            if not bad or bad & required:
                raise
            for name in bad:
                data.pop(name, None)
    return model.model_validate(data)


def _date_maj(place: TrainingPlace) -> date:
    return min(place.updated_at.date(), today())


def _structure_id(org: Organisation) -> str:
    return f"{SOURCE}--{org.slug}"


def _series(org_id: int) -> dict[str, list[TrainingSession]]:
    sessions = db.session.scalars(
        select(TrainingSession)
        .where(
            TrainingSession.organisation_id == org_id,
            TrainingSession.status == SessionStatus.PUBLISHED,
        )
        .order_by(TrainingSession.starts_at)
    ).all()
    grouped: dict[str, list[TrainingSession]] = defaultdict(list)
    for session in sessions:
        grouped[session.series_key].append(session)
    return grouped


def _hours(sessions: list[TrainingSession]) -> str:
    first = sessions[0]
    local = recurrence.to_local(first.starts_at)
    end = recurrence.to_local(first.ends_at)
    days = {recurrence.to_local(s.starts_at).weekday() for s in sessions}
    return recurrence.opening_hours(days, local.time(), end.time())


def data_inclusion_export() -> dict[str, list[dict[str, Any]]]:
    """Structures (training places) and services (one per weekly slot or session)."""
    structures, services_out = [], []
    for org in training_place_orgs():
        place = place_for(org)
        structure = _clean(
            v1.Structure,
            {
                "source": SOURCE,
                "id": _structure_id(org),
                "nom": org.name,
                "date_maj": _date_maj(place),
                "description": place.description,
                "siret": org.siret,
                "commune": org.commune,
                "code_postal": org.postcode,
                "code_insee": place.code_insee,
                "adresse": org.address,
                "latitude": place.latitude,
                "longitude": place.longitude,
                "telephone": to_e164(org.phone) or None,
                "courriel": org.email,
                "site_web": place.website,
                "horaires_accueil": place.opening_hours,
                "accessibilite_lieu": place.accessibility_url,
            },
        )
        structures.append(structure.model_dump(mode="json", exclude_none=True))
        for key, sessions in _series(org.id).items():
            first = sessions[0]
            weekly = _hours(sessions) if first.weekly else ""
            description = first.description or (
                f"{first.title}. "
                + ("Accompagnement individuel" if first.individual else "Atelier collectif")
                + (f", {weekly}" if weekly else "")
                + "."
            )
            service = _clean(
                v1.Service,
                {
                    "source": SOURCE,
                    "structure_id": _structure_id(org),
                    "id": f"{SOURCE}--serie-{key}",
                    "nom": first.title[:150],
                    "description": description,
                    "date_maj": _date_maj(place),
                    "type": "accompagnement" if first.individual else "atelier",
                    "thematiques": sorted(
                        {THEME_DI.get(t, THEME_DI_DEFAULT) for t in first.themes}
                    ),
                    "frais": "gratuit" if first.price_kind is PriceKind.FREE else "payant",
                    "frais_precisions": {
                        PriceKind.PASS_NUMERIQUE: "Pass numérique accepté",
                        PriceKind.MEMBERSHIP: "Adhésion à la structure",
                    }.get(first.price_kind, first.price_note),
                    "publics": sorted({PUBLIC_DI[p] for p in first.publics if p in PUBLIC_DI})
                    or ["tous-publics"],
                    "commune": first.commune,
                    "code_postal": first.postcode,
                    "adresse": first.address,
                    "modes_accueil": ["en-presentiel"],
                    "mobilisable_par": ["professionnels", "usagers"],
                    "modes_mobilisation": ["telephoner", "se-presenter"],
                    "horaires_accueil": weekly,
                    "volume_horaire_hebdomadaire": round(first.duration_minutes / 60, 2),
                    "nombre_semaines": len(sessions) if first.weekly else None,
                    "telephone": to_e164(org.phone) or None,
                },
            )
            services_out.append(service.model_dump(mode="json", exclude_none=True))
    return {"structures": structures, "services": services_out}


def _org_for_import(source: str, source_id: str, name: str) -> tuple[Organisation, bool]:
    slug = re.sub(r"[^a-z0-9]+", "-", f"{source}-{source_id}".lower()).strip("-")[:80]
    org = accounts.find_org(slug)
    if org is not None:
        return org, False
    org = accounts.create_organisation(slug, name[:200], OrgKind.TRAINING_PLACE, commit=False)
    return org, True


def data_inclusion_import(payload: dict[str, Any], actor: Any = None) -> dict[str, int]:
    """Load data·inclusion structures as training places (created or updated)."""
    rows = payload.get("structures") if isinstance(payload, dict) else None
    if not isinstance(rows, list):
        raise DomainError("Le fichier doit contenir une liste « structures ».")
    created = updated = 0
    for n, raw in enumerate(rows, start=1):
        try:
            item = v1.Structure.model_validate(raw)
        except ValidationError as exc:
            db.session.rollback()
            field = ".".join(str(p) for p in exc.errors()[0]["loc"])
            raise DomainError(f"Structure n° {n} : champ « {field} » invalide.") from None
        if item.source == SOURCE:
            continue  # our own records coming back
        org, new = _org_for_import(item.source, item.id, item.nom)
        org.name = item.nom[:200]
        org.commune = item.commune or org.commune
        org.postcode = item.code_postal or org.postcode
        org.address = item.adresse or org.address
        org.phone = item.telephone or org.phone
        org.email = str(item.courriel or org.email)
        org.siret = item.siret or org.siret
        place = place_for(org)
        place.source, place.source_id = item.source, item.id
        place.description = item.description or place.description
        place.opening_hours = item.horaires_accueil or place.opening_hours
        place.website = str(item.site_web or place.website)
        place.accessibility_url = str(item.accessibilite_lieu or place.accessibility_url)
        place.code_insee = item.code_insee or place.code_insee
        place.latitude, place.longitude = item.latitude, item.longitude
        created, updated = created + new, updated + (not new)
    record("training.import.data_inclusion", "training_place", "",
           detail={"created": created, "updated": updated}, actor=actor)  # fmt: skip
    db.session.commit()
    return {"created": created, "updated": updated}


def _pivot(org: Organisation) -> str:
    digits = re.sub(r"\D", "", org.siret or "")
    return digits[:9] if len(digits) >= 9 else "000000000"  # SIREN, or "unknown"


def _mednum_services(org_id: int, place: TrainingPlace) -> list[str]:
    themes = [t for sessions in _series(org_id).values() for t in sessions[0].themes]
    found = [THEME_MEDNUM[t] for t in themes if t in THEME_MEDNUM]
    values = list(dict.fromkeys([*found, *place.services]))
    return values or [MEDNUM_TRAINING]


def mednum_rows() -> list[dict[str, str]]:
    rows = []
    for org in training_place_orgs():
        place = place_for(org)
        series = list(_series(org.id).values())
        individual = any(s[0].individual for s in series)
        group = any(not s[0].individual for s in series)
        free = all(s[0].price_kind is PriceKind.FREE for s in series)
        row = dict.fromkeys(MEDNUM_FIELDS, "")
        row.update(
            {
                "id": org.slug,
                "pivot": _pivot(org),
                "nom": org.name,
                "commune": org.commune,
                "code_postal": org.postcode,
                "code_insee": place.code_insee,
                "adresse": org.address,
                "latitude": "" if place.latitude is None else str(place.latitude),
                "longitude": "" if place.longitude is None else str(place.longitude),
                "telephone": to_e164(org.phone) or "",
                "courriels": org.email,
                "site_web": place.website,
                "horaires": place.opening_hours,
                "presentation_resume": place.description[:280],
                "source": "Ordilien",
                "itinerance": "Fixe",
                "date_maj": _date_maj(place).isoformat(),
                # One value per list column in this version of the schema: the main one.
                "services": _mednum_services(org.id, place)[0],
                "frais_a_charge": "Gratuit" if free else "Gratuit sous condition",
                "modalites_acces": "Téléphoner",
                "modalites_accompagnement": "Dans un atelier collectif"
                if group or not individual
                else "Accompagnement individuel",
                "fiche_acces_libre": place.accessibility_url,
                "prise_rdv": place.booking_url,
            }
        )
        if not row["code_postal"] or not row["adresse"] or not row["commune"]:
            continue  # required by the standard: a place without an address is left out
        rows.append(row)
    return rows


def mednum_csv() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=MEDNUM_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(mednum_rows())
    return out.getvalue()


def _split(value: str) -> list[str]:
    return [v.strip() for v in re.split(r"[|;]", value or "") if v.strip()]


def mednum_import(text: str, actor: Any = None) -> dict[str, int]:
    """Load a MedNum CSV (comma or semicolon separated) as training places."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    required = ("id", "nom", "commune", "code_postal", "adresse")
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise DomainError(f"Colonnes obligatoires absentes : {', '.join(missing)}.")
    created = updated = 0
    for n, row in enumerate(reader, start=2):
        if any(not (row.get(c) or "").strip() for c in required):
            db.session.rollback()
            raise DomainError(
                f"Ligne {n} : id, nom, commune, code postal et adresse sont obligatoires."
            )
        source = (row.get("source") or "mednum").strip()
        if source == "Ordilien":
            continue
        org, new = _org_for_import("mednum", row["id"].strip(), row["nom"].strip())
        org.name = row["nom"].strip()[:200]
        org.commune = row["commune"].strip()
        org.postcode = row["code_postal"].strip()
        org.address = row["adresse"].strip()
        org.phone = (row.get("telephone") or "").strip() or org.phone
        emails = _split(row.get("courriels") or row.get("courriel") or "")
        org.email = emails[0] if emails else org.email
        place = place_for(org)
        place.source, place.source_id = "mednum", row["id"].strip()
        place.description = (row.get("presentation_resume") or "").strip() or place.description
        place.opening_hours = (row.get("horaires") or "").strip() or place.opening_hours
        place.booking_url = (row.get("prise_rdv") or "").strip() or place.booking_url
        place.accessibility_url = (
            row.get("fiche_acces_libre") or ""
        ).strip() or place.accessibility_url
        place.code_insee = (row.get("code_insee") or "").strip()[:5]
        place.services = _split(row.get("services") or "")
        try:
            place.latitude = float(row["latitude"]) if row.get("latitude") else None
            place.longitude = float(row["longitude"]) if row.get("longitude") else None
        except ValueError:
            place.latitude = place.longitude = None
        created, updated = created + new, updated + (not new)
    record("training.import.mednum", "training_place", "",
           detail={"created": created, "updated": updated}, actor=actor)  # fmt: skip
    db.session.commit()
    return {"created": created, "updated": updated}
