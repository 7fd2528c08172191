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

from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.exc import SQLAlchemyError

from app.accounts.models import Organisation
from app.extensions import db
from app.reports import handovers
from app.reports.period import Period, month_label_short
from app.reports.tables import (
    ChartKind,
    Figure,
    Table,
    fr_number,
    fr_percent,
    suppress_small,
)

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
    if value in labels:
        return _(labels[value])
    return str(getattr(value, "value", value))


def _month(key: str) -> str:
    """'2026-02' -> 'févr. 2026' in French (the pure module's words), 'Feb 2026' in
    another language (Babel's abbreviated month names)."""
    locale = get_locale()
    if locale is None or locale.language == "fr":
        return month_label_short(key)
    year, month = key.split("-")
    return format_date(date(int(year), int(month), 1), "MMM y")


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
    from app.inventory.grading import GRADE_LABELS, Grade
    from app.inventory.models import Device

    counts = _count_by(
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
    rows = [[_month(m), *flows.get(m, (0, 0, 0, 0))] for m in f.period.months()]
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
                _month(m),
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


# ---------------------------------------------------------------- handovers (loans, sales)


def _handovers(f: Filters) -> Any:
    """Subquery of every handover of the period (loan, sale or gift): the one definition
    in reports/handovers.py, shared with the monthly flows and the impact."""
    return handovers.handovers(f)


def fig_handover_by_programme(f: Filters) -> Figure:
    h = _handovers(f)
    rows = db.session.execute(
        select(
            h.c.programme,
            func.sum(case((h.c.kind == "loan", 1), else_=0)),
            func.count(),
        )
        .group_by(h.c.programme)
        .order_by(func.count().desc())
    ).all()
    table = Table(
        [_("Dispositif"), _("Prêts"), _("Ventes et dons"), _("Total remis")],
        [
            [name or _("Sans dispositif"), int(loans or 0), int(n) - int(loans or 0), int(n)]
            for name, loans, n in rows
        ],
    )
    return Figure(
        key="remises_dispositif",
        title=_("Appareils remis par dispositif"),
        table=table,
        chart=ChartKind.BARS,
        series=[3],
        highlights=[(_("Remis aux foyers"), fr_number(table.total(3)))],
        note=_("Prêts commencés et ventes (ou dons) faites dans la période."),
    )


def fig_handover_by_status(f: Filters) -> Figure:
    from app.eligibility.vocabulary import STATUS_LABELS
    from app.households.models import StatusAttestation

    h = _handovers(f)
    rows = db.session.execute(
        select(StatusAttestation.status, func.count())
        .select_from(h)
        .join(StatusAttestation, StatusAttestation.household_id == h.c.household_id)
        .group_by(StatusAttestation.status)
        .order_by(func.count().desc())
    ).all()
    total = db.session.scalar(select(func.count()).select_from(h)) or 0
    none = (
        db.session.scalar(
            select(func.count())
            .select_from(h)
            .where(
                ~select(StatusAttestation.id)
                .where(StatusAttestation.household_id == h.c.household_id)
                .exists()
            )
        )
        or 0
    )
    table_rows = [[_label(status, STATUS_LABELS), int(n)] for status, n in rows]
    if none:
        table_rows.append([_("Aucune situation attestée"), int(none)])
    return Figure(
        key="remises_situation",
        title=_("Appareils remis selon la situation du foyer"),
        table=Table([_("Situation attestée"), _("Appareils remis")], table_rows),
        chart=ChartKind.BARS,
        note=_(
            "Un foyer peut avoir plusieurs situations : le total dépasse alors le nombre "
            "d'appareils remis (%(n)s).",
            n=total,
        ),
    )


def fig_handover_by_commune(f: Filters) -> Figure:
    from app.households.models import Household

    h = _handovers(f)
    commune = func.coalesce(func.nullif(Household.commune, ""), "")
    rows = db.session.execute(
        select(commune, func.count())
        .select_from(h)
        .join(Household, Household.id == h.c.household_id)
        .group_by(commune)
        .order_by(func.count().desc(), commune)
    ).all()
    return Figure(
        key="remises_commune",
        title=_("Appareils remis par commune du foyer"),
        table=Table(
            [_("Commune"), _("Appareils remis")],
            [[c or _("Non renseignée"), int(n)] for c, n in rows],
        ),
        chart=ChartKind.BARS,
    )


def fig_handover_by_qpv(f: Filters) -> Figure:
    from app.households.models import Household

    h = _handovers(f)
    counts = _count_by(
        db.session.execute(
            select(Household.qpv, func.count())
            .select_from(h)
            .join(Household, Household.id == h.c.household_id)
            .group_by(Household.qpv)
        ).all()
    )
    total = sum(counts.values())
    rows = [
        [
            _("Foyers en quartier prioritaire (QPV)"),
            counts.get(True, 0),
            fr_percent(counts.get(True, 0), total),
        ],
        [_("Foyers hors QPV"), counts.get(False, 0), fr_percent(counts.get(False, 0), total)],
    ]
    return Figure(
        key="remises_qpv",
        title=_("Appareils remis en quartier prioritaire (QPV)"),
        table=Table([_("Lieu de vie"), _("Appareils remis"), _("Part")], rows),
        chart=ChartKind.BARS,
    )


def fig_loans_overdue(f: Filters) -> Figure:
    from datetime import timedelta

    from app.loans.models import Loan, LoanStatus

    open_loans = (Loan.status == LoanStatus.OPEN, f.scope.where(Loan.organisation_id))
    overdue = func.sum(case((Loan.due_on < f.today, 1), else_=0))
    late30 = func.sum(case((Loan.due_on < f.today - timedelta(days=30), 1), else_=0))
    rows = db.session.execute(
        select(Organisation.name, func.count(), overdue, late30)
        .join(Organisation, Organisation.id == Loan.organisation_id)
        .where(*open_loans)
        .group_by(Organisation.name)
        .order_by(Organisation.name)
    ).all()
    table = Table(
        [
            _("Organisation"),
            _("Prêts en cours"),
            _("En retard"),
            _("En retard de plus de 30 jours"),
        ],
        [[name, int(n), int(o or 0), int(l30 or 0)] for name, n, o, l30 in rows],
    )
    return Figure(
        key="prets_retard",
        title=_("Prêts en retard, aujourd'hui"),
        table=table,
        highlights=[
            (_("Prêts en cours"), fr_number(table.total(1))),
            (_("En retard"), fr_number(table.total(2))),
        ],
        note=_("En retard : la date de retour prévue est passée et l'appareil n'est pas rendu."),
    )


# ---------------------------------------------------------------- training


def fig_training(f: Filters) -> Figure:
    from sqlalchemy import or_

    from app.training.models import (
        Attendance,
        Booking,
        BookingStatus,
        SessionStatus,
        TrainingSession,
    )

    month = month_of(TrainingSession.starts_at)
    scope = (
        True
        if f.scope.org_ids is None
        else or_(
            TrainingSession.organisation_id.in_(f.scope.org_ids),
            Booking.organisation_id.in_(f.scope.org_ids),
        )
    )

    def flag(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    rows = db.session.execute(
        select(
            month,
            flag(Booking.status == BookingStatus.BOOKED),
            flag(Booking.attendance == Attendance.PRESENT),
            flag(Booking.attendance == Attendance.ABSENT),
            flag(Booking.attendance == Attendance.EXCUSED),
            flag(Booking.status == BookingStatus.WAITING),
        )
        .join(TrainingSession, TrainingSession.id == Booking.session_id)
        .where(
            scope,
            TrainingSession.status != SessionStatus.CANCELLED,  # its bookings ended with it
            TrainingSession.starts_at >= f.period.start_at,
            TrainingSession.starts_at < f.period.end_before,
        )
        .group_by(month)
    ).all()
    by_month = {m: [int(v or 0) for v in values] for m, *values in rows}
    table_rows = []
    for m in f.period.months():
        booked, present, absent, excused, waiting = by_month.get(m, [0, 0, 0, 0, 0])
        table_rows.append(
            [
                _month(m),
                booked,
                present,
                absent,
                excused,
                waiting,
                fr_percent(absent, present + absent),
            ]
        )
    table = Table(
        [
            _("Mois"),
            _("Places réservées"),
            _("Présents"),
            _("Absents"),
            _("Excusés"),
            _("En liste d'attente"),
            _("Taux d'absence"),
        ],
        table_rows,
    )
    present, absent = table.total(2), table.total(3)
    return Figure(
        key="formations",
        title=_("Formations : réservations, présence et absences"),
        table=table,
        chart=ChartKind.MONTHLY,
        series=[1, 2, 3],
        highlights=[
            (_("Places réservées"), fr_number(table.total(1))),
            (_("Présents"), fr_number(present)),
            (_("Taux d'absence"), fr_percent(absent, present + absent)),
        ],
        note=_(
            "Par mois de la séance. Taux d'absence : absents non excusés parmi les présences "
            "notées (présents et absents)."
        ),
    )


# ---------------------------------------------------------------- social tariffs

# The matching runs in Python for each household: a bound keeps the page fast.
TARIFF_HOUSEHOLDS_MAX = 3000


def followed_households(f: Filters) -> Any:
    """Households followed during the period (active in it), in scope: recorded by the
    organisation, or prescribed to it. Anonymised ones count too: their statuses and
    place are kept for the statistics."""
    from sqlalchemy import or_

    from app.households.models import Household, Prescription

    query = select(Household).where(
        Household.last_activity_at >= f.period.start_at,
        Household.created_at < f.period.end_before,
    )
    if f.scope.org_ids is not None:
        prescribed = select(Prescription.household_id).where(
            Prescription.association_org_id.in_(f.scope.org_ids)
        )
        query = query.where(
            or_(Household.organisation_id.in_(f.scope.org_ids), Household.id.in_(prescribed))
        )
    return query.order_by(Household.id)


def fig_tariffs(f: Filters) -> Figure:
    from app.audit.models import AuditEntry
    from app.tariffs.services import matches_for_household

    households = list(db.session.scalars(followed_households(f).limit(TARIFF_HOUSEHOLDS_MAX + 1)))
    capped = len(households) > TARIFF_HOUSEHOLDS_MAX
    households = households[:TARIFF_HOUSEHOLDS_MAX]
    eligible: dict[str, int] = {}
    almost: dict[str, int] = {}
    with_offer = 0
    savings_cents = 0
    for household in households:
        result = matches_for_household(household, limit=None).result
        if result.eligible:
            with_offer += 1
            best = result.eligible[0].yearly_saving_cents
            savings_cents += max(best or 0, 0)
        for proposal in result.eligible:
            name = f"{proposal.offer.provider} · {proposal.offer.name}"
            eligible[name] = eligible.get(name, 0) + 1
        for proposal in result.almost:
            name = f"{proposal.offer.provider} · {proposal.offer.name}"
            almost[name] = almost.get(name, 0) + 1
    sms = (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.action == "tariff.sms",
                AuditEntry.at >= f.period.start_at,
                AuditEntry.at < f.period.end_before,
                f.scope.where(AuditEntry.organisation_id),
            )
        )
        or 0
    )
    names = sorted(set(eligible) | set(almost), key=lambda n: (-eligible.get(n, 0), n))
    note = _(
        "Foyers suivis dans la période (actifs) comparés au catalogue des "
        "tarifs sociaux d'aujourd'hui. « Presque » : il manque une attestation ou une condition."
    )
    if capped:
        note += " " + _("Calcul limité aux %(n)s premiers foyers.", n=TARIFF_HOUSEHOLDS_MAX)
    return Figure(
        key="tarifs",
        title=_("Tarifs sociaux : offres qui conviennent aux foyers"),
        table=Table(
            [_("Offre"), _("Foyers éligibles"), _("Foyers presque éligibles")],
            [[n, eligible.get(n, 0), almost.get(n, 0)] for n in names],
        ),
        chart=ChartKind.BARS,
        highlights=[
            (_("Foyers suivis"), fr_number(len(households))),
            (_("Foyers avec au moins une offre"), fr_number(with_offer)),
            (_("Économie possible sur un an"), f"{fr_number(savings_cents / 100)} €"),
            (_("SMS de tarifs envoyés"), fr_number(sms)),
        ],
        note=note,
    )


