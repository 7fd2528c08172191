"""Catalogue import and export (CSV as French Excel writes it), all or nothing, and the
catalogues shipped with the product, one per country (data/catalogue.csv for France,
data/catalogue_uk.csv for the United Kingdom): an instance loads its own country's only.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select

from app.accounts.models import User
from app.core.clock import today
from app.core.errors import DomainError
from app.core.i18n import translate as _
from app.core.spreadsheet import safe_cell
from app.extensions import db
from app.tariffs import matching
from app.tariffs.editing import FIELD_NAMES, TariffData, _add, _change, clean
from app.tariffs.matching import (
    AreaKind,
    OfferKind,
)
from app.tariffs.models import SocialTariff

DATA = Path(__file__).parent / "data"
# The starting catalogue of each country (TARIFF_COUNTRY chooses one); France's is the default.
CATALOGUE_FILES: dict[str, Path] = {"FR": DATA / "catalogue.csv", "UK": DATA / "catalogue_uk.csv"}

# French column headers of the CSV file (export writes them, import reads them or the
# field names).
CSV_HEADERS: dict[str, str] = {
    "provider": "fournisseur",
    "name": "offre",
    "kind": "type",
    "monthly_price": "prix_mensuel",
    "country": "pays",
    "intro_price": "prix_decouverte",
    "intro_months": "mois_decouverte",
    "setup_fee": "frais_ouverture",
    "equipment_rental": "location_materiel_mensuelle",
    "commitment_months": "engagement_mois",
    "speed_mbps": "debit_mbps",
    "data_gb": "donnees_go",
    "content": "contenu",
    "area_kind": "zone_type",
    "area_codes": "zone",
    "statuses_any": "statuts_un_parmi",
    "statuses_all": "statuts_tous",
    "other_conditions": "autres_conditions",
    "proof_required": "justificatif",
    "how_to_subscribe": "comment_souscrire",
    "source_url": "source",
    "notes": "notes",
    "checked_on": "verifie_le",
    "valid_from": "valable_du",
    "valid_to": "valable_au",
}
LIST_SEPARATOR = "|"
# Written by the export, read by the import (app/tariffs/governance.py, issue 17).
GOVERNANCE_COLUMNS = ("etat", "territoire", "verifie_par")


# ---- CSV import and export ------------------------------------------------------------


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)


def _decimal(text: str) -> Decimal | None:
    """'15,99', '15.99', '15,99 €', '1 234,50' -> Decimal; '' -> None."""
    cleaned = re.sub(r"[\s\u00a0\u202f€£]", "", text)
    if not cleaned:
        return None
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(".", "")
    try:
        return Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        raise ValueError(text) from None


def _int(text: str) -> int | None:
    value = _decimal(text)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise ValueError(text)
    return int(value)


def _date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if match:
        return date(int(match[3]), int(match[2]), int(match[1]))
    return date.fromisoformat(text[:10])


def _list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(LIST_SEPARATOR) if part.strip())


def _row_to_data(row: dict[str, str]) -> TariffData:
    """One CSV row (keyed by field name) -> TariffData; ValueError(field) on a bad value."""
    values: dict[str, Any] = {}
    for name in FIELD_NAMES:
        raw = (row.get(name) or "").strip()
        try:
            if name in ("monthly_price",):
                amount = _decimal(raw)
                if amount is None:
                    raise ValueError(raw)
                values[name] = amount
            elif name in ("setup_fee", "equipment_rental"):
                values[name] = _decimal(raw) or Decimal("0")
            elif name in ("intro_price", "data_gb"):
                values[name] = _decimal(raw)
            elif name in ("intro_months", "commitment_months"):
                values[name] = _int(raw) or 0
            elif name == "speed_mbps":
                values[name] = _int(raw)
            elif name in ("checked_on", "valid_from", "valid_to"):
                values[name] = _date(raw)
            elif name in ("area_codes", "statuses_any", "statuses_all"):
                values[name] = _list(raw)
            elif name == "kind":
                values[name] = OfferKind(raw)
            elif name == "area_kind":
                values[name] = AreaKind(raw or "national")
            else:
                values[name] = raw
        except ValueError:
            raise ValueError(name) from None
    return TariffData(**values)


def read_csv(raw: bytes) -> tuple[list[tuple[int, TariffData]], list[tuple[int, str]]]:
    """Parse a catalogue file as Excel writes it in France (';', decimal commas, cp1252).

    Returns the rows (with their line number in the file) and the errors per line.
    """
    text: str | None = None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or not text.strip():
        return [], [(0, _("Le fichier est vide ou illisible."))]
    first_line = text.splitlines()[0]
    sep = ";" if first_line.count(";") >= first_line.count(",") else ","
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=True
        )
    except (pd.errors.ParserError, ValueError) as exc:
        return [], [(0, _("Le fichier n'est pas un CSV lisible : %(error)s", error=str(exc)))]
    by_header = {header: name for name, header in CSV_HEADERS.items()}
    columns = {}
    for column in frame.columns:
        key = str(column).strip().lower()
        name = by_header.get(key, key if key in CSV_HEADERS else None)
        if name:
            columns[column] = name
    missing = [
        CSV_HEADERS[n]
        for n in ("provider", "name", "kind", "monthly_price")
        if n not in columns.values()
    ]
    if missing:
        return [], [(1, _("Colonnes manquantes : %(names)s.", names=", ".join(missing)))]
    rows: list[tuple[int, TariffData]] = []
    errors: list[tuple[int, str]] = []
    for index, record_ in enumerate(frame.to_dict(orient="records")):
        line = index + 2  # the header is line 1
        values = {columns[c]: str(v) for c, v in record_.items() if c in columns}
        if not any(v.strip() for v in values.values()):
            continue
        try:
            data = clean(_row_to_data(values))
        except ValueError as exc:
            name = str(exc)
            errors.append(
                (
                    line,
                    _(
                        "Valeur illisible dans la colonne « %(column)s ».",
                        column=CSV_HEADERS.get(name, name),
                    ),
                )
            )
            continue
        except DomainError as exc:
            column = CSV_HEADERS.get(exc.field or "", exc.field or "")
            errors.append((line, f"{column} : {exc.message}" if column else exc.message))
            continue
        rows.append((line, data))
    seen: dict[tuple[str, str, str], int] = {}
    for line, data in rows:
        key = (data.country, data.provider, data.name)
        if key in seen:
            errors.append((line, _("Offre en double (déjà ligne %(line)s).", line=seen[key])))
        seen[key] = line
    return rows, errors


def import_csv(raw: bytes, actor: Any = None, *, create_only: bool = False) -> ImportReport:
    """All or nothing: with any faulty line, nothing is written and every fault is listed.

    An offer is known by (country, provider, offer name): known offers are updated (with
    their history), new ones created. ``create_only`` leaves known offers as they are.
    """
    rows, errors = read_csv(raw)
    report = ImportReport(errors=errors)
    if errors:
        return report
    db.session.commit()
    existing = {
        (t.country, t.provider, t.name): t for t in db.session.scalars(select(SocialTariff))
    }
    for _line, data in rows:
        tariff = existing.get((data.country, data.provider, data.name))
        if tariff is None:
            _add(data, actor, "import")
            report.created += 1
        elif create_only:
            report.unchanged += 1
        elif _change(tariff, data, tariff.version, actor, "import"):
            report.updated += 1
        else:
            report.unchanged += 1
    db.session.commit()
    return report


def _csv_value(name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return safe_cell(LIST_SEPARATOR.join(str(v) for v in value))
    if hasattr(value, "value"):
        return safe_cell(str(value.value))
    return safe_cell(str(value))  # text only: no cell can be a formula


def export_csv(tariffs: Iterable[SocialTariff]) -> bytes:
    """The catalogue as French Excel opens it: ';', decimal commas, UTF-8 with a BOM.

    The same columns as the import (plus "a_verifier"), so a file can go out and back.
    """
    on = today()
    records = []
    for tariff in tariffs:
        row = {CSV_HEADERS[n]: _csv_value(n, getattr(tariff, n)) for n in FIELD_NAMES}
        row["a_verifier"] = "oui" if matching.is_stale(tariff.checked_on, on) else "non"
        # Governance (issue 17): state, territory, who verified last.
        row["etat"] = tariff.state
        row["territoire"] = safe_cell(tariff.territory)
        verifier = db.session.get(User, tariff.verified_by_id) if tariff.verified_by_id else None
        row["verifie_par"] = safe_cell(verifier.email if verifier else "")
        records.append(row)
    frame = pd.DataFrame.from_records(
        records, columns=[*CSV_HEADERS.values(), "a_verifier", *GOVERNANCE_COLUMNS]
    )
    return frame.to_csv(sep=";", index=False, lineterminator="\r\n").encode("utf-8-sig")
