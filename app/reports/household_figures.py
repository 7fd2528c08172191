"""The dashboard's figures on what households do besides receiving a device: training
(bookings, presence, absences), the social tariffs that suit them, and referrals."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from app.extensions import db
from app.reports.scope import Filters, month_name, month_of
from app.reports.tables import ChartKind, Figure, Table, fr_number, fr_percent


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
                month_name(m),
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
    from app.tariffs.household_matches import matches_for_household

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


def fig_referrals(f: Filters) -> Figure:
    from app.referrals.reports import referral_figure

    return referral_figure(f)
