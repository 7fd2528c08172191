"""QR codes for labels, certificates, loan sheets and receipts.

``qr_matrix`` is the one place that encodes; ``draw_qr`` paints it on a reportlab canvas
as vector squares (crisp at any printer resolution), ``qr_drawing`` wraps it as a
reportlab Drawing (a platypus flowable), ``qr_png`` gives an image for web pages.
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib.colors import black, white

# The quiet zone scanners need around the code, in modules (ISO/IEC 18004).
QUIET_ZONE = 4


@lru_cache(maxsize=4096)
def qr_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    """The code's modules, True for dark, without the quiet zone.

    Level M survives a scuffed label; a fixed mask pattern skips qrcode's search for the
    best of eight masks, which costs four times the encoding and changes nothing for a
    phone's camera.
    """
    version = _version(len(data.encode("utf-8")))
    code = qrcode.QRCode(
        version=version, error_correction=ERROR_CORRECT_M, border=0, mask_pattern=0
    )
    code.add_data(data)
    code.make(fit=version is None)
    return tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())


@lru_cache(maxsize=256)
def _version(length: int) -> int | None:
    """The smallest version holding ``length`` bytes at level M (byte mode), found once per
    length: the labels of a sheet all have URLs of one length."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(b"\xff" * length, optimize=0)  # byte mode, as a URL is encoded
    code.best_fit()
    return int(code.version) if code.version else None


def _runs(row: tuple[bool, ...]) -> list[tuple[int, int]]:
    """(start, length) of each run of dark modules in a row."""
    runs = []
    start = None
    for i, dark in enumerate((*row, False)):
        if dark and start is None:
            start = i
        elif not dark and start is not None:
            runs.append((start, i - start))
            start = None
    return runs


@lru_cache(maxsize=4096)
def _path_ops(data: str) -> str:
    """PDF path operators of the dark runs, in module units, y growing downwards."""
    matrix = qr_matrix(data)
    return "\n".join(
        f"{start} {r} {length} 1 re" for r, row in enumerate(matrix) for start, length in _runs(row)
    )


def draw_qr(canvas: Any, data: str, x: float, y: float, size: float) -> None:
    """Paint the QR code of ``data`` in the square (x, y, size) in points, quiet zone
    included, on a reportlab canvas.

    The runs are written as integer rectangles in a coordinate system of one module per
    unit, in a single filled path: exact edges, a small PDF, and fast (reportlab's float
    formatting of each rectangle would dominate a sheet of a thousand labels).
    """
    modules = len(qr_matrix(data)) + 2 * QUIET_ZONE
    unit = size / modules
    canvas.saveState()
    canvas.setFillColor(black)
    # Origin at the top-left module of the code, one unit per module, y downwards.
    canvas.transform(unit, 0, 0, -unit, x + QUIET_ZONE * unit, y + size - QUIET_ZONE * unit)
    canvas.addLiteral(_path_ops(data) + "\nf")
    canvas.restoreState()


def qr_drawing(data: str, size: float) -> Drawing:
    """A reportlab Drawing of ``size`` points square, for platypus documents."""
    matrix = qr_matrix(data)
    modules = len(matrix) + 2 * QUIET_ZONE
    unit = size / modules
    drawing = Drawing(size, size)
    drawing.add(Rect(0, 0, size, size, fillColor=white, strokeColor=None))
    for r, row in enumerate(matrix):
        top = size - (r + QUIET_ZONE) * unit
        for start, length in _runs(row):
            drawing.add(
                Rect(
                    (start + QUIET_ZONE) * unit,
                    top - unit,
                    length * unit,
                    unit,
                    fillColor=black,
                    strokeColor=None,
                    strokeWidth=0,
                )
            )
    return drawing


def qr_png(data: str, module_px: int = 8) -> bytes:
    """A PNG image of the code (quiet zone included), for web pages and e-mails."""
    matrix = qr_matrix(data)
    from PIL import Image

    modules = len(matrix) + 2 * QUIET_ZONE
    image = Image.new("1", (modules, modules), 1)
    pixels = image.load()
    assert pixels is not None
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                pixels[c + QUIET_ZONE, r + QUIET_ZONE] = 0
    image = image.resize((modules * module_px, modules * module_px), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
