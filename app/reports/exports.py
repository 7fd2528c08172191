"""Exports of the dashboard's tables: CSV and XLSX (pandas), and the funder's PDF report."""

from __future__ import annotations

import io
import re
from datetime import datetime
from typing import Any

import pandas as pd
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
)
from reportlab.platypus import (
    Table as PdfTable,
)
from reportlab.platypus import (
    TableStyle as PdfTableStyle,
)

from app.core.spreadsheet import safe_frame
from app.reports.tables import Figure, fr_cell

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def dataframe(figure: Figure) -> pd.DataFrame:
    return pd.DataFrame(figure.table.rows, columns=figure.table.columns)


def csv_bytes(figure: Figure) -> bytes:
    """Semicolon-separated, decimal comma, UTF-8 with a BOM: what French spreadsheets expect."""
    text = safe_frame(dataframe(figure)).to_csv(index=False, sep=";", decimal=",")
    return ("\ufeff" + text).encode("utf-8")


def sheet_name(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", title)[:31].strip() or "Feuille"
    base, n = name, 2
    while name in used:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name)
    return name


def xlsx_bytes(figures: list[Figure], about: list[tuple[str, str]]) -> bytes:
    """One sheet per table, after a first sheet that says what, when, whose and how."""
    buffer = io.BytesIO()
    used: set[str] = set()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        info = pd.DataFrame(about, columns=[_("Rubrique"), _("Valeur")])
        safe_frame(info).to_excel(writer, sheet_name=sheet_name(_("À propos"), used), index=False)
        for figure in figures:
            name = sheet_name(figure.title, used)
            safe_frame(dataframe(figure)).to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            for column_cells in sheet.columns:
                width = max(len(str(cell.value or "")) for cell in column_cells)
                sheet.column_dimensions[column_cells[0].column_letter].width = min(
                    max(12, width + 2), 60
                )
    return buffer.getvalue()


# ---------------------------------------------------------------- PDF


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("t", parent=base["Title"], fontSize=18, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontSize=13, spaceBefore=10),
        "body": ParagraphStyle("b", parent=base["BodyText"], fontSize=10, leading=13),
        "small": ParagraphStyle("s", parent=base["BodyText"], fontSize=8.5, leading=11),
        "cell": ParagraphStyle("c", parent=base["BodyText"], fontSize=9, leading=11),
    }


def _esc(value: Any) -> str:
    # The PDF's standard fonts have no narrow no-break space (French thousands separator).
    text = "" if value is None else str(value).replace("\u202f", " ")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _esc(fr_cell(value))  # as on the dashboard
    return _esc(value)


def report_pdf(
    figures: list[Figure],
    title: str,
    about: list[tuple[str, str]],
    generated_at: datetime,
) -> bytes:
    """The funder's report: what was done in the period, table by table, with sources."""
    styles = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=title,
        author="Ordilien",
        lang="fr-FR",
    )
    story: list[Any] = [Paragraph(_esc(title), styles["title"])]
    for label, value in about:
        story.append(Paragraph(f"<b>{_esc(label)}</b> : {_esc(value)}", styles["body"]))
    # One line per figure: the same figure shown by two tables is the same number (issue 18).
    highlights = list(dict.fromkeys(pair for fig in figures for pair in fig.highlights))
    if highlights:
        story.append(Paragraph(_esc(_("Chiffres clés")), styles["h2"]))
        story.append(_grid([[_esc(label), _esc(value)] for label, value in highlights], styles))
    for figure in figures:
        block: list[Any] = [Paragraph(_esc(figure.title), styles["h2"])]
        if not figure.available:
            block.append(Paragraph(_esc(figure.note), styles["body"]))
            story.append(KeepTogether(block))
            continue
        rows = [[_esc(c) for c in figure.table.columns]]
        rows += [[_cell(v) for v in row] for row in figure.table.rows] or [
            [_esc(_("Aucune donnée sur la période."))] + [""] * (len(figure.table.columns) - 1)
        ]
        chart = _pdf_chart(figure)
        if chart is not None:
            block.append(chart)
        block.append(_grid(rows, styles, header=True))
        if figure.note:
            block.append(Paragraph(_esc(figure.note), styles["small"]))
        # Short tables stay on one page with their title; long ones flow (header repeated).
        if len(rows) < 25:
            story.append(KeepTogether(block))
        else:
            story.extend(block)
    story.append(Spacer(1, 6 * mm))
    story.append(
        Paragraph(
            _esc(
                _(
                    "Rapport produit par Ordilien le %(date)s (heure UTC). Les chiffres sont "
                    "calculés à partir des enregistrements des organisations ; les données "
                    "personnelles des foyers n'y figurent pas.",
                    date=generated_at.strftime("%d/%m/%Y %H:%M"),
                )
            ),
            styles["small"],
        )
    )
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()


def _pdf_chart(figure: Figure) -> Any:
    """The monthly figures as grouped bars (vector), with a legend; None for other kinds."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing

    from app.reports.charts import PALETTE
    from app.reports.tables import ChartKind, as_number

    table = figure.table
    if figure.chart is not ChartKind.MONTHLY or not table.rows:
        return None
    columns = figure.series or list(range(1, len(table.columns)))
    data = [[as_number(row[c]) for row in table.rows] for c in columns]
    if not any(any(series) for series in data):
        return None
    drawing = Drawing(170 * mm, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y = 10 * mm, 14 * mm
    chart.width, chart.height = 120 * mm, 44 * mm
    chart.data = data
    chart.categoryAxis.categoryNames = [str(row[0]) for row in table.rows]
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.angle = 45
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.barSpacing = 0.5
    for i in range(len(data)):
        chart.bars[i].fillColor = colors.HexColor(PALETTE[i % len(PALETTE)])
        chart.bars[i].strokeColor = None
    legend = Legend()
    legend.x, legend.y = 134 * mm, 54 * mm
    legend.fontSize = 7
    legend.alignment = "right"
    legend.columnMaximum = len(columns)
    legend.colorNamePairs = [
        (colors.HexColor(PALETTE[i % len(PALETTE)]), table.columns[c])
        for i, c in enumerate(columns)
    ]
    drawing.add(chart)
    drawing.add(legend)
    return drawing


def _grid(rows: list[list[str]], styles: dict[str, ParagraphStyle], header: bool = False) -> Any:
    data = [[Paragraph(c, styles["cell"]) for c in row] for row in rows]
    # Columns as wide as their longest text needs, within the page (174 mm).
    weights = [min(max(len(str(row[i])) for row in rows), 60) + 4 for i in range(len(rows[0]))]
    widths = [174 * mm * w / sum(weights) for w in weights]
    table = PdfTable(data, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#767676")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")))
    table.setStyle(PdfTableStyle(commands))
    return table


def _footer(canvas: Any, doc: Any) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Ordilien · page {doc.page}")
    canvas.restoreState()
