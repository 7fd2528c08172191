"""Reading a device file (CSV or XLSX) as French Excel writes it.

No Flask, no SQLAlchemy: pandas reads, this module checks each cell and reports every
problem by row and column. services_import.py then checks the stock and writes all or
nothing.

French Excel quirks handled: ``;`` separators, decimal commas ("15,6"), units in cells
("8 Go", "1 To"), accents in UTF-8 (with or without BOM), Windows-1252 or Latin-1, and
French headers with or without accents ("Modèle", "N° de série", "Mémoire (Go)").
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pandas as pd
from openpyxl.utils import column_index_from_string

from app.core import spreadsheet, upload_bounds
from app.inventory.grading import StorageType
from app.inventory.identifiers import imei_problem
from app.inventory.lifecycle import DeviceType


@dataclass(frozen=True)
class Problem:
    row: int  # as the spreadsheet numbers it: 1 is the header, data starts at 2
    column: str  # the header as written in the file ("" for the whole row)
    message: str
    # A duplicate serial or IMEI: blocking unless a manager gives a reason.
    overridable: bool = False


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]  # services.DeviceInput's fields
    extra: dict[str, Any] = field(default_factory=dict)  # state, origin (mapped_import.py)


@dataclass
class ParsedFile:
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # our field -> the file's header
    ignored_headers: list[str] = field(default_factory=list)
    encoding: str = ""
    separator: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


class ImportFileError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@lru_cache(maxsize=8192)
def _key(text: str) -> str:
    """Header or value -> comparable key: no accents, lower case, letters and digits only."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "", text)


# Our field -> the headers people write for it (compared through _key()).
HEADERS: dict[str, tuple[str, ...]] = {
    "device_type": ("type", "type d'appareil", "catégorie", "categorie", "device_type"),
    "brand": ("marque", "fabricant", "brand"),
    "model": ("modèle", "modele", "model", "référence", "reference"),
    "serial": (
        "n° de série",
        "numéro de série",
        "no de série",
        "n° série",
        "série",
        "serial",
        "sn",
        "numero serie",
    ),
    "imei": ("imei",),
    "cpu": ("processeur", "cpu"),
    "cpu_score": ("indice processeur", "score processeur", "passmark", "cpu_score"),
    "ram_gb": ("ram", "ram (go)", "mémoire", "mémoire (go)", "mémoire vive", "ram_gb"),
    "storage_type": ("type de stockage", "type de disque", "disque", "storage_type"),
    "storage_gb": (
        "stockage",
        "stockage (go)",
        "capacité",
        "capacité (go)",
        "taille disque",
        "disque (go)",
        "storage_gb",
    ),
    "screen_inches": ("écran", "écran (pouces)", "taille écran", "pouces", "screen_inches"),
    "os": ("système", "système d'exploitation", "os"),
    "battery_health_pct": ("batterie", "batterie (%)", "santé batterie", "battery_health_pct"),
    "condition": ("état", "état à l'arrivée", "etat arrivee", "condition"),
    "condition_notes": ("remarques", "observations", "commentaire", "notes", "condition_notes"),
    "location": ("emplacement", "lieu de stockage", "rangement", "location"),
}
_HEADER_INDEX = {_key(alias): name for name, aliases in HEADERS.items() for alias in aliases}

REQUIRED = ("device_type",)
# A device must be identifiable: a serial, an IMEI, or at least a brand and a model.

TYPE_WORDS: dict[str, DeviceType] = {
    _key(word): kind
    for kind, words in {
        DeviceType.LAPTOP: (
            "portable",
            "pc portable",
            "ordinateur portable",
            "laptop",
            "notebook",
            "ultrabook",
        ),
        DeviceType.DESKTOP: ("fixe", "pc fixe", "ordinateur fixe", "tour", "unité centrale", "desktop", "uc"),
        DeviceType.TABLET: ("tablette", "tablet", "ipad"),
        DeviceType.SMARTPHONE: ("smartphone", "téléphone", "telephone", "mobile", "portable téléphone"),
        DeviceType.SCREEN: ("écran", "moniteur", "screen", "monitor"),
        DeviceType.PRINTER: ("imprimante", "printer"),
        DeviceType.OTHER: ("autre", "other", "divers"),
    }.items()
    for word in words
}  # fmt: skip

