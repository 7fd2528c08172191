"""Catalogue actions (create, edit with history, CSV import and export) and matching.

Services own the transaction: they write the offer, its revision and the journal, then
commit. The matching itself is the pure module ``app.tariffs.matching``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd
from flask import current_app, g, has_app_context, has_request_context
from flask_babel import gettext
from sqlalchemy import func, select, update

from app.accounts.models import User
from app.audit.services import record
from app.core.clock import today, utcnow
from app.core.errors import Conflict, DomainError, NotFound
from app.core.spreadsheet import safe_cell
from app.core.urls import url_problem
from app.extensions import db
from app.tariffs import matching, public
from app.tariffs.freshness import VERIFIED_MONTHS
from app.tariffs.matching import (
    REGION_DEPARTMENTS,
    AreaKind,
    Facts,
    MatchResult,
    Need,
    Offer,
    OfferKind,
    known_statuses,
    normalise_place,
)
from app.tariffs.models import SocialTariff, TariffRevision
from app.tariffs.savings import split_by_connection


def _(text: str, **values: Any) -> str:
    """French text for people, translated in a request; as written on the command line."""
    if has_request_context():
        return str(gettext(text, **values))
    return text % values if values else text


def reason_text(item: matching.Reason | matching.Notice) -> str:
    """A reason or notice in the page's language, the labels in its parameters included."""
    if not item.params:
        return _(item.template)
    params = {
        key: value.separator.join(_(part) for part in value.parts)
        if isinstance(value, matching.LabelList)
        else value
        for key, value in item.params.items()
    }
    return _(item.template, **params)


CATALOGUE_FILE = Path(__file__).parent / "data" / "catalogue.csv"
COUNTRIES = ("FR", "UK")
MAX_AMOUNT = Decimal("99999")


@dataclass(frozen=True)
class TariffData:
    """Every field a person edits, in the order of the form and of the CSV columns."""

    provider: str
    name: str
    kind: OfferKind
    monthly_price: Decimal
    country: str = "FR"
    intro_price: Decimal | None = None
    intro_months: int = 0
    setup_fee: Decimal = Decimal("0")
    equipment_rental: Decimal = Decimal("0")
    commitment_months: int = 0
    speed_mbps: int | None = None
    data_gb: Decimal | None = None
    content: str = ""
    area_kind: AreaKind = AreaKind.NATIONAL
    area_codes: tuple[str, ...] = ()
    statuses_any: tuple[str, ...] = ()
    statuses_all: tuple[str, ...] = ()
    other_conditions: str = ""
    proof_required: str = ""
    how_to_subscribe: str = ""
    source_url: str = ""
    notes: str = ""
    checked_on: date | None = None
    valid_from: date | None = None
    valid_to: date | None = None


FIELD_NAMES = [f.name for f in fields(TariffData)]

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


def data_of(tariff: SocialTariff) -> TariffData:
    values = {name: getattr(tariff, name) for name in FIELD_NAMES}
    for name in ("area_codes", "statuses_any", "statuses_all"):
        values[name] = tuple(values[name] or ())
    return TariffData(**values)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value.value if hasattr(value, "value") else value


def snapshot(data: TariffData) -> dict[str, Any]:
    return {name: _jsonable(value) for name, value in asdict(data).items()}


def _cents(value: Decimal | None) -> int | None:
    return None if value is None else int((value * 100).to_integral_value())


def to_offer(tariff: SocialTariff) -> Offer:
    return Offer(
        id=tariff.id,
        provider=tariff.provider,
        name=tariff.name,
        kind=OfferKind(tariff.kind),
        monthly_price_cents=_cents(tariff.monthly_price) or 0,
        country=tariff.country,
        intro_price_cents=_cents(tariff.intro_price),
        intro_months=tariff.intro_months,
        setup_fee_cents=_cents(tariff.setup_fee) or 0,
        rental_cents=_cents(tariff.equipment_rental) or 0,
        commitment_months=tariff.commitment_months,
        speed_mbps=tariff.speed_mbps,
        data_gb=float(tariff.data_gb) if tariff.data_gb is not None else None,
        content=tariff.content,
        area_kind=AreaKind(tariff.area_kind),
        area_codes=tuple(tariff.area_codes or ()),
        statuses_any=frozenset(tariff.statuses_any or ()),
        statuses_all=frozenset(tariff.statuses_all or ()),
        other_conditions=tariff.other_conditions,
        proof_required=tariff.proof_required,
        how_to_subscribe=tariff.how_to_subscribe,
        source_url=tariff.source_url,
        checked_on=tariff.checked_on,
        valid_from=tariff.valid_from,
        valid_to=tariff.valid_to,
    )


