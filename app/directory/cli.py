"""flask directory sync | geocode | import-mednum | import-data-inclusion."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.directory import imports, services
from app.directory.models import Place
from app.directory.rows import Report
from app.eligibility import display
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
    places = list(db.session.scalars(select(Place).order_by(Place.id)))
    services.place_points(places, force=force)  # online: one bulk CSV request
    done, failed = len(places), sum(place.latitude is None for place in places)
    db.session.commit()
    click.echo(f"{done} lieux traités, {failed} adresse(s) introuvable(s).")


def _echo_report(report: Report) -> None:
    speaker = display.speaker()  # no session here: French
    for p in report.problems:
        kind = "refusée" if p.blocking else "avertissement"
        click.echo(f"ligne {p.row}\t{p.field or '-'}\t{kind}\t{p.words(speaker)}")
    if not report.ok:
        click.echo("Rien n'a été importé.", err=True)
        raise SystemExit(1)
    verb = "importé(s)" if report.written else "à importer (--dry-run : rien n'est enregistré)"
    click.echo(f"{report.created} lieu(x) ajouté(s), {report.updated} mis à jour : {verb}.")


@directory.command("import-mednum")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Vérifier et rendre compte sans rien enregistrer.")
def import_mednum(path: str, dry_run: bool) -> None:
    """Importer un CSV « lieux de médiation numérique » (La MedNum v1.0.2)."""
    with open(path, encoding="utf-8-sig") as handle:
        text = handle.read()
    with services.batched_points():  # the rows' addresses geocoded together
        _echo_report(imports.import_mednum(text, dry_run=dry_run))


@directory.command("import-data-inclusion")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Vérifier et rendre compte sans rien enregistrer.")
def import_data_inclusion(path: str, dry_run: bool) -> None:
    """Importer des structures data·inclusion (liste, page de l'API ou « structures »)."""
    with open(path, encoding="utf-8-sig") as handle:
        try:
            payload = json.load(handle)
        except ValueError:
            raise click.ClickException("Le fichier n'est pas du JSON lisible.") from None
    with services.batched_points():
        _echo_report(imports.import_data_inclusion(payload, dry_run=dry_run))


COMMANDS = [directory]
