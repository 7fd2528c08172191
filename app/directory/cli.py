"""flask directory sync | geocode: keep the directory's own places and points up to date."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.directory import services
from app.directory.models import Place
from app.extensions import db

directory = AppGroup("directory", help="Annuaire « Où aller » : lieux, coordonnées.")


@directory.command("sync")
def sync() -> None:
    """Créer ou mettre à jour les lieux des organisations de l'instance."""
    count = services.sync_own_places()
    click.echo(f"{count} lieux de l'instance à jour.")


@directory.command("geocode")
@click.option("--force", is_flag=True, help="Géocoder aussi les adresses déjà traitées.")
def geocode(force: bool) -> None:
    """Placer les lieux sur la carte (une fois par adresse, sauf --force)."""
    done = failed = 0
    for place in db.session.scalars(select(Place).order_by(Place.id)):
        services.place_point(place, force=force)
        done += 1
        failed += place.latitude is None
    db.session.commit()
    click.echo(f"{done} lieux traités, {failed} adresse(s) introuvable(s).")


COMMANDS = [directory]
