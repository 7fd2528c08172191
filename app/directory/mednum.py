"""La MedNum "lieux de médiation numérique" v1.0.2: read a producer's CSV, write ours (pure).

The table schema is the standard's own ``schema.json`` (``data/mednum_schema_1.0.2.json``,
LaMednum/standard-mediation-num, main branch, commit 13b05e2, licence Etalab 2.0; see
README "Où aller"): every check here reads its fields, so there is one source for the
columns, the required ones and the vocabularies. List columns hold several values
separated by ``|``; ``pivot`` is a SIRET (14 digits) or an RNA number (W + 9 digits).

- ``parse(text, limits)``: one ``RowResult`` per row, ``raw`` the row exactly as read
  (every column, as text). A required field missing or invalid refuses the row; an
  optional one that does not validate is a warning and is not used; a value longer than
  its ``Place`` column holds (``limits``) refuses the row, never cut.
- ``export_row(raw)``: an imported row given back as it came, only the fields that do not
  validate left out; ``own_row(...)``: a row built from one of the instance's places.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from app.core.marking import N_
from app.core.spreadsheet import safe_dict
from app.core.urls import url_problem
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
from app.directory.rows import split_list as _split

SCHEMA_PATH = Path(__file__).parent / "data" / "mednum_schema_1.0.2.json"
SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text("utf-8"))
FIELDS: list[str] = [f["name"] for f in SCHEMA["fields"]]
_BY_NAME = {f["name"]: f for f in SCHEMA["fields"]}
REQUIRED = [f["name"] for f in SCHEMA["fields"] if f.get("constraints", {}).get("required")]
STANDARD = "mednum"
DEFAULT_SOURCE = "mednum"
OWN_SOURCE = "Ordilien"  # what our own rows say in "source"

DEVICE_SERVICE = "Acquisition de matériel informatique à prix solidaire"
NEED_SERVICE = {
    "device": DEVICE_SERVICE,
    "learn": "Maîtrise des outils numériques du quotidien",
    "procedures": "Aide aux démarches administratives",
    "connect": "Accès internet et matériel informatique",
}
SIRET = re.compile(r"\d{14}")
RNA = re.compile(r"W\d{9}")


def vocabulary(name: str) -> list[str]:
    """The values a list column takes, read from its pattern ("(A|B|C)")."""
    pattern = _BY_NAME[name].get("constraints", {}).get("pattern", "")
    found = re.search(r"\(\?:\(\?:\^\|\\\|\)\((.*)\)\)\+\$$", pattern)
    if not found:
        return []
    return [re.sub(r"\\(.)", r"\1", v) for v in found.group(1).split("|")]


URL_FIELDS = ("site_web", "prise_rdv", "fiche_acces_libre")
IGNORED = N_("%(problem)s Champ ignoré pour la recherche, gardé dans la ligne.")
# The field of the standard each ``Place`` column is read from (named in the report).
PLACE_FIELDS = {"name": "nom", "address": "adresse", "postcode": "code_postal",
                "commune": "commune", "code_insee": "code_insee", "phone": "telephone",
                "email": "courriels", "website": "site_web", "booking_url": "prise_rdv",
                "opening_hours": "horaires", "price_text": "frais_a_charge",
                "source": "source", "source_id": "id"}  # fmt: skip


def field_problem(name: str, value: str) -> str | None:
    """Why ``value`` does not fit the schema's field ``name`` (in French), or None."""
    found = field_message(name, value)
    return found.words() if found is not None else None


