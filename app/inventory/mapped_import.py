"""Reading a device file through a mapping: whichever tool wrote it (Snipe-IT, GLPI,
Ordilien, a spreadsheet of one's own), each column fills the field the mapping says and
each type or status word becomes the type or state it says.

No Flask, no SQLAlchemy: importing.read_table() reads the file (pandas), column_headers.py
proposes, importing._check_row() checks each row as for Ordilien's own files. The stock
is checked and written by import_service.import_devices (all or nothing).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.inventory import importing
from app.inventory.column_headers import FIELDS, ColumnChoice, fold, origin_note, propose
from app.inventory.importing import ParsedFile, ParsedRow, Problem
from app.inventory.lifecycle import DEVICE_TYPE_LABELS, STATE_LABELS, DeviceType, State
from app.inventory.mapping import IMPORT_STATES, SKIP, SKIP_LABEL, FileMapping

# Fields this module reads itself; importing._check_row() checks all the others.
_OWN = ("state", "external_ref", "purchase_date", "purchase_cost", "supplier", "notes")
_LENGTHS = {"external_ref": 100, "supplier": 200}
_VALUE_WORD = {"device_type": "Type", "state": "Statut"}


@dataclass
class Table:
    """The file as read: headers in their order, and each column's cells as text."""

    headers: list[str]
    cells: dict[str, list[str]]
    encoding: str = ""
    separator: str = ""
    formulas: list[Problem] = field(default_factory=list)  # a workbook's formula cells

    @property
    def row_count(self) -> int:
        return len(next(iter(self.cells.values()), []))

    def samples(self, header: str, count: int = 3) -> list[str]:
        seen: list[str] = []
        for value in self.cells.get(header, []):
            value = " ".join(value.split())
            if value and value not in seen:
                seen.append(value)
                if len(seen) == count:
                    break
        return seen

    def empty_headers(self) -> list[str]:
        return [h for h in self.headers if not any(c.strip() for c in self.cells[h])]


def read(data: bytes, filename: str) -> Table:
    """The file's table; raises importing.ImportFileError when it cannot be read at all."""
    frame, encoding, separator = importing.read_table(data, filename)
    headers: list[str] = []
    cells: dict[str, list[str]] = {}
    for position, column in enumerate(frame.columns):
        values = ["" if v is None else str(v) for v in frame.iloc[:, position].tolist()]
        header = " ".join(str(column).split())
        if header.startswith("Unnamed") and not any(v.strip() for v in values):
            continue  # Excel's trailing empty columns
        headers.append(header)
        cells[header] = values
    return Table(headers, cells, encoding, separator, importing.formula_problems(frame))


@dataclass(frozen=True)
class ValueUse:
    """One type or status word of the file, the rows that use it and what it becomes."""

    field: str  # "device_type" or "state"
    value: str  # as first written in the file
    rows: tuple[int, ...]
    target: str  # a DeviceType or State value, SKIP, or "" when unknown

    @property
    def rows_text(self) -> str:
        shown = ", ".join(str(r) for r in self.rows[:10])
        more = len(self.rows) - 10
        return shown + (f" et {more} autres" if more > 0 else "")


@dataclass
class MappedFile(ParsedFile):
    source: str = ""
    columns: list[ColumnChoice] = field(default_factory=list)
    values: list[ValueUse] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # rows left out by a SKIP choice
    mapping: FileMapping = field(default_factory=FileMapping)  # what was used, in full

    @property
    def unknown(self) -> list[ValueUse]:
        return [v for v in self.values if not v.target]


