"""What a dashboard figure is: a titled table, maybe drawn as a chart. Pure module.

Every chart is drawn from its table, and the table is always shown under it (screen
readers, copying), exported as CSV and XLSX and printed in the funder's report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ChartKind(StrEnum):
    NONE = "none"
    BARS = "bars"  # one bar per row (first column: label, second: value)
    MONTHLY = "monthly"  # grouped bars per month (first column: month, others: series)


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)

    def column(self, index: int) -> list[Any]:
        return [row[index] for row in self.rows]

    def total(self, index: int) -> float:
        return sum(as_number(row[index]) for row in self.rows)


@dataclass
class Figure:
    """One block of the dashboard. ``available`` is False when its domain has no data yet."""

    key: str  # stable: export file names and sheet names
    title: str
    table: Table
    chart: ChartKind = ChartKind.NONE
    note: str = ""
    available: bool = True
    # Headline numbers shown above the table: (label, value).
    highlights: list[tuple[str, str]] = field(default_factory=list)
    # Columns of the table holding series for MONTHLY charts (default: all but the first).
    series: list[int] | None = None


def as_number(value: Any) -> float:
    """A cell as a number for charts and totals; a hidden small count ("< 5") is 0."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def small_label(threshold: int) -> str:
    return f"< {threshold}"


def _is_small(value: Any, threshold: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < threshold


def suppress_small(figure: Figure, threshold: int) -> Figure:
    """Counts from 1 to ``threshold - 1`` shown as "< threshold" (issue 19): in the table
    (screen, CSV, XLSX, PDF, charts drawn from it) and in the headline numbers, so that a
    small count never points at a person. Zero stays zero. Changes ``figure`` in place."""
    if threshold <= 1:
        return figure
    label = small_label(threshold)
    figure.table.rows = [
        [label if i and _is_small(cell, threshold) else cell for i, cell in enumerate(row)]
        for row in figure.table.rows
    ]
    figure.highlights = [
        (name, label if value.isdigit() and _is_small(int(value), threshold) else value)
        for name, value in figure.highlights
    ]
    return figure


def fr_number(value: float | int, decimals: int = 0) -> str:
    """1234.5 -> '1 234,5' (French grouping with a narrow no-break space)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def fr_cell(value: float | int) -> str:
    """A number in a table cell, the same on the dashboard and in the PDF (issue 18):
    grouped thousands, up to two decimals (a factor of 0.18 kg is not 0.2)."""
    if isinstance(value, float) and not value.is_integer():
        return fr_number(value, 2).rstrip("0").rstrip(",")
    return fr_number(value)


def fr_percent(part: float, whole: float) -> str:
    if not whole:
        return "—"
    return fr_number(100 * part / whole, 1) + " %"
