"""Issue 17: the shipped catalogues, one per country, each row sourced by the offer's own
page; an instance loads its own country's only (seed-demo, `flask tariffs load-catalogue`)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import select

from app.core.urls import is_web_url
from app.extensions import db
from app.tariffs import editing, governance, household_matches, transfer
from app.tariffs.editing import TariffData
from app.tariffs.matching import Facts, Need
from app.tariffs.models import SocialTariff
from app.tariffs.offers import country_code

FILES = transfer.CATALOGUE_FILES


def _rows(country: str) -> list[TariffData]:
    rows, errors = transfer.read_csv(FILES[country].read_bytes())
    assert errors == []
    return [data for _line, data in rows]


def _states(country: str) -> dict[tuple[str, str], str]:
    found, errors = governance._governance_rows(FILES[country].read_bytes())
    assert errors == []
    return {(key[1], key[2]): values["state"] for _line, key, values in found}


@pytest.mark.parametrize("country", sorted(FILES))
def test_each_row_is_of_its_country_and_sourced_by_a_page_not_a_home_page(country: str) -> None:
    rows = _rows(country)
    assert rows and {data.country for data in rows} == {country}
    for data in rows:
        assert is_web_url(data.source_url), data.name
        # The offer's page (or the page that says what is known of it), never a site's
        # home page such as https://www.orange.fr/.
        assert urlsplit(data.source_url).path.strip("/"), (data.provider, data.source_url)
        # Nobody at a territory verified these facts: "never verified", said as such.
        assert data.checked_on is None, data.name
        assert data.notes, data.name  # where each fact comes from, for the owner


def test_the_french_catalogue_holds_french_offers_only_with_honest_states() -> None:
    providers = {data.provider for data in _rows("FR")}
    assert not providers & {"BT", "Virgin Media"}
    states = _states("FR")
    assert set(states.values()) <= {governance.TO_VERIFY, governance.WITHDRAWN}
    # The 2011 "tarif social mobile" of SFR and Bouygues is no longer sold (source in notes).
    assert states[("SFR", "Tarif social mobile (forfait bloqué)")] == governance.WITHDRAWN
    assert states[("Bouygues Telecom", "Tarif social mobile (forfait bloqué)")] == "withdrawn"
    assert states[("Orange", "Coup de Pouce Internet")] == governance.TO_VERIFY
    assert {(p, n) for (p, n), s in states.items() if s == governance.TO_VERIFY} == {
        ("Orange", "Coup de Pouce Internet"),
        ("Orange", "Tarif social mobile (forfait bloqué)"),
        ("Emmaüs Connect", "Connexions solidaires : recharges prépayées"),
    }


def test_gb_is_read_as_uk() -> None:
    assert country_code("GB") == country_code("gb ") == country_code("UK") == "UK"
    assert country_code("") == "FR"


def test_the_french_demo_has_no_british_offer(app: Flask) -> None:
    assert household_matches.instance_country() == "FR"
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    offers = list(db.session.scalars(select(SocialTariff)))
    assert offers and {t.country for t in offers} == {"FR"}
    # The states shipped with the file are kept: SFR and Bouygues are matched to no one.
    withdrawn = {t.provider for t in offers if t.state == governance.WITHDRAWN}
    assert withdrawn == {"SFR", "Bouygues Telecom"}
    facts = Facts(statuses=frozenset({"rsa"}), postcode="57000", needs=frozenset({Need.MOBILE}))
    names = {m.offer.provider for m in household_matches.match_facts(facts).eligible}
    assert names == {"Orange"}


def test_a_gb_instance_loads_the_british_catalogue_through_the_command(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "TARIFF_COUNTRY", "GB")
    assert household_matches.instance_country() == "UK"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["tariffs", "load-catalogue"])
    assert result.exit_code == 0, result.output
    assert "3 offres ajoutées" in result.output
    db.session.expire_all()
    offers = list(db.session.scalars(select(SocialTariff)))
    assert {t.country for t in offers} == {"UK"}
    assert {t.provider for t in offers} == {"BT", "Virgin Media"}
    assert {t.name for t in editing.list_tariffs()} == {
        "Home Essentials 36 Mbps",
        "Home Essentials 67 Mbps",
        "Essential broadband",
    }
    facts = Facts(
        statuses=frozenset({"universal_credit"}), country="UK", needs=frozenset({Need.BOX})
    )
    eligible = household_matches.match_facts(facts).eligible
    assert {m.offer.provider for m in eligible} == {"BT", "Virgin Media"}
    assert all(m.to_verify for m in eligible)  # shown to staff, labelled, never verified
    again = runner.invoke(args=["tariffs", "load-catalogue"])
    assert again.exit_code == 0 and "0 offres ajoutées, 0 modifiées, 3 sans changement" in (
        again.output
    )


def test_a_row_of_another_country_in_a_catalogue_file_is_refused(
    app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    mixed = tmp_path / "catalogue.csv"
    mixed.write_bytes(
        FILES["FR"].read_bytes()
        + b"BT;Home Essentials 36 Mbps;box;15,00;UK;;;;;;36;;;national;;universal_credit;;;;;"
        b"https://www.bt.com/broadband/home-essentials;;;;;to_verify;\n"
    )
    monkeypatch.setitem(transfer.CATALOGUE_FILES, "FR", mixed)
    report = governance.load_starting_catalogue()
    assert report.created == 0 and report.errors
    assert "autre pays (UK)" in report.errors[-1][1]
    assert db.session.scalars(select(SocialTariff)).first() is None
