"""flask backup / flask restore / flask gdpr purge."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.core.errors import DomainError
from app.extensions import db
from app.reports import backup as backups


def _database_url() -> str:
    return str(db.engine.url.render_as_string(hide_password=False))


@click.command("backup")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Fichier à écrire (par défaut : instance/backups/ordilien-DATE.sqlite3 ou .dump).",
)
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Dossier des sauvegardes (variable BACKUP_DIR, sinon instance/backups).",
)
@click.option(
    "--keep",
    type=int,
    default=0,
    help="Ne garder que les N sauvegardes les plus récentes du dossier (0 : tout garder).",
)
def backup_command(output: Path | None, directory: Path | None, keep: int) -> None:
    """Sauvegarder toute la base (SQLite ou PostgreSQL) sans arrêter le service."""
    url = _database_url()
    folder = directory or Path(
        os.environ.get("BACKUP_DIR") or Path(current_app.instance_path) / "backups"
    )
    try:
        target = output or backups.default_backup_path(folder, backups.database_kind(url))
        result = backups.backup(url, target)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Sauvegarde {result.kind} écrite : {result.path} ({result.size} octets)")
    if keep > 0:
        for removed in backups.prune(result.path.parent, keep):
            click.echo(f"Ancienne sauvegarde supprimée : {removed}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Ne pas demander de confirmation.")
def restore_command(path: Path, yes: bool) -> None:
    """Remplacer tout le contenu de la base par une sauvegarde. Arrêtez le service avant."""
    url = _database_url()
    if not yes:
        click.confirm(
            f"Tout le contenu de la base {db.engine.url.render_as_string(hide_password=True)} "
            "sera remplacé. Continuer ?",
            abort=True,
        )
    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold the old content open
    try:
        kind = backups.restore(url, path)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    db.engine.dispose()
    click.echo(f"Base {kind} restaurée depuis {path}.")


gdpr = AppGroup("gdpr", help="Données personnelles : durée de conservation, anonymisation.")


@gdpr.command("purge")
@click.option("--dry-run", is_flag=True, help="Compter les foyers concernés sans rien modifier.")
def purge_command(dry_run: bool) -> None:
    """Anonymiser les foyers sans activité depuis RETENTION_DAYS jours (statistiques gardées)."""
    from app.reports.gdpr import erasure

    days = int(current_app.config["RETENTION_DAYS"])
    try:
        report = erasure.purge_expired(days, dry_run=dry_run)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    verb = "à anonymiser" if dry_run else "anonymisés"
    click.echo(
        f"Durée de conservation : {days} jours (activité avant le {report.cutoff:%d/%m/%Y}). "
        f"Foyers {verb} : {report.count}."
    )


COMMANDS = [backup_command, restore_command, gdpr]
