"""A programme's preview before publishing, on a real database: the draft against the
version in force, the author's households by name, the territory's as counts only, the
envelope; the bulk loader reads the facts as households.services.facts_for does."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

import pytest
from flask import url_for

from app.authz.policy import OrgKind, Role
from app.core.clock import today, utcnow
from app.eligibility import preview_service, services
from app.eligibility.vocabulary import AttestationMethod, Status
from app.extensions import db
from app.households import services as households
from app.households.models import Household
from tests.access.households import make_household
from tests.conftest import login_client

CODE = "rsa-ordinateur-15"


@pytest.fixture
def people(make_org: Any, make_user: Any) -> dict[str, Any]:
    ccas = make_org(OrgKind.PRESCRIBER, slug="ccas-apercu", name="CCAS Châteaudun")
    other = make_org(OrgKind.PRESCRIBER, slug="ccas-voisin", name="CCAS voisin")
    record = services.get_programme(CODE)
    record.organisation_id = ccas.id  # the CCAS runs the experiment and edits it
    db.session.commit()
    return {
        "ccas": ccas,
        "manager": make_user(Role.MANAGER, ccas, email="resp@apercu.test"),
        "prescriber": make_user(Role.PRESCRIBER, ccas, email="p@apercu.test"),
        "neighbour": make_user(Role.PRESCRIBER, other, email="p@voisin.test"),
        "outsider": make_user(Role.MANAGER, other, email="resp@voisin.test"),
    }


def _priced(definition: dict[str, Any], price: int, since: date) -> dict[str, Any]:
    changed = copy.deepcopy(definition)
    changed["parameters"]["price_eur"]["values"][since.isoformat()] = price
    return changed


def _draft_with_price(people: dict[str, Any], price: int, since: date) -> None:
    record = services.get_programme(CODE)
    draft = services.new_draft_from_latest(record, people["manager"])
    services.update_draft(record, _priced(draft.definition, price, since), people["manager"])


def test_a_price_change_lists_the_authors_households_by_name(people: dict[str, Any]) -> None:
    make_household(people["prescriber"], "Mme Ardoise")
    make_household(people["prescriber"], "M. Bouleau")
    make_household(people["prescriber"], "Mme Cèdre", commune="Amiens", postcode="80000")
    make_household(people["neighbour"], "M. Voisin")  # another organisation's household
    later = today() + timedelta(days=40)
    _draft_with_price(people, 20, later)

    report = preview_service.preview(services.get_programme(CODE), people["manager"])
    assert report.on == later  # the draft's first dated change to come
    data = report.as_dict()
    assert data["outcome_changes"] == [{"field": "price_eur", "before": 15, "after": 20}]
    mine = data["organisation"]
    assert [(h["name"], h["price_before"], h["price_after"]) for h in mine["changes"]] == [
        ("Mme Ardoise", 15, 20),
        ("M. Bouleau", 15, 20),
    ]
    assert mine["counts"]["draft"] == {"eligible": 2, "almost": 0, "not_eligible": 1}
    territory = data["territory"]
    assert territory["changes"] == 3 and territory["households"] == 4
    assert territory["counts"]["current"]["eligible"] == 3
    assert "M. Voisin" not in str(data)
    # The day before the change, nothing would change.
    earlier = preview_service.preview(
        services.get_programme(CODE), people["manager"], on=later - timedelta(days=1)
    )
    assert earlier.as_dict()["territory"]["changes"] == 0


def test_an_envelope_of_three_for_five_eligible_households_would_be_spent(
    people: dict[str, Any],
) -> None:
    for n in range(5):
        make_household(people["prescriber"], f"Foyer {n}")
    record = services.get_programme(CODE)
    definition = copy.deepcopy(services.latest_published(record).definition)  # type: ignore[union-attr]
    definition["envelope"] = {"max_grants": 3, "per": "ever"}
    report = preview_service.preview(record, people["manager"], today(), definition)
    envelope = report.as_dict()["envelope"]
    assert envelope["eligible"] == 5 and envelope["remaining"] == 3
    assert envelope["would_run_out"] is True
    assert envelope["pace_per_month"] is None  # no grant made yet


def test_the_bulk_loader_reads_the_facts_as_facts_for(people: dict[str, Any]) -> None:
    first = make_household(
        people["prescriber"],
        "Mme Ardoise",
        other_ages=(9, 14),
        statuses=(Status.RSA, Status.PRE_FAMILY),
        attestation_method=AttestationMethod.DOCUMENT_SEEN,
        attestation_valid_until=today() + timedelta(days=200),
        has_smartphone=True,
        qpv=True,
    )
    second = make_household(people["neighbour"], "M. Voisin", reference_age=70)
    gone = make_household(people["neighbour"], "M. Parti")
    db.session.get(Household, gone.id).anonymised_at = utcnow()  # type: ignore[union-attr]
    db.session.commit()
    on = today() + timedelta(days=800)  # ages have grown
    population = preview_service.load_facts(on)
    loaded = dict(population.facts)
    assert set(loaded) == {first.id, second.id}
    for household in (first, second):
        assert loaded[household.id] == households.facts_for(
            db.session.get(Household, household.id), on
        )
    assert population.organisation_of[first.id] == people["ccas"].id


def test_the_page_shows_the_day_and_names_to_its_writers_only(
    client: Any, people: dict[str, Any]
) -> None:
    household = make_household(people["prescriber"], "Mme Ardoise")
    later = today() + timedelta(days=40)
    _draft_with_price(people, 20, later)
    login_client(client, people["manager"])
    page = client.get(f"/programmes/{CODE}/apercu")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert later.isoformat() in html and "Mme Ardoise" in html
    with client.application.test_request_context():
        link = url_for("households.household_detail", household_id=household.id)
    assert link in html
    chosen = client.get(f"/programmes/{CODE}/apercu?jour={(later - timedelta(days=1)).isoformat()}")
    assert chosen.status_code == 200 and "Mme Ardoise" not in chosen.get_data(as_text=True)
    assert client.get(f"/programmes/{CODE}/apercu?jour=hier").status_code == 200
    login_client(client, people["outsider"])
    assert client.get(f"/programmes/{CODE}/apercu").status_code == 403
