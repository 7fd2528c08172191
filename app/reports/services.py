"""The dashboard's figures, each computed by SQL aggregates over one scope and period.

A figure whose domain is not installed (or has no table yet) says "pas encore de données"
instead of failing: each builder imports its models inside the function.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import SQLAlchemyError

from app.accounts.models import Organisation
from app.extensions import db
from app.reports.period import Period, month_label_short
from app.reports.tables import ChartKind, Figure, Table, fr_number, fr_percent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scope:
    """Whose records the figures count: some organisations, or the whole territory."""

    org_ids: tuple[int, ...] | None  # None: every organisation
    label: str

    def where(self, column: Any) -> ColumnElement[bool] | bool:
        if self.org_ids is None:
            return True
        return column.in_(self.org_ids)


@dataclass(frozen=True)
class Filters:
    period: Period
    scope: Scope
    today: date


def territory_scope() -> Scope:
    return Scope(None, _("Tout le territoire"))


def organisation_scope(org: Organisation) -> Scope:
    return Scope((org.id,), org.name)


# ---------------------------------------------------------------- helpers


def month_of(column: Any) -> Any:
    """'YYYY-MM' of a DateTime column, in SQL, on SQLite and PostgreSQL."""
    if db.engine.dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _count_by(rows: Iterable[tuple[Any, int]]) -> dict[Any, int]:
    out: dict[Any, int] = {}
    for key, n in rows:
        out[key] = out.get(key, 0) + int(n or 0)
    return out


def _label(value: Any, labels: dict[Any, str]) -> str:
    if value is None:
        return _("Non renseigné")
    return labels.get(value, str(getattr(value, "value", value)))


def unavailable(key: str, title: str, reason: str | None = None) -> Figure:
    return Figure(
        key=key,
        title=title,
        table=Table([_("Information")], [[reason or _("Pas encore de données.")]]),
        available=False,
        note=reason or _("Pas encore de données."),
    )


# ---------------------------------------------------------------- inventory

HANDED_OVER = ("on_loan", "sold", "given")
SCRAPPED = ("e_waste", "parts")


def fig_stock_by_state(f: Filters) -> Figure:
    from app.inventory.lifecycle import STATE_LABELS, State
    from app.inventory.models import Device

    counts = _count_by(
        db.session.execute(
            select(Device.state, func.count())
            .where(f.scope.where(Device.organisation_id))
            .group_by(Device.state)
        ).all()
    )
    rows = [[STATE_LABELS[s], counts.get(s, 0)] for s in State if counts.get(s, 0)]
    return Figure(
        key="stock_etat",
        title=_("Appareils par état, aujourd'hui"),
        table=Table([_("État"), _("Appareils")], rows),
        chart=ChartKind.BARS,
        highlights=[(_("Appareils enregistrés"), fr_number(sum(counts.values())))],
        note=_("Photographie du jour : ne dépend pas de la période choisie."),
    )


def _in_stock(device: Any) -> Any:
    from app.inventory.lifecycle import OUT_OF_STOCK

    return device.state.not_in([s.value for s in OUT_OF_STOCK])


def fig_stock_by_type(f: Filters) -> Figure:
    from app.inventory.lifecycle import DEVICE_TYPE_LABELS
    from app.inventory.models import Device

    counts = _count_by(
        db.session.execute(
            select(Device.device_type, func.count())
            .where(f.scope.where(Device.organisation_id), _in_stock(Device))
            .group_by(Device.device_type)
        ).all()
    )
    rows = [
        [_label(t, DEVICE_TYPE_LABELS), n]
        for t, n in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    ]
    return Figure(
        key="stock_type",
        title=_("Stock par type d'appareil, aujourd'hui"),
        table=Table([_("Type"), _("Appareils en stock")], rows),
        chart=ChartKind.BARS,
        note=_("En stock : ni prêté, ni vendu, ni donné, ni recyclé."),
    )


def fig_stock_by_grade(f: Filters) -> Figure:
    from app.inventory.grading import Grade
    from app.inventory.models import Device

    counts = _count_by(
        db.session.execute(
            select(Device.grade, func.count())
            .where(f.scope.where(Device.organisation_id), _in_stock(Device))
            .group_by(Device.grade)
        ).all()
    )
    rows = [[g.value, counts[g]] for g in Grade if counts.get(g)]
    if counts.get(None):
        rows.append([_("Pas encore noté"), counts[None]])
    return Figure(
        key="stock_grade",
        title=_("Stock par note (grade), aujourd'hui"),
        table=Table([_("Note"), _("Appareils en stock")], rows),
        chart=ChartKind.BARS,
        note=_("Grille d'Emmaüs Connect : PREMIUM, A, B, C, HC."),
    )


def _events_by_month(f: Filters, to_states: tuple[str, ...], exclude_from: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    from app.inventory.models import DeviceEvent

    month = month_of(DeviceEvent.at)
    query = (
        select(month, func.count(func.distinct(DeviceEvent.device_id)))
        .where(
            f.scope.where(DeviceEvent.organisation_id),
            DeviceEvent.at >= f.period.start_at,
            DeviceEvent.at < f.period.end_before,
            DeviceEvent.to_state.in_(to_states),
        )
        .group_by(month)
    )
    if exclude_from:
        query = query.where(
            (DeviceEvent.from_state.is_(None)) | DeviceEvent.from_state.not_in(exclude_from)
        )
    return _count_by(db.session.execute(query).all())


def fig_monthly_flows(f: Filters) -> Figure:
    months = f.period.months()
    received = _events_by_month(f, ("received",))
    ready = _events_by_month(f, ("ready",))
    # A loan turned into a sale (cession) is not a second handover.
    handed = _events_by_month(f, HANDED_OVER, exclude_from=HANDED_OVER)
    scrapped = _events_by_month(f, SCRAPPED)
    rows = [
        [
            month_label_short(m),
            received.get(m, 0),
            ready.get(m, 0),
            handed.get(m, 0),
            scrapped.get(m, 0),
        ]
        for m in months
    ]
    table = Table(
        [_("Mois"), _("Reçus"), _("Reconditionnés"), _("Remis aux foyers"), _("Mis au rebut")],
        rows,
    )
    return Figure(
        key="flux_mensuels",
        title=_("Flux mensuels d'appareils"),
        table=table,
        chart=ChartKind.MONTHLY,
        highlights=[
            (_("Reçus"), fr_number(table.total(1))),
            (_("Reconditionnés"), fr_number(table.total(2))),
            (_("Remis aux foyers"), fr_number(table.total(3))),
            (_("Mis au rebut"), fr_number(table.total(4))),
        ],
        note=_(
            "Compté à partir de l'historique des appareils. Reconditionné : passé à « prêt à "
            "distribuer ». Remis : prêté, vendu ou donné (une cession après un prêt n'est pas "
            "comptée deux fois). Mis au rebut : DEEE ou pièces détachées."
        ),
    )


def handed_over_devices(f: Filters) -> Any:
    """Subquery: (device_id, at) of every handover in the period (first move out)."""
    from app.inventory.models import DeviceEvent

    return (
        select(DeviceEvent.device_id, DeviceEvent.at)
        .where(
            f.scope.where(DeviceEvent.organisation_id),
            DeviceEvent.at >= f.period.start_at,
            DeviceEvent.at < f.period.end_before,
            DeviceEvent.to_state.in_(HANDED_OVER),
            (DeviceEvent.from_state.is_(None)) | DeviceEvent.from_state.not_in(HANDED_OVER),
        )
        .subquery()
    )


def fig_lead_time(f: Filters) -> Figure:
    from app.inventory.models import Device, DeviceEvent

    first_ready = (
        select(DeviceEvent.device_id, func.min(DeviceEvent.at).label("ready_at"))
        .where(DeviceEvent.to_state == "ready", f.scope.where(DeviceEvent.organisation_id))
        .group_by(DeviceEvent.device_id)
        .subquery()
    )
    intake = (
        select(DeviceEvent.device_id, func.min(DeviceEvent.at).label("in_at"))
        .where(DeviceEvent.to_state == "received")
        .group_by(DeviceEvent.device_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            first_ready.c.ready_at,
            func.coalesce(intake.c.in_at, Device.created_at),
        )
        .join(Device, Device.id == first_ready.c.device_id)
        .outerjoin(intake, intake.c.device_id == first_ready.c.device_id)
        .where(
            first_ready.c.ready_at >= f.period.start_at,
            first_ready.c.ready_at < f.period.end_before,
        )
    ).all()
    by_month: dict[str, list[float]] = {}
    all_days: list[float] = []
    for ready_at, in_at in rows:
        days = max((ready_at - in_at).total_seconds() / 86400, 0.0)
        by_month.setdefault(f"{ready_at.year:04d}-{ready_at.month:02d}", []).append(days)
        all_days.append(days)
    table_rows = []
    for m in f.period.months():
        values = by_month.get(m, [])
        table_rows.append(
            [
                month_label_short(m),
                len(values),
                round(sum(values) / len(values), 1) if values else 0,
                round(_median(values), 1) if values else 0,
            ]
        )
    return Figure(
        key="delai_preparation",
        title=_("Délai entre l'arrivée et « prêt à distribuer »"),
        table=Table(
            [_("Mois"), _("Appareils prêts"), _("Délai moyen (jours)"), _("Délai médian (jours)")],
            table_rows,
        ),
        chart=ChartKind.MONTHLY,
        series=[2, 3],
        highlights=[
            (_("Appareils devenus prêts"), fr_number(len(all_days))),
            (
                _("Délai médian"),
                _("%(n)s jours", n=fr_number(_median(all_days), 1)) if all_days else "—",
            ),
        ],
        note=_("Pour chaque appareil devenu prêt dans la période, depuis son arrivée."),
    )


def _median(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def handed_over_by_type(f: Filters) -> dict[str, int]:
    from app.inventory.models import Device

    sub = handed_over_devices(f)
    return {
        str(getattr(t, "value", t)): int(n)
        for t, n in db.session.execute(
            select(Device.device_type, func.count())
            .select_from(sub)
            .join(Device, Device.id == sub.c.device_id)
            .group_by(Device.device_type)
        ).all()
    }


def fig_impact(f: Filters) -> Figure:
    from app.reports.impact import avoided

    impact = avoided(handed_over_by_type(f))
    rows = [[line.label, line.devices, line.mass_kg, line.co2e_kg] for line in impact.lines]
    return Figure(
        key="impact",
        title=_("Déchets électroniques et CO2e évités par le réemploi"),
        table=Table(
            [_("Type"), _("Appareils remis"), _("DEEE évités (kg)"), _("CO2e évité (kg)")], rows
        ),
        chart=ChartKind.BARS,
        series=[3],
        highlights=[
            (_("DEEE évités"), f"{fr_number(impact.mass_kg, 1)} kg"),
            (_("CO2e évité"), f"{fr_number(impact.co2e_kg)} kg"),
        ],
        note=_(
            "Hypothèse : chaque appareil remis évite l'achat d'un appareil neuf (sa fabrication) "
            "et retarde son passage en déchet. Facteurs et sources dans le tableau suivant."
        ),
    )


def fig_factors(f: Filters) -> Figure:
    from app.reports.impact import load_factors

    rows = [
        [
            factor.label,
            factor.mass_kg,
            factor.co2e_kg,
            f"{factor.source.title} ({factor.source.year})",
            factor.status,
        ]
        for factor in load_factors().values()
    ]
    return Figure(
        key="facteurs",
        title=_("Facteurs utilisés pour l'impact environnemental"),
        table=Table(
            [_("Type"), _("Masse (kg)"), _("CO2e de fabrication (kg)"), _("Source"), _("Statut")],
            rows,
        ),
        note=_("Valeurs à vérifier dans la Base Empreinte de l'ADEME avant publication."),
    )


# ---------------------------------------------------------------- registry

Builder = Callable[[Filters], Figure]

# (key, title, builder): the order of the dashboard, the exports and the report.
FIGURES: list[tuple[str, str, Builder]] = [
    ("flux_mensuels", "Flux mensuels d'appareils", fig_monthly_flows),
    ("stock_etat", "Appareils par état", fig_stock_by_state),
    ("stock_type", "Stock par type", fig_stock_by_type),
    ("stock_grade", "Stock par note", fig_stock_by_grade),
    ("delai_preparation", "Délai de préparation", fig_lead_time),
    ("impact", "Impact environnemental", fig_impact),
    ("facteurs", "Facteurs d'impact", fig_factors),
]


def build_figure(key: str, title: str, builder: Builder, filters: Filters) -> Figure:
    try:
        return builder(filters)
    except ImportError:
        return unavailable(key, title)
    except SQLAlchemyError:
        # A domain whose tables are not migrated yet: its figure waits, the page works.
        db.session.rollback()
        log.exception("Figure %s unavailable", key)
        return unavailable(key, title)


def dashboard(filters: Filters) -> list[Figure]:
    return [build_figure(key, title, builder, filters) for key, title, builder in FIGURES]


def figure_by_key(filters: Filters, key: str) -> Figure | None:
    for k, title, builder in FIGURES:
        if k == key:
            return build_figure(k, title, builder, filters)
    return None


__all__ = [
    "FIGURES",
    "Filters",
    "Scope",
    "dashboard",
    "figure_by_key",
    "fr_percent",
    "organisation_scope",
    "territory_scope",
]