def field_message(name: str, value: str) -> Message | None:
    """``field_problem`` as a ``Message``, translated where it is shown."""
    spec = _BY_NAME.get(name)
    if spec is None:
        return None
    rules = spec.get("constraints", {})
    given = {"value": value}
    if value == "":
        return Message(N_("Champ obligatoire vide.")) if rules.get("required") else None
    kind = spec.get("type", "string")
    if kind == "number":
        try:
            float(value)
        except ValueError:
            return Message(N_("« %(value)s » n'est pas un nombre."), given)
    elif kind == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return Message(N_("« %(value)s » n'est pas une date AAAA-MM-JJ."), given)
    if "pattern" in rules and not re.fullmatch(rules["pattern"], value):
        allowed = vocabulary(name)  # the standard's own values: never translated
        if allowed:
            return Message(
                N_("« %(value)s » : valeurs admises (séparées par |) : %(allowed)s."),
                {"value": value, "allowed": ", ".join(allowed)},
            )
        return Message(N_("« %(value)s » n'a pas la forme attendue par le standard."), given)
    if "maxLength" in rules and len(value) > rules["maxLength"]:
        return Message(N_("Plus de %(n)s caractères."), {"n": rules["maxLength"]})
    if name in URL_FIELDS:  # http(s) only, each of a "|" list
        for part in _split(value):
            if url_problem(part):  # urls.MESSAGE, marked with N_
                why = Message(url_problem(part))
                return Message(N_("« %(value)s » : %(why)s"), {"value": part[:80], "why": why})
    return None


