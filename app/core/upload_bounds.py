"""Uploads bounded by what they cost to read, not only by their size (issue 19).

A 600 kB workbook can hold a 190 MB sheet: opened by pandas it held a worker 196 s and
518 MB. Before any spreadsheet is parsed, this module reads it once, cheaply:

- an .xlsx: the zip's table of contents first (number of members, each member's declared
  size and compression ratio, nothing inflated), the sheet's ``<dimension>``, then the
  first sheet's XML in one streaming pass (expat, 64 kB at a time, no cell kept) that
  stops as soon as rows x columns goes over the limit or the time budget is spent; the
  shared strings are counted the same way;
- a CSV: one streaming pass of the lines (csv module) with the same bounds, each line's
  width checked before the csv module splits it.

Memory stays flat whatever the file holds; time is bounded by the budget. The limits come
from the application's settings (``UPLOAD_MAX_CELLS``, ``UPLOAD_MAX_COLUMNS``,
``UPLOAD_TIME_BUDGET_SECONDS``, ``UPLOAD_XLSX_MAX_RATIO``) or their defaults; each refusal
says the limit and what to do. The pass of a workbook also lists its formula cells, as
openpyxl would (row, column letter), so that the import reports each one.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import time
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from typing import IO, Any
from xml.parsers import expat

from flask import current_app, has_app_context
from flask_babel import gettext as _

MIB = 1024 * 1024
CHUNK = 64 * 1024
MAX_MEMBERS = 10_000
# Any part but the sheets (styles, workbook, relations...) is read whole by openpyxl.
MAX_PART_BYTES = 8 * MIB
RATIO_FLOOR = MIB  # a member smaller than this may compress as well as it likes
FORMULA_LIMIT = 100
DEFAULTS = {
    "UPLOAD_MAX_CELLS": 1_000_000,  # e.g. 50,000 rows of 20 columns
    "UPLOAD_MAX_COLUMNS": 1_000,
    "UPLOAD_TIME_BUDGET_SECONDS": 10.0,
    "UPLOAD_XLSX_MAX_RATIO": 100,  # a real sheet compresses 5 to 30 times
}


@dataclass(frozen=True)
class Bounds:
    max_cells: int = DEFAULTS["UPLOAD_MAX_CELLS"]  # type: ignore[assignment]
    max_columns: int = DEFAULTS["UPLOAD_MAX_COLUMNS"]  # type: ignore[assignment]
    time_budget: float = DEFAULTS["UPLOAD_TIME_BUDGET_SECONDS"]
    max_ratio: int = DEFAULTS["UPLOAD_XLSX_MAX_RATIO"]  # type: ignore[assignment]

    @classmethod
    def from_settings(cls) -> Bounds:
        """The running application's limits (the defaults outside an application)."""
        config: Any = current_app.config if has_app_context() else {}

        def get(key: str) -> Any:
            return type(DEFAULTS[key])(config.get(key, DEFAULTS[key]))

        return cls(
            get("UPLOAD_MAX_CELLS"),
            get("UPLOAD_MAX_COLUMNS"),
            get("UPLOAD_TIME_BUDGET_SECONDS"),
            get("UPLOAD_XLSX_MAX_RATIO"),
        )


@dataclass
class Extent:
    """What the pass saw: rows and columns as a reader would lay them out (a gap of empty
    rows counts, a cell in column XFD makes every row 16,384 wide), and formula cells."""

    rows: int = 0
    columns: int = 0
    formulas: list[tuple[int, str]] = field(default_factory=list)

    @property
    def cells(self) -> int:
        return self.rows * self.columns


