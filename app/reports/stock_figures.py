"""The dashboard's figures on devices: the stock today (by state, type and grade), the
monthly flows, the time to make a device ready, and the e-waste and CO2e avoided.

A figure whose domain is not installed (or has no table yet) says "pas encore de données"
instead of failing: each builder imports its models inside the function (figures.py).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from app.extensions import db
from app.reports import handovers
from app.reports.scope import Filters, count_by, month_name, month_of, value_label
from app.reports.tables import ChartKind, Figure, Table, fr_number

HANDED_OVER = ("on_loan", "sold", "given")
SCRAPPED = ("e_waste", "parts")


def fig_stock_by_state(f: Filters) -> Figure:
    from app.inventory.lifecycle import STATE_LABELS, State
    from app.inventory.models import Device

    counts = count_by(
        db.session.execute(
            select(Device.state, func.count())
            .where(f.scope.where(Device.organisation_id))
            .group_by(Device.state)
        ).all()
    )
    rows = [[_(STATE_LABELS[s]), counts.get(s, 0)] for s in State if counts.get(s, 0)]
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

    counts = count_by(
        db.session.execute(
            select(Device.device_type, func.count())
            .where(f.scope.where(Device.organisation_id), _in_stock(Device))
            .group_by(Device.device_type)
        ).all()
    )
    rows = [
        [value_label(t, DEVICE_TYPE_LABELS), n]
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
    from app.inventory.grading import GRADE_LABELS, Grade
    from app.inventory.models import Device

    counts = count_by(
        db.session.execute(
            select(Device.grade, func.count())
            .where(f.scope.where(Device.organisation_id), _in_stock(Device))
            .group_by(Device.grade)
        ).all()
    )
    # Best first, as on the grid.
    rows = [[GRADE_LABELS.get(g, g.value), counts[g]] for g in reversed(Grade) if counts.get(g)]
    if counts.get(None):
        rows.append([_("Pas encore noté"), counts[None]])
    return Figure(
        key="stock_grade",
        title=_("Stock par note (grade), aujourd'hui"),
        table=Table([_("Note"), _("Appareils en stock")], rows),
        chart=ChartKind.BARS,
        note=_("Grille d'Emmaüs Connect : Premium, A, B, C, HC, invendable."),
    )


def _flows_by_month(f: Filters) -> dict[str, tuple[int, int, int, int]]:
    """Devices received, made ready and scrapped per month (one pass over the events of
    the period, each device counted once per month and flow), and handovers per month
    (the one definition of reports/handovers.py, not the device events)."""
    from app.inventory.models import DeviceEvent

    e = DeviceEvent
    month = month_of(e.at)

    def devices(condition: Any) -> Any:
        return func.count(func.distinct(case((condition, e.device_id))))

    rows = db.session.execute(
        select(
            month,
            devices(e.to_state == "received"),
            devices(e.to_state == "ready"),
            devices(e.to_state.in_(SCRAPPED)),
        )
        .where(
            f.scope.where(e.organisation_id),
            e.at >= f.period.start_at,
            e.at < f.period.end_before,
            e.to_state.in_(("received", "ready", *SCRAPPED)),
        )
        .group_by(month)
    ).all()
    flows = {m: (int(a), int(b), int(d)) for m, a, b, d in rows}
    handed = handovers.by_month(f)
    return {
        m: (*flows.get(m, (0, 0, 0))[:2], handed.get(m, 0), flows.get(m, (0, 0, 0))[2])
        for m in set(flows) | set(handed)
    }


def fig_monthly_flows(f: Filters) -> Figure:
    flows = _flows_by_month(f)
    rows = [[month_name(m), *flows.get(m, (0, 0, 0, 0))] for m in f.period.months()]
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
                month_name(m),
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
    return handovers.by_device_type(f)


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
