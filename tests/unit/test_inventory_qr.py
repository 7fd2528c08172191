"""The shared QR helpers (app/documents/qr.py) produce codes a phone's decoder reads."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image
from reportlab.graphics import renderPDF
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.documents.qr import QUIET_ZONE, draw_qr, qr_drawing, qr_matrix, qr_png

URL = "https://ordilien.example.org/d/K7M3QX"


def decode_pdf(data: bytes) -> list[str]:
    document = pdfium.PdfDocument(data)
    try:
        page = document[0]
        image = page.render(scale=300 / 72).to_pil()
        page.close()
        return [b.text for b in zxingcpp.read_barcodes(image)]
    finally:
        document.close()


def test_png() -> None:
    image = Image.open(io.BytesIO(qr_png(URL, module_px=4)))
    assert image.size[0] == (len(qr_matrix(URL)) + 2 * QUIET_ZONE) * 4
    assert [b.text for b in zxingcpp.read_barcodes(image)] == [URL]


def test_canvas_and_flowable() -> None:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(80 * mm, 40 * mm))
    draw_qr(canvas, URL, 2 * mm, 2 * mm, 20 * mm)  # 20 mm: an L7651 label's QR code
    canvas.save()
    assert decode_pdf(out.getvalue()) == [URL]
    out = io.BytesIO()
    renderPDF.drawToFile(qr_drawing(URL, 30 * mm), out)
    assert decode_pdf(out.getvalue()) == [URL]


def test_accents_and_long_urls() -> None:
    text = "https://ordilien.example.org/f/" + "é" * 40
    image = Image.open(io.BytesIO(qr_png(text)))
    assert [b.text for b in zxingcpp.read_barcodes(image)] == [text]
