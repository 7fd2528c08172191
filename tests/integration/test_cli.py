"""The command line: users create, users token, seed-demo."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.cli import seed_demo, users
from app.accounts.models import Organisation, User
from app.authz.policy import OrgKind
from app.extensions import db


def _count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_users_create_makes_the_organisation_of_the_implied_kind(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        users,
        [
            "create",
            "conseil@fs-dreux.fr",
            "--role",
            "prescriber",
            "--org",
            "fs-dreux",
            "--password",
            "mot-de-passe-long",
        ],
    )
    assert result.exit_code == 0, result.output
    org = db.session.scalar(select(Organisation).where(Organisation.slug == "fs-dreux"))
    assert org.kind is OrgKind.PRESCRIBER
    result = runner.invoke(
        users,
        [
            "create",
            "lieu@mediatheque.fr",
            "--role",
            "viewer",
            "--org",
            "reseau-lecture",
            "--password",
            "mot-de-passe-long",
            "--org-kind",
            "coordinator",
        ],
    )
    assert result.exit_code == 0, result.output


def test_users_create_refuses_bad_input_with_french_message(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        users, ["create", "x@y.fr", "--role", "manager", "--org", "asso-x", "--password", "court"]
    )
    assert result.exit_code != 0
    assert "au moins 12 caractères" in result.output
    assert _count(User) == 0 and _count(Organisation) == 0  # nothing half-written


def test_users_token_prints_a_working_token_on_its_last_line(runner, client) -> None:  # type: ignore[no-untyped-def]
    runner.invoke(
        users,
        [
            "create",
            "tech@asso.fr",
            "--role",
            "technician",
            "--org",
            "asso-y",
            "--password",
            "mot-de-passe-long",
        ],
    )
    result = runner.invoke(users, ["token", "tech@asso.fr"])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert me["email"] == "tech@asso.fr"
    assert runner.invoke(users, ["token", "inconnu@asso.fr"]).exit_code != 0


def test_seed_demo_is_idempotent_and_prints_logins(runner) -> None:  # type: ignore[no-untyped-def]
    first = runner.invoke(seed_demo)
    assert first.exit_code == 0, first.output
    assert "admin@ordilien.local" in first.output and "ordilien-demo" in first.output
    counts = {m.__name__: _count(m) for m in (User, Organisation)}
    assert counts["Organisation"] >= 8 and counts["User"] >= 7
    kinds = set(db.session.scalars(select(Organisation.kind)).all())
    assert kinds == set(OrgKind)
    second = runner.invoke(seed_demo)
    assert second.exit_code == 0, second.output
    assert {m.__name__: _count(m) for m in (User, Organisation)} == counts
