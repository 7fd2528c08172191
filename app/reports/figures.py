"""The dashboard's figures, in order: each computed by SQL aggregates over one scope and
period (scope.py), by the builders of stock_figures.py, handover_figures.py and
household_figures.py.

A figure whose domain is not installed (or has no table yet) says "pas encore de données"
instead of failing: each builder imports its models inside the function.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.reports.handover_figures import (
    fig_handover_by_commune,
    fig_handover_by_programme,
    fig_handover_by_qpv,
    fig_handover_by_status,
    fig_loans_overdue,
)
from app.reports.household_figures import fig_referrals, fig_tariffs, fig_training
from app.reports.scope import Filters, unavailable
from app.reports.stock_figures import (
    fig_factors,
    fig_impact,
    fig_lead_time,
    fig_monthly_flows,
    fig_stock_by_grade,
    fig_stock_by_state,
    fig_stock_by_type,
)
from app.reports.tables import Figure, suppress_small

log = logging.getLogger(__name__)

Builder = Callable[[Filters], Figure]

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