# ---- validation ---------------------------------------------------------------------

_REGIONS = {normalise_place(r) for r in REGION_DEPARTMENTS}
_DEPARTMENTS = {d for depts in REGION_DEPARTMENTS.values() for d in depts}


def clean(data: TariffData) -> TariffData:
    """Trim texts and lists; raise DomainError (with the field) on the first fault."""
    # NUL characters: PostgreSQL refuses them in text.
    data = replace(
        data,
        **{
            f.name: getattr(data, f.name).replace("\x00", "")
            for f in fields(TariffData)
            if type(getattr(data, f.name)) is str  # not the StrEnum fields
        },
    )
    data = replace(
        data,
        provider=data.provider.strip(),
        name=data.name.strip(),
        country=data.country.strip().upper() or "FR",
        area_codes=tuple(c.replace("\x00", "").strip() for c in data.area_codes if c.strip()),
        statuses_any=tuple(sorted({s.strip() for s in data.statuses_any if s.strip()})),
        statuses_all=tuple(sorted({s.strip() for s in data.statuses_all if s.strip()})),
        source_url=data.source_url.strip(),
    )
    if not data.provider:
        raise DomainError(_("Indiquez le fournisseur."), field="provider")
    if not data.name:
        raise DomainError(_("Indiquez le nom de l'offre."), field="name")
    if data.country not in COUNTRIES:
        raise DomainError(_("Pays inconnu : FR ou UK."), field="country")
    for name in ("monthly_price", "intro_price", "setup_fee", "equipment_rental", "data_gb"):
        value = getattr(data, name)
        if value is not None and (not value.is_finite() or not 0 <= value <= MAX_AMOUNT):
            raise DomainError(_("Un montant va de 0 à 99 999."), field=name)
    for name, top in (("intro_months", 120), ("commitment_months", 120), ("speed_mbps", 100_000)):
        value = getattr(data, name)
        if value is not None and not 0 <= value <= top:
            raise DomainError(_("Ce nombre va de 0 à %(top)s.", top=top), field=name)
    for name, limit in (("provider", 120), ("name", 200), ("content", 300), ("source_url", 500)):
        if len(getattr(data, name)) > limit:
            raise DomainError(_("Texte trop long (%(n)s caractères au plus).", n=limit), field=name)
    if data.intro_price is not None and data.intro_months == 0:
        raise DomainError(
            _("Indiquez combien de mois dure le prix de découverte."), field="intro_months"
        )
    if data.valid_from and data.valid_to and data.valid_to < data.valid_from:
        raise DomainError(_("La fin de validité est avant son début."), field="valid_to")
    if data.area_kind is not AreaKind.NATIONAL and not data.area_codes:
        raise DomainError(_("Indiquez où l'offre est disponible."), field="area_codes")
    if data.area_kind is AreaKind.REGION:
        unknown = [c for c in data.area_codes if normalise_place(c) not in _REGIONS]
        if unknown:
            raise DomainError(
                _("Région inconnue : %(names)s.", names=", ".join(unknown)), field="area_codes"
            )
    if data.area_kind is AreaKind.DEPARTMENT:
        unknown = [c for c in data.area_codes if c.upper() not in _DEPARTMENTS]
        if unknown:
            raise DomainError(
                _("Département inconnu : %(names)s.", names=", ".join(unknown)),
                field="area_codes",
            )
    known = set(known_statuses())
    for name in ("statuses_any", "statuses_all"):
        unknown = [s for s in getattr(data, name) if s not in known]
        if unknown:
            raise DomainError(
                _("Statut inconnu : %(names)s.", names=", ".join(unknown)), field=name
            )
    if url_problem(data.source_url):  # http(s) only: javascript: and the rest refused
        raise DomainError(_("La source doit être une adresse web (https://…)."), field="source_url")
    if data.checked_on and data.checked_on > today():
        raise DomainError(_("La date de vérification est dans le futur."), field="checked_on")
    return data


