"""Uploaded files are checked for size and type before anything reads them: a photo named
.csv, an empty file, a renamed text file posing as a workbook, a zip bomb, a file over the
limit. Each is refused with a message in French, nothing is written, nothing is stored."""

from __future__ import annotations

import gc
import io
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.authz.policy import OrgKind, Role
from tests import factories
from tests.conftest import login_client
from tests.fuzzing import table_digest

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)
CSV_HEADER = "Type;Marque;Modèle\r\nPortable;Lenovo;T470\r\n".encode("cp1252")


def _workbook_bomb(expanded: int) -> bytes:
    """A valid-looking .xlsx whose one sheet expands to ``expanded`` bytes of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = bytes(1024 * 1024)
            for _ in range(expanded // len(block)):
                sheet.write(block)
    return out.getvalue()


# (endpoint path, role, extra form fields, file name, content, words the answer must show)
CASES = [
    ("/inventaire/import", Role.MANAGER, {}, "don.csv", PNG, "pas un fichier texte CSV"),
    ("/inventaire/import", Role.MANAGER, {}, "don.exe", CSV_HEADER, "pas accepté"),
    ("/inventaire/import", Role.MANAGER, {}, "don.csv", b"", "vide"),
    ("/inventaire/import", Role.MANAGER, {}, "don.xlsx", CSV_HEADER, "classeur Excel"),
    ("/inventaire/import", Role.MANAGER, {}, "don.csv", "Type".encode("utf-16"), "UTF-16"),
    ("/inventaire/import", Role.MANAGER, {}, "don.csv", b"Type;\n" * 2_000_000, "10,0 Mo"),
    ("/tarifs/import", Role.ADMIN, {}, "tarifs.csv", b"%PDF-1.7\n" + bytes(100), "texte CSV"),
    ("/tarifs/import", Role.ADMIN, {}, "tarifs.xlsx", CSV_HEADER, "pas accepté"),
    ("/tarifs/import", Role.ADMIN, {}, "tarifs.csv", b"a;b\n" * 600_000, "2,0 Mo"),
    (
        "/formation/donnees-ouvertes/import",
        Role.ADMIN,
        {"kind": "data_inclusion"},
        "di.json",
        PNG,
        "pas du JSON",
    ),
    (
        "/formation/donnees-ouvertes/import",
        Role.ADMIN,
        {"kind": "data_inclusion"},
        "di.json",
        b"nom;adresse\n",
        "pas du JSON",
    ),
    (
        "/formation/donnees-ouvertes/import",
        Role.ADMIN,
        {"kind": "mednum"},
        "lieux.pdf",
        b"%PDF-1.7",
        "pas accepté",
    ),
]


@pytest.fixture(autouse=True)
def _collect_spooled_uploads() -> Iterator[None]:
    """Uploads over 500 kB are spooled by Werkzeug to temporary files; when one of them
    is only released by the garbage collector (seen with the test client, not in our code),
    Python warns in whichever later test the collector happens to run. Collect here."""
    yield
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def _post(client: Any, path: str, data: dict[str, Any], **kwargs: Any) -> Any:
    """A multipart POST encoded in memory (the test client would spool big bodies to a
    temporary file it never closes)."""
    values = {
        key: FileStorage(value[0], filename=value[1]) if isinstance(value, tuple) else value
        for key, value in data.items()
    }
    boundary, body = encode_multipart(values)
    return client.post(
        path, data=body, content_type=f"multipart/form-data; boundary={boundary}", **kwargs
    )


def _stored_imports(app: Flask) -> list[Path]:
    folder = Path(app.instance_path) / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def _user(role: Role) -> Any:
    kind = {Role.ADMIN: OrgKind.COORDINATOR}.get(role, OrgKind.ASSOCIATION)
    return factories.create_user(role, factories.create_org(kind))


@pytest.mark.parametrize(
    ("path", "role", "fields", "name", "content", "words"),
    CASES,
    ids=[f"{c[0].split('/')[1]}-{c[3]}-{c[5]}" for c in CASES],
)
def test_bad_files_are_refused_in_french_and_nothing_is_kept(  # type: ignore[no-untyped-def]
    app: Flask, path, role, fields, name, content, words
) -> None:
    client = login_client(app.test_client(), _user(role))
    stored = _stored_imports(app)
    before = table_digest()
    data = {**fields, "file": (io.BytesIO(content), name)}
    if path == "/inventaire/import":
        data["reference"] = "BON-2026-17"  # typed by the clerk: must still be there
    response = client.post(
        path, data=data, content_type="multipart/form-data", follow_redirects=True
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')
    assert words in page
    if path == "/inventaire/import":
        assert 'value="BON-2026-17"' in page
    assert table_digest() == before
    assert _stored_imports(app) == stored


def test_a_zip_bomb_posing_as_a_workbook_is_refused_unopened(app: Flask) -> None:
    bomb = _workbook_bomb(expanded=201 * 1024 * 1024)  # 20 times the 10 MB limit, and more
    assert len(bomb) < 1024 * 1024  # small on the wire
    client = login_client(app.test_client(), _user(Role.MANAGER))
    before = table_digest()
    response = _post(client, "/inventaire/import", {"file": (io.BytesIO(bomb), "don.xlsx")})
    assert response.status_code == 200
    assert "trop gros une fois ouvert" in response.get_data(as_text=True)
    assert table_digest() == before


def test_a_request_over_the_upload_limit_gets_a_french_413(new_app) -> None:  # type: ignore[no-untyped-def]
    app = new_app(MAX_CONTENT_LENGTH=64 * 1024)
    with app.app_context():
        client = login_client(app.test_client(), _user(Role.MANAGER))
        response = _post(
            client, "/inventaire/import", {"file": (io.BytesIO(b"a;b\n" * 50_000), "don.csv")}
        )
    assert response.status_code == 413
    assert "Fichier trop gros" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