STORAGE_WORDS: dict[str, StorageType] = {
    "hdd": StorageType.HDD,
    "disquedur": StorageType.HDD,
    "mecanique": StorageType.HDD,
    "ssd": StorageType.SSD,
    "sata": StorageType.SSD,
    "nvme": StorageType.NVME,
    "m2": StorageType.NVME,
    "ssdnvme": StorageType.NVME,
    "emmc": StorageType.EMMC,
    "aucun": StorageType.NONE,
    "none": StorageType.NONE,
    "sansdisque": StorageType.NONE,
}

CONDITION_WORDS = {
    "fonctionne": "working",
    "fonctionnel": "working",
    "bon": "working",
    "bonetat": "working",
    "ok": "working",
    "working": "working",
    "atester": "untested",
    "nonteste": "untested",
    "inconnu": "untested",
    "untested": "untested",
    "enpanne": "faulty",
    "panne": "faulty",
    "defectueux": "faulty",
    "faulty": "faulty",
    "casse": "broken",
    "hs": "broken",
    "horsservice": "broken",
    "broken": "broken",
}

ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
MAX_ROWS = 50_000


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was in: UTF-8 (BOM or not), else Windows-1252, else Latin-1."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ImportFileError("Le fichier n'est pas un texte lisible.")  # latin-1 never fails