# ---- reading ------------------------------------------------------------------------


def get_tariff(tariff_id: int) -> SocialTariff:
    # Out of the INTEGER range, PostgreSQL would fail rather than find nothing.
    tariff = db.session.get(SocialTariff, tariff_id) if 0 < tariff_id < 2**31 else None
    if tariff is None:
        raise NotFound(_("Cette offre n'existe pas."))
    return tariff


def list_tariffs(
    kind: str = "", country: str = "", to_verify: bool = False, current_only: bool = False
) -> list[SocialTariff]:
    query = select(SocialTariff).order_by(
        SocialTariff.country, SocialTariff.kind, SocialTariff.monthly_price, SocialTariff.name
    )
    if kind in OfferKind.__members__.values():
        query = query.where(SocialTariff.kind == OfferKind(kind))
    # The instance's own country unless another one is asked for (TARIFF_COUNTRY).
    query = query.where(
        SocialTariff.country == (country if country in COUNTRIES else instance_country())
    )
    rows = list(db.session.scalars(query))
    on = today()
    if to_verify:
        rows = [t for t in rows if matching.is_stale(t.checked_on, on)]
    if current_only:
        rows = [t for t in rows if matching.is_valid_on(to_offer(t), on)]
    return rows


# ---- writing ------------------------------------------------------------------------


def _actor_label(actor: Any) -> str:
    return getattr(actor, "email", "") or ""


def _revision(
    tariff_id: int,
    action: str,
    version: int,
    before: dict[str, Any],
    after: dict[str, Any],
    actor: Any,
) -> None:
    db.session.add(
        TariffRevision(
            tariff_id=tariff_id,
            action=action,
            version=version,
            before=before,
            after=after,
            actor_id=getattr(actor, "id", None),
            actor_label=_actor_label(actor),
        )
    )


def _exists(data: TariffData, exclude_id: int | None = None) -> bool:
    query = select(SocialTariff.id).where(
        SocialTariff.country == data.country,
        SocialTariff.provider == data.provider,
        SocialTariff.name == data.name,
    )
    if exclude_id is not None:
        query = query.where(SocialTariff.id != exclude_id)
    return db.session.scalar(query) is not None


def _add(data: TariffData, actor: Any, action: str) -> SocialTariff:
    values = asdict(data)
    for name in ("area_codes", "statuses_any", "statuses_all"):
        values[name] = list(values[name])
    tariff = SocialTariff(**values)
    db.session.add(tariff)
    db.session.flush()
    _revision(tariff.id, action, 1, {}, snapshot(data), actor)
    record(
        f"tariff.{action}",
        "social_tariff",
        tariff.id,
        detail={"provider": data.provider, "name": data.name},
        actor=actor,
    )
    return tariff


def create_tariff(data: TariffData, actor: Any = None) -> SocialTariff:
    data = clean(data)
    if _exists(data):
        raise DomainError(_("Cette offre existe déjà pour ce fournisseur."), field="name")
    tariff = _add(data, actor, "create")
    db.session.commit()
    return tariff


