"""Issue 17: what Ordilien tells a family about tariffs is verified, in force, private
and true about money."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from flask.testing import FlaskClient

from app.authz.policy import Role
from app.core.clock import today
from app.eligibility.vocabulary import Connection, ContactChannel
from app.family import links as loans
from app.tariffs import editing, household_matches
from app.tariffs.matching import OfferKind
from tests.access.households import make_household

STATUS_NAMES = re.compile(
    r"\b(RSA|AAH|ASS|ASPA|CSS|QPV)\b|revenu de solidarité|minimum social|minima sociaux"
)


def _offer(**fields) -> editing.TariffData:  # type: ignore[no-untyped-def]
    values = {
        "provider": "Bouygues Telecom",
        "name": "Tarif social mobile",
        "kind": OfferKind.MOBILE,
        "monthly_price": Decimal("10"),
        "statuses_any": ("rsa",),
        "checked_on": date(2011, 1, 1),
        "proof_required": "Attestation de droits au RSA",
        "how_to_subscribe": "En boutique de l'opérateur, avec l'attestation de droits au RSA.",
        "source_url": "https://www.bouyguestelecom.fr/",
        "notes": "DOMAIN.md §6 : prix non vérifié",
    }
    values.update(fields)
    return editing.TariffData(**values)


def _stale_catalogue() -> None:
    editing.create_tariff(_offer())
    editing.create_tariff(
        _offer(
            provider="Orange",
            name="Coup de Pouce Internet",
            kind=OfferKind.BOX,
            monthly_price=Decimal("15.99"),
            checked_on=today() - timedelta(days=400),
        )
    )


def _family_page(client: FlaskClient, household, prescriber) -> str:  # type: ignore[no-untyped-def]
    raw = loans.ensure_family_token(household, prescriber.organisation_id, prescriber)
    response = client.get(f"/f/{raw}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _household(prescriber, **fields):  # type: ignore[no-untyped-def]
    values = {
        "commune": "Metz",
        "postcode": "57000",
        "telecom_spend_eur": 35,
        "connection": Connection.MOBILE,
        "contact_channel": ContactChannel.SMS,
    }
    values.update(fields)
    return make_household(prescriber, **values)


def test_stale_offers_leave_the_family_page_and_the_sms(app, login, make_user) -> None:  # type: ignore[no-untyped-def]
    _stale_catalogue()
    prescriber = make_user(Role.PRESCRIBER)
    household = _household(prescriber)
    matches = household_matches.matches_for_household(household)
    # Staff still see them, labelled.
    assert {p.offer.provider for p in matches.result.eligible} >= {"Bouygues Telecom", "Orange"}
    assert all(p.to_verify for p in matches.result.eligible)
    staff = login(prescriber).get(f"/foyers/{household.id}").get_data(as_text=True)
    assert "Bouygues Telecom" in staff and "À vérifier" in staff
    # The family: none of them, and where to ask instead.
    assert "Bouygues" not in matches.sms and "Orange" not in matches.sms
    assert "France Services" in matches.sms
    html = _family_page(app.test_client(), household, prescriber)
    assert "Bouygues" not in html and "Coup de Pouce" not in html
    assert "France Services" in html
    sheet = login(prescriber).get(f"/tarifs/foyers/{household.id}/fiche").get_data(as_text=True)
    assert "Bouygues" not in sheet and "France Services" in sheet


def test_a_freshly_verified_offer_is_told_without_naming_a_status(app, make_user) -> None:  # type: ignore[no-untyped-def]
    _stale_catalogue()
    editing.create_tariff(
        _offer(provider="Free", name="Forfait solidaire", checked_on=today() - timedelta(days=5))
    )
    prescriber = make_user(Role.PRESCRIBER)
    household = _household(prescriber)
    matches = household_matches.matches_for_household(household)
    assert "Free, forfait 10€/mois" in matches.sms and "Bouygues" not in matches.sms
    html = _family_page(app.test_client(), household, prescriber)
    assert "Free · Forfait solidaire" in html and "Bouygues" not in html
    assert "avec un justificatif de vos droits" in html
    assert not STATUS_NAMES.search(html), STATUS_NAMES.search(html)
    # Read logged out in English too.
    english = app.test_client()
    raw = loans.ensure_family_token(household, prescriber.organisation_id, prescriber)
    text = english.get(f"/f/{raw}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Forfait solidaire" in text and not STATUS_NAMES.search(text)


def test_smartphone_only_household_is_not_told_a_box_saves_money(login, make_user) -> None:  # type: ignore[no-untyped-def]
    editing.create_tariff(
        _offer(
            provider="Orange",
            name="Coup de Pouce Internet",
            kind=OfferKind.BOX,
            monthly_price=Decimal("15.99"),
            checked_on=today() - timedelta(days=5),
        )
    )
    prescriber = make_user(Role.PRESCRIBER)
    household = _household(prescriber)  # 35 EUR a month, for its mobile plan
    [box] = household_matches.matches_for_household(household).result.eligible
    assert box.yearly_saving_cents is None and box.saving_kind == "adds"
    html = login(prescriber).get(f"/foyers/{household.id}").get_data(as_text=True)
    assert "Économie" not in html and "228,12" not in html
    assert "en plus de votre forfait" in html
    sheet = login(prescriber).get(f"/tarifs/foyers/{household.id}/fiche").get_data(as_text=True)
    assert "Économie" not in sheet and "en plus de votre forfait" in sheet


def test_one_total_spend_gives_no_saving(login, make_user) -> None:  # type: ignore[no-untyped-def]
    editing.create_tariff(_offer(checked_on=today() - timedelta(days=5)))
    prescriber = make_user(Role.PRESCRIBER)
    household = _household(prescriber, connection=Connection.BOX_AND_MOBILE)
    [plan] = household_matches.matches_for_household(household).result.eligible
    assert plan.yearly_saving_cents is None and plan.saving_kind == "total_only"
    html = login(prescriber).get(f"/foyers/{household.id}").get_data(as_text=True)
    assert "l'économie ne peut pas être calculée" in html and "Économie :" not in html


def test_an_offer_verified_in_2011_gets_no_tick_for_being_offered(login, make_user) -> None:  # type: ignore[no-untyped-def]
    _stale_catalogue()
    prescriber = make_user(Role.PRESCRIBER)
    household = _household(prescriber)
    html = login(prescriber).get(f"/foyers/{household.id}").get_data(as_text=True)
    assert "L'offre est proposée en ce moment." not in html
    assert "vérifiée pour la dernière fois le 01/01/2011" in html
    for p in household_matches.matches_for_household(household).result.eligible:
        dates = next(r for r in p.reasons if r.condition == "Dates")
        assert dates.met == "to_check"


def test_internal_notes_only_for_those_who_edit(login, make_user) -> None:  # type: ignore[no-untyped-def]
    tariff = editing.create_tariff(_offer())
    data = editing.data_of(tariff)
    editing.update_tariff(
        tariff.id,
        replace(data, notes="DOMAIN.md §6 : prix non vérifié, revu"),
        tariff.version,
    )
    prescriber = make_user(Role.PRESCRIBER)
    household = _household(prescriber)
    client = login(prescriber)
    assert "prix non vérifié" not in client.get(f"/tarifs/{tariff.id}").get_data(as_text=True)
    assert "prix non vérifié" not in client.get(f"/foyers/{household.id}").get_data(as_text=True)
    sheet = client.get(f"/tarifs/foyers/{household.id}/fiche").get_data(as_text=True)
    assert "prix non vérifié" not in sheet
    assert "prix non vérifié" in login(make_user(Role.ADMIN)).get(f"/tarifs/{tariff.id}").get_data(
        as_text=True
    )
