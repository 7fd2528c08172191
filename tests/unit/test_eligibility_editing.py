"""The editor's fields and the feasibility checks (editing.py, feasibility.py): no app."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.eligibility.editing import (
    Dated,
    definition_to_fields,
    feasibility,
    fields_to_definition,
    with_change,
)
from app.eligibility.loader import PROGRAMMES_DIR, definition_from_yaml, from_definition
from app.eligibility.programme import Programme

TODAY = date(2026, 1, 15)
FILES = sorted(PROGRAMMES_DIR.glob("*.yaml"))


def _load(path: Path) -> dict[str, Any]:
    return definition_from_yaml(path.read_text(encoding="utf-8"), path.name)


def _same(a: Programme, b: Programme) -> None:
    for key in ("code", "name", "summary", "device_types", "valid_from", "valid_to",
                "outcome", "source", "parameters", "territory", "priority", "envelope",
                "campaign_months"):  # fmt: skip
        assert getattr(a, key) == getattr(b, key), key
    strip = [dataclasses.replace(c, line=0) for c in a.conditions]
    assert strip == [dataclasses.replace(c, line=0) for c in b.conditions]


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_round_trip_of_shipped_files(path: Path) -> None:
    definition = _load(path)
    again = fields_to_definition(definition_to_fields(definition))
    _same(from_definition(definition, "a"), from_definition(again, "b"))
    assert feasibility(definition, TODAY) == []


def _base(**changes: Any) -> dict[str, Any]:
    fields = definition_to_fields(_load(PROGRAMMES_DIR / "rsa-ordinateur-15.yaml"))
    fields.update(changes)
    return fields


def test_a_plain_number_with_a_change_becomes_a_dated_parameter() -> None:
    fields = _base(deposit_eur=with_change(Dated(10), date(2027, 1, 1), 20))
    definition = fields_to_definition(fields)
    assert definition["outcome"]["deposit_eur"] == {"param": "deposit_eur"}
    param = definition["parameters"]["deposit_eur"]
    assert param["values"] == {"2023-01-01": 10, "2027-01-01": 20}
    assert param["description"] == "Dépôt de garantie"
    programme = from_definition(definition, "x")
    assert programme.parameters["deposit_eur"].at(date(2027, 2, 1)) == (20, date(2027, 1, 1))


def test_an_existing_parameter_keeps_its_name_and_description() -> None:
    fields = _base()
    fields["price_eur"] = with_change(fields["price_eur"], date(2027, 3, 1), 20)
    definition = fields_to_definition(fields)
    param = definition["parameters"]["price_eur"]
    assert param["description"] == "Prix de vente"
    assert param["values"] == {"2023-01-01": 15, "2027-03-01": 20}


def test_a_plain_number_stays_plain() -> None:
    definition = fields_to_definition(_base(deposit_eur=Dated(5)))
    assert definition["outcome"]["deposit_eur"] == 5


def test_a_grid_cell_change_is_a_new_dated_grid() -> None:
    fields = definition_to_fields(_load(PROGRAMMES_DIR / "prix-solidaires.yaml"))
    cells = fields["price_grid"]["cells"]
    cells["laptop"]["A"] = with_change(cells["laptop"]["A"], date(2027, 1, 1), 120)
    values = fields_to_definition(fields)["parameters"]["price_grid"]["values"]
    assert values["2022-01-01"]["laptop"]["A"] == 130
    assert values["2027-01-01"]["laptop"]["A"] == 120
    assert values["2027-01-01"]["smartphone"]["B"] == 70


def _faults(**changes: Any) -> dict[str, str]:
    definition = fields_to_definition(_base(**changes))
    return dict(feasibility(definition, TODAY))


def _definition_faults(definition: dict[str, Any]) -> dict[str, str]:
    return dict(feasibility(definition, TODAY))


def test_min_age_above_max_age() -> None:
    found = _faults(age_min=Dated(30), age_max=Dated(25))
    assert found["age_min"] == "L'âge minimum (30) est plus grand que l'âge maximum (25)."


def test_min_age_above_max_age_from_a_later_day() -> None:
    found = _faults(age_min=Dated(20), age_max=with_change(Dated(25), date(2027, 1, 1), 18))
    assert "age_min" in found


def test_household_size_min_above_max() -> None:
    assert "household_min" in _faults(household_min=Dated(5), household_max=Dated(3))


def test_at_least_more_members_than_the_household_may_hold() -> None:
    found = _faults(age_min=Dated(2), age_max=Dated(16), age_at_least=4, household_max=Dated(3))
    assert "age_at_least" in found


def test_location_with_nothing() -> None:
    definition = _load(PROGRAMMES_DIR / "rsa-ordinateur-15.yaml")
    definition["conditions"][1] = {"location": {}}
    assert "communes" in _definition_faults(definition)


def test_invalid_postcode() -> None:
    assert _faults(postcodes=["2820"])["postcodes"].startswith("Code postal invalide")


def test_end_before_start() -> None:
    assert "valid_to" in _faults(valid_to=date(2022, 1, 1))


def test_end_already_past() -> None:
    assert _faults(valid_to=date(2025, 12, 31))["valid_to"] == "Cette date de fin est déjà passée."


def test_campaign_of_zero_months() -> None:
    assert "campaign_months" in _faults(campaign_months=0)


def test_campaign_already_over() -> None:
    assert "campaign_months" in _faults(campaign_months=4)  # from 2023-01-01


def test_quota_and_envelopes_of_zero() -> None:
    assert "quota_max" in _faults(quota_max=Dated(0))
    assert "envelope_max_grants" in _faults(envelope_max_grants=Dated(0))
    assert "envelope_max_eur" in _faults(envelope_max_eur=Dated(0), envelope_grant_eur=Dated(15))


def test_sale_without_price() -> None:
    assert "price_eur" in _faults(price_eur=Dated())


def test_price_grid_missing_a_device_type() -> None:
    fields = definition_to_fields(_load(PROGRAMMES_DIR / "prix-solidaires.yaml"))
    fields["device_types"] = ["laptop", "tablet"]
    found = dict(feasibility(fields_to_definition(fields), TODAY))
    assert "tablet" in found["price_grid"]


def test_no_device_type() -> None:
    assert "device_types" in _faults(device_types=[])


def test_loan_of_zero_months() -> None:
    assert "loan_months" in _faults(outcome_kind="loan", price_eur=Dated(), loan_months=Dated(0))


def test_a_feasible_programme_has_no_fault() -> None:
    assert _faults() == {}
