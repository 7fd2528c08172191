"""Issue 14's acceptance journey, on a tablet in Chromium.

A CCAS manager writes from the form the campaign of 003:836 (La Tour-du-Pin: 100
reconditioned phones given free "sur la base de critères sociaux", a four-month agreement
with Ecosystem, with training in their use), saves the draft, previews it and publishes
it from today. A prescriber of that CCAS prescribes it to an RSA household, the
association validates, its front desk hands a smartphone over. Once the envelope's 100
grants are taken, the 101st household is refused with the envelope's sentence and
nothing is recorded. No programme file is written and the live server never restarts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import func, select

from app.authz.policy import OrgKind, Role
from app.core.clock import today
from app.eligibility import catalogue
from app.eligibility.loader import campaign_end
from app.eligibility.models import EnvelopeCounter, ProgrammeRecord
from app.eligibility.vocabulary import Status
from app.extensions import db
from app.households import services as households
from app.households.lifecycle import PrescriptionState
from app.households.models import Household, Prescription
from app.inventory.lifecycle import DeviceType, State
from app.inventory.models import Device
from app.loans.models import Sale
from tests import factories
from tests.access.households import make_prescription
from tests.e2e.a11y import AXE, axe_violations
from tests.e2e.conftest import browser_login
from tests.factories import PASSWORD
from tests.integration.test_loans_factories import ready_device

TABLET = {"width": 768, "height": 1024}
CODE = "ccas-telephones-ecosystem"
NAME = "Téléphones reconditionnés du CCAS"
COMMUNE, POSTCODE = "La Tour-du-Pin", "38110"
ENVELOPE = 100
SPENT = re.compile(r"L'enveloppe (de ce|du) programme est épuisée")
SCAN_LABEL = "Étiquette de l'appareil (scannez le QR code ou tapez le numéro)"


# ------------------------------------------------------------------------- helpers


@pytest.fixture
def tablet(browser: Any, live_server: str) -> Iterator[Callable[[], Any]]:
    """Opens a new tablet-sized page (768 x 1024, touch), each in its own context."""
    contexts: list[Any] = []

    def open_page() -> Any:
        context = browser.new_context(
            base_url=live_server,
            locale="fr-FR",
            viewport=TABLET,
            is_mobile=True,
            has_touch=True,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def listening_socket(live_server: str) -> str:
    """The inode of the live server's listening socket, checked to be this process's own
    (the server runs in a thread of the test process: the same inode at the end means
    the same server, never restarted)."""
    port = urlsplit(live_server).port
    assert port is not None
    inode = ""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, state = fields[1], fields[3]
        if int(local.split(":")[1], 16) == port and state == "0A":  # 0A: LISTEN
            inode = fields[9]
    assert inode, f"nothing listens on port {port}"
    fds = Path("/proc/self/fd")
    owned = set()
    for fd in fds.iterdir():
        try:
            owned.add(os.readlink(fd))
        except OSError:
            continue
    assert f"socket:[{inode}]" in owned, "the live server is not this process"
    return inode


def programme_files(live_app: Flask) -> dict[str, int]:
    folder = catalogue.programmes_dir(live_app)
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


def no_axe_violations(page: Any) -> None:
    if AXE.exists():
        assert axe_violations(page) == []


def new_household(prescriber: Any, name: str) -> Household:
    """An RSA household of the CCAS's commune, recorded by its prescriber."""
    return households.create_household(
        households.HouseholdInput(
            reference_name=name,
            reference_age=47,
            commune=COMMUNE,
            postcode=POSTCODE,
            statuses=(Status.RSA,),
            phone="06 45 12 78 90",
            consent=True,
        ),
        prescriber,
    )