def parse(table: Table, chosen: FileMapping | None = None, remembered: FileMapping | None = None) -> MappedFile:  # fmt: skip
    """Every row read through the mapping. Precedence for columns and values: ``chosen``
    (this time), then ``remembered`` (this organisation and tool), then the vocabulary.
    Problems are reported, never raised; an unknown value is one problem naming its rows."""
    chosen = chosen or FileMapping(source="")
    source, columns = propose(
        table.headers,
        chosen.source or (remembered.source if remembered else None),
        remembered,
        chosen.columns,
        table.empty_headers(),
    )
    values_mapping = FileMapping(
        source=source,
        types={**(remembered.types if remembered else {}), **chosen.types},
        states={**(remembered.states if remembered else {}), **chosen.states},
    )
    result = MappedFile(
        encoding=table.encoding, separator=table.separator, source=source, columns=columns
    )
    result.headers = {c.field: c.header for c in columns if c.field}
    result.ignored_headers = [c.header for c in columns if not c.field]
    result.mapping = FileMapping(source=source, columns={c.header: c.field for c in columns})
    if "device_type" not in result.headers:
        result.problems.append(
            Problem(
                1,
                "",
                "Aucune colonne ne donne le type d'appareil : choisissez-la ci-dessous "
                "(Snipe-IT : « Category », GLPI : « Type »).",
            )
        )
    if table.row_count > importing.MAX_ROWS:
        result.problems.append(
            Problem(1, "", f"Plus de {importing.MAX_ROWS} lignes : coupez le fichier.")
        )
    if result.problems:
        return result

    uses: dict[tuple[str, str], list[Any]] = {}  # (field, folded) -> [written, rows, target]
    seen: dict[str, dict[str, int]] = {"serial": {}, "imei": {}}
    for index in range(table.row_count):
        row_number = index + 2
        raw = {
            name: " ".join(str(table.cells[header][index]).split())
            for name, header in result.headers.items()
        }
        if not any(raw.values()):
            continue
        skip = False
        targets: dict[str, str] = {}
        for name in ("device_type", "state"):
            text = raw.get(name, "")
            if not text:
                continue
            target = values_mapping.value_for(name, text) or ""
            use = uses.setdefault((name, fold(text)), [text, [], target])
            use[1].append(row_number)
            targets[name] = target
            skip = skip or target == SKIP
        if skip:
            result.skipped.append(row_number)
            continue
        status_text = raw.get("state", "")
        check = {k: v for k, v in raw.items() if k not in _OWN}
        if raw.get("device_type"):
            # Unknown: checked as "other" here, reported once below with all its rows.
            check["device_type"] = targets.get("device_type") or DeviceType.OTHER.value
        values, problems = importing._check_row(row_number, check, result.headers)
        extras, more = _own_fields(row_number, raw, result.headers)
        values.update(extras)
        problems += more
        for name, label in (("serial", "Numéro de série"), ("imei", "IMEI")):
            value = values.get(name, "")
            if not value:
                continue
            if value in seen[name]:
                problems.append(
                    Problem(
                        row_number,
                        result.headers[name],
                        f"{label} en double dans le fichier (déjà ligne {seen[name][value]}).",
                        overridable=True,
                    )
                )
            else:
                seen[name][value] = row_number
        extra: dict[str, Any] = {}
        state = targets.get("state", "")
        if state and state != SKIP:
            extra["state"] = State(state)
        note = origin_note(source, status_text)
        if note:
            extra["origin"] = note
        result.problems.extend(problems)
        result.rows.append(ParsedRow(row_number, values, extra))

    for (name, _key), (written, rows, target) in sorted(uses.items(), key=lambda i: i[1][1][0]):
        use = ValueUse(name, written, tuple(rows), target)
        result.values.append(use)
        if name == "device_type":
            result.mapping.types[written] = target
        else:
            result.mapping.states[written] = target
        if not target:
            result.problems.append(
                Problem(
                    rows[0],
                    result.headers[name],
                    f"{_VALUE_WORD[name]} « {written} » inconnu ({'lignes' if len(rows) > 1 else 'ligne'} "
                    f"{use.rows_text}) : "
                    "choisissez ce qu'il devient.",
                )
            )
    result.problems.extend(table.formulas)
    result.problems.sort(key=lambda p: (p.row, p.column))
    if not result.rows and not result.problems:
        result.problems.append(Problem(2, "", "Le fichier ne contient aucun appareil à importer."))
    return result


def _own_fields(
    row: int, raw: dict[str, str], headers: dict[str, str]
) -> tuple[dict[str, Any], list[Problem]]:
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for name in ("external_ref", "supplier", "notes"):
        text = raw.get(name, "")
        limit = _LENGTHS.get(name)
        if limit and len(text) > limit:
            problems.append(Problem(row, headers[name], f"Plus de {limit} caractères."))
            text = text[:limit]
        values[name] = text
    text = raw.get("purchase_date", "")
    values["purchase_date"] = None
    if text:
        found = parse_date(text)
        if found is None:
            problems.append(
                Problem(
                    row,
                    headers["purchase_date"],
                    f"Date « {text} » illisible : 31/12/2024 ou 2024-12-31 attendu.",
                )
            )
        values["purchase_date"] = found
    text = raw.get("purchase_cost", "")
    values["purchase_cost"] = None
    if text:
        cost = parse_cost(text)
        if cost is None or not 0 <= cost <= 1_000_000:
            problems.append(
                Problem(row, headers["purchase_cost"], f"Coût « {text} » : un montant attendu.")
            )
        else:
            values["purchase_cost"] = cost
    return values, problems


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")


def parse_date(text: str) -> date | None:
    """2024-12-31, 31/12/2024 (French order), with or without a time after it."""
    text = text.strip().replace("T", " ")
    head = text.split(" ", 1)[0]
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(head, pattern).date()
        except ValueError:
            continue
    return None


def parse_cost(text: str) -> float | None:
    """ "1 299,00 €", "1,299.00", "$350", "350.5" -> a number of euros (or the file's
    currency): whichever of "," and "." comes last is the decimal mark."""
    cleaned = re.sub(r"[^\d,.\-]", "", text.replace("\u00a0", "").replace("\u202f", ""))
    if not cleaned or not re.search(r"\d", cleaned):
        return None
    last = max(cleaned.rfind(","), cleaned.rfind("."))
    if last >= 0 and len(cleaned) - last - 1 == 3:
        cleaned = re.sub(r"[,.]", "", cleaned)  # "1,299" or "1.299.000": thousands only
    elif last >= 0:
        whole = re.sub(r"[,.]", "", cleaned[:last])
        cleaned = f"{whole}.{cleaned[last + 1 :]}"
    try:
        return round(float(cleaned), 2)
    except ValueError:
        return None


def field_choices() -> list[tuple[str, str]]:
    return [("", "— Ignorer cette colonne —"), *FIELDS.items()]


def value_choices(name: str) -> list[tuple[str, str]]:
    if name == "device_type":
        options = [(t.value, str(DEVICE_TYPE_LABELS[t])) for t in DeviceType]
    else:
        options = [(s.value, str(STATE_LABELS[s])) for s in IMPORT_STATES]
    return [("", "— Choisir —"), *options, (SKIP, SKIP_LABEL)]


def mapping_from_form(form: Any, table: Table, source: str, uses: Iterable[ValueUse]) -> FileMapping:  # fmt: skip
    """The mapping the page's selects give (``col-<n>``, ``val-<field>-<n>``)."""
    mapping = FileMapping(source=source)
    for position, header in enumerate(table.headers):
        name = form.get(f"col-{position}")
        if name is not None and (name == "" or name in FIELDS):
            mapping.columns[header] = name
    for position, use in enumerate(uses):
        target = form.get(f"val-{use.field}-{position}")
        if target:
            (mapping.types if use.field == "device_type" else mapping.states)[use.value] = target
    return mapping
