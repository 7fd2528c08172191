"""data·inclusion structures (and services) in the shapes they are published in.

No Flask, no SQLAlchemy: the ``data-inclusion-schema`` pydantic models (``v1``) check each
record. Three shapes are read: a bare list of structures, a page of the API
(``{"items": [...], "total": …, "page": …, "size": …}``) and the export
``{"structures": [...], "services": [...]}``. A required field missing or invalid refuses
the structure; an optional field that does not validate is a warning and is left out of
what the search reads (``raw`` keeps the record exactly); a value longer than its
``Place`` column holds (``limits``) refuses the structure, never cut. Services, where
given, add their thématiques (needs) and fees to their structure.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from data_inclusion.schema import v1
from pydantic import BaseModel, ValidationError

from app.core.marking import N_
from app.directory.hours import problem as hours_problem
from app.directory.rows import (
    OWN_PLACE,
    Message,
    Problem,
    Report,
    RowResult,
    needs_from_words,
    refuse_duplicates,
    refuse_too_long,
)

STANDARD = "data_inclusion"
OWN_SOURCE = "ordilien"
# The field of the schema each ``Place`` column is read from (named in the report).
PLACE_FIELDS = {"name": "nom", "address": "adresse", "postcode": "code_postal",
                "commune": "commune", "code_insee": "code_insee", "phone": "telephone",
                "email": "courriel", "website": "site_web",
                "booking_url": "lien_mobilisation", "opening_hours": "horaires_accueil",
                "source": "source", "source_id": "id"}  # fmt: skip


def records(payload: Any) -> tuple[list[Any], list[Any], str]:
    """(structures, services, shape) of a payload; shape "" when it is none of the three."""
    if isinstance(payload, list):
        return payload, [], "list"
    if isinstance(payload, dict):
        if isinstance(payload.get("items"), list):
            return payload["items"], [], "page"
        if isinstance(payload.get("structures"), list):
            services = payload.get("services")
            return payload["structures"], services if isinstance(services, list) else [], "export"
    return [], [], ""


def validate(model: type[BaseModel], data: dict[str, Any]) -> tuple[BaseModel | None, dict[str, str]]:  # fmt: skip
    """The record validated, leaving out the optional fields that do not validate.

    Returns (model or None, {field: message}); None when a required field is at fault.
    """
    required = {n for n, f in model.model_fields.items() if f.is_required()}
    data = {k: v for k, v in data.items() if v not in ("", None, [])}
    faults: dict[str, str] = {}
    for _attempt in range(len(model.model_fields) + 1):
        try:
            return model.model_validate(data), faults
        except ValidationError as exc:
            errors = [e for e in exc.errors() if e["loc"]]
            for error in errors:
                faults.setdefault(str(error["loc"][0]), error["msg"])
            bad = {str(e["loc"][0]) for e in errors}
            if not bad or bad & required:
                for error in exc.errors():
                    faults.setdefault(str(error["loc"][0]) if error["loc"] else "", error["msg"])
                return None, faults
            for name in bad:
                data.pop(name, None)
    return None, faults


def parse(payload: Any, limits: Mapping[str, int]) -> Report:
    """Every structure of ``payload``; ``limits``: the ``Place`` columns' lengths
    (``models.PLACE_LENGTHS``)."""
    structures, services, shape = records(payload)
    report = Report()
    if not shape:
        report.file_problems.append(Problem(0, "", Message(N_("Le fichier doit être une liste de structures, une page de l'API ({\"items\": […]}) ou {\"structures\": […]}."))))  # fmt: skip
        return report
    report.rows = [parse_structure(n, raw) for n, raw in enumerate(structures, start=1)]
    refuse_duplicates(report.rows)
    by_key = {(r.source, r.source_id): r for r in report.rows if r.facts}
    for n, raw in enumerate(services, start=1):
        _attach_service(n, raw, by_key, report)
    refuse_too_long(report.rows, limits, PLACE_FIELDS)  # a service's link counts too
    if not structures:
        report.file_problems.append(Problem(0, "", Message(N_("Le fichier ne contient aucune structure."))))  # fmt: skip
    return report


def parse_structure(n: int, raw: Any) -> RowResult:
    if not isinstance(raw, dict):
        result = RowResult(n, "", "", "")
        result.refuse("", Message(N_("Ce n'est pas une structure (un objet JSON est attendu).")))
        return result
    result = RowResult(n, str(raw.get("source") or ""), str(raw.get("id") or ""), str(raw.get("nom") or ""))  # fmt: skip
    if result.source == OWN_SOURCE:
        result.skipped = OWN_PLACE
        return result
    item, faults = validate(v1.Structure, raw)
    required = {n for n, f in v1.Structure.model_fields.items() if f.is_required()}
    for name, message in faults.items():  # pydantic's words, as the library writes them
        if item is None and (name in required or not name):
            result.refuse(name, Message(N_("Champ obligatoire absent ou invalide (%(why)s)."), {"why": message}))  # fmt: skip
        elif item is not None:
            result.warn(name, Message(N_("Champ ignoré (%(why)s), gardé dans la structure."), {"why": message}))  # fmt: skip
    if item is None:
        return result
    assert isinstance(item, v1.Structure)
    hours = hours_problem(item.horaires_accueil) if item.horaires_accueil else None
    if hours:  # in French: the N_-marked template, translated where it is shown
        result.warn("horaires_accueil", Message(hours))
    point = (item.latitude, item.longitude)
    result.facts = {
        "source": item.source,
        "source_id": item.id,
        "standard": STANDARD,
        "name": item.nom,
        "address": item.adresse or "",
        "postcode": item.code_postal or "",
        "commune": item.commune or "",
        "code_insee": item.code_insee or "",
        "point": point if None not in point else None,
        "phone": item.telephone or "",
        # The address the schema read (a plain address to write to); the links as the
        # producer wrote them once they validate (str(HttpUrl) would add a "/").
        "email": str(item.courriel or ""),
        "website": _as_written(raw, "site_web", item.site_web),
        "booking_url": "",
        "opening_hours": item.horaires_accueil or "",
        "services": [],
        "needs": [],
        "free": None,
        "price_text": "",
        "description": item.description or "",
        "date_maj": item.date_maj,
        "raw": copy.deepcopy(raw),
    }
    return result


def _attach_service(n: int, raw: Any, by_key: dict[tuple[str, str], RowResult], report: Report) -> None:  # fmt: skip
    if not isinstance(raw, dict):
        report.file_problems.append(Problem(n, "", Message(N_("Service n° %(n)s : un objet JSON est attendu."), {"n": n}), blocking=False))  # fmt: skip
        return
    item, faults = validate(v1.Service, raw)
    owner = by_key.get((str(raw.get("source") or ""), str(raw.get("structure_id") or "")))
    if item is None or owner is None:
        why: Message | str = ", ".join(faults)  # the fields at fault, as the schema names them
        if item is not None:
            why = Message(N_("sa structure n'est pas dans le fichier"))
        report.file_problems.append(Problem(n, "", Message(N_("Service n° %(n)s ignoré : %(why)s."), {"n": n, "why": why}), blocking=False))  # fmt: skip
        return
    assert isinstance(item, v1.Service)
    facts = owner.facts
    facts["services"] = list(dict.fromkeys([*facts["services"], item.nom]))
    themes = [t.value for t in item.thematiques or ()]
    # The thématiques say it; the service's name only when there are none.
    facts["needs"] = needs_from_words([*facts["needs"], *(themes or [item.nom])])
    if item.frais is not None:
        free = item.frais.value == "gratuit"
        facts["free"] = free or bool(facts["free"])
    if item.lien_mobilisation and not facts["booking_url"]:
        facts["booking_url"] = _as_written(raw, "lien_mobilisation", item.lien_mobilisation)


def _as_written(raw: dict[str, Any], name: str, validated: Any) -> str:
    """A field the schema validated, as the producer's record has it (never rewritten)."""
    return str(raw.get(name) or "") if validated else ""


def export_structure(raw: dict[str, Any]) -> dict[str, Any]:
    """An imported structure as the producer published it; only the optional fields that
    do not validate (the import warned about each) are left out."""
    item, faults = validate(v1.Structure, raw)
    if item is None:
        return copy.deepcopy(raw)
    return {k: copy.deepcopy(v) for k, v in raw.items() if k not in faults}
