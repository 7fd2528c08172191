"""The programmes API: list, read with versions, create a draft, edit it, publish it; a bad
definition is a 422 naming the line and the fault, and writes nothing; a prescriber may
read but not write; every operation is in the OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from app.accounts import services as accounts
from app.audit.models import AuditEntry
from app.authz.policy import OrgKind, Role
from app.core.clock import today
from app.eligibility import services
from app.eligibility.models import ProgrammeRecord, ProgrammeVersion
from app.extensions import db
from tests.access.programmes import YAML, definition

CODE = "aide-api"


def bearer(user: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {accounts.create_api_token(user, 'test')}"}


@pytest.fixture
def people(make_org: Any, make_user: Any) -> dict[str, Any]:
    ccas = make_org(OrgKind.PRESCRIBER, slug="ccas-api", name="CCAS API")
    coord = make_org(OrgKind.COORDINATOR, slug="dep-api", name="Département")
    other = make_org(OrgKind.COORDINATOR, slug="autre-api", name="Autre")
    return {
        "admin": bearer(make_user(Role.ADMIN, coord, email="admin@api.test")),
        "manager": bearer(make_user(Role.MANAGER, coord, email="resp@api.test")),
        "outsider": bearer(make_user(Role.MANAGER, other, email="resp@autre.test")),
        "prescriber": bearer(make_user(Role.PRESCRIBER, ccas, email="p@api.test")),
        "coord": coord,
    }


def _counts() -> tuple[int, ...]:
    db.session.expire_all()
    return tuple(
        db.session.scalar(select(func.count()).select_from(model)) or 0
        for model in (ProgrammeRecord, ProgrammeVersion, AuditEntry)
    )


def test_list_and_read_with_versions(client: Any, people: dict[str, Any]) -> None:
    response = client.get("/api/v1/programmes", headers=people["prescriber"])
    assert response.status_code == 200
    rsa = next(p for p in response.get_json() if p["code"] == "rsa-ordinateur-15")
    assert rsa["version"] == 1 and rsa["owner"] is None and not rsa["has_draft"]
    assert rsa["valid_from"] == "2023-01-01" and rsa["valid_to"] is None
    assert rsa["source"]["citation"] == "004:18" and rsa["device_types"] == ["laptop", "desktop"]
    assert rsa["name"] and rsa["summary"] and rsa["territory"]

    response = client.get("/api/v1/programmes/rsa-ordinateur-15", headers=people["prescriber"])
    assert response.status_code == 200
    (version,) = response.get_json()["versions"]
    assert version["number"] == 1 and version["state"] == "published"
    assert version["effective_from"] == "2023-01-01" and version["published_at"].endswith("Z")
    assert version["definition"]["code"] == "rsa-ordinateur-15"
    assert "Livré avec Ordilien" in version["note"]

    missing = client.get("/api/v1/programmes/nope", headers=people["prescriber"])
    assert missing.status_code == 404
    assert missing.get_json()["error"]["message"] == "Programme introuvable."


def test_create_edit_and_publish_a_draft(client: Any, people: dict[str, Any]) -> None:
    manager = people["manager"]
    response = client.post(
        "/api/v1/programmes", json={"definition": definition(CODE)}, headers=manager
    )
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["owner"]["slug"] == "dep-api"  # the token user's organisation
    assert created["version"] is None and created["has_draft"]
    assert [v["state"] for v in created["versions"]] == ["draft"]
    # The same code again: a conflict.
    again = client.post(
        "/api/v1/programmes", json={"definition": definition(CODE)}, headers=manager
    )
    assert again.status_code == 409

    # The draft replaced from a programme file, with a note.
    text = YAML.format(code=CODE).replace("price_eur: 20", "price_eur: 25")
    response = client.put(
        f"/api/v1/programmes/{CODE}/draft",
        json={"yaml": text, "note": "Prix 2026"},
        headers=manager,
    )
    assert response.status_code == 200, response.get_json()
    (draft,) = response.get_json()["versions"]
    assert draft["definition"]["outcome"]["price_eur"] == 25 and draft["note"] == "Prix 2026"

    response = client.post(
        f"/api/v1/programmes/{CODE}/publish",
        json={"effective_from": today().isoformat(), "note": "Première version"},
        headers=manager,
    )
    assert response.status_code == 200, response.get_json()
    published = response.get_json()
    assert published["version"] == 1 and not published["has_draft"]
    assert published["versions"][0]["note"] == "Première version"
    # Nothing left to publish; a second draft starts from the published version.
    nothing = client.post(
        f"/api/v1/programmes/{CODE}/publish",
        json={"effective_from": today().isoformat()},
        headers=manager,
    )
    assert (
        nothing.status_code == 422 and "pas de brouillon" in nothing.get_json()["error"]["message"]
    )
    response = client.put(
        f"/api/v1/programmes/{CODE}/draft", json={"definition": definition(CODE)}, headers=manager
    )
    assert response.status_code == 200
    assert [v["state"] for v in response.get_json()["versions"]] == ["published", "draft"]
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.action.like("programme.%"))
        .order_by(AuditEntry.id)
    ).all()
    assert actions[-5:] == [
        "programme.create",
        "programme.update_draft",
        "programme.publish",
        "programme.new_draft",
        "programme.update_draft",
    ]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"yaml": YAML.format(code=CODE).replace("any_of: [rsa]", "any_of: [riche]")},
            "yaml",
            "yaml, ligne 8 : any_of : valeur inconnue « riche »",
        ),
        (
            {"definition": {**definition(CODE), "conditions": [{"revenu": 3}]}},
            "definition",
            "condition inconnue « revenu »",
        ),
        ({"yaml": "code: [\n"}, "yaml", "yaml, ligne 2 : YAML illisible"),
        ({"yaml": "a: &x [1, 2]\nb: [*x, *x]\n"}, "yaml", "yaml, ligne 2 : les alias YAML"),
        ({"definition": definition(CODE), "yaml": YAML.format(code=CODE)}, "definition", "l'un"),
    ],
    ids=["unknown-status", "unknown-condition", "bad-yaml", "aliases", "both"],
)
def test_a_bad_definition_is_a_422_naming_line_and_fault(
    client: Any, people: dict[str, Any], body: dict[str, Any], field: str, message: str
) -> None:
    client.get("/api/v1/programmes", headers=people["manager"])  # the shipped ones exist
    before = _counts()
    response = client.post("/api/v1/programmes", json=body, headers=people["manager"])
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert message in error["message"] or message in error["fields"][0]["message"], error
    assert error["fields"][0]["field"] == field
    assert _counts() == before


def test_a_bad_draft_writes_nothing(client: Any, people: dict[str, Any]) -> None:
    services.create_programme(CODE, people["coord"].id, definition(CODE), None)
    before = _counts()
    bad = YAML.format(code=CODE).replace("  - statuses", "  - statut")
    response = client.put(
        f"/api/v1/programmes/{CODE}/draft", json={"yaml": bad}, headers=people["manager"]
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["message"].startswith("yaml, ligne 8 : condition inconnue « statut »")
    assert error["fields"][0]["field"] == "yaml"
    assert error["fields"][0]["message"].startswith("ligne 8 : condition inconnue")
    renamed = client.put(
        f"/api/v1/programmes/{CODE}/draft",
        json={"definition": definition("autre-code")},
        headers=people["manager"],
    )
    assert renamed.status_code == 422
    assert renamed.get_json()["error"]["fields"][0]["field"] == "definition.code"
    assert _counts() == before


def test_who_may_write(client: Any, people: dict[str, Any]) -> None:
    services.create_programme(CODE, people["coord"].id, definition(CODE), None)
    before = _counts()
    draft = {"definition": definition(CODE)}
    day = {"effective_from": today().isoformat()}
    # A prescriber reads but never writes; a manager writes their own organisation's only.
    for who, create in (
        ("prescriber", {"definition": definition("aide-refusee")}),
        ("outsider", {"definition": definition("aide-refusee"), "owner": "dep-api"}),
    ):
        headers = people[who]
        answers = [
            client.post("/api/v1/programmes", json=create, headers=headers),
            client.put(f"/api/v1/programmes/{CODE}/draft", json=draft, headers=headers),
            client.post(f"/api/v1/programmes/{CODE}/publish", json=day, headers=headers),
        ]
        assert [a.status_code for a in answers] == [403, 403, 403], who
        assert all(a.get_json()["error"]["message"] for a in answers)
    assert _counts() == before
    # Only a draft so far: work in progress of its writers, as on the programme pages.
    assert client.get(f"/api/v1/programmes/{CODE}", headers=people["prescriber"]).status_code == 404
    # The administrator writes every programme; without an owner, the programme is theirs.
    admin = client.post(
        "/api/v1/programmes", json={"definition": definition("aide-admin")}, headers=people["admin"]
    )
    assert admin.status_code == 201 and admin.get_json()["owner"] is None


def test_openapi_documents_the_programme_operations(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/api/v1/programmes"]) == {"get", "post"}
    assert "get" in paths["/api/v1/programmes/{code}"]
    assert "put" in paths["/api/v1/programmes/{code}/draft"]
    assert "post" in paths["/api/v1/programmes/{code}/publish"]
    assert "201" in paths["/api/v1/programmes"]["post"]["responses"]
    assert paths["/api/v1/programmes/{code}/draft"]["put"]["requestBody"]


def test_a_draft_is_shown_to_its_writers_only(app: Any, make_org: Any, make_user: Any) -> None:
    """The CCAS de Metz aid ships as a draft: its owner's manager reads it, a prescriber
    does not (neither in the list nor by its code)."""
    from app.eligibility import services

    ccas = make_org(OrgKind.PRESCRIBER, slug="ccas-brouillon", name="CCAS")
    manager = make_user(Role.MANAGER, ccas, email="resp@ccas-brouillon.test")
    prescriber = make_user(Role.PRESCRIBER, ccas, email="p@ccas-brouillon.test")
    record = services.get_programme("ccas-metz-aide")
    record.organisation_id = ccas.id
    db.session.commit()
    client = app.test_client()
    listed = client.get("/api/v1/programmes", headers=bearer(prescriber)).get_json()
    assert "ccas-metz-aide" not in {p["code"] for p in listed}
    assert (
        client.get("/api/v1/programmes/ccas-metz-aide", headers=bearer(prescriber)).status_code
        == 404
    )
    mine = client.get("/api/v1/programmes/ccas-metz-aide", headers=bearer(manager)).get_json()
    assert [v["state"] for v in mine["versions"]] == ["draft"]
    shipped = client.get("/api/v1/programmes/rsa-ordinateur-15", headers=bearer(prescriber))
    assert shipped.status_code == 200
