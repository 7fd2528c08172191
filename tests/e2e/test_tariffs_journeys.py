"""Social tariffs in Chromium: a prescriber reads a household's offers, a manager edits one."""

from __future__ import annotations

import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader

from app.authz.policy import OrgKind, Role
from app.eligibility.vocabulary import Connection
from app.extensions import db
from app.tariffs import governance
from tests import factories
from tests.access.households import make_household
from tests.e2e.conftest import browser_login


def _people():  # type: ignore[no-untyped-def]
    ccas = factories.create_org(OrgKind.PRESCRIBER, slug="ccas-metz-e2e", name="CCAS de Metz")
    prescriber = factories.create_user(
        Role.PRESCRIBER, ccas, email="nadia@ccas.test", full_name="Nadia Haddad"
    )
    # Issue 17: the catalogue's owner is the territory's coordinator (its managers).
    atelier = factories.create_org(OrgKind.COORDINATOR, slug="atelier-e2e", name="Atelier")
    manager = factories.create_user(
        Role.MANAGER, atelier, email="karim@atelier.test", full_name="Karim Benali"
    )
    governance.load_starting_catalogue()
    return prescriber, manager


def test_prescriber_sees_offers_with_reasons_and_savings_for_an_rsa_household(page) -> None:  # type: ignore[no-untyped-def]
    prescriber, _manager = _people()
    household = make_household(
        prescriber,
        reference_name="Mme Sans Internet",
        commune="Metz",
        postcode="57000",
        # Smartphone only, 35 € a month for its mobile plan (issue 17: savings like with like).
        connection=Connection.MOBILE,
        telecom_spend_eur=35,
    )
    db.session.commit()

    browser_login(page, prescriber.email, factories.PASSWORD)
    page.goto(f"/foyers/{household.id}")
    section = page.get_by_role("region", name="Tarifs sociaux internet et mobile")
    expect(section).to_be_visible()
    cards = section.locator(".tariff-proposal")
    # A smartphone-only household: the 10 € "tarif social mobile" against its 35 € plan.
    mobile = cards.filter(has_text="Tarif social mobile (forfait bloqué)").first
    expect(mobile).to_contain_text("10 € par mois")
    expect(mobile).to_contain_text("Économie : 300 € par an")
    expect(mobile).to_contain_text("RSA (revenu de solidarité active)")
    expect(mobile).to_contain_text("(attesté)")
    expect(mobile).to_contain_text("Justificatif demandé")
    expect(mobile.get_by_text("À vérifier", exact=True)).to_be_visible()
    # A box would add to the mobile plan: never told as a saving (issue 17).
    expect(
        cards.filter(has_text="Coup de Pouce Internet").filter(has_text=re.compile("Économie :"))
    ).to_have_count(0)
    # Offers of another country are never proposed.
    expect(section).not_to_contain_text("Home Essentials")
    sms = section.locator("[data-sms]")
    # Every shipped offer is "à vérifier": the SMS names none and says where to ask.
    expect(sms).to_contain_text("France Services")
    expect(sms).not_to_contain_text("Bouygues")
    assert len(sms.inner_text()) <= 160

    section.get_by_role("link", name="Fiche tarifs à imprimer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Internet et téléphone moins chers")
    expect(page.get_by_role("main")).to_contain_text("Mme Sans Internet")
    expect(page.get_by_role("button", name="Imprimer")).to_be_visible()
    # It prints on one A4 page.
    page.emulate_media(media="print")
    assert len(PdfReader(io.BytesIO(page.pdf(format="A4"))).pages) == 1


def test_manager_edits_a_price_and_sees_it_in_history_and_match(page) -> None:  # type: ignore[no-untyped-def]
    _prescriber, manager = _people()
    db.session.commit()

    browser_login(page, manager.email, factories.PASSWORD)
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Tarifs sociaux"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tarifs sociaux")
    page.get_by_role("link", name="Orange · Coup de Pouce Internet").click()
    expect(page.locator("#tariff-price")).to_have_text("15,99 €")
    page.get_by_role("link", name="Modifier").click()
    price = page.get_by_label("Prix par mois (après la période de découverte)")
    expect(price).to_have_value("15,99")
    price.fill("9,99")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("status")).to_contain_text("Le changement est dans l'historique")
    expect(page.locator("#tariff-price")).to_have_text("9,99 €")
    change = page.locator("#tariff-history tbody tr").first
    expect(change).to_contain_text("karim@atelier.test")
    expect(change).to_contain_text("Prix par mois")
    expect(change).to_contain_text("15.99")
    expect(change).to_contain_text("9.99")

    # The match uses the new price at once.
    page.get_by_role("link", name="Tous les tarifs sociaux").click()
    page.get_by_role("link", name="Chercher les offres pour un foyer").click()
    page.get_by_role("group", name="Statuts attestés").get_by_label(
        "RSA (revenu de solidarité active)"
    ).check()
    page.get_by_label("Commune").fill("Metz")
    page.get_by_label("Code postal").fill("57000")
    page.get_by_label("une box internet à la maison").check()
    page.get_by_label(re.compile("^Ce que le foyer paie aujourd'hui")).fill("40")
    page.get_by_label(re.compile("^Dont la box internet")).fill("40")
    page.get_by_label(re.compile("^Dont le forfait mobile")).fill("0")
    page.get_by_role("button", name="Chercher les offres").click()
    offer = page.locator(".tariff-proposal", has_text="Coup de Pouce Internet")
    expect(offer).to_contain_text("9,99 € par mois")
    expect(offer).to_contain_text("Économie : 360,12 € par an")
