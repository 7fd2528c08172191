"""Open data: the training places and their sessions as data·inclusion records.

Every record is validated with the ``data-inclusion-schema`` pydantic models
(``data_inclusion.schema.v1``) before it leaves. The directory's open data
(``app/directory/imports.py``) adds the imported structures to it, and writes the La
MedNum v1.0.2 CSV; imports go into the directory (``Place``), not into organisations.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from data_inclusion.schema import v1
from pydantic import BaseModel, ValidationError
from sqlalchemy import select

from app.accounts.models import Organisation
from app.core.clock import today
from app.extensions import db
from app.notify.phone import to_e164
from app.training import recurrence
from app.training.catalogue import place_for, training_place_orgs
from app.training.matching import PriceKind
from app.training.models import SessionStatus, TrainingPlace, TrainingSession

SOURCE = "ordilien"
# Catalogue theme -> data·inclusion thématique.
THEME_DI = {
    "demarches": "numerique--acceder-a-des-services-en-ligne",
}
THEME_DI_DEFAULT = "numerique--maitriser-les-fondamentaux-du-numerique"
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
        if place.source:
            continue  # loaded by the former import: its producer publishes it, not us
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