def sniff_separator(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {sep: first.count(sep) for sep in (";", ",", "\t", "|")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ";"


def read_table(data: bytes, filename: str) -> tuple[pd.DataFrame, str, str]:
    """The file as a table of strings, with the encoding and separator found."""
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        # Bounded first (rows x columns, time), in one streaming pass that also lists
        # the formula cells: pandas reads a formula as its cached value, each is reported.
        extent = _bounded(upload_bounds.check_workbook, data)
        try:
            frame = pd.read_excel(
                io.BytesIO(data), dtype=str, engine="openpyxl", keep_default_na=False
            ).fillna("")
            frame.attrs["formulas"] = extent.formulas
        except Exception as exc:  # openpyxl raises many kinds on a damaged file
            raise ImportFileError("Ce fichier Excel n'a pas pu être lu (.xlsx attendu).") from exc
        return frame, "xlsx", ""
    if name.endswith(".xls"):
        raise ImportFileError(
            "Les anciens fichiers Excel (.xls) ne sont pas lus : enregistrez-le en .xlsx ou .csv."
        )
    _bounded(upload_bounds.check_csv, data)
    text, encoding = decode(data)
    separator = sniff_separator(text)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
            quoting=csv.QUOTE_MINIMAL,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ImportFileError(
            "Ce fichier CSV n'a pas pu être lu : vérifiez qu'il a une ligne d'en-têtes et "
            "le même nombre de colonnes à chaque ligne."
        ) from exc
    return frame.fillna(""), encoding, separator


def _bounded(check: Any, data: bytes) -> upload_bounds.Extent:
    try:
        return check(data)  # type: ignore[no-any-return]
    except upload_bounds.TooCostly as exc:
        raise ImportFileError(exc.message) from None


def formula_problems(frame: pd.DataFrame) -> list[Problem]:
    """One problem per formula cell of a workbook read by read_table()."""
    headers = [str(c) for c in frame.columns]
    problems = []
    for row, letter in frame.attrs.get("formulas", []):
        index = column_index_from_string(letter) - 1
        header = headers[index] if index < len(headers) else letter
        problems.append(Problem(row, header, spreadsheet.formula_message(row, letter)))
    return problems


_NUMBER = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*([a-zA-Zéè%\"'’]*)\s*$")


@lru_cache(maxsize=8192)
def parse_number(text: str, *, unit: str = "") -> float:
    """ "15,6" -> 15.6 ; "8 Go" -> 8 ; "1 To" -> 1000 (with unit="go") ; "1 000" -> 1000."""
    cleaned = text.replace("\u00a0", " ").replace("\u202f", " ").strip()
    cleaned = re.sub(r"(?<=\d) (?=\d{3}\b)", "", cleaned)  # "1 000" thousands
    match = _NUMBER.match(cleaned)
    if not match:
        raise ValueError(text)
    value = float(match.group(1).replace(",", "."))
    suffix = _key(match.group(2))
    if unit == "go" and suffix in ("to", "tb", "tio"):
        value *= 1000
    elif unit == "go" and suffix in ("mo", "mb"):
        value /= 1000
    return value


def _cell(value: Any) -> str:
    return spreadsheet.unquote(" ".join(str(value).split())) if value is not None else ""


def parse(data: bytes, filename: str) -> ParsedFile:
    """Read and check every row; problems are reported, never raised (but for a file that
    cannot be read at all, which raises ImportFileError)."""
    frame, encoding, separator = read_table(data, filename)
    result = ParsedFile(encoding=encoding, separator=separator)
    for header in frame.columns:
        name = _HEADER_INDEX.get(_key(str(header)))
        if name and name not in result.headers:
            result.headers[name] = str(header)
        elif not str(header).startswith("Unnamed"):
            result.ignored_headers.append(str(header))
    for name in REQUIRED:
        if name not in result.headers:
            result.problems.append(
                Problem(1, "", "Colonne « Type » introuvable dans la ligne d'en-têtes.")
            )
    if len(frame) > MAX_ROWS:
        result.problems.append(Problem(1, "", f"Plus de {MAX_ROWS} lignes : coupez le fichier."))
    if result.problems:
        return result
    result.problems.extend(formula_problems(frame))
    serials: dict[str, int] = {}
    columns = {name: frame[header].tolist() for name, header in result.headers.items()}
    for index in range(len(frame)):
        row_number = index + 2
        raw = {name: _cell(values[index]) for name, values in columns.items()}
        if not any(raw.values()):
            continue  # blank line: Excel leaves them
        values, problems = _check_row(row_number, raw, result.headers)
        serial = values.get("serial", "")
        if serial:
            if serial in serials:
                problems.append(
                    Problem(
                        row_number,
                        result.headers["serial"],
                        f"Numéro de série en double dans le fichier (déjà ligne {serials[serial]}).",
                        overridable=True,
                    )
                )
            else:
                serials[serial] = row_number
        result.problems.extend(problems)
        result.rows.append(ParsedRow(row_number, values))
    if not result.rows and not result.problems:
        result.problems.append(Problem(2, "", "Le fichier ne contient aucun appareil."))
    return result


def _check_row(
    row: int, raw: dict[str, str], headers: dict[str, str]
) -> tuple[dict[str, Any], list[Problem]]:
    problems: list[Problem] = []
    values: dict[str, Any] = {}

    def problem(name: str, message: str) -> None:
        problems.append(Problem(row, headers.get(name, ""), message))

    kind_text = raw.get("device_type", "")
    if not kind_text:
        problem("device_type", "Type manquant (champ obligatoire).")
    else:
        kind = TYPE_WORDS.get(_key(kind_text))
        if kind is None:
            problem(
                "device_type",
                f"Type inconnu « {kind_text} » : portable, fixe, tablette, smartphone, "
                "écran, imprimante ou autre.",
            )
        else:
            values["device_type"] = kind
    for name in ("brand", "model", "cpu", "os", "condition_notes", "location"):
        values[name] = raw.get(name, "")
    values["serial"] = raw.get("serial", "").replace(" ", "").upper()
    values["imei"] = raw.get("imei", "").replace(" ", "")
    wrong_imei = imei_problem(values["imei"])
    if wrong_imei:
        problem("imei", wrong_imei)
    if not (values["serial"] or values["imei"] or (values["brand"] and values["model"])):
        problem("serial", "Numéro de série manquant (ou, à défaut, marque et modèle).")
    for name, unit, integer, low, high in (
        ("ram_gb", "go", False, 0, 1024),
        ("storage_gb", "go", True, 0, 100_000),
        ("screen_inches", "", False, 1, 100),
        ("battery_health_pct", "", True, 0, 100),
        ("cpu_score", "", True, 0, 200_000),
    ):
        text = raw.get(name, "")
        if not text:
            values[name] = None
            continue
        try:
            number = parse_number(text, unit=unit)
        except ValueError:
            problem(name, f"« {text} » n'est pas un nombre.")
            continue
        if not low <= number <= high:
            problem(name, f"« {text} » hors limites ({low} à {high}).")
            continue
        values[name] = round(number) if integer else number
    storage = raw.get("storage_type", "")
    if storage:
        found = STORAGE_WORDS.get(_key(storage))
        if found is None:
            problem(
                "storage_type", f"Type de stockage inconnu « {storage} » : HDD, SSD, NVMe, eMMC."
            )
        values["storage_type"] = found
    else:
        values["storage_type"] = None
    condition = raw.get("condition", "")
    values["condition"] = (
        CONDITION_WORDS.get(_key(condition), "untested") if condition else "untested"
    )
    if condition and _key(condition) not in CONDITION_WORDS:
        problem(
            "condition",
            f"État « {condition} » inconnu : fonctionne, à tester, en panne ou cassé.",
        )
    return values, problems
