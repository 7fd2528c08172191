"""What a figure counts over (a scope of organisations, a period, today) and the helpers
every figure shares: months in SQL and in words, counts by key, labels, "no data yet".

The figures themselves are in stock_figures.py (devices), handover_figures.py (loans,
sales and gifts) and household_figures.py (training, social tariffs, referrals); the
dashboard's list of them is figures.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, func

from app.accounts.models import Organisation
from app.extensions import db
from app.reports.period import Period, month_label_short
from app.reports.tables import Figure, Table


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


def count_by(rows: Iterable[tuple[Any, int]]) -> dict[Any, int]:
    out: dict[Any, int] = {}
    for key, n in rows:
        out[key] = out.get(key, 0) + int(n or 0)
    return out


def value_label(value: Any, labels: dict[Any, str]) -> str:
    if value is None:
        return _("Non renseigné")
    if value in labels:
        return _(labels[value])
    return str(getattr(value, "value", value))


def month_name(key: str) -> str:
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
