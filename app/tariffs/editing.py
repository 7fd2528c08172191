"""Catalogue editing: an offer's fields, their checks, reading, and writing with history.

Services own the transaction: they write the offer, its revision and the journal, then
commit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update

from app.audit.services import record
from app.core.clock import today, utcnow
from app.core.errors import Conflict, DomainError, NotFound
from app.core.i18n import translate as _
from app.core.urls import url_problem
from app.extensions import db
from app.tariffs import matching
from app.tariffs.household_matches import instance_country, to_offer
from app.tariffs.matching import (
    REGION_DEPARTMENTS,
    AreaKind,
    OfferKind,
    known_statuses,
    normalise_place,
)
from app.tariffs.models import SocialTariff, TariffRevision
from app.tariffs.offers import country_code

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
        country=country_code(data.country),
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


def create_tariff(data: TariffData, actor: Any = None, *, commit: bool = True) -> SocialTariff:
    """``commit=False``: the caller writes more in the same transaction and commits."""
    data = clean(data)
    if _exists(data):
        raise DomainError(_("Cette offre existe déjà pour ce fournisseur."), field="name")
    tariff = _add(data, actor, "create")
    if commit:
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
    tariff_id: int,
    data: TariffData,
    expected_version: int,
    actor: Any = None,
    *,
    commit: bool = True,
) -> SocialTariff:
    """``commit=False``: the caller writes more in the same transaction and commits."""
    db.session.commit()  # the conditional UPDATE must open the transaction
    tariff = get_tariff(tariff_id)
    data = clean(data)
    if _exists(data, exclude_id=tariff.id):
        raise DomainError(_("Cette offre existe déjà pour ce fournisseur."), field="name")
    _change(tariff, data, expected_version, actor, "update")
    if commit:
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
