"""The building blocks the counter's printed documents share (documents.py draws the
documents with them): A4 in the embedded font, tables, headers, the QR code as vector
squares, the signature on white."""

from __future__ import annotations

import io
from datetime import date

import qrcode
from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    Image,
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

from app.documents.pdf import fonts


def table_style(commands: list[tuple[object, ...]]) -> TableStyle:
    """A table style in the embedded font: a table sets its cells' font (Helvetica by
    default) even when they hold paragraphs, which would embed a second, core font."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts()[0]), *commands])


def fr_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def esc(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class QrFlowable(Flowable):
    """A QR code as vector squares, ``size`` points wide, with its quiet zone."""

    def __init__(self, data: str, size: float = 30 * mm) -> None:
        super().__init__()
        qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
        qr.add_data(data)
        qr.make(fit=True)
        self.matrix = qr.get_matrix()
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        n = len(self.matrix)
        cell = self.size / n
        canvas = self.canv
        canvas.setFillColor(colors.white)
        canvas.rect(0, 0, self.size, self.size, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        for row, line in enumerate(self.matrix):
            for col, dark in enumerate(line):
                if dark:
                    # Slight overlap so that no hairline appears between modules.
                    y = self.size - (row + 1) * cell
                    canvas.rect(col * cell, y, cell + 0.05, cell + 0.05, stroke=0, fill=1)


def styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    regular, bold = fonts()
    normal = ParagraphStyle("n", parent=base["Normal"], fontName=regular, fontSize=9.5, leading=12)
    return {
        "n": normal,
        "small": ParagraphStyle("s", parent=normal, fontSize=8.5, leading=11),
        "h1": ParagraphStyle("h1", parent=normal, fontName=bold, fontSize=16, leading=20),
        "h2": ParagraphStyle(
            "h2", parent=normal, fontName=bold, fontSize=11.5, leading=15, spaceBefore=6
        ),
        "right": ParagraphStyle("r", parent=normal, alignment=TA_RIGHT),
    }


def grid(rows: list[list[object]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths)
    table.setStyle(
        table_style(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f2f5")),
                ("FONTNAME", (0, 0), (-1, -1), fonts()[0]),
                ("FONTSIZE", (0, 0), (-1, -1), 9.5),
            ]
        )
    )
    return table


def header(title: str, number: str, st: dict[str, ParagraphStyle]) -> Table:
    table = Table(
        [[Paragraph(esc(title), st["h1"]), Paragraph(esc(number), st["right"])]],
        colWidths=[120 * mm, 50 * mm],
    )
    table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    return table


def qr_block(url: str, text: str, st: dict[str, ParagraphStyle]) -> Table:
    table = Table(
        [
            [
                QrFlowable(url),
                Paragraph(text + "<br/><font size=7>" + esc(url) + "</font>", st["n"]),
            ]
        ],
        colWidths=[36 * mm, 134 * mm],
    )
    table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return table


def signature_image(png: bytes, width: float, height: float) -> Image:
    """The signature drawn on white (canvas PNGs are transparent), scaled to fit."""
    with PILImage.open(io.BytesIO(png)) as source:
        rgba = source.convert("RGBA")
        flat = PILImage.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        out = io.BytesIO()
        flat.save(out, format="PNG")
        ratio = min(width / rgba.width, height / rgba.height)
        size = (rgba.width * ratio, rgba.height * ratio)
    out.seek(0)
    return Image(out, width=size[0], height=size[1])


def build_pdf(story: list[Flowable], title: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
        author="Ordilien",
        initialFontName=fonts()[0],  # else every page also carries an unused Helvetica
    )
    doc.build(story)
    return buffer.getvalue()
