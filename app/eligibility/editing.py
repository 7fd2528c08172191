"""A programme's definition <-> the flat fields of the editor's form. Pure module.

Every number of the form is a ``Dated`` value: a value from the programme's start plus
changes "from day D: value V"; it is written as a plain number when it never changes and
was not a parameter, otherwise as a dated parameter (``{param: name}``), keeping the
parameter's name and description when the definition had one.

``feasibility`` refuses a programme that can never grant anything, naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from app.core.marking import N_
from app.eligibility.feasibility import Fault, find_faults
from app.eligibility.vocabulary import DeviceType, Grade


@dataclass(frozen=True)
class Dated:
    """A number of the form: ``value`` from the start, then ``changes`` (day, value)."""

    value: int | None = None
    changes: tuple[tuple[date, int | None], ...] = ()
    name: str = ""  # the parameter's name, when it is (or was) one
    description: str = ""
    unit: str = ""

    def at(self, on: date) -> int | None:
        found = self.value
        for start, value in sorted(self.changes, key=lambda c: c[0]):
            if start <= on:
                found = value
        return found


# field -> (default parameter name, French description, unit)
NUMBERS: dict[str, tuple[str, str, str]] = {
    "age_min": ("age_min", N_("Âge minimum"), "ans"),
    "age_max": ("age_max", N_("Âge maximum"), "ans"),
    "household_min": ("household_min", N_("Taille minimum du foyer"), "personnes"),
    "household_max": ("household_max", N_("Taille maximum du foyer"), "personnes"),
    "quota_max": ("quota_max", N_("Attributions par foyer"), ""),
    "envelope_max_grants": ("envelope_max_grants", N_("Nombre d'attributions en tout"), ""),
    "envelope_max_eur": ("envelope_max_eur", N_("Budget de l'enveloppe"), "EUR"),
    "envelope_grant_eur": ("envelope_grant_eur", N_("Euros par attribution"), "EUR"),
    "price_eur": ("price_eur", N_("Prix de vente"), "EUR"),
    "warranty_months": ("warranty_months", N_("Garantie"), "mois"),
    "loan_months": ("loan_months", N_("Durée du prêt"), "mois"),
    "deposit_eur": ("deposit_eur", N_("Dépôt de garantie"), "EUR"),
    "cession_after_months": ("cession_after_months", N_("Cession après"), "mois"),
}
GRID_DESCRIPTION = N_("Prix par type d'appareil et par état")
GRADES = tuple(g.value for g in Grade)
DEVICES = tuple(d.value for d in DeviceType)
# Where each number lives in a definition: (section, key); section "" is a condition.
PLACES: dict[str, tuple[str, str]] = {
    "age_min": ("member_age", "min"),
    "age_max": ("member_age", "max"),
    "household_min": ("household_size", "min"),
    "household_max": ("household_size", "max"),
    "quota_max": ("quota", "max"),
    "envelope_max_grants": ("envelope", "max_grants"),
    "envelope_max_eur": ("envelope", "max_eur"),
    "envelope_grant_eur": ("envelope", "grant_eur"),
    "price_eur": ("outcome", "price_eur"),
    "warranty_months": ("outcome", "warranty_months"),
    "loan_months": ("outcome", "loan_months"),
    "deposit_eur": ("outcome", "deposit_eur"),
    "cession_after_months": ("outcome", "cession_after_months"),
}
KINDS = ("statuses", "member_age", "location", "qpv", "household_size", "no_equipment")
KINDS_AFTER = ("commitment", "quota")


def _day(text: Any) -> date | None:
    if isinstance(text, date):
        return text
    return date.fromisoformat(str(text)) if text else None


# ------------------------------------------------------------------ definition -> fields


def _dated(raw: Any, parameters: dict[str, Any], start: date) -> Dated:
    if raw is None:
        return Dated()
    if not isinstance(raw, dict):
        return Dated(int(raw))
    name = str(raw.get("param"))
    spec = parameters.get(name) or {}
    values = sorted((_day(d), v) for d, v in (spec.get("values") or {}).items())
    first = [v for d, v in values if d is not None and d <= start]
    return Dated(
        value=first[-1] if first else None,
        changes=tuple((d, v) for d, v in values if d is not None and d > start),
        name=name,
        description=str(spec.get("description", "")),
        unit=str(spec.get("unit", "") or ""),
    )


def _grid(raw: Any, parameters: dict[str, Any], start: date) -> dict[str, Any]:
    """The price grid as one Dated per device and grade."""
    if not isinstance(raw, dict):
        return {}
    spec = parameters.get(str(raw.get("param"))) or {}
    values = sorted((_day(d), v or {}) for d, v in (spec.get("values") or {}).items())
    cells: dict[str, dict[str, Dated]] = {}
    for device in DEVICES:
        for grade in GRADES:
            series = [(d, (v.get(device) or {}).get(grade)) for d, v in values if d is not None]
            before = [v for d, v in series if d <= start]
            changes, last = [], before[-1] if before else None
            for d, v in series:
                if d > start and v != last:
                    changes.append((d, v))
                    last = v
            if before and before[-1] is not None or changes:
                cells.setdefault(device, {})[grade] = Dated(
                    before[-1] if before else None, tuple(changes)
                )
    return {
        "cells": cells,
        "name": str(raw.get("param")),
        "description": str(spec.get("description", GRID_DESCRIPTION)),
    }


def definition_to_fields(definition: dict[str, Any]) -> dict[str, Any]:
    """A definition (a programme file's data) -> the flat fields of the editor's form."""
    d = definition
    start = _day(d.get("valid_from")) or date.today()
    params = dict(d.get("parameters") or {})
    source = d.get("source") or {}
    seen: dict[str, dict[str, Any]] = {}
    extra_conditions: list[dict[str, Any]] = []
    commitments: list[str] = []
    order: list[str] = []
    for item in d.get("conditions") or []:
        ((kind, settings),) = item.items()
        if kind == "commitment":
            commitments.append(str(settings))
        elif kind in seen:
            extra_conditions.append(item)  # a second condition of a kind: kept as written
            continue
        seen[kind] = settings if isinstance(settings, dict) else {"value": settings}
        order.append(kind)
    statuses = seen.get("statuses", {})
    mode = "all_of" if "all_of" in statuses else "any_of"
    location = seen.get("location", {})
    quota = seen.get("quota", {})
    envelope = d.get("envelope") or {}
    outcome = d.get("outcome") or {}
    sections = {
        "member_age": seen.get("member_age", {}),
        "household_size": seen.get("household_size", {}),
        "quota": quota,
        "envelope": envelope,
        "outcome": outcome,
    }
    fields: dict[str, Any] = {
        "code": d.get("code", ""),
        "name": d.get("name", ""),
        "summary": d.get("summary", ""),
        "territory": d.get("territory", "") or "",
        "priority": d.get("priority"),
        "device_types": list(d.get("device_types") or []),
        "valid_from": _day(d.get("valid_from")),
        "valid_to": _day(d.get("valid_to")),
        "campaign_months": d.get("campaign_months"),
        "statuses_mode": mode,
        "statuses": list(statuses.get(mode) or []),
        "proof": statuses.get("proof", "declared"),
        "age_who": sections["member_age"].get("who", "any"),
        "age_at_least": sections["member_age"].get("at_least"),
        "communes": [str(x) for x in location.get("communes") or []],
        "postcodes": [str(x) for x in location.get("postcodes") or []],
        "departments": [str(x) for x in location.get("departments") or []],
        "qpv": "qpv" in seen,
        "no_equipment": list(seen.get("no_equipment", {}).get("value") or []),
        "quota_per": quota.get("per", "year"),
        "quota_key": quota.get("key", "") or "",
        "commitments": commitments,
        "envelope_per": envelope.get("per", "ever"),
        "outcome_kind": outcome.get("kind", "sale"),
        "price_grid": _grid(outcome.get("price_grid"), params, start),
        "terms": outcome.get("terms", "") or "",
        "source_title": source.get("title", "") or "",
        "source_citation": source.get("citation", "") or "",
        "source_url": source.get("url", "") or "",
        "source_date": _day(source.get("date")),
        "source_note": source.get("note", "") or "",
        "condition_order": order,
        "extra_conditions": extra_conditions,
    }
    used = {fields["price_grid"].get("name")}
    for name, (section, key) in PLACES.items():
        fields[name] = _dated(sections[section].get(key), params, start)
        used.add(fields[name].name)
    fields["extra_parameters"] = {k: v for k, v in params.items() if k not in used}
    return fields


# ------------------------------------------------------------------ fields -> definition


def _number(
    name: str, dated: Dated | None, start: date, parameters: dict[str, Any]
) -> int | dict[str, str] | None:
    """A Dated as a plain number, or as a parameter added to ``parameters``."""
    if dated is None or dated.value is None and not dated.changes:
        return None
    if not dated.changes and not dated.name and dated.value is not None:
        return dated.value
    default, description, unit = NUMBERS[name]
    param = dated.name or default
    while param in parameters:
        param += "_2"
    values: dict[str, Any] = {start.isoformat(): dated.value}
    for day, value in sorted(dated.changes, key=lambda c: c[0]):
        if day > start:
            values[day.isoformat()] = value
    spec: dict[str, Any] = {"description": dated.description or description}
    if dated.unit or unit:
        spec["unit"] = dated.unit or unit
    parameters[param] = {**spec, "values": values}
    return {"param": param}


def _grid_param(grid: dict[str, Any], start: date, parameters: dict[str, Any]) -> Any:
    cells: dict[str, dict[str, Dated]] = grid.get("cells") or {}
    days = {start} | {d for g in cells.values() for c in g.values() for d, _ in c.changes}
    values: dict[str, Any] = {}
    for day in sorted(d for d in days if d >= start):
        table = {
            device: {g: c.at(day) for g, c in grades.items() if c.at(day) is not None}
            for device, grades in cells.items()
        }
        values[day.isoformat()] = {dev: row for dev, row in table.items() if row}
    if not any(values.values()):
        return None
    name = grid.get("name") or "price_grid"
    parameters[name] = {
        "description": grid.get("description") or GRID_DESCRIPTION,
        "unit": "EUR",
        "values": values,
    }
    return {"param": name}


def fields_to_definition(fields: dict[str, Any]) -> dict[str, Any]:
    """The editor's fields -> a definition (checked later by services.check_definition)."""
    f = fields
    start: date = f["valid_from"]
    parameters: dict[str, Any] = dict(f.get("extra_parameters") or {})
    grid = _grid_param(f.get("price_grid") or {}, start, parameters)
    n = {name: _number(name, f.get(name), start, parameters) for name in NUMBERS}
    built: dict[str, Any] = {}
    if f.get("statuses"):
        built["statuses"] = {
            f.get("statuses_mode") or "any_of": list(f["statuses"]),
            "proof": f.get("proof") or "declared",
        }
    if n["age_min"] is not None or n["age_max"] is not None:
        age: dict[str, Any] = {"who": f.get("age_who") or "any"}
        age["min"] = n["age_min"] if n["age_min"] is not None else 0
        age["max"] = n["age_max"] if n["age_max"] is not None else 120
        if f.get("age_at_least") is not None:
            age["at_least"] = f["age_at_least"]
        built["member_age"] = age
    location = {k: list(f.get(k) or []) for k in ("communes", "postcodes", "departments")}
    if any(location.values()):
        built["location"] = {k: v for k, v in location.items() if v}
    if f.get("qpv"):
        built["qpv"] = True
    size = {k: n[f"household_{k}"] for k in ("min", "max") if n[f"household_{k}"] is not None}
    if size:
        built["household_size"] = size
    if f.get("no_equipment"):
        built["no_equipment"] = list(f["no_equipment"])
    if n["quota_max"] is not None:
        quota: dict[str, Any] = {"max": n["quota_max"], "per": f.get("quota_per") or "year"}
        if f.get("quota_key"):
            quota["key"] = f["quota_key"]
        built["quota"] = quota
    order = [k for k in f.get("condition_order") or [] if k in built or k == "commitment"]
    order += [k for k in (*KINDS, *KINDS_AFTER) if k not in order]
    conditions: list[dict[str, Any]] = []
    for kind in order:
        if kind == "commitment":
            conditions += [{"commitment": c} for c in f.get("commitments") or []]
        elif kind in built:
            conditions.append({kind: built[kind]})
    conditions += list(f.get("extra_conditions") or [])

    outcome: dict[str, Any] = {"kind": f.get("outcome_kind") or "sale"}
    if n["price_eur"] is not None:
        outcome["price_eur"] = n["price_eur"]
    if grid is not None:
        outcome["price_grid"] = grid
    for key in ("warranty_months", "loan_months", "deposit_eur", "cession_after_months"):
        if n[key] is not None:
            outcome[key] = n[key]
    if f.get("terms"):
        outcome["terms"] = f["terms"]
    source = {"citation": f.get("source_citation") or f.get("source_url") or ""}
    for key in ("title", "url", "note"):
        if f.get(f"source_{key}"):
            source[key] = f[f"source_{key}"]
    if f.get("source_date"):
        source["date"] = f["source_date"].isoformat()

    definition: dict[str, Any] = {
        "code": f.get("code") or "",
        "name": f.get("name") or "",
        "summary": f.get("summary") or "",
    }
    if f.get("territory"):
        definition["territory"] = f["territory"]
    if f.get("priority") is not None:
        definition["priority"] = f["priority"]
    definition["device_types"] = list(f.get("device_types") or [])
    definition["valid_from"] = start.isoformat()
    if f.get("campaign_months") is not None:
        definition["campaign_months"] = f["campaign_months"]
    else:
        valid_to = f.get("valid_to")
        definition["valid_to"] = valid_to.isoformat() if valid_to else None
    definition["source"] = source
    if parameters:
        definition["parameters"] = parameters
    definition["conditions"] = conditions
    envelope = {k: n[f"envelope_{k}"] for k in ("max_grants", "max_eur", "grant_eur")}
    if envelope["max_grants"] is not None or envelope["max_eur"] is not None:
        kept = {k: v for k, v in envelope.items() if v is not None}
        definition["envelope"] = {**kept, "per": f.get("envelope_per") or "ever"}
    definition["outcome"] = outcome
    return definition


def with_change(dated: Dated, day: date, value: int | None) -> Dated:
    """``dated`` with one more change (for tests and callers building fields by hand)."""
    return replace(dated, changes=(*dated.changes, (day, value)))


def faults(definition: dict[str, Any], today: date) -> list[Fault]:
    """Why this programme can never grant anything (empty: it may), as Fault values (the
    web side translates their text, then fills in the values)."""
    return find_faults(definition, definition_to_fields(definition), today)


def feasibility(definition: dict[str, Any], today: date) -> list[tuple[str, str]]:
    """(field, French message) for each reason this programme can never grant anything."""
    return [(fault.field, fault.message()) for fault in faults(definition, today)]
