"""Issue 17: the staff's tariff match pages, read in English, give every reason in English.

Each reason is stored as a code and parameters (app/tariffs/reasons.py) and rendered in the
reader's language: the simulator and the household page are compared with the French
catalogue as tests/integration/test_english_decisions.py does (no fragment of a translated
msgid may show). What the catalogue's owner typed (offer names, conditions, how to
subscribe) is the owner's words and stays as written.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

from flask import Flask

from app.authz.policy import OrgKind, Role
from app.core.clock import today
from app.eligibility.vocabulary import Connection
from app.tariffs import editing
from app.tariffs.matching import OfferKind
from tests.access.households import make_household
from tests.integration.test_english_decisions import english, french_in, visible_html

TYPED = (
    "Orange",
    "Coup de Pouce Internet",
    "Box internet ADSL ou fibre",
    "Emmaüs Connect",
    "Connexions solidaires : recharges prépayées",
    "être orienté par un travailleur social",
    "Attestation de droits au RSA",
    "En boutique Orange, avec l'attestation de droits.",
    "Metz",
    "57000",
)

# English texts of reasons and notices whose msgstr the catalogue already has
# (app/translations/en/LC_MESSAGES/messages.po).
ENGLISH_REASONS = (
    "The offer is available at the moment.",
    "The offer is available everywhere in France.",
    "The household is looking for home broadband: that is what the offer provides",
    "Only for: RSA (active solidarity income). The household has: RSA (active solidarity "
    "income) (confirmed).",
    "Condition met:",
    "Needed: AAH (disabled adult allowance). The household seems entitled to it, but it is "
    "not (or no longer) confirmed",
    "To check with the household: être orienté par un travailleur social",
    "Offer never checked with the provider: nothing says it exists.",
    "Information never checked: check with the provider.",
    "Proof asked for: Attestation de droits au RSA",
)
FRENCH_REASONS = (
    "L'offre est proposée en ce moment.",
    "L'offre existe partout en",
    "Le foyer cherche",
    "Condition remplie",
    "Offre jamais vérifiée",
    "Justificatif demandé",
)


def _catalogue() -> None:
    editing.create_tariff(
        editing.TariffData(
            provider="Orange",
            name="Coup de Pouce Internet",
            kind=OfferKind.BOX,
            monthly_price=Decimal("15.99"),
            content="Box internet ADSL ou fibre",
            statuses_any=("rsa",),
            proof_required="Attestation de droits au RSA",
            how_to_subscribe="En boutique Orange, avec l'attestation de droits.",
            checked_on=today() - timedelta(days=5),
            source_url="https://selectra.info/telecom/guides/demarches/aides",
        )
    )
    editing.create_tariff(
        editing.TariffData(
            provider="Emmaüs Connect",
            name="Connexions solidaires : recharges prépayées",
            kind=OfferKind.DATA,
            monthly_price=Decimal("5"),
            data_gb=Decimal("2"),
            statuses_any=("aah",),
            other_conditions="être orienté par un travailleur social",
            source_url="http://www.generation-nt.com/zoom-1392392,1723322-connexions-solidaires.html",
        )
    )


def _prescriber(make_org: Any, make_user: Any) -> Any:
    ccas = make_org(OrgKind.PRESCRIBER, slug="ccas-metz", name="CCAS de Metz")
    return make_user(Role.PRESCRIBER, ccas, email="p@ccas-metz.test")


def test_simulator_in_english_gives_the_match_reasons_in_english(
    app: Flask, make_org: Any, make_user: Any
) -> None:
    _catalogue()
    client = english(app, _prescriber(make_org, make_user))
    response = client.get(
        "/tarifs/simulateur?statuses=rsa&pending_statuses=aah&commune=Metz&postcode=57000"
        "&country=FR&needs=box&needs=data"
    )
    assert response.status_code == 200
    text = " ".join(visible_html(response.get_data(as_text=True)).split())
    for sentence in ENGLISH_REASONS:
        assert sentence in text, sentence
    for sentence in FRENCH_REASONS:
        assert sentence not in text, sentence
    assert french_in(text, *TYPED) == []


def test_household_page_in_english_gives_the_tariff_reasons_in_english(
    app: Flask, make_org: Any, make_user: Any
) -> None:
    _catalogue()
    prescriber = _prescriber(make_org, make_user)
    household = make_household(
        prescriber,
        reference_name="Mme Durand",
        commune="Metz",
        postcode="57000",
        connection=Connection.NONE,
        telecom_spend_eur=0,
    )
    response = english(app, prescriber).get(f"/foyers/{household.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # The SMS is written in the household's language (French here), said by its lang.
    sms = re.search(r'<p class="notice" data-sms lang="fr">(.*?)</p>', page, re.S)
    assert sms is not None and "Votre conseiller vous aide." in html.unescape(sms.group(1))
    text = " ".join(visible_html(page.replace(sms.group(0), " ")).split())
    assert "Coup de Pouce Internet" in text
    for sentence in ENGLISH_REASONS[:5]:  # the box: no status pending for Mme Durand
        assert sentence in text, sentence
    for sentence in FRENCH_REASONS:
        assert sentence not in text, sentence
    assert french_in(text, *TYPED, "Mme Durand", "CCAS de Metz") == []