# ---------------------------------------------------------------- registry

Builder = Callable[[Filters], Figure]


def fig_referrals(f: Filters) -> Figure:
    from app.referrals.reports import referral_figure

    return referral_figure(f)


# (key, title, builder): the order of the dashboard, the exports and the report.
FIGURES: list[tuple[str, str, Builder]] = [
    ("flux_mensuels", "Flux mensuels d'appareils", fig_monthly_flows),
    ("stock_etat", "Appareils par état", fig_stock_by_state),
    ("stock_type", "Stock par type", fig_stock_by_type),
    ("stock_grade", "Stock par note", fig_stock_by_grade),
    ("delai_preparation", "Délai de préparation", fig_lead_time),
    ("remises_dispositif", "Remises par dispositif", fig_handover_by_programme),
    ("remises_situation", "Remises par situation", fig_handover_by_status),
    ("remises_commune", "Remises par commune", fig_handover_by_commune),
    ("remises_qpv", "Remises en QPV", fig_handover_by_qpv),
    ("prets_retard", "Prêts en retard", fig_loans_overdue),
    ("tarifs", "Tarifs sociaux", fig_tariffs),
    ("formations", "Formations", fig_training),
    ("orientations", "Orientations", fig_referrals),
    ("impact", "Impact environnemental", fig_impact),
    ("facteurs", "Facteurs d'impact", fig_factors),
]


def min_count() -> int:
    """REPORT_MIN_COUNT (5): smaller counts are shown as "< 5" (issue 19)."""
    from flask import current_app

    return int(current_app.config.get("REPORT_MIN_COUNT", 5))


def build_figure(key: str, title: str, builder: Builder, filters: Filters) -> Figure:
    try:
        return suppress_small(builder(filters), min_count())
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
