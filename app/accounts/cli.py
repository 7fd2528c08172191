"""flask users create / users token; flask seed-demo (realistic demo data, idempotent);
flask is-empty."""

from __future__ import annotations

import importlib
import importlib.util

import click
from flask.cli import AppGroup

from app.accounts import services
from app.authz.policy import OrgKind, Role
from app.core.errors import DomainError
from app.extensions import db

users = AppGroup("users", help="Comptes : créer un compte, créer un jeton d'API.")


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--org", "org_slug", required=True, help="Identifiant court de l'organisation.")
@click.option("--password", required=True, help="12 caractères au moins, ni courant ni divulgué.")
@click.option("--org-kind", type=click.Choice([k.value for k in OrgKind]), default=None)
@click.option("--name", "full_name", default="", help="Nom et prénom.")
def create(
    email: str, role: str, org_slug: str, password: str, org_kind: str | None, full_name: str
) -> None:
    """Créer un compte (et l'organisation si l'identifiant est nouveau)."""
    try:
        user, created = services.create_user_with_org(
            email,
            password,
            Role(role),
            org_slug,
            OrgKind(org_kind) if org_kind else None,
            full_name=full_name,
        )
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    if created:
        click.echo(
            f"Organisation créée : {user.organisation.slug} ({user.organisation.kind.value})"
        )
    click.echo(f"Compte créé : {user.email} ({user.role.value}, {user.organisation.slug})")


@users.command("token")
@click.argument("email")
@click.option("--name", default="cli", help="À quoi sert ce jeton.")
def token(email: str, name: str) -> None:
    """Créer un jeton d'API ; il est affiché sur la dernière ligne."""
    user = services.find_user(email)
    if user is None:
        raise click.ClickException(f"Aucun compte pour {email}.")
    if not user.is_active:
        raise click.ClickException(f"Le compte {email} est désactivé.")
    click.echo(services.create_api_token(user, name))


@click.command("seed-demo")
def seed_demo() -> None:
    """Charger les données de démonstration (sans doublon si relancé)."""
    from app import DOMAINS
    from app.accounts.demo import DemoContext

    ctx = DemoContext()
    for package in DOMAINS:
        name = f"{package}.demo"
        if importlib.util.find_spec(name) is None:
            continue
        importlib.import_module(name).seed(ctx)
        db.session.commit()
    click.echo("Données de démonstration prêtes. Comptes (e-mail / mot de passe / rôle) :")
    for email, password, what in ctx.logins:
        click.echo(f"  {email:42} {password:16} {what}")


@click.command("is-empty")
def is_empty() -> None:
    """Sort avec le code 0 si la base n'a aucun compte (utilisé par make run)."""
    from sqlalchemy import func, select

    from app.accounts.models import User

    count = db.session.scalar(select(func.count()).select_from(User)) or 0
    raise SystemExit(0 if count == 0 else 1)


COMMANDS = [users, seed_demo, is_empty]
