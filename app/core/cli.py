"""flask seed-demo: realistic demo data, idempotent."""

from __future__ import annotations

import importlib
import importlib.util

import click

from app.extensions import db


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


COMMANDS = [seed_demo, is_empty]