def read(text: str) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a CSV (``,`` as the standard writes it, or ``;``), cells as text."""
    text = text.lstrip("\ufeff")
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = [{k: (v if v is not None else "") for k, v in row.items() if k is not None}
            for row in reader]  # fmt: skip
    return list(reader.fieldnames or []), rows


def parse(text: str, limits: Mapping[str, int]) -> Report:
    """Every row of ``text``; ``limits``: the ``Place`` columns' lengths
    (``models.PLACE_LENGTHS``)."""
    header, rows = read(text)
    report = Report()
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        names = {"names": ", ".join(missing)}
        message = Message(N_("Colonnes obligatoires absentes : %(names)s."), names)
        report.file_problems.append(Problem(1, "", message))
        return report
    report.rows = [parse_row(n, row) for n, row in enumerate(rows, start=2)]
    refuse_duplicates(report.rows)
    refuse_too_long(report.rows, limits, PLACE_FIELDS)
    if not rows:
        report.file_problems.append(Problem(1, "", Message(N_("Le fichier ne contient aucune ligne."))))  # fmt: skip
    return report


def parse_row(n: int, row: dict[str, str]) -> RowResult:
    value = {k: (v or "").strip() for k, v in row.items()}
    source = value.get("source") or DEFAULT_SOURCE
    result = RowResult(n, source, value.get("id", ""), value.get("nom", ""))
    if source == OWN_SOURCE:
        result.skipped = OWN_PLACE
        return result
    bad: set[str] = set()
    for name in FIELDS:
        message = field_message(name, value.get(name, ""))
        if message is None:
            continue
        bad.add(name)
        if name in REQUIRED:
            result.refuse(name, message)
        else:
            result.warn(name, Message(IGNORED, {"problem": message}))
    hours = value.get("horaires", "")
    unreadable = hours_problem(hours) if hours and "horaires" not in bad else None
    if unreadable:  # in French: the N_-marked template, translated where it is shown
        result.warn("horaires", Message(unreadable))
    if result.blocking:
        return result
    result.facts = facts(value, bad)
    result.facts["raw"] = dict(row)  # exactly as read: every column, unchanged
    return result


def _ok(value: dict[str, str], bad: set[str], name: str) -> str:
    return "" if name in bad else value.get(name, "")


def facts(value: dict[str, str], bad: set[str]) -> dict[str, Any]:
    """The typed columns of a ``Place`` from a row (bad optional fields left out)."""
    services = _split(_ok(value, bad, "services")) or _split(value.get("services", ""))
    fees = _split(_ok(value, bad, "frais_a_charge"))
    lat, lon = _ok(value, bad, "latitude"), _ok(value, bad, "longitude")
    phones = _split(value.get("telephone", ""))
    return {
        "source": value.get("source") or DEFAULT_SOURCE,
        "source_id": value["id"],
        "standard": STANDARD,
        "name": value["nom"],
        "address": value["adresse"],
        "postcode": value["code_postal"],
        "commune": value["commune"],
        "code_insee": _ok(value, bad, "code_insee"),
        "point": (float(lat), float(lon)) if lat and lon else None,
        "phone": phones[0] if phones else "",
        "email": (_split(value.get("courriels", "")) or [""])[0],
        "website": (_split(_ok(value, bad, "site_web")) or [""])[0],
        "booking_url": _ok(value, bad, "prise_rdv"),
        "opening_hours": value.get("horaires", ""),
        "services": services,
        "needs": needs_from_words(services),
        "free": ("Gratuit" in fees) if fees else None,
        "price_text": ", ".join(fees),
        "description": (value.get("presentation_resume") or value.get("presentation_detail", "")),
        "date_maj": date.fromisoformat(value["date_maj"]),
    }


def export_row(raw: dict[str, Any]) -> dict[str, str]:
    """An imported row, as the producer wrote it; a field that does not validate (the
    import warned about it) is left out rather than published wrong."""
    row = {name: str(raw.get(name) or "") for name in FIELDS}
    for name in FIELDS:
        if name not in REQUIRED and field_problem(name, row[name]):
            row[name] = ""
    return row


@dataclass
class OwnPlace:
    """What the instance knows of one of its places, for ``own_row``."""

    identifier: str
    name: str
    address: str
    postcode: str
    commune: str
    date_maj: date
    siret: str = ""
    rna: str = ""
    code_insee: str = ""
    latitude: float | None = None
    longitude: float | None = None
    phone: str = ""  # E.164
    email: str = ""
    website: str = ""
    opening_hours: str = ""
    description: str = ""
    needs: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    free: bool | None = None
    booking_url: str = ""
    accessibility_url: str = ""
    individual: bool = False
    group: bool = False


def pivot(siret: str, rna: str) -> str:
    digits = re.sub(r"\s", "", siret or "")
    if SIRET.fullmatch(digits):
        return digits
    number = (rna or "").strip().upper()
    return number if RNA.fullmatch(number) else ""


def own_row(place: OwnPlace) -> tuple[dict[str, str] | None, str]:
    """The standard's row for one of our places, or (None, why it cannot be published)."""
    the_pivot = pivot(place.siret, place.rna)
    if not the_pivot:
        return None, N_("ni SIRET ni RNA")  # translated where it is shown
    offered = vocabulary("services")
    services = [NEED_SERVICE[n] for n in place.needs if n in NEED_SERVICE]
    services += [s for s in place.services if s in offered]
    known_labels = vocabulary("formations_labels")
    programmes = [p for p in vocabulary("dispositif_programmes_nationaux")
                  if p in place.services]  # fmt: skip
    access = [*(["Prendre un RDV en ligne"] if place.booking_url else []),
              *(["Téléphoner"] if place.phone else []),
              *(["Contacter par mail"] if place.email else [])]  # fmt: skip
    ways = [*(["Accompagnement individuel"] if place.individual else []),
            *(["Dans un atelier collectif"] if place.group else [])]  # fmt: skip
    row = dict.fromkeys(FIELDS, "")
    row.update(
        {
            "id": place.identifier,
            "pivot": the_pivot,
            "nom": place.name,
            "commune": place.commune,
            "code_postal": place.postcode,
            "code_insee": place.code_insee,
            "adresse": place.address,
            "latitude": "" if place.latitude is None else f"{place.latitude:.6f}",
            "longitude": "" if place.longitude is None else f"{place.longitude:.6f}",
            "telephone": place.phone,
            "courriels": place.email,
            "site_web": place.website,
            "horaires": "" if hours_problem(place.opening_hours) else place.opening_hours,
            "presentation_resume": place.description[:280],
            "source": OWN_SOURCE,
            "itinerance": "Fixe",
            "date_maj": place.date_maj.isoformat(),
            "services": "|".join(dict.fromkeys(services)),
            "frais_a_charge": {True: "Gratuit", False: "Payant", None: ""}[place.free],
            "dispositif_programmes_nationaux": "|".join(programmes),
            "formations_labels": "|".join(lab for lab in place.labels if lab in known_labels),
            "autres_formations_labels": ", ".join(
                lab for lab in place.labels if lab not in known_labels
            ),
            "modalites_acces": "|".join(access),
            "modalites_accompagnement": "|".join(ways),
            "fiche_acces_libre": place.accessibility_url,
            "prise_rdv": place.booking_url,
        }
    )
    for name in FIELDS:
        problem = field_problem(name, row[name])
        if problem and name in REQUIRED:
            return None, f"{name} : {problem}"
        if problem:
            row[name] = ""  # never publish a value the standard refuses
    return row, ""


def write(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(safe_dict(row) for row in rows)  # see app/core/spreadsheet.py
    return out.getvalue()
