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
        return sum(float(row[index] or 0) for row in self.rows)


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


def fr_number(value: float | int, decimals: int = 0) -> str:
    """1234.5 -> '1 234,5' (French grouping with a narrow no-break space)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def fr_percent(part: float, whole: float) -> str:
    if not whole:
        return "—"
    return fr_number(100 * part / whole, 1) + " %"
