"""A coordinator opens the dashboard, filters a period, downloads the spreadsheet and the
funder's report; both files are opened and read."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from app.accounts.cli import seed_demo
from app.accounts.demo import DEMO_PASSWORD
from app.core.clock import today
from tests.e2e.a11y import AXE, axe_violations
from tests.e2e.conftest import browser_login

VIEWER = "financeur@coordination-moselle.local"


@pytest.fixture
def demo(app):  # type: ignore[no-untyped-def]
    result = app.test_cli_runner().invoke(seed_demo)
    assert result.exit_code == 0, result.output


def test_coordinator_filters_a_period_and_downloads_xlsx_and_pdf(page, demo) -> None:  # type: ignore[no-untyped-def]
    browser_login(page, VIEWER, DEMO_PASSWORD)
    page.get_by_role("link", name="Tableau de bord").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    expect(page.get_by_text("Tout le territoire ·")).to_be_visible()

    # The period: the last three months, then "Afficher".
    start = (today() - timedelta(days=90)).replace(day=1)
    end = today()
    page.get_by_label("Du", exact=True).fill(start.isoformat())
    page.get_by_label("Au", exact=True).fill(end.isoformat())
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator(".lead")).to_contain_text(f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}")
    assert f"debut={start.isoformat()}" in page.url

    # Every chart has its table; the monthly table has one row per month of the period.
    flows = page.locator("#flux_mensuels")
    expect(flows.get_by_role("img")).to_have_count(1)
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    expect(flows.locator("tbody tr")).to_have_count(months)
    received_on_page = sum(
        int(cell.replace("\u202f", "") or 0)
        for cell in flows.locator("tbody tr td:nth-child(2)").all_inner_texts()
    )
    expect(
        page.get_by_role("heading", name="Facteurs utilisés pour l'impact environnemental")
    ).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le tableur (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert "À propos" in workbook.sheetnames
    about = {row[0]: row[1] for row in workbook["À propos"].iter_rows(min_row=2, values_only=True)}
    assert about["Période"] == f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}"
    assert about["Organisations"] == "Tout le territoire"
    flows_sheet = workbook["Flux mensuels d'appareils"]
    rows = list(flows_sheet.iter_rows(values_only=True))
    assert rows[0] == ("Mois", "Reçus", "Reconditionnés", "Remis aux foyers", "Mis au rebut")
    assert len(rows) - 1 == months
    assert sum(r[1] for r in rows[1:]) == received_on_page
    assert any(name.startswith("Facteurs") for name in workbook.sheetnames)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le rapport (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    reader = PdfReader(download.path())
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Rapport d'activité et d'impact" in text
    assert f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}" in text
    assert "Flux mensuels d'appareils" in text
    assert "ADEME" in text
    assert reader.metadata.title == "Rapport d'activité et d'impact"


def test_manager_sees_only_their_organisation(page, demo) -> None:  # type: ignore[no-untyped-def]
    browser_login(page, "responsable@atelier-metz.local", DEMO_PASSWORD)
    page.goto("/rapports/")
    expect(page.locator(".lead")).to_contain_text("Atelier Numérique Solidaire de Metz")
    expect(page.get_by_label("Organisation", exact=True)).to_have_count(0)


def test_dashboard_on_a_phone(phone_page, demo) -> None:  # type: ignore[no-untyped-def]
    browser_login(phone_page, VIEWER, DEMO_PASSWORD)
    phone_page.goto("/rapports/")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    # Nothing wider than the screen but the tables, which scroll inside their box.
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_dashboard_passes_axe(page, phone_page, demo, width: str) -> None:  # type: ignore[no-untyped-def]
    if not AXE.exists():
        pytest.fail("axe-core missing: run `npm install` (make test does)")
    target = phone_page if width == "phone" else page
    browser_login(target, VIEWER, DEMO_PASSWORD)
    target.goto("/rapports/")
    assert axe_violations(target) == []
    # The error state of the filters too.
    target.goto("/rapports/?debut=2026-05-01&fin=2026-04-01")
    expect(target.get_by_role("alert")).to_contain_text("La date de fin est avant")
    assert axe_violations(target) == []


def test_personal_data_pages_pass_axe(page, demo) -> None:  # type: ignore[no-untyped-def]
    if not AXE.exists():
        pytest.fail("axe-core missing: run `npm install` (make test does)")
    browser_login(page, "prescripteur@ccas-metz.local", DEMO_PASSWORD)
    page.goto("/rapports/donnees-personnelles/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Données personnelles des foyers")
    assert axe_violations(page) == []
    link = page.locator("table a").first
    if link.count():
        link.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(
            "Données personnelles du foyer"
        )
        assert axe_violations(page) == []
