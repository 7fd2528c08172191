"""On a phone, in Chromium: a prescriber records a household with the RSA, sees the 15 EUR
computer offered with its reasons and the PRE loan refused with its reason, sends the
prescription; the association's manager validates; the prescriber sees it validated."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from app.authz.policy import OrgKind, Role
from tests import factories
from tests.e2e.a11y import AXE, axe_violations
from tests.e2e.conftest import browser_login

PASSWORD = "mot-de-passe-du-test-e2e"


@pytest.fixture
def people(app: Any) -> dict[str, Any]:
    fs = factories.create_org(
        OrgKind.PRESCRIBER,
        slug="fs-chateaudun-e2e",
        name="France Services Châteaudun",
        commune="Châteaudun",  # the 15 EUR computer is for Châteaudun and Nogent (004:18)
        postcode="28200",
    )
    asso = factories.create_org(OrgKind.ASSOCIATION, slug="atelier-e2e", name="Atelier Solidaire")
    prescriber = factories.create_user(
        Role.PRESCRIBER, fs, email="aline@fs.test", password=PASSWORD, full_name="Aline Morel"
    )
    manager = factories.create_user(
        Role.MANAGER, asso, email="karim@atelier.test", password=PASSWORD, full_name="Karim B."
    )
    return {"prescriber": prescriber, "manager": manager, "asso": asso}


def no_axe_violations(page: Any) -> None:
    if AXE.exists():
        assert axe_violations(page) == []


def log_out(page: Any) -> None:
    page.get_by_role("button", name="Se déconnecter").click()


def test_prescriber_to_association_and_back(phone_page: Any, people: dict[str, Any]) -> None:
    page = phone_page
    browser_login(page, "aline@fs.test", PASSWORD)
    page.goto("/foyers/nouveau")
    no_axe_violations(page)

    # A mistake first: what was typed stays.
    page.get_by_label("Prénom et nom (ou initiales)").fill("Mme Lefèvre")
    page.get_by_label("Son âge").fill("45")
    page.get_by_label("RSA (revenu de solidarité active)").check()
    page.get_by_role("button", name="Enregistrer et voir les programmes").click()
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire contient des erreurs")
    expect(page.get_by_label("Prénom et nom (ou initiales)")).to_have_value("Mme Lefèvre")
    expect(page.get_by_label("RSA (revenu de solidarité active)")).to_be_checked()
    expect(page.get_by_label("Code postal")).to_have_value("28200")
    no_axe_violations(page)

    page.get_by_label("Téléphone", exact=True).fill("06 12 34 56 78")
    page.get_by_label(
        "J'ai expliqué à la personne pourquoi ces informations sont enregistrées."
    ).check()
    page.get_by_role("button", name="Enregistrer et voir les programmes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mme Lefèvre")

    rsa = page.locator("article[data-programme='rsa-ordinateur-15']")
    expect(rsa).to_contain_text("Éligible")
    expect(rsa).to_contain_text("15 €")
    expect(rsa).to_contain_text("Statut attesté : RSA")
    expect(rsa).to_contain_text("Le foyer habite Châteaudun (28200)")
    expect(rsa).to_contain_text("test Pix")
    pre = page.locator("article[data-programme='pre-pret-ordinateur']")
    expect(pre).to_contain_text("Non éligible")
    expect(pre).to_contain_text("Aucun membre du foyer n'a de 2 à 16 ans")
    # The offer comes first on the page.
    expect(page.locator("article.decision").first).to_have_attribute(
        "data-programme", "rsa-ordinateur-15"
    )
    no_axe_violations(page)

    rsa.get_by_role("link", name="Prescrire : Ordinateur solidaire RSA à 15 €").click()
    expect(page.get_by_label("Ordinateur solidaire RSA à 15 €", exact=False)).to_be_checked()
    page.get_by_label("Ordinateur portable", exact=True).check()
    page.get_by_label("Démarches en ligne (CAF, impôts, santé)").check()
    page.get_by_label("passer le test Pix").check()
    page.get_by_label("Association").select_option(label="Atelier Solidaire")
    no_axe_violations(page)
    page.get_by_role("button", name="Envoyer à l'association").click()
    expect(page.get_by_role("status")).to_contain_text("Prescription envoyée à l'association.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Envoyée à l'association")
    prescription_url = page.url
    no_axe_violations(page)
    log_out(page)

    browser_login(page, "karim@atelier.test", PASSWORD)
    page.goto("/prescriptions")
    expect(page.get_by_role("heading", name="À traiter (1)")).to_be_visible()
    page.get_by_role("link", name=prescription_url.rsplit("/", 1)[1]).first.click()
    expect(page.get_by_role("main")).to_contain_text("Mme Lefèvre")
    expect(page.get_by_role("main")).to_contain_text("Vente d'un ordinateur")
    page.get_by_role("button", name="Valider la prescription").click()
    expect(page.get_by_role("status")).to_contain_text("Prescription validée")
    log_out(page)

    browser_login(page, "aline@fs.test", PASSWORD)
    page.goto(prescription_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Validée")
    page.get_by_role("link", name="Fiche à imprimer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fiche de prescription")
    expect(page.locator("body")).to_contain_text("Atelier Solidaire")
    expect(page.locator("body")).to_contain_text("15 €")
    no_axe_violations(page)
