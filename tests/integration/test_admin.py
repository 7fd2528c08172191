"""An administrator creates organisations and accounts, resets a password, deactivates."""

from __future__ import annotations

import html

from sqlalchemy import select

from app.accounts.models import Organisation, User
from app.audit.models import AuditEntry
from app.authz.policy import OrgKind, Role
from app.extensions import db


def test_admin_creates_an_organisation_then_an_account_in_it(client, make_user, login) -> None:  # type: ignore[no-untyped-def]
    login(make_user(Role.ADMIN))
    response = client.post(
        "/admin/organisations/nouvelle",
        data={
            "name": "CCAS de Thionville",
            "slug": "ccas-thionville",
            "kind": "prescriber",
            "commune": "Thionville",
        },
    )
    assert response.status_code == 302
    org = db.session.scalar(select(Organisation).where(Organisation.slug == "ccas-thionville"))
    assert org is not None and org.kind is OrgKind.PRESCRIBER
    response = client.post(
        "/admin/comptes/nouveau",
        data={
            "email": "Referente@CCAS-Thionville.fr",
            "full_name": "Léa Muller",
            "role": "prescriber",
            "organisation_id": str(org.id),
            "password": "provisoire-2026",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "referente@ccas-thionville.fr"))
    assert user is not None and user.role is Role.PRESCRIBER and user.organisation_id == org.id
    assert "Léa Muller" in client.get("/admin/comptes").get_data(as_text=True)


def test_role_that_does_not_fit_the_organisation_is_refused_and_form_kept(
    client, make_user, make_org, login
) -> None:  # type: ignore[no-untyped-def]
    login(make_user(Role.ADMIN))
    place = make_org(OrgKind.TRAINING_PLACE, name="Médiathèque Test")
    page = client.post(
        "/admin/comptes/nouveau",
        data={
            "email": "tech@exemple.fr",
            "full_name": "Jean Test",
            "role": "technician",
            "organisation_id": str(place.id),
            "password": "provisoire-2026",
        },
    ).get_data(as_text=True)
    page = html.unescape(page)
    assert "Ce rôle n'est pas possible dans ce type d'organisation." in page
    assert 'value="tech@exemple.fr"' in page and 'value="Jean Test"' in page
    assert db.session.scalar(select(User).where(User.email == "tech@exemple.fr")) is None


def test_duplicate_slug_and_short_password_get_clear_messages(
    client, make_user, make_org, login
) -> None:  # type: ignore[no-untyped-def]
    login(make_user(Role.ADMIN))
    org = make_org(OrgKind.ASSOCIATION, slug="deja-la")
    page = client.post(
        "/admin/organisations/nouvelle",
        data={"name": "Autre", "slug": "deja-la", "kind": "association"},
    ).get_data(as_text=True)
    assert "Une organisation utilise déjà cet identifiant court." in page
    page = client.post(
        "/admin/comptes/nouveau",
        data={
            "email": "a@b.fr",
            "role": "manager",
            "organisation_id": str(org.id),
            "password": "court",
        },
    ).get_data(as_text=True)
    assert "au moins 12 caractères" in page


def test_reset_password_and_deactivate(client, make_user, login) -> None:  # type: ignore[no-untyped-def]
    admin = make_user(Role.ADMIN)
    tech = make_user(Role.TECHNICIAN)
    login(admin)
    assert (
        client.post(f"/admin/comptes/{tech.id}", data={"password": "remis-a-zero-2026"}).status_code
        == 302
    )
    assert client.post(f"/admin/comptes/{tech.id}/activation").status_code == 302
    db.session.expire_all()
    tech = db.session.get(User, tech.id)
    assert tech.active is False
    other = client.application.test_client()
    page = other.post(
        "/connexion", data={"email": tech.email, "password": "remis-a-zero-2026"}
    ).get_data(as_text=True)
    assert "désactivé" in page
    client.post(f"/admin/comptes/{tech.id}/activation")
    response = other.post("/connexion", data={"email": tech.email, "password": "remis-a-zero-2026"})
    assert response.status_code == 302
    actions = db.session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.object_type == "user", AuditEntry.object_id == str(tech.id)
        )
    ).all()
    assert {"user.password_reset", "user.deactivate", "user.activate"} <= set(actions)


def test_journal_is_scoped_to_the_managers_organisation(client, make_user, login) -> None:  # type: ignore[no-untyped-def]
    manager = make_user(Role.MANAGER)
    outsider = make_user(Role.MANAGER)  # another association
    login(manager)
    page = client.get("/journal").get_data(as_text=True)
    assert manager.email in page
    assert outsider.email not in page