class TooCostly(Exception):
    """The file would cost more to read than the limits allow; ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _number(value: float) -> str:
    return f"{value:,.0f}".replace(",", "\u00a0")


def _too_many_cells(bounds: Bounds, rows: int, columns: int) -> TooCostly:
    return TooCostly(
        _(
            "Ce fichier compte plus de %(limit)s cellules (lignes × colonnes ; %(rows)s "
            "lignes sur %(columns)s colonnes lues), la limite acceptée ici : coupez-le en "
            "plusieurs fichiers, ou supprimez les lignes et colonnes vides en fin de feuille.",
            limit=_number(bounds.max_cells),
            rows=_number(rows),
            columns=_number(columns),
        )
    )


def _too_wide(bounds: Bounds) -> TooCostly:
    return TooCostly(
        _(
            "Une ligne de ce fichier a plus de %(limit)s colonnes, la limite acceptée ici : "
            "vérifiez le séparateur des colonnes (« ; » ou « , ») et supprimez les colonnes "
            "vides en trop.",
            limit=_number(bounds.max_columns),
        )
    )


def _too_slow(bounds: Bounds) -> TooCostly:
    return TooCostly(
        _(
            "La lecture de ce fichier a dépassé %(seconds)s secondes, la limite acceptée "
            "ici : coupez-le en plusieurs fichiers, ou enregistrez-le en CSV depuis votre "
            "tableur.",
            seconds=_number(bounds.time_budget),
        )
    )


def _too_big_opened() -> TooCostly:
    return TooCostly(
        _(
            "Ce classeur est trop gros une fois ouvert : enregistrez-le en CSV depuis votre "
            "tableur, ou coupez-le en plusieurs fichiers."
        )
    )


class _Pass:
    """Shared by the passes of one file: the bounds, the clock, the extent."""

    def __init__(self, bounds: Bounds) -> None:
        self.bounds = bounds
        self.deadline = time.monotonic() + bounds.time_budget
        self.extent = Extent()

    def check(self) -> None:
        extent = self.extent
        if extent.columns > self.bounds.max_columns:
            raise _too_wide(self.bounds)
        if extent.cells > self.bounds.max_cells:
            raise _too_many_cells(self.bounds, extent.rows, extent.columns)
        if time.monotonic() > self.deadline:
            raise _too_slow(self.bounds)


# ----------------------------------------------------------------------------- xlsx


@lru_cache(maxsize=4096)
def _column(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (ord(char) - 64)
    return index


@lru_cache(maxsize=4096)
def _letters(column: int) -> str:
    text = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        text = chr(65 + rest) + text
    return text


_REF = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})")


def _sheet_pass(source: IO[bytes], run: _Pass) -> None:
    """Rows and columns of a sheet as openpyxl lays them out (row from ``<row r>`` or
    the count, column from ``<c r>`` or the count), checked every 64 kB."""
    extent = run.extent
    state = {"row": 0, "column": 0}
    formulas = extent.formulas

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = name.rpartition(":")[2]
        if tag == "c":
            ref = attrs.get("r")
            column = _column(ref.rstrip("0123456789").lstrip("$")) if ref else state["column"] + 1
            state["column"] = column
            if column > extent.columns:
                extent.columns = column
        elif tag == "row":
            ref = attrs.get("r")
            row = int(ref) if ref and ref.isdigit() else state["row"] + 1
            state["row"], state["column"] = row, 0
            if row > extent.rows:
                extent.rows = row
        elif tag == "f" and len(formulas) < FORMULA_LIMIT:
            formulas.append((state["row"], _letters(state["column"])))
        elif tag == "dimension":
            _declared(attrs.get("ref", ""), run.bounds)

    _expat_pass(source, start, run)


def _declared(ref: str, bounds: Bounds) -> None:
    """The sheet's own ``<dimension ref="A1:M50001">``: refused at once when too big."""
    corners = [_REF.fullmatch(part) for part in ref.upper().split(":")]
    if len(corners) == 2 and all(corners):
        rows = int(corners[1].group(2)) - int(corners[0].group(2)) + 1  # type: ignore[union-attr]
        columns = _column(corners[1].group(1)) - _column(corners[0].group(1)) + 1  # type: ignore[union-attr]
        if rows * columns > bounds.max_cells:
            raise _too_many_cells(bounds, rows, columns)


def _strings_pass(source: IO[bytes], run: _Pass) -> None:
    """Shared strings are read whole by openpyxl: no more of them than cells allowed."""
    count = [0]

    def start(name: str, attrs: dict[str, str]) -> None:
        if name.rpartition(":")[2] == "si":
            count[0] += 1

    def check() -> None:
        if count[0] > run.bounds.max_cells:
            raise _too_big_opened()

    _expat_pass(source, start, run, check)


def _no_doctype(*args: Any) -> None:
    raise TooCostly(_("Ce fichier n'est pas un classeur Excel (.xlsx) valide."))


def _expat_pass(source: IO[bytes], start: Any, run: _Pass, check: Any = None) -> None:
    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = _no_doctype  # no entities in a workbook: no bombs
    try:
        while chunk := source.read(CHUNK):
            parser.Parse(chunk, False)
            if check:
                check()
            run.check()
        parser.Parse(b"", True)
    except expat.ExpatError:
        return  # not XML: the reader says so in its own words
    run.check()


def _attributes(archive: zipfile.ZipFile, member: str, tag: str) -> list[dict[str, str]]:
    """The attributes of each ``tag`` element of a small part (names without prefix;
    ``r:id`` becomes ``id``)."""
    found: list[dict[str, str]] = []
    parser = expat.ParserCreate(namespace_separator=" ")

    def start(name: str, attrs: dict[str, str]) -> None:
        if name.rpartition(" ")[2] == tag:
            found.append({key.rpartition(" ")[2]: value for key, value in attrs.items()})

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.Parse(archive.read(member), True)
    return found


