"""Dashboard pages and downloads through HTTP: scopes, filters, CSV, XLSX and PDF."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import func, select

from app.accounts.cli import seed_demo
from app.accounts.services import find_org, find_user
from app.extensions import db
from tests.conftest import login_client


@pytest.fixture
def demo(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    # Exact sums are checked here: small counts shown as they are (test_links_and_access.py
    # checks the "< 5" of REPORT_MIN_COUNT). Only for these tests: the app is shared.
    monkeypatch.setitem(app.config, "REPORT_MIN_COUNT", 1)
    result = app.test_cli_runner().invoke(seed_demo)
    assert result.exit_code == 0, result.output


def _client(app: Flask, email: str):  # type: ignore[no-untyped-def]
    return login_client(app.test_client(), find_user(email))


def _devices(org_slug: str | None = None) -> int:
    from app.inventory.models import Device

    query = select(func.count()).select_from(Device)
    if org_slug:
        query = query.where(Device.organisation_id == find_org(org_slug).id)
    return int(db.session.scalar(query) or 0)


def test_viewer_sees_the_territory_and_can_pick_an_organisation(app: Flask, demo: None) -> None:
    client = _client(app, "financeur@coordination-moselle.local")
    page = client.get("/rapports/").get_data(as_text=True)
    assert "Tout le territoire" in page
    assert 'role="img"' in page and "<table" in page
    assert "Facteurs utilisés pour l&#39;impact environnemental" in page

    metz = find_org("atelier-metz")
    csv = client.get(f"/rapports/export/stock_etat.csv?organisation={metz.id}")
    assert csv.status_code == 200
    assert csv.headers["Content-Disposition"].startswith("attachment;")
    frame = pd.read_csv(io.BytesIO(csv.data), sep=";", decimal=",", encoding="utf-8-sig")
    assert list(frame.columns) == ["État", "Appareils"]
    assert int(frame["Appareils"].sum()) == _devices("atelier-metz")

    everything = client.get("/rapports/export/stock_etat.csv")
    frame = pd.read_csv(io.BytesIO(everything.data), sep=";", encoding="utf-8-sig")
    assert int(frame["Appareils"].sum()) == _devices()


def test_manager_sees_only_their_organisation_whatever_the_url(app: Flask, demo: None) -> None:
    client = _client(app, "responsable@ressourcerie-amiens.local")
    metz = find_org("atelier-metz")
    page = client.get(f"/rapports/?organisation={metz.id}").get_data(as_text=True)
    assert "Ressourcerie Informatique d&#39;Amiens" in page
    assert 'name="organisation"' not in page
    csv = client.get(f"/rapports/export/stock_etat.csv?organisation={metz.id}")
    frame = pd.read_csv(io.BytesIO(csv.data), sep=";", encoding="utf-8-sig")
    assert int(frame["Appareils"].sum()) == _devices("ressourcerie-amiens")
    assert _devices("ressourcerie-amiens") != _devices("atelier-metz")


def test_a_wrong_period_is_explained_and_the_default_used(app: Flask, demo: None) -> None:
    client = _client(app, "financeur@coordination-moselle.local")
    response = client.get("/rapports/?debut=2026-05-01&fin=2026-04-01")
    assert response.status_code == 200
    assert "La date de fin est avant la date de début." in response.get_data(as_text=True)
    bad = client.get("/rapports/?debut=pas-une-date")
    assert bad.status_code == 200
    assert 'role="alert"' in bad.get_data(as_text=True)


def test_xlsx_has_a_sheet_per_table_and_pdf_reads_back(app: Flask, demo: None) -> None:
    from app.reports.figures import FIGURES

    client = _client(app, "admin@ordilien.local")
    args = "?debut=2026-01-01&fin=2026-12-31"
    xlsx = client.get("/rapports/export.xlsx" + args)
    assert xlsx.status_code == 200
    assert xlsx.headers["Content-Disposition"].endswith('ordilien-20260101-20261231.xlsx"')
    sheets = pd.read_excel(io.BytesIO(xlsx.data), sheet_name=None)
    assert len(sheets) == 1 + len(FIGURES)
    about = sheets["À propos"]
    assert "du 01/01/2026 au 31/12/2026" in list(about["Valeur"])
    flows = sheets["Flux mensuels d'appareils"]
    assert len(flows) == 12
    assert list(flows.columns)[:2] == ["Mois", "Reçus"]

    pdf = client.get("/rapports/rapport.pdf" + args)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Rapport d'activité et d'impact" in text
    assert "du 01/01/2026 au 31/12/2026" in text
    assert "Chiffres clés" in text
    assert "Appareils par état" in text


def test_unknown_table_is_404(app: Flask, demo: None) -> None:
    client = _client(app, "financeur@coordination-moselle.local")
    assert client.get("/rapports/export/inconnu.csv").status_code == 404
