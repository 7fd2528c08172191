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


def test_same_code_as_qrcode_in_byte_mode() -> None:
    """qr_matrix's own codewords and layout give, module for module, qrcode's code."""
    import random

    import qrcode
    from qrcode.constants import ERROR_CORRECT_M
    from qrcode.util import MODE_8BIT_BYTE, QRData

    from app.documents.qr import _version

    rng = random.Random(19)
    texts = [URL, "", "https://ordilien.example.org/f/" + "é" * 40]
    texts += [
        "".join(rng.choice("abcXYZ0123é/:.-?=&") for _ in range(rng.randrange(1200)))
        for _ in range(60)
    ]
    for text in texts:
        code = qrcode.QRCode(
            version=_version(len(text.encode())), error_correction=ERROR_CORRECT_M,
            border=0, mask_pattern=0,
        )  # fmt: skip
        code.add_data(QRData(text.encode(), mode=MODE_8BIT_BYTE))
        code.make(fit=False)
        assert qr_matrix(text) == tuple(tuple(bool(c) for c in row) for row in code.get_matrix())


def test_a_sheet_of_labels_decodes() -> None:
    """Every code of an L7160 page of the labels PDF reads back as its device's URL."""
    from types import SimpleNamespace

    from app.inventory.lifecycle import DeviceType
    from app.inventory.pdfs import device_url, labels_pdf

    devices = [
        SimpleNamespace(asset_tag=f"K7M{n:02d}QX", device_type=DeviceType.LAPTOP, brand="Dell",
                        model="Latitude E7470", grade=None)
        for n in range(21)
    ]  # fmt: skip
    pdf = labels_pdf(devices, "L7160", "https://ordilien.example.org", org_name="Atelier")  # type: ignore[arg-type]
    expected = {device_url("https://ordilien.example.org", d.asset_tag) for d in devices}
    assert set(decode_pdf(pdf)) == expected
