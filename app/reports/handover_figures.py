"""The dashboard's figures on handovers (loans, sales and gifts: the one definition of
reports/handovers.py) by programme, household status, commune and QPV, and the loans
overdue today."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from app.accounts.models import Organisation
from app.extensions import db
from app.reports import handovers
from app.reports.scope import Filters, count_by, value_label
from app.reports.tables import ChartKind, Figure, Table, fr_number, fr_percent


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
    table_rows = [[value_label(status, STATUS_LABELS), int(n)] for status, n in rows]
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
    counts = count_by(
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