def _first_sheet(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    """The path of the workbook's first worksheet (what pandas and openpyxl read: a
    chart sheet is passed over)."""
    targets: dict[str, str] = {}
    order: list[str] = []
    try:
        order = [a.get("id", "") for a in _attributes(archive, "xl/workbook.xml", "sheet")]
        if "xl/_rels/workbook.xml.rels" in names:
            rels = _attributes(archive, "xl/_rels/workbook.xml.rels", "Relationship")
            targets = {a.get("Id", ""): a.get("Target", "") for a in rels}
    except (expat.ExpatError, KeyError):
        pass
    for sheet_id in order:
        target = targets.get(sheet_id, "")
        path = target.lstrip("/") if target.startswith("/") else "xl/" + target
        if path.startswith("xl/worksheets/") and path in names:
            return path
    sheets = sorted(n for n in names if re.fullmatch(r"xl/worksheets/[^/]+\.xml", n))
    return sheets[0] if sheets else None


# The last files passed: the upload form's check and the import that follows read the
# same bytes; the second is not counted again.
_PASSED: dict[tuple[str, bytes, Bounds], Extent] = {}


def _remembered(kind: str, data: bytes, bounds: Bounds | None, count: Any) -> Extent:
    bounds = bounds or Bounds.from_settings()
    key = (kind, hashlib.blake2b(data, digest_size=16).digest(), bounds)
    extent = _PASSED.get(key)
    if extent is None:
        extent = count(data, bounds)
        _PASSED[key] = extent
        while len(_PASSED) > 4:
            _PASSED.pop(next(iter(_PASSED)), None)
    return extent


def check_workbook(data: bytes, bounds: Bounds | None = None) -> Extent:
    """The first sheet's extent and formula cells; raises TooCostly when reading the
    workbook would cost more than the bounds. A file that is not a workbook at all is
    left to the reader (an empty extent)."""
    return _remembered("xlsx", data, bounds, _count_workbook)


def _count_workbook(data: bytes, bounds: Bounds) -> Extent:
    run = _Pass(bounds)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return run.extent
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_MEMBERS:
            raise _too_big_opened()
        names = {e.filename for e in entries}
        sheet = _first_sheet(archive, names) if "xl/workbook.xml" in names else None
        sheets = re.compile(r"xl/worksheets/[^/]+\.xml|xl/sharedStrings\.xml")
        for entry in entries:
            big = entry.file_size > RATIO_FLOOR
            ratio = entry.file_size / max(entry.compress_size, 1)
            if big and ratio > run.bounds.max_ratio:
                raise _too_big_opened()
            part = entry.filename.endswith((".xml", ".rels"))
            if part and entry.file_size > MAX_PART_BYTES and not sheets.fullmatch(entry.filename):
                raise _too_big_opened()
        try:
            if "xl/sharedStrings.xml" in names:
                with archive.open("xl/sharedStrings.xml") as source:
                    _strings_pass(source, run)
            if sheet:
                with archive.open(sheet) as source:
                    _sheet_pass(source, run)
        except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, OSError):
            return Extent()  # damaged: the reader says so in its own words
    return run.extent


# ------------------------------------------------------------------------------ csv


def sniff_separator(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t", "|")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ";"


def check_csv(data: bytes, bounds: Bounds | None = None) -> Extent:
    """Rows and widest row of a CSV, read in one streaming pass; raises TooCostly.

    Read as Latin-1, which maps every byte to one character: separators, quotes and line
    ends are ASCII, so the layout is the same whatever the file's real encoding. The
    separator is the one the first line uses most, as importing.py guesses it."""
    return _remembered("csv", data, bounds, _count_csv)


def _count_csv(data: bytes, bounds: Bounds) -> Extent:
    run = _Pass(bounds)
    text = io.TextIOWrapper(io.BytesIO(data), encoding="latin-1", newline=None)
    separator = sniff_separator(text.readline())
    text.seek(0)
    limit = run.bounds.max_columns

    def lines() -> Any:
        for line in text:
            if line.count(separator) >= limit:  # before the csv module splits it
                raise _too_wide(run.bounds)
            yield line

    extent = run.extent
    source = lines()
    try:
        for number, row in enumerate(csv.reader(source, delimiter=separator), start=1):
            if len(row) > extent.columns:
                extent.columns = len(row)
            extent.rows = number
            if number % 2048 == 0:
                run.check()
    except csv.Error:  # a cell over the csv module's size: the rest counted by lines
        for _line in source:
            extent.rows += 1
            if extent.rows % 2048 == 0:
                run.check()
    run.check()
    return extent
