"""QR codes for labels, certificates, loan sheets and receipts.

``qr_matrix`` is the one place that encodes; ``draw_qr`` paints it on a reportlab canvas
as vector squares (crisp at any printer resolution), ``qr_drawing`` wraps it as a
reportlab Drawing (a platypus flowable), ``qr_png`` gives an image for web pages.
"""

from __future__ import annotations

import io
import re
from functools import cache, lru_cache
from typing import Any

import qrcode
from qrcode import base
from qrcode.constants import ERROR_CORRECT_M
from qrcode.util import PAD0, PAD1
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib.colors import black, white

# The quiet zone scanners need around the code, in modules (ISO/IEC 18004).
QUIET_ZONE = 4


@lru_cache(maxsize=4096)
def qr_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    """The code's modules, True for dark, without the quiet zone.

    Level M survives a scuffed label; a fixed mask pattern skips qrcode's search for the
    best of eight masks, which costs four times the encoding and changes nothing for a
    phone's camera. Byte mode, the module for module same code as qrcode's
    ``add_data(data, optimize=0)`` (tests/unit/test_inventory_qr.py), built faster:
    qrcode lays out the version's fixed patterns once (``_layout``), and the codewords
    and their Reed-Solomon bytes are computed with tables. Pure-Python qrcode spent 2.4 ms
    a code, 2.4 s of a first sheet of 1,000 labels (issue 19).
    """
    payload = data.encode("utf-8")
    version = _version(len(payload))
    if version is None:  # beyond version 40: qrcode raises DataOverflowError, as before
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=0)
        code.add_data(payload, optimize=0)
        code.make(fit=True)
        raise ValueError("too long for a QR code")
    cells, order, mask, size = _layout(version)
    cells = cells.copy()
    codewords = _codewords(version, payload)
    # The data bits in filling order (the remainder bits are zeros), the mask applied.
    bits = int.from_bytes(bytes(codewords), "big") << len(order) - 8 * len(codewords) ^ mask
    for i, bit in zip(order, format(bits, f"0{len(order)}b"), strict=True):
        cells[i] = bit == "1"
    return tuple(tuple(cells[r * size : (r + 1) * size]) for r in range(size))


class _LayoutRecorder(qrcode.QRCode):  # type: ignore[misc]
    """A QRCode that notes, as qrcode fills them, which modules carry data and whether
    the mask darkens them (filled with zero bits: what is dark is the mask)."""

    order: list[tuple[int, int, bool]]
    template: list[list[bool | None]]

    def map_data(self, data: Any, mask_pattern: Any) -> None:
        code: Any = self  # qrcode has no types
        modules: list[list[bool | None]] = code.modules
        self.template = [list(row) for row in modules]
        order: list[tuple[int, int, bool]] = []

        class Row(list):  # type: ignore[type-arg]
            def __init__(self, cells: list[bool | None], r: int) -> None:
                super().__init__(cells)
                self.r = r

            def __setitem__(self, c: Any, value: Any) -> None:
                order.append((self.r, c, bool(value)))
                super().__setitem__(c, value)

        code.modules = [Row(row, r) for r, row in enumerate(modules)]
        super().map_data([0] * len(data), mask_pattern)
        code.modules = [list(row) for row in code.modules]
        self.order = order


@cache
def _layout(version: int) -> tuple[list[bool], list[int], int, int]:
    """The fixed patterns of a level-M, mask-0 code of ``version`` (row after row), the
    data modules' indexes in qrcode's filling order, the mask over them (first module
    in the highest bit) and the code's width in modules."""
    code = _LayoutRecorder(version=version, error_correction=ERROR_CORRECT_M, border=0,
                           mask_pattern=0)  # fmt: skip
    code.add_data(b"", optimize=0)
    code.make(fit=False)
    size = len(code.template)
    cells = [bool(cell) for row in code.template for cell in row]
    order = [r * size + c for r, c, _ in code.order]
    mask = int("".join("1" if masked else "0" for _, _, masked in code.order), 2)
    return cells, order, mask, size


# GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1 (ISO/IEC 18004, 7.5.2).
_EXP = [1] * 512
for _i in range(1, 255):
    _EXP[_i] = _EXP[_i - 1] << 1 ^ (0x11D if _EXP[_i - 1] & 0x80 else 0)
for _i in range(255, 512):
    _EXP[_i] = _EXP[_i - 255]
_LOG = [0] * 256
for _i in range(255):
    _LOG[_EXP[_i]] = _i


@cache
def _generator(degree: int) -> tuple[int, ...]:
    """For each byte value f, f times the Reed-Solomon generator of ``degree`` without its
    leading term, as ``degree`` bytes in one integer: one XOR per data byte."""
    poly = [1]
    for i in range(degree):  # times (x - a^i)
        poly = [
            (poly[k] if k < len(poly) else 0) ^ (_mul(poly[k - 1], _EXP[i]) if k else 0)
            for k in range(len(poly) + 1)
        ]
    return tuple(int.from_bytes(bytes(_mul(f, c) for c in poly[1:]), "big") for f in range(256))


def _mul(a: int, b: int) -> int:
    return _EXP[_LOG[a] + _LOG[b]] if a and b else 0


def _ecc(block: list[int], degree: int) -> list[int]:
    """The ``degree`` error-correction codewords of a data block (the remainder of its
    division by the generator, computed a byte at a time)."""
    times = _generator(degree)
    top, keep = 8 * (degree - 1), (1 << 8 * degree) - 1
    rem = 0
    for byte in block:
        rem = (rem << 8 & keep) ^ times[byte ^ rem >> top]
    return list(rem.to_bytes(degree, "big"))


def _codewords(version: int, payload: bytes) -> list[int]:
    """Data (byte mode, terminator, padding) and error correction, interleaved."""
    blocks = base.rs_blocks(version, ERROR_CORRECT_M)
    capacity = sum(b.data_count for b in blocks)
    count_bits = 8 if version < 10 else 16
    bits = (0b0100 << count_bits | len(payload)) << 8 * len(payload) | int.from_bytes(
        payload, "big"
    )
    length = 4 + count_bits + 8 * len(payload)
    room = 8 * capacity - length
    terminator = min(room, 4)
    bits <<= terminator
    length += terminator
    if length % 8:
        bits <<= 8 - length % 8
        length += 8 - length % 8
    data = list(bits.to_bytes(length // 8, "big"))
    data += [PAD0 if i % 2 == 0 else PAD1 for i in range(capacity - len(data))]
    dc: list[list[int]] = []
    ec: list[list[int]] = []
    offset = 0
    for b in blocks:
        dc.append(data[offset : offset + b.data_count])
        offset += b.data_count
        ec.append(_ecc(dc[-1], b.total_count - b.data_count))
    out = [blk[i] for i in range(max(map(len, dc))) for blk in dc if i < len(blk)]
    out += [blk[i] for i in range(max(map(len, ec))) for blk in ec if i < len(blk)]
    return out


@lru_cache(maxsize=256)
def _version(length: int) -> int | None:
    """The smallest version holding ``length`` bytes at level M (byte mode), found once per
    length: the labels of a sheet all have URLs of one length."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(b"\xff" * length, optimize=0)  # byte mode, as a URL is encoded
    code.best_fit()
    return int(code.version) if code.version else None


_DARK_RUN = re.compile(rb"\x01+")


def _runs(row: tuple[bool, ...]) -> list[tuple[int, int]]:
    """(start, length) of each run of dark modules in a row."""
    return [(m.start(), m.end() - m.start()) for m in _DARK_RUN.finditer(bytes(row))]


@lru_cache(maxsize=4096)
def _path_ops(data: str) -> str:
    """PDF path operators of the dark runs, in module units, y growing downwards."""
    matrix = qr_matrix(data)
    # The rows end to end, a light module between them: one search finds every run.
    width = len(matrix) + 1
    flat = b"\x00".join(bytes(row) for row in matrix)
    return "\n".join(
        f"{m.start() % width} {m.start() // width} {m.end() - m.start()} 1 re"
        for m in _DARK_RUN.finditer(flat)
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
