"""The journal tells each change to a programme in the reader's words: who, when, what."""

from __future__ import annotations

import copy
from typing import Any

from app.authz.policy import OrgKind, Role
from app.core.clock import today
from app.eligibility import publishing, services
from tests.conftest import login_client


def test_publishing_a_new_price_reads_in_the_journal(
    client: Any, make_org: Any, make_user: Any
) -> None:
    admin = make_user(Role.ADMIN, make_org(OrgKind.COORDINATOR, slug="coord-j", name="Coord"))
    record = services.get_programme("rsa-ordinateur-15")
    draft = services.new_draft_from_latest(record, admin)
    definition = copy.deepcopy(draft.definition)
    definition["parameters"]["price_eur"]["values"]["2027-01-01"] = 20
    services.update_draft(record, definition, admin)
    publishing.publish(record, today(), admin, note="Nouveau prix en 2027")
    page = login_client(client, admin).get("/journal?type=programme")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Version 2 de « rsa-ordinateur-15 » publiée, en vigueur à partir du" in text
    assert "paramètres (price_eur)" in text
    assert "Programme « rsa-ordinateur-15 » livré avec Ordilien (version 1)." in text
    with client.session_transaction() as session:
        session["lang"] = "en"
    english = client.get("/journal?type=programme").get_data(as_text=True)
    assert "publiée, en vigueur" not in english  # rendered in English, not stored French