@pytest.fixture
def people(app: Flask) -> dict[str, Any]:
    ccas = factories.create_org(
        OrgKind.PRESCRIBER,
        slug="ccas-la-tour-du-pin",
        name="CCAS de La Tour-du-Pin",
        commune=COMMUNE,
        postcode=POSTCODE,
    )
    asso = factories.create_org(
        OrgKind.ASSOCIATION,
        slug="atelier-vals-du-dauphine",
        name="Atelier numérique des Vals du Dauphiné",
        phone="04 74 00 00 01",
        address="2 rue de la République",
        commune=COMMUNE,
        postcode=POSTCODE,
    )
    people = {
        "ccas": ccas,
        "asso": asso,
        "ccas_manager": factories.create_user(
            Role.MANAGER, ccas, email="direction@ccas-ltdp.test", full_name="Claire Roux"
        ),
        "prescriber": factories.create_user(
            Role.PRESCRIBER, ccas, email="accueil-social@ccas-ltdp.test", full_name="Nadia Sow"
        ),
        "asso_manager": factories.create_user(
            Role.MANAGER, asso, email="responsable@atelier-vdd.test", full_name="Paul Brun"
        ),
        "front_desk": factories.create_user(
            Role.FRONT_DESK, asso, email="comptoir@atelier-vdd.test", full_name="Léa Martin"
        ),
    }
    people["first"] = new_household(people["prescriber"], "Mme Girard")
    people["last"] = new_household(people["prescriber"], "M. Chabert")
    people["phone"] = ready_device(
        asso,
        DeviceType.SMARTPHONE,
        brand="Samsung",
        model="Galaxy A40",
        serial="ECO-LTDP-0001",
    )
    return people


def prescriptions_of(household: Household) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count())
        .select_from(Prescription)
        .where(Prescription.household_id == household.id)
    )


# ------------------------------------------------------------------------- the journey


