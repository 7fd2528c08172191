"""A prescription checked again after its programme changed says what changed for this
household: the version, the price, a condition it no longer meets."""

from __future__ import annotations

import copy
from typing import Any

from app.authz.policy import OrgKind, Role
from app.core.clock import today
from app.eligibility import publishing, services
from app.households.recheck import recheck
from tests.access.households import make_household, make_prescription
from tests.conftest import login_client


def _new_version(code: str, actor: Any, change: Any) -> None:
    record = services.get_programme(code)
    draft = services.new_draft_from_latest(record, actor)
    definition = copy.deepcopy(draft.definition)
    change(definition)
    services.update_draft(record, definition, actor)
    publishing.publish(record, today(), actor, note="test")


def test_a_price_change_is_told_on_the_prescription(
    client: Any, make_org: Any, make_user: Any
) -> None:
    fs = make_org(OrgKind.PRESCRIBER, slug="fs-test", name="France Services")
    asso = make_org(OrgKind.ASSOCIATION, slug="asso-test", name="Atelier")
    admin = make_user(
        Role.ADMIN, make_org(OrgKind.COORDINATOR, slug="coord-test", name="Coordination")
    )
    prescriber = make_user(Role.PRESCRIBER, fs, email="p@fs.test")
    household = make_household(prescriber, reference_name="Mme Rsa")
    prescription = make_prescription(
        household, prescriber, asso, programme="rsa-ordinateur-15", commitments=("pix_test",)
    )
    assert prescription.outcome["price_eur"] == 15
    assert recheck(prescription) == []  # nothing changed yet

    def dearer(definition: dict[str, Any]) -> None:
        definition["parameters"]["price_eur"]["values"] = {"2023-01-01": 20}

    _new_version("rsa-ordinateur-15", admin, dearer)
    found = recheck(prescription)
    assert found is not None
    codes = {code: args for code, args in found}
    assert codes["change.version"] == {"before": 1, "after": 2}
    assert ("change.outcome", {"field": "price_eur", "before": 15, "after": 20}) in found
    page = login_client(client, prescriber).get(f"/prescriptions/{prescription.id}")
    text = page.get_data(as_text=True)
    assert (
        "Prix (€) : 15 avant, 20 aujourd&#39;hui." in text
        or "Prix (€) : 15 avant, 20 aujourd'hui." in text
    )
    assert "version 1 lors de la prescription, version 2 aujourd" in text


def test_a_condition_no_longer_met_is_named(make_org: Any, make_user: Any) -> None:
    fs = make_org(OrgKind.PRESCRIBER, slug="fs-test", name="France Services")
    asso = make_org(OrgKind.ASSOCIATION, slug="asso-test", name="Atelier")
    admin = make_user(
        Role.ADMIN, make_org(OrgKind.COORDINATOR, slug="coord-test", name="Coordination")
    )
    prescriber = make_user(Role.PRESCRIBER, fs, email="p@fs.test")
    household = make_household(prescriber, reference_name="Mme Rsa")
    prescription = make_prescription(
        household, prescriber, asso, programme="rsa-ordinateur-15", commitments=("pix_test",)
    )

    def elsewhere(definition: dict[str, Any]) -> None:
        for condition in definition["conditions"]:
            if "location" in condition:
                condition["location"] = {"communes": ["Nogent-le-Rotrou"]}

    _new_version("rsa-ordinateur-15", admin, elsewhere)
    found = recheck(prescription) or []
    lost = [a for c, a in found if c == "change.condition"]
    assert lost and lost[0]["code"] == "location.not_met" and lost[0]["was_met"] is True
    assert ("change.eligibility", {"before": "eligible", "after": "not_eligible"}) in found
