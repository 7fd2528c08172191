"""Uploads bounded by what they cost, not only by their size (issue 19): the 600 kB
workbook holding a 190 MB sheet, a sheet or a CSV over the rows x columns limit, a file
that takes longer than the time budget. Each is refused on the page in French, nothing is
imported or kept; an ordinary workbook still imports."""

from __future__ import annotations

import gc
import io
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.authz.policy import OrgKind, Role
from app.extensions import db
from app.inventory.cli import inventory
from app.inventory.models import Device
from tests import factories
from tests.conftest import login_client
from tests.fuzzing import table_digest
from tests.workbooks import device_workbook, sheet_bomb

NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def _collect_spooled_uploads() -> Iterator[None]:
    yield  # as in test_uploads.py: big uploads are spooled to files the client keeps
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def _manager(app: Flask) -> Any:
    user = factories.create_user(Role.MANAGER, factories.create_org(OrgKind.ASSOCIATION))
    return login_client(app.test_client(), user), user


def _admin(app: Flask) -> Any:
    user = factories.create_user(Role.ADMIN, factories.create_org(OrgKind.COORDINATOR))
    return login_client(app.test_client(), user)


def _post(client: Any, path: str, content: bytes, name: str, **fields: str) -> str:
    """The page answered to an upload (a multipart body built in memory), as text."""
    boundary, body = encode_multipart(
        {**fields, "file": FileStorage(io.BytesIO(content), filename=name)}
    )
    response = client.post(
        path, data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 200
    return response.get_data(as_text=True).replace("&#39;", "'")


def _stored(app: Flask) -> list[Path]:
    folder = Path(app.instance_path) / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_the_workbook_of_a_190_mb_sheet_is_refused_and_nothing_is_kept(app: Flask) -> None:
    bomb = sheet_bomb()
    assert len(bomb) < 1_000_000  # small on the wire, far under the 10 MB limit
    client, _user = _manager(app)
    before, stored = table_digest(), _stored(app)
    page = _post(client, "/inventaire/import", bomb, "don.xlsx", reference="BON-19")
    assert "Ce classeur est trop gros une fois ouvert" in page
    assert "enregistrez-le en CSV" in page
    assert "problèmes" not in page and 'value="BON-19"' in page
    assert table_digest() == before and _stored(app) == stored


def test_the_streaming_pass_stops_at_the_cell_limit(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the compression check, the sheet is read until rows x columns is over."""
    monkeypatch.setitem(app.config, "UPLOAD_XLSX_MAX_RATIO", 10**9)
    monkeypatch.setitem(app.config, "UPLOAD_MAX_CELLS", 100_000)
    client, _user = _manager(app)
    before = table_digest()
    page = _post(client, "/inventaire/import", sheet_bomb(), "don.xlsx")
    assert f"plus de 100{NBSP}000 cellules (lignes × colonnes" in page
    assert "sur 12 colonnes lues" in page and "coupez-le en plusieurs fichiers" in page
    assert table_digest() == before


def test_a_file_over_the_time_budget_is_refused(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "UPLOAD_TIME_BUDGET_SECONDS", 0.0)
    client, _user = _manager(app)
    page = _post(client, "/inventaire/import", device_workbook(20), "don.xlsx")
    assert "La lecture de ce fichier a dépassé 0 secondes" in page
    assert "enregistrez-le en CSV depuis votre tableur" in page


CSV_ROWS = ("Type;Marque;Modèle\r\n" + "Portable;Lenovo;T470\r\n" * 600).encode()
UPLOADS = [  # every page that reads a CSV: path, extra fields, who may upload
    ("/inventaire/import", {}, _manager),
    ("/tarifs/import", {}, _admin),
    ("/ou-aller/donnees-ouvertes/import", {"kind": "mednum"}, _admin),
]


@pytest.mark.parametrize(("path", "fields", "who"), UPLOADS, ids=[u[0] for u in UPLOADS])
def test_a_csv_over_the_cell_limit_is_refused_on_every_upload_page(  # type: ignore[no-untyped-def]
    app: Flask, monkeypatch: pytest.MonkeyPatch, path, fields, who
) -> None:
    monkeypatch.setitem(app.config, "UPLOAD_MAX_CELLS", 1_000)
    user = who(app)
    client = user[0] if isinstance(user, tuple) else user
    before = table_digest()
    page = _post(client, path, CSV_ROWS, "fichier.csv", **fields)
    assert f"plus de 1{NBSP}000 cellules" in page and "601 lignes sur 3 colonnes" in page
    assert table_digest() == before


def test_a_csv_line_of_thousands_of_columns_is_refused(app: Flask) -> None:
    client, _user = _manager(app)
    page = _post(client, "/inventaire/import", b"Type" + b";" * 50_000 + b"\r\n", "don.csv")
    assert f"Une ligne de ce fichier a plus de 1{NBSP}000 colonnes" in page


def test_an_ordinary_workbook_still_imports(app: Flask) -> None:
    client, _user = _manager(app)
    page = _post(client, "/inventaire/import", device_workbook(40), "don.xlsx")
    assert "40 appareils prêts à importer" in page
    token = re.search(r'name="token" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
    done = client.post("/inventaire/import/confirmer", data={"token": token})
    assert done.status_code == 302 and "/inventaire/lots/" in done.headers["Location"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Device)) == 40


def test_the_command_line_import_is_bounded_too(app: Flask, tmp_path: Path) -> None:
    _client, user = _manager(app)
    path = tmp_path / "don.xlsx"
    path.write_bytes(sheet_bomb())
    before = table_digest()
    result = app.test_cli_runner().invoke(
        inventory, ["import", str(path), "--org", user.organisation.slug]
    )
    assert result.exit_code == 1
    assert "Ce classeur est trop gros une fois ouvert" in result.output
    assert table_digest() == before
