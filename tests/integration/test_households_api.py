"""The API: stateless eligibility check, households and prescriptions, OpenAPI, start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.accounts import services as accounts
from app.authz.policy import OrgKind, Role
from app.eligibility.loader import PROGRAMMES_DIR, ProgrammeFileError


def bearer(user: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {accounts.create_api_token(user, 'test')}"}


@pytest.fixture
def prescriber(make_org: Any, make_user: Any) -> Any:
    return make_user(
        Role.PRESCRIBER, make_org(OrgKind.PRESCRIBER, slug="fs-api"), email="p@api.test"
    )


def test_check_is_stateless_and_explains(client: Any, prescriber: Any) -> None:
    body = {
        "facts": {
            "statuses": [{"status": "rsa", "proof": "declared", "attested_on": "2026-01-10"}],
            "ages": [40],
            "reference_age": 40,
            "postcode": "28200",
            "commune": "Châteaudun",
        },
        "on": "2026-11-23",
        "need": "laptop",
    }
    response = client.post("/api/v1/eligibility/check", json=body, headers=bearer(prescriber))
    assert response.status_code == 200
    data = response.get_json()
    first = data["decisions"][0]
    assert first["programme"]["code"] == "rsa-ordinateur-15"
    assert first["eligibility"] == "eligible"
    assert first["outcome"]["price_eur"] == 15
    assert first["source"]["citation"] == "004:18"
    assert all(c["sentence"] for c in first["conditions"])
    quota = next(c for c in first["conditions"] if c["kind"] == "quota")
    assert quota["parameters"][0]["since"] == "2023-01-01"
    pre = next(d for d in data["decisions"] if d["programme"]["code"] == "pre-pret-ordinateur")
    assert pre["eligibility"] == "not_eligible" and pre["outcome"] is None
    # Before the programme existed, nothing is granted and the reason says why.
    body["on"] = "2022-06-01"
    data = client.post(
        "/api/v1/eligibility/check", json=body, headers=bearer(prescriber)
    ).get_json()
    rsa = next(d for d in data["decisions"] if d["programme"]["code"] == "rsa-ordinateur-15")
    assert rsa["eligibility"] == "not_eligible" and "commence le 01/01/2023" in rsa["reason"]


def test_check_refuses_bad_input_in_french(client: Any, prescriber: Any) -> None:
    headers = bearer(prescriber)
    response = client.post(
        "/api/v1/eligibility/check",
        json={"facts": {"statuses": [{"status": "riche"}]}},
        headers=headers,
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"][0]["field"] == "facts.statuses.0.status"
    response = client.post(
        "/api/v1/eligibility/check", json={"facts": {}, "programmes": ["nope"]}, headers=headers
    )
    assert response.status_code == 422 and "nope" in response.get_json()["error"]["message"]
    assert client.post("/api/v1/eligibility/check", json={"facts": {}}).status_code == 401


def test_households_and_prescriptions_over_the_api(
    client: Any, prescriber: Any, make_org: Any, make_user: Any
) -> None:
    asso = make_org(OrgKind.ASSOCIATION, slug="asso-api")
    manager = make_user(Role.MANAGER, asso, email="m@api.test")
    headers = bearer(prescriber)
    created = client.post(
        "/api/v1/households",
        json={
            "reference_name": "Mme API",
            "reference_age": 40,
            "other_ages": [7],
            "postcode": "28200",
            "commune": "Châteaudun",
            "statuses": ["rsa"],
            "phone": "06 00 00 00 01",
            "consent": True,
        },
        headers=headers,
    )
    assert created.status_code == 201, created.get_json()
    household = created.get_json()
    assert household["size"] == 2 and household["statuses"][0]["status"] == "rsa"
    refused = client.post(
        "/api/v1/households",
        json={"reference_name": "Sans accord", "phone": "0600000000", "consent": False},
        headers=headers,
    )
    assert (
        refused.status_code == 422
        and refused.get_json()["error"]["fields"][0]["field"] == "consent"
    )
    eligibility = client.get(
        f"/api/v1/households/{household['id']}/eligibility", headers=headers
    ).get_json()
    assert eligibility["decisions"][0]["programme"]["code"] == "rsa-ordinateur-15"
    made = client.post(
        "/api/v1/prescriptions",
        json={
            "household_id": household["id"],
            "programme_code": "rsa-ordinateur-15",
            "association_org_id": asso.id,
            "device_type": "laptop",
            "commitments": ["pix_test"],
            "submit": True,
        },
        headers=headers,
    )
    assert made.status_code == 201, made.get_json()
    prescription = made.get_json()
    assert prescription["state"] == "submitted" and prescription["outcome"]["price_eur"] == 15
    # The association's manager validates; the prescriber sees it validated.
    validated = client.post(
        f"/api/v1/prescriptions/{prescription['id']}/validate", headers=bearer(manager)
    )
    assert validated.status_code == 200 and validated.get_json()["state"] == "validated"
    seen = client.get(f"/api/v1/prescriptions/{prescription['id']}", headers=headers).get_json()
    assert seen["state"] == "validated" and seen["decided_at"]
    # Validating twice is a conflict, in French.
    again = client.post(
        f"/api/v1/prescriptions/{prescription['id']}/validate", headers=bearer(manager)
    )
    assert again.status_code == 409 and "Impossible" in again.get_json()["error"]["message"]


def test_openapi_documents_the_endpoints(client: Any) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    assert "post" in paths["/api/v1/eligibility/check"]
    assert paths["/api/v1/eligibility/check"]["post"]["requestBody"]
    for path in (
        "/api/v1/households",
        "/api/v1/households/{household_id}",
        "/api/v1/households/{household_id}/eligibility",
        "/api/v1/prescriptions",
        "/api/v1/prescriptions/{prescription_id}/validate",
        "/api/v1/programmes",
    ):
        assert path in paths, path
    assert "CheckIn" in document["components"]["schemas"]


def test_a_bad_programme_file_stops_the_start_up(new_app: Any, tmp_path: Path) -> None:
    good = (PROGRAMMES_DIR / "pre-pret-ordinateur.yaml").read_text(encoding="utf-8")
    (tmp_path / "pre.yaml").write_text(
        good.replace("  - qpv: true", "  - qpv: oui"), encoding="utf-8"
    )
    with pytest.raises(ProgrammeFileError) as info:
        new_app(PROGRAMMES_DIR=str(tmp_path))
    line = next(i for i, text in enumerate(good.splitlines(), 1) if text == "  - qpv: true")
    assert str(info.value) == f"{tmp_path / 'pre.yaml'}, ligne {line} : qpv s'écrit « qpv: true »"
