"""The programme editor (issue 14): a CCAS manager writes a programme in forms, no YAML."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest

from app.accounts.models import OrgKind
from app.authz.policy import Role
from app.core.clock import today
from app.eligibility import catalogue, services
from app.eligibility.editing import definition_to_fields
from app.eligibility.editor_forms import ProgrammeForm, fill_form
from app.extensions import db

CAMPAIGN = {
    "code": "smartphones-ccas",
    "name": "Smartphones solidaires du CCAS",
    "summary": "Un smartphone reconditionné offert, sur critères sociaux.",
    "territory": "Commune du CCAS",
    "device_types": ["smartphone"],
    "end_kind": "campaign",
    "campaign_months": "4",
    "statuses_mode": "any_of",
    "statuses": ["rsa", "ass", "aah", "job_seeker"],
    "proof": "declared",
    "age_who": "any",
    "quota_max-value": "1",
    "quota_per": "ever",
    "commitments": ["training"],
    "envelope_max_grants-value": "100",
    "envelope_per": "ever",
    "outcome_kind": "gift",
    "source_citation": "003:836",
    "source_title": "Convention CCAS, smartphones reconditionnés",
}


@pytest.fixture(autouse=True)
def shipped(app):  # type: ignore[no-untyped-def]
    """The shipped programmes, as after the first start."""
    services.all_programmes()


def _in_force(code: str):  # type: ignore[no-untyped-def]
    catalogue.invalidate()  # the test's own app context keeps what it read before
    return catalogue.find(code)


@pytest.fixture
def manager(make_org, make_user, login):  # type: ignore[no-untyped-def]
    ccas = make_org(OrgKind.PRESCRIBER, name="CCAS de Test")
    user = make_user(Role.MANAGER, ccas)
    login(user)
    return user


def _form(**changes: Any) -> dict[str, Any]:
    return {**CAMPAIGN, "valid_from": today().isoformat(), **changes}


def _publish(client, code: str, day: str | None = None):  # type: ignore[no-untyped-def]
    return client.post(
        f"/programmes/{code}/publier",
        data={"effective_from": day or today().isoformat(), "note": "Première version"},
    )


def test_a_ccas_manager_creates_and_publishes_a_campaign(client, manager) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/programmes/nouveau").status_code == 200
    response = client.post("/programmes/nouveau", data=_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    record = services.get_programme("smartphones-ccas")
    assert record.organisation_id == manager.organisation_id
    draft = services.draft_of(record)
    assert draft is not None and draft.definition["envelope"]["max_grants"] == 100
    assert draft.definition["campaign_months"] == 4
    assert catalogue.find("smartphones-ccas") is None
    page = client.get("/programmes/smartphones-ccas").get_data(as_text=True)
    assert "Brouillon" in page
    assert _publish(client, "smartphones-ccas").status_code == 302
    programme = _in_force("smartphones-ccas")
    assert programme is not None and programme.in_force(today())
    assert programme.envelope is not None and programme.envelope.max_grants == 100
    page = client.get("/programmes/smartphones-ccas").get_data(as_text=True)
    assert "Première version" in page


def test_min_age_above_max_keeps_what_was_typed(client, manager) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/programmes/nouveau", data=_form(**{"age_min-value": "30", "age_max-value": "25"})
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "L&#39;âge minimum (30) est plus grand que l&#39;âge maximum (25)." in html
    assert 'id="age_min-value-erreur"' in html
    assert 'value="Smartphones solidaires du CCAS"' in html
    assert 'value="30"' in html
    assert services.all_programmes() and "smartphones-ccas" not in {
        p.code for p in services.all_programmes()
    }


def test_add_a_date_row_redraws_without_saving(client, manager) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/programmes/nouveau", data=_form(**{"price_eur-add_row": "1"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="price_eur-changes-1-day"' in html
    assert "smartphones-ccas" not in {p.code for p in services.all_programmes()}


def test_a_prescriber_may_not_open_the_editor(client, make_org, make_user, login) -> None:  # type: ignore[no-untyped-def]
    login(make_user(Role.PRESCRIBER, make_org(OrgKind.PRESCRIBER)))
    assert client.get("/programmes/nouveau").status_code == 403
    assert client.get("/programmes/rsa-ordinateur-15/brouillon").status_code == 403


def test_a_manager_of_another_organisation_may_not_edit(
    client, manager, make_org, make_user, login
) -> None:  # type: ignore[no-untyped-def]
    client.post("/programmes/nouveau", data=_form())
    login(make_user(Role.MANAGER, make_org(OrgKind.PRESCRIBER)))
    assert client.get("/programmes/smartphones-ccas/brouillon").status_code == 403
    assert _publish(client, "smartphones-ccas").status_code == 403
    assert services.draft_of(services.get_programme("smartphones-ccas")) is not None


def _draft_form(client, code: str, **changes: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The draft page's form as a browser would post it."""
    record = services.get_programme(code)
    version = services.draft_of(record) or services.latest_published(record)
    with client.application.test_request_context():
        form = ProgrammeForm(formdata=None)
        fill_form(form, definition_to_fields(version.definition))
        data: dict[str, Any] = {}
        for f in form:
            for sub in f.form if hasattr(f, "form") else [f]:
                for leaf in [x for e in sub for x in e.form] if hasattr(sub, "entries") else [sub]:
                    if leaf.type in ("SubmitField", "CSRFTokenField", "FormField"):
                        continue
                    if leaf.type == "BooleanField":
                        if leaf.data:
                            data[leaf.name] = "y"
                    elif leaf.data is not None:
                        data[leaf.name] = (
                            leaf.data.isoformat() if hasattr(leaf.data, "isoformat") else leaf.data
                        )
    data.update(changes)
    return data


