"""Uploaded files (imports) checked for size and type before anything reads them.

The extension is only a claim: the first bytes must agree with it. A spreadsheet is a zip
archive whose expanded size is bounded (a few kilobytes can expand to gigabytes); a text
file has no NUL bytes and no signature of a binary format. A workbook or a CSV must
also be cheap enough to read (rows x columns, time: upload_bounds.py). Each refusal says,
in plain French, what to do instead.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import StopValidation

from app.core import upload_bounds

EXTENSIONS = {"csv": (".csv", ".txt"), "xlsx": (".xlsx",), "json": (".json",)}
# Signatures of formats people pick by mistake (a photo, a PDF, an old .xls, a program).
BINARY_SIGNATURES = (
    b"PK\x03\x04",
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\xd0\xcf\x11\xe0",  # old Office (.xls, .doc)
    b"MZ",
    b"\x7fELF",
    b"\x1f\x8b",  # gzip
)
XLSX_EXPANSION = 20  # a real workbook expands 3 to 10 times
MIB = 1024 * 1024
KIND_NAMES = {"csv": _l("CSV"), "xlsx": _l("Excel (.xlsx)"), "json": _l("JSON")}


def _megabytes(size: int) -> str:
    return f"{size / MIB:.1f}".replace(".", ",")


def check(data: bytes, filename: str, kinds: tuple[str, ...], max_bytes: int) -> str | None:
    """The problem with this file, in French, or None when it may be read."""
    name = (filename or "").lower()
    kind = next((k for k in kinds if name.endswith(EXTENSIONS[k])), None)
    if kind is None:
        wanted = ", ".join(str(KIND_NAMES[k]) for k in kinds)
        return _(
            "Ce type de fichier n'est pas accepté ici : envoyez un fichier %(kinds)s.", kinds=wanted
        )
    if not data:
        return _("Le fichier est vide.")
    if len(data) > max_bytes:
        return _(
            "Le fichier fait plus de %(limit)s Mo, la taille acceptée ici : "
            "coupez-le en plusieurs fichiers.",
            limit=_megabytes(max_bytes),
        )
    if kind == "xlsx":
        return _check_workbook(data, max_bytes) or _costly(upload_bounds.check_workbook, data)
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _(
            "Ce fichier est en « texte Unicode » (UTF-16) : enregistrez-le plutôt en "
            "« CSV UTF-8 » depuis votre tableur."
        )
    if head.startswith(BINARY_SIGNATURES) or b"\x00" in head:
        if kind == "json":
            return _("Ce fichier n'est pas du JSON : c'est un fichier d'un autre type.")
        return _(
            "Ce fichier n'est pas un fichier texte CSV (une image, un PDF, un ancien .xls ?). "
            "Depuis votre tableur, choisissez « Enregistrer sous » puis « CSV »."
        )
    if kind == "json" and not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        return _("Ce fichier n'est pas du JSON lisible.")
    if kind == "csv":
        return _costly(upload_bounds.check_csv, data)
    return None


def _costly(check: Any, data: bytes) -> str | None:
    """The streaming pass of upload_bounds.py: its refusal, or None."""
    try:
        check(data)
    except upload_bounds.TooCostly as exc:
        return exc.message
    return None


def _check_workbook(data: bytes, max_bytes: int) -> str | None:
    invalid = _("Ce fichier n'est pas un classeur Excel (.xlsx) valide.")
    if not data.startswith(b"PK\x03\x04"):
        return invalid
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        return invalid
    if not any(e.filename == "xl/workbook.xml" for e in entries):
        return invalid
    if sum(e.file_size for e in entries) > XLSX_EXPANSION * max_bytes or len(entries) > 10_000:
        return _("Ce classeur est trop gros une fois ouvert : coupez-le en plusieurs fichiers.")
    return None


class UploadCheck:
    """WTForms validator: the file's size and type, read once and rewound for the route."""

    def __init__(self, kinds: tuple[str, ...], max_bytes: int) -> None:
        self.kinds = kinds
        self.max_bytes = max_bytes

    def __call__(self, form: Any, field: Any) -> None:
        upload = field.data
        if upload is None or not hasattr(upload, "stream"):
            return  # FileRequired speaks for a missing file
        data = upload.stream.read(self.max_bytes + 1)
        upload.stream.seek(0)
        problem = check(data, upload.filename or "", self.kinds, self.max_bytes)
        if problem:
            raise StopValidation(problem)
