"""Workbooks built for the upload bounds (tests and bench/bench_upload_bounds.py).

``sheet_bomb()`` is the file of issue 19: a valid .xlsx of about 800 kB whose one sheet
is 190 MB of device rows, each the same (no ``r`` attributes, which are optional, so
that it compresses over 200 times), under the 20-times expansion limit of a 10 MB upload.
It is written through zipfile in blocks of a thousand rows: about 3 s, 1 MB of memory.
"""

from __future__ import annotations

import io
import zipfile
from functools import lru_cache

HEADERS = (
    "Type", "Marque", "Modèle", "N° de série", "Processeur", "RAM (Go)", "Type de stockage",
    "Stockage (Go)", "Écran (pouces)", "État", "Emplacement", "Remarques",
)  # fmt: skip
VALUES = (
    "Portable", "Lenovo", "ThinkPad T470", "", "Intel Core i5-7300U", "8", "SSD", "256", "14",
    "à tester", "Étagère A", "Reçu du don",
)  # fmt: skip
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PARTS = {
    "[Content_Types].xml": (
        f'<?xml version="1.0"?><Types xmlns="{_PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPE}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_TYPE}.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<?xml version="1.0"?><Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_OFFICE}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0"?><workbook xmlns="{_MAIN}" xmlns:r="{_OFFICE}"><sheets>'
        '<sheet name="Appareils" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0"?><Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_OFFICE}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_OFFICE}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
}


@lru_cache(maxsize=2)
def sheet_bomb(sheet_bytes: int = 190_000_000) -> bytes:
    strings = HEADERS + VALUES
    shared = "".join(f"<si><t>{s}</t></si>" for s in strings)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        archive.writestr(
            "xl/sharedStrings.xml",
            f'<?xml version="1.0"?><sst xmlns="{_MAIN}" count="{len(strings)}" '
            f'uniqueCount="{len(strings)}">{shared}</sst>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<?xml version="1.0"?><worksheet xmlns="{_MAIN}"><sheetData>'.encode())
            head = "".join(f'<c t="s"><v>{i}</v></c>' for i in range(len(HEADERS)))
            sheet.write(f"<row>{head}</row>".encode())
            cells = "".join(
                f'<c t="s"><v>{len(HEADERS) + i}</v></c>' if value else "<c/>"
                for i, value in enumerate(VALUES)
            )
            block = (f"<row>{cells}</row>" * 1000).encode()
            for _ in range(sheet_bytes // len(block) + 1):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def device_workbook(rows: int) -> bytes:
    """An ordinary workbook of ``rows`` devices, as openpyxl writes it (distinct serials)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Appareils")
    sheet.append(HEADERS)
    for n in range(rows):
        sheet.append(
            [
                f"SN{n:08d}" if h == "N° de série" else v
                for h, v in zip(HEADERS, VALUES, strict=True)
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
