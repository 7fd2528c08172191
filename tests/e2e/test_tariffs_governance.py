"""Issue 17 in Chromium: a prescriber reports an offer gone, the coordinator withdraws
it, a household's matches no longer list it, the journal shows who and when."""

from __future__ import annotations

from playwright.sync_api import expect

from app.authz.policy import OrgKind, Role
from app.eligibility.vocabulary import Connection
from app.extensions import db
from app.tariffs import governance
from app.tariffs.models import SocialTariff
from tests import factories
from tests.access.households import make_household
from tests.e2e.conftest import browser_login


def test_offer_reported_gone_withdrawn_and_journalled(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    ccas = factories.create_org(OrgKind.PRESCRIBER, slug="ccas-gov-e2e", name="CCAS de Metz")
    prescriber = factories.create_user(Role.PRESCRIBER, ccas, email="nadia@ccas-gov.test")
    coord = factories.create_org(OrgKind.COORDINATOR, slug="coord-gov-e2e", name="Metz Coord")
    coordinator = factories.create_user(Role.MANAGER, coord, email="lea@coord-gov.test")
    governance.load_starting_catalogue()
    household = make_household(
        prescriber,
        reference_name="Mme Sans Box",
        commune="Metz",
        postcode="57000",
        connection=Connection.NONE,
        telecom_spend_eur=35,
    )
    db.session.commit()
    tariff = db.session.query(SocialTariff).filter_by(name="Coup de Pouce Internet").one()

    def new_page():  # type: ignore[no-untyped-def]
        context = browser.new_context(base_url=live_server, locale="fr-FR")
        context.set_default_timeout(10_000)
        return context, context.new_page()

    # The prescriber sees the box among the household's offers, then reports it gone.
    context, page = new_page()
    browser_login(page, prescriber.email, factories.PASSWORD)
    page.goto(f"/foyers/{household.id}")
    section = page.get_by_role("region", name="Tarifs sociaux internet et mobile")
    expect(section.locator(".tariff-proposal", has_text="Coup de Pouce Internet")).to_have_count(1)
    page.goto(f"/tarifs/{tariff.id}")
    expect(page.get_by_role("link", name="Modifier")).to_have_count(0)
    page.get_by_label("Ce que vous savez").fill("Offre disparue : plus en boutique à Metz")
    page.get_by_role("button", name="Signaler : cette offre n'existe plus").click()
    expect(page.get_by_role("status")).to_contain_text("le coordinateur du catalogue va regarder")

    # The coordinator accepts the report: the offer is withdrawn.
    owner_context, owner = new_page()
    browser_login(owner, coordinator.email, factories.PASSWORD)
    owner.goto("/tarifs/propositions")
    item = owner.locator("#tariff-proposals li", has_text="Coup de Pouce Internet")
    expect(item).to_contain_text("signalée disparue")
    expect(item).to_contain_text("nadia@ccas-gov.test")
    expect(item).to_contain_text("Offre disparue : plus en boutique à Metz")
    item.get_by_role("button", name="Accepter").click()
    expect(owner.get_by_role("status")).to_contain_text("Proposition acceptée")
    owner.goto(f"/tarifs/{tariff.id}")
    expect(owner.locator("#tariff-state")).to_have_text("Retirée")

    # The household's matches no longer list it.
    page.goto(f"/foyers/{household.id}")
    section = page.get_by_role("region", name="Tarifs sociaux internet et mobile")
    expect(section).to_be_visible()
    expect(section).not_to_contain_text("Coup de Pouce Internet")

    # The journal shows who withdrew it, and when.
    owner.goto(f"/journal?type=social_tariff&id={tariff.id}")
    row = owner.locator("tr", has_text="tariff.withdrawn").first
    expect(row).to_contain_text("lea@coord-gov.test")
    expect(row.locator("td").first).not_to_be_empty()
    context.close()
    owner_context.close()
