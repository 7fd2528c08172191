"""API tokens: created on the account page or the CLI, used as Bearer, revoked."""

from __future__ import annotations

import re

from app.authz.policy import Role


def test_token_from_account_page_works_until_revoked(client, make_user, login) -> None:  # type: ignore[no-untyped-def]
    user = make_user(Role.PRESCRIBER)
    login(user)
    page = client.post("/compte", data={"tok-name": "tableur", "tok-submit": "1"}).get_data(
        as_text=True
    )
    token = re.search(r'<code id="new-token">(ordi_[^<]+)</code>', page).group(1)
    api = client.application.test_client()
    me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert me["email"] == user.email and me["role"] == "prescriber"
    assert me["organisation"]["id"] == user.organisation_id
    # The token is shown once: the account page no longer contains it.
    assert token not in client.get("/compte").get_data(as_text=True)
    token_id = user.api_tokens[0].id
    assert client.post(f"/compte/jetons/{token_id}/revoquer").status_code == 302
    response = api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_cannot_revoke_someone_elses_token(client, make_user, login) -> None:  # type: ignore[no-untyped-def]
    from app.accounts.services import create_api_token

    owner = make_user(Role.MANAGER)
    token = create_api_token(owner, "à moi")
    login(make_user(Role.MANAGER))
    assert client.post(f"/compte/jetons/{owner.api_tokens[0].id}/revoquer").status_code == 404
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_openapi_document_describes_the_api(client) -> None:  # type: ignore[no-untyped-def]
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert "/api/v1/me" in doc["paths"]
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    me = doc["paths"]["/api/v1/me"]["get"]
    assert me["security"] == [{"bearerAuth": []}]
    assert "401" in me["responses"]
