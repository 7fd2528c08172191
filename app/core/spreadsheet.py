"""Cells that a spreadsheet cannot run: every CSV and XLSX the application writes goes
through here (OWASP, "CSV injection"; ASVS 5.3.10).

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read by Excel, LibreOffice and Google Sheets as a formula (``=HYPERLINK(...)`` sends
other cells to a stranger's site, ``=cmd|...`` runs a program). Such a cell is written
with a single quote in front (``'=HYPERLINK(...)``), which every spreadsheet shows as
text. Only text is touched: numbers, dates and ``None`` go out as they are, so a negative
price written as a number stays a number. A text that is only a signed number or a phone
number (``-4.48``, ``+33 6 12 34 56 78``: digits, spaces, dots and commas after the sign)
is left as it is too: with no letter, no quote and no operator it can name neither a
function nor a cell, and longitudes and phone numbers must go out unchanged.

The open-data exports (La MedNum's CSV) give a third party's facts back unchanged, with
one exception, chosen for safety: a text cell that would be a formula gets its quote, as
anywhere else. A valid value of those standards never starts so (URLs, identifiers,
names); the data·inclusion export is JSON, not a spreadsheet, and is not touched.

Imports read the other way: :func:`formula_cells` lists the formula cells of a workbook
so that each is reported on its row, never silently read as its cached value or dropped;
:func:`unquote` takes off the quote an export added, so a file can go out and back.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-][0-9][0-9 .,]*")


def needs_quote(text: str) -> bool:
    return text.startswith(TRIGGERS) and not _PLAIN_NUMBER.fullmatch(text)


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet may show it: text that would be a formula gets a ``'``."""
    if isinstance(value, str) and needs_quote(value):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def safe_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    return {key: safe_cell(value) for key, value in row.items()}


def safe_frame(frame: Any) -> Any:
    """A copy of a pandas DataFrame whose text cells are safe (numeric, boolean and date
    columns are left as they are; object and string columns, whatever pandas calls them)."""
    result = frame.copy()
    for name in result.columns:
        if getattr(result[name].dtype, "kind", "O") not in "biufcmM":
            result[name] = result[name].map(safe_cell)
    return result


def unquote(text: str) -> str:
    """``'=A1`` -> ``=A1``: what an export of ours wrote, read back as it was typed."""
    if text.startswith("'") and needs_quote(text[1:]):
        return text[1:]
    return text


def formula_cells(data: bytes, *, limit: int = 100) -> list[tuple[int, str]]:
    """(row number, column letter) of the first ``limit`` formula cells of a workbook's
    first sheet, read in one streaming pass (read-only mode)."""
    from openpyxl import load_workbook  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    found: list[tuple[int, str]] = []
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        sheet = book.worksheets[0]
        for row_number, row in enumerate(sheet.iter_rows(), start=1):
            for column, cell in enumerate(row, start=1):
                if getattr(cell, "data_type", None) == "f":
                    found.append((row_number, get_column_letter(column)))
                    if len(found) >= limit:
                        return found
    finally:
        book.close()
    return found


def formula_message(row: int, column: str) -> str:
    return (
        f"Formule refusée en ligne {row}, colonne {column} : "
        "remplacez-la par sa valeur (copier, puis collage spécial « valeurs »)."
    )
