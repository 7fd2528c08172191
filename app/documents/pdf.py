"""PDF building blocks shared by labels, certificates, loan sheets and receipts."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from functools import cache
from typing import Any

from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

# Binary (Flate only) streams: ASCII85 on top makes PDFs 25 % larger and, in pure Python,
# costs more than drawing a sheet of labels.
rl_config.useA85 = 0

FONT_PATHS = {
    "DejaVuSans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "DejaVuSans-Bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
}


@cache
def fonts() -> tuple[str, str]:
    """(regular, bold) font names: DejaVu when installed (every accent), else Helvetica."""
    try:
        for name, path in FONT_PATHS.items():
            pdfmetrics.registerFont(TTFont(name, path))
    except Exception:  # font files missing: the built-in font still covers Latin-1
        return "Helvetica", "Helvetica-Bold"
    # So that platypus paragraphs' <b> picks the bold face (fonts-dejavu-core has no
    # oblique: <i> stays upright rather than falling back to a core font).
    pdfmetrics.registerFontFamily(
        "DejaVuSans",
        normal="DejaVuSans",
        bold="DejaVuSans-Bold",
        italic="DejaVuSans",
        boldItalic="DejaVuSans-Bold",
    )
    return "DejaVuSans", "DejaVuSans-Bold"


def right_to_left(text: str) -> bool:
    """Whether ``text`` has Arabic or Hebrew letters. DejaVu Sans has their glyphs, but
    reportlab (without a shaping engine) draws them unjoined and left to right: the name
    would print unreadable, so the forms that feed the documents refuse it."""
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text or "")


class PrintableName:
    """WTForms validator for a name printed on the documents (see ``right_to_left``)."""

    message = (
        "Les documents imprimés ne savent pas encore écrire l'arabe ni l'hébreu : "
        "écrivez ce nom en lettres latines, comme sur une pièce d'identité française "
        "(par exemple « Fatima Benali »)."
    )

    def __call__(self, form: Any, field: Any) -> None:
        from wtforms.validators import ValidationError

        if right_to_left(field.data or ""):
            raise ValidationError(self.message)


def new_canvas(
    buffer: io.BytesIO, page_size_mm: tuple[float, float], title: str, author: str = "Ordilien"
) -> Canvas:
    """A canvas whose pages print true to size: the PDF asks viewers not to scale it."""
    canvas = Canvas(
        buffer,
        pagesize=(page_size_mm[0] * mm, page_size_mm[1] * mm),
        pageCompression=1,
        invariant=1,
    )
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setCreator("Ordilien")
    # PDF 1.6 /PrintScaling /None: print dialogs default to "actual size".
    from reportlab.pdfbase.pdfdoc import PDFName

    canvas.setViewerPreference("PrintScaling", PDFName("None"))
    return canvas


def fit_text(text: str, font: str, size: float, width: float, min_size: float = 5) -> float:
    """The largest font size up to ``size`` at which ``text`` fits in ``width`` points."""
    while size > min_size and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def ellipsize(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis so that it fits in ``width`` points."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def render(build: Callable[[Canvas], Any], page_size_mm: tuple[float, float], title: str) -> bytes:
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, page_size_mm, title)
    build(canvas)
    canvas.save()
    return buffer.getvalue()