def test_a_published_version_is_not_edited_a_new_draft_is_made(client, make_user, login) -> None:  # type: ignore[no-untyped-def]
    admin = make_user(Role.ADMIN)
    login(admin)
    record = services.get_programme("rsa-ordinateur-15")  # shipped: published version 1
    assert services.draft_of(record) is None
    page = client.get("/programmes/rsa-ordinateur-15/brouillon").get_data(as_text=True)
    assert "nouveau brouillon" in page
    future = today() + timedelta(days=30)
    data = _draft_form(
        client,
        "rsa-ordinateur-15",
        **{
            "price_eur-changes-0-day": future.isoformat(),
            "price_eur-changes-0-value": "20",
            "note": "Prix à 20 €",
        },
    )
    response = client.post("/programmes/rsa-ordinateur-15/brouillon", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    record = services.get_programme("rsa-ordinateur-15")
    first = services.latest_published(record)
    assert first.number == 1 and first.definition["parameters"]["price_eur"]["values"] == {
        "2023-01-01": 15
    }
    assert (
        _publish(client, "rsa-ordinateur-15", (today() + timedelta(days=1)).isoformat()).status_code
        == 302
    )
    db.session.expire_all()  # the test's session still holds the versions it read
    latest = services.latest_published(services.get_programme("rsa-ordinateur-15"))
    assert latest.number == 2
    assert latest.definition["parameters"]["price_eur"]["values"] == {
        "2023-01-01": 15,
        future.isoformat(): 20,
    }
    assert latest.definition["parameters"]["price_eur"]["description"] == "Prix de vente"


def test_a_bad_file_shows_its_line_and_writes_nothing(client, manager) -> None:  # type: ignore[no-untyped-def]
    text = "code: mauvais\nname: Test\nsummary: x\ndevice_types: [laptop]\nvalid_from: 2024-01-01\nsource: {citation: x}\nconditions:\n  - age: 3\noutcome: {kind: gift}\n"  # noqa: E501
    response = client.post(
        "/programmes/importer",
        data={"file": (io.BytesIO(text.encode()), "mauvais.yaml")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "mauvais.yaml, ligne 8" in html
    assert "mauvais" not in {p.code for p in services.all_programmes()}


def test_export_downloads_yaml_that_imports_back(client, manager) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/programmes/rsa-ordinateur-15/export.yaml")
    assert response.status_code == 200
    text = response.get_data(as_text=True).replace("rsa-ordinateur-15", "rsa-ordinateur-copie")
    dry = client.post(
        "/programmes/importer",
        data={"file": (io.BytesIO(text.encode()), "copie.yaml"), "dry_run": "y"},
        content_type="multipart/form-data",
    )
    html = dry.get_data(as_text=True)
    assert "Un nouveau programme : rsa-ordinateur-copie." in html
    assert "rsa-ordinateur-copie" not in {p.code for p in services.all_programmes()}
    done = client.post(
        "/programmes/importer",
        data={"file": (io.BytesIO(text.encode()), "copie.yaml")},
        content_type="multipart/form-data",
    )
    assert done.status_code == 302
    record = services.get_programme("rsa-ordinateur-copie")
    assert record.organisation_id == manager.organisation_id
    assert services.draft_of(record) is not None