def test_a_ccas_writes_its_phone_campaign_and_the_envelope_holds(
    tablet: Callable[[], Any],
    live_server: str,
    live_app: Flask,
    people: dict[str, Any],
) -> None:
    files_before = programme_files(live_app)
    server_socket = listening_socket(live_server)
    day = today()

    # 1. The CCAS manager writes the programme from the form (003:832-836).
    page = tablet()
    browser_login(page, "direction@ccas-ltdp.test", PASSWORD)
    page.get_by_role("main").get_by_role("link", name="Programmes", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programmes d'équipement")
    page.get_by_role("link", name="Nouveau programme").click()
    expect(page).to_have_url(re.compile(r"/programmes/nouveau$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau programme")
    assert page.viewport_size == TABLET
    no_axe_violations(page)

    page.get_by_label("Code du programme").fill(CODE)
    page.get_by_label("Nom", exact=True).fill(NAME)
    page.get_by_label("En quelques phrases").fill(
        "Le CCAS donne gratuitement un téléphone portable reconditionné, sur la base de "
        "critères sociaux, avec une formation à son utilisation. 100 téléphones sur les "
        "quatre mois de la convention avec Ecosystem."
    )
    page.get_by_label("Territoire (en mots)").fill("Habitants de La Tour-du-Pin")
    page.get_by_role("group", name="Appareils").get_by_label("Smartphone").check()
    expect(page.get_by_label("Le programme commence le")).to_have_value(day.isoformat())
    page.get_by_label("Après une campagne de quelques mois").check()
    page.get_by_label("Durée de la campagne (mois)").fill("4")
    page.get_by_label("au moins un de ces statuts").check()
    statuses = page.get_by_role("group", name="Statuts")
    for label in (
        "RSA (revenu de solidarité active)",
        "ASS (allocation de solidarité spécifique)",
        "AAH (allocation aux adultes handicapés)",
        "Demandeur d'emploi",
    ):
        statuses.get_by_label(label).check()
    page.get_by_label("Communes (une par ligne)").fill(COMMUNE)
    page.get_by_label("Codes postaux").fill(POSTCODE)
    page.get_by_label("suivre un atelier de prise en main").check()
    page.get_by_role("group", name="Nombre d'attributions en tout").get_by_label(
        "Au début du programme"
    ).fill(str(ENVELOPE))
    page.get_by_label("Période de l'enveloppe").select_option(label="en tout (sur toute la durée)")
    page.get_by_role("group", name="Ce que reçoit le foyer").get_by_label("Don", exact=True).check()
    page.get_by_label("Conditions en mots").fill(
        "Téléphone donné, avec un atelier de prise en main."
    )
    page.get_by_label("Titre du texte").fill("Les CCAS et les enjeux du numérique : La Tour du Pin")
    page.get_by_label("Référence (délibération, convention, page)").fill("003:836")
    page.get_by_label("Remarque").fill(
        "Convention de 4 mois avec la société Ecosystem : distribution gratuite de 100 "
        "téléphones portables reconditionnés et formation à leur utilisation."
    )
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_role("status")).to_contain_text("Brouillon enregistré")
    expect(page.get_by_role("heading", level=1)).to_have_text(CODE)
    expect(page.get_by_role("main")).to_contain_text("pas encore de version publiée")

    # 2. The draft applies to no one yet: the preview, then publishing from today.
    page.get_by_role("link", name="Modifier le brouillon").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Brouillon : {CODE}")
    expect(page.get_by_label("Nom", exact=True)).to_have_value(NAME)
    expect(page.get_by_label("Durée de la campagne (mois)")).to_have_value("4")
    expect(page.get_by_label("suivre un atelier de prise en main")).to_be_checked()
    no_axe_violations(page)
    if "eligibility.programme_preview" in live_app.view_functions:
        with page.expect_navigation() as shown:
            page.get_by_role("link", name="Voir l'aperçu avec des foyers").click()
        assert shown.value is not None and shown.value.ok, shown.value
        expect(page).to_have_url(re.compile(rf"/programmes/{CODE}/apercu"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Aperçu avant publication")
        no_axe_violations(page)
        page.go_back()
    # else: the preview (/programmes/<code>/apercu) is not in the app yet; this step
    # runs as soon as its route is registered.
    publish = page.get_by_role("region", name="Publier ce brouillon")
    expect(publish.get_by_label("En vigueur à partir du")).to_have_value(day.isoformat())
    publish.get_by_label("Ce qui change").fill("Convention Ecosystem signée.")
    publish.get_by_role("button", name="Publier", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Version 1 publiée, en vigueur à partir du {day:%d/%m/%Y}."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(f"du {day:%d/%m/%Y} au {campaign_end(day, 4):%d/%m/%Y}")
    expect(facts).to_contain_text("003:836")
    expect(page.get_by_role("main")).to_contain_text("Enveloppe du programme")

    # 3. A prescriber of the CCAS prescribes it to an RSA household of the commune.
    presc = tablet()
    browser_login(presc, "accueil-social@ccas-ltdp.test", PASSWORD)
    presc.goto(f"/foyers/{people['first'].id}")
    card = presc.locator(f"article[data-programme='{CODE}']")
    expect(card).to_contain_text(NAME)
    expect(card).to_contain_text("Statut attesté : RSA")
    card.get_by_role("link", name=f"Prescrire : {NAME}").click()
    expect(presc.get_by_role("radio", name=re.compile(NAME))).to_be_checked()
    expect(presc.get_by_role("group", name="Appareil").get_by_label("Smartphone")).to_be_checked()
    presc.get_by_label("suivre un atelier de prise en main").check()
    presc.get_by_label("Association").select_option(label=people["asso"].name)
    no_axe_violations(presc)
    presc.get_by_role("button", name="Envoyer à l'association").click()
    expect(presc.get_by_role("status")).to_contain_text("Prescription envoyée à l'association.")
    number = presc.url.rsplit("/", 1)[1]

    # 4. The association's manager validates it.
    asso = tablet()
    browser_login(asso, "responsable@atelier-vdd.test", PASSWORD)
    asso.goto("/prescriptions")
    asso.get_by_role("link", name=number).first.click()
    expect(asso.get_by_role("main")).to_contain_text("Mme Girard")
    asso.get_by_role("button", name="Valider la prescription").click()
    expect(asso.get_by_role("status")).to_contain_text("Prescription validée")

    # 5. Its front desk hands a ready smartphone over, free.
    desk = tablet()
    browser_login(desk, "comptoir@atelier-vdd.test", PASSWORD)
    desk.goto("/comptoir")
    row = desk.get_by_role("row").filter(has_text="Mme Girard")
    expect(row).to_contain_text(NAME)
    row.get_by_role("link", name="Remettre un appareil").click()
    tag = people["phone"].asset_tag
    field = desk.get_by_label(SCAN_LABEL)
    expect(field).to_be_focused()
    field.fill(f"{live_server}/d/{tag}")
    field.press("Enter")
    expect(desk.get_by_role("heading", level=1)).to_have_text("Don à Mme Girard")
    expect(desk.get_by_role("main")).to_contain_text("Galaxy A40")
    desk.get_by_role("button", name="Valider la remise").click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("Remise gratuite n°")
    expect(desk.get_by_role("status")).to_contain_text("Remise gratuite enregistrée")
    db.session.expire_all()
    sale = db.session.scalars(select(Sale)).one()
    assert sale.is_gift and sale.price_cents == 0
    assert db.session.get(Device, people["phone"].id).state is not State.READY
    first = db.session.get(Prescription, int(number))
    assert first.state is PrescriptionState.FULFILLED

    # 6. 99 more households of the CCAS get it, through the services: 100 grants in all.
    # With one grant left, the prescriber has opened the form for the 101st household.
    catalogue.invalidate()  # the versions were published by the live server
    presc.goto(f"/foyers/{people['last'].id}")
    card = presc.locator(f"article[data-programme='{CODE}']")
    card.get_by_role("link", name=f"Prescrire : {NAME}").click()
    expect(presc.get_by_role("heading", level=1)).to_have_text("Prescrire pour M. Chabert")
    for n in range(2, ENVELOPE + 1):
        household = new_household(people["prescriber"], f"Foyer {n:03d}")
        make_prescription(
            household,
            people["prescriber"],
            people["asso"],
            programme=CODE,
            device="smartphone",
            commitments=("training",),
        )
    db.session.expire_all()
    counter = db.session.scalar(
        select(EnvelopeCounter).where(EnvelopeCounter.programme_code == CODE)
    )
    assert counter is not None and counter.grants == ENVELOPE

    # 7. The 101st, in the browser: refused, and nothing is recorded.
    presc.get_by_label("suivre un atelier de prise en main").check()
    presc.get_by_label("Association").select_option(label=people["asso"].name)
    presc.get_by_role("button", name="Envoyer à l'association").click()
    expect(presc.get_by_role("heading", level=1)).to_have_text("Prescrire pour M. Chabert")
    expect(presc.get_by_role("main")).to_contain_text(SPENT)
    no_axe_violations(presc)
    assert prescriptions_of(people["last"]) == 0
    # The household's page says why, and offers it no more.
    presc.goto(f"/foyers/{people['last'].id}")
    card = presc.locator(f"article[data-programme='{CODE}']")
    expect(card).to_contain_text("Non éligible")
    expect(card).to_contain_text(SPENT)
    expect(card).to_contain_text(f"{ENVELOPE}")
    expect(card.get_by_role("link", name=f"Prescrire : {NAME}")).to_have_count(0)
    assert prescriptions_of(people["last"]) == 0
    db.session.expire_all()
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Prescription)
            .where(Prescription.programme_code == CODE)
        )
        == ENVELOPE
    )
    counter = db.session.scalar(
        select(EnvelopeCounter).where(EnvelopeCounter.programme_code == CODE)
    )
    assert counter is not None and counter.grants == ENVELOPE

    # The programme lives in the database only, served by the same running server.
    assert db.session.scalar(select(ProgrammeRecord.id).where(ProgrammeRecord.code == CODE))
    assert programme_files(live_app) == files_before
    assert listening_socket(live_server) == server_socket