def _change(
    tariff: SocialTariff, data: TariffData, expected_version: int, actor: Any, action: str
) -> bool:
    """Write the changed fields; False when nothing changed. Does not commit."""
    before_all = snapshot(data_of(tariff))
    after_all = snapshot(data)
    changed = [name for name in FIELD_NAMES if before_all[name] != after_all[name]]
    if not changed:
        if tariff.version != expected_version:
            raise Conflict(_("Quelqu'un a modifié cette offre en même temps que vous."))
        return False
    values: dict[str, Any] = {name: getattr(data, name) for name in changed}
    for name in ("area_codes", "statuses_any", "statuses_all"):
        if name in values:
            values[name] = list(values[name])
    # First write of the transaction, conditional on the version the editor saw.
    result = db.session.execute(
        update(SocialTariff)
        .where(SocialTariff.id == tariff.id, SocialTariff.version == expected_version)
        .values(version=SocialTariff.version + 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise Conflict(_("Quelqu'un a modifié cette offre en même temps que vous. Rechargez."))
    _revision(
        tariff.id,
        action,
        expected_version + 1,
        {name: before_all[name] for name in changed},
        {name: after_all[name] for name in changed},
        actor,
    )
    record(
        f"tariff.{action}",
        "social_tariff",
        tariff.id,
        detail={"fields": changed},
        actor=actor,
    )
    return True


def update_tariff(
    tariff_id: int, data: TariffData, expected_version: int, actor: Any = None
) -> SocialTariff:
    db.session.commit()  # the conditional UPDATE must open the transaction
    tariff = get_tariff(tariff_id)
    data = clean(data)
    if _exists(data, exclude_id=tariff.id):
        raise DomainError(_("Cette offre existe déjà pour ce fournisseur."), field="name")
    _change(tariff, data, expected_version, actor, "update")
    db.session.commit()
    db.session.refresh(tariff)
    return tariff


def mark_checked(tariff_id: int, expected_version: int, actor: Any = None) -> SocialTariff:
    """Someone checked the offer with the provider today: it is no longer "to verify"."""
    db.session.commit()
    tariff = get_tariff(tariff_id)
    data = replace(data_of(tariff), checked_on=today())
    _change(tariff, data, expected_version, actor, "checked")
    # Governance (issue 17): who verified it, and a "to verify" set by hand is lifted.
    db.session.execute(
        update(SocialTariff)
        .where(SocialTariff.id == tariff.id)
        .values(
            verified_by_id=getattr(actor, "id", None),
            state=SocialTariff.state if tariff.state == "withdrawn" else "current",
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(tariff)
    return tariff


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


def load_starting_catalogue(actor: Any = None) -> ImportReport:
    """The catalogue shipped with the product (data/catalogue.csv); adds missing offers."""
    return import_csv(CATALOGUE_FILE.read_bytes(), actor, create_only=True)


# ---- matching -----------------------------------------------------------------------


def catalogue(on: date | None = None) -> matching.Catalogue:
    """The prepared catalogue for a day, kept for the rest of the request (a report
    matching thousands of households prepares it once); any change to the offers, even
    from another process, shows in the key and prepares it again."""
    on = on or today()
    months = verified_months()
    key = (
        on,
        months,
        *db.session.execute(
            select(
                func.count(SocialTariff.id),
                func.max(SocialTariff.id),
                func.max(SocialTariff.updated_at),
                func.sum(SocialTariff.version),
            )
        ).one(),
    )
    cache = g.setdefault("tariff_catalogues", {}) if has_app_context() else {}
    prepared = cache.get(key)
    if prepared is None:
        # A withdrawn offer is proposed to no one; another country's catalogue stays out
        # of this instance (TARIFF_COUNTRY).
        rows = select(SocialTariff).where(
            SocialTariff.state != "withdrawn", SocialTariff.country == instance_country()
        )
        offers = [to_offer(t) for t in db.session.scalars(rows)]
        prepared = cache[key] = matching.prepare(offers, on, months)
    return prepared


def instance_country() -> str:
    """TARIFF_COUNTRY: the country whose catalogue this instance shows (FR by default)."""
    if not has_app_context():
        return "FR"
    return str(current_app.config.get("TARIFF_COUNTRY", "FR")).upper()


def verified_months() -> int:
    """TARIFF_VERIFIED_MONTHS: an offer verified longer ago is not told to a family."""
    if not has_app_context():
        return VERIFIED_MONTHS
    return int(current_app.config.get("TARIFF_VERIFIED_MONTHS", VERIFIED_MONTHS))


def match_facts(facts: Facts, limit: int | None = None, on: date | None = None) -> MatchResult:
    return matching.match(facts, catalogue(on), limit)


def needs_for_connection(connection: str) -> frozenset[Need]:
    """What a household looks for, from its connection today: what it lacks and what it
    pays for (a social tariff can replace it for less)."""
    return {
        "none": frozenset({Need.BOX, Need.MOBILE, Need.DATA}),
        "mobile": frozenset({Need.BOX, Need.MOBILE}),
        "box": frozenset({Need.BOX}),
        "box_and_mobile": frozenset({Need.BOX, Need.MOBILE}),
    }.get(str(getattr(connection, "value", connection)), frozenset())


def facts_for_household(household: Any, on: date | None = None) -> Facts:
    """The household's attested statuses, place, connection and spend, as matching facts.

    A status the household shows but has no attestation in force for (an attestation
    that ran out, the QPV box ticked without attestation, a reference person of 60 or
    more) makes offers "almost" available: the prescriber only has to attest it.
    """
    on = on or today()
    attested = {str(s) for s in household.statuses_on(on)}
    pending = {str(a.status) for a in household.attestations} - attested
    if getattr(household, "qpv", False):
        pending.add("qpv_resident")
    reference = next((m for m in household.members if m.is_reference), None)
    if reference is not None and reference.age_on(on) >= 60:
        pending.add("senior_60")
    spend = household.telecom_spend_eur
    total = None if spend is None else int(spend) * 100
    box_spend, mobile_spend = split_by_connection(household.connection, total)
    return Facts(
        statuses=frozenset(attested),
        pending_statuses=frozenset(pending - attested),
        commune=household.commune or "",
        postcode=household.postcode or "",
        country="FR",
        needs=needs_for_connection(household.connection),
        monthly_spend_cents=total,
        box_spend_cents=box_spend,
        mobile_spend_cents=mobile_spend,
    )


@dataclass(frozen=True)
class HouseholdMatches:
    household_id: int
    facts: Facts
    result: MatchResult  # for staff: every match, unverified ones labelled
    sms: str  # verified offers in force only, or where to ask (app.tariffs.public)
    told: MatchResult | None = None  # what the family page and printed sheet may carry


def matches_for_household(household: Any, limit: int | None = 3) -> HouseholdMatches:
    """The best offers for a household (the cheapest for each of its needs first),
    explained, and the SMS text that names them.

    For the household's page, the family's page and the printed summary; reading is
    journalled by the page that shows it.
    """
    facts = facts_for_household(household)
    result = match_facts(facts)
    months = verified_months()
    told = public.family_result(result, months)
    if limit is not None:
        result, told = (
            MatchResult(
                on=r.on,
                eligible=matching.best_per_need(r, facts.needs, limit),
                almost=r.almost[:limit],
            )
            for r in (result, told)
        )
    return HouseholdMatches(household.id, facts, result, public.family_sms(told, months), told)


def send_household_sms(household: Any, actor: Any) -> bool:
    """Queue the SMS naming the best offers to the household (at most once a day).

    Only when the household chose SMS as its way to be contacted and has a mobile number.
    """
    from app.notify.models import Channel
    from app.notify.phone import is_mobile_fr, to_e164
    from app.notify.services import enqueue

    if str(getattr(household.contact_channel, "value", household.contact_channel)) != "sms":
        raise DomainError(_("Le foyer n'a pas choisi d'être contacté par SMS."))
    number = to_e164(household.phone or "")
    if number is None or (number.startswith("+33") and not is_mobile_fr(number)):
        raise DomainError(_("Le foyer n'a pas de numéro de portable utilisable pour un SMS."))
    text = matches_for_household(household).sms
    record(
        "tariff.sms",
        "household",
        household.id,
        detail={"length": len(text)},
        organisation_id=getattr(actor, "organisation_id", None),
        actor=actor,
    )
    db.session.commit()
    queued = enqueue(
        f"tariffs:sms:{household.id}:{today().isoformat()}",
        Channel.SMS,
        number,
        text,
        organisation_id=household.organisation_id,
        object_type="household",
        object_id=household.id,
    )
    if not queued:
        raise Conflict(_("Un SMS de tarifs a déjà été envoyé aujourd'hui à ce foyer."))
    return True
