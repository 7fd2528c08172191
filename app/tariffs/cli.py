"""flask tariffs ...: load the starting catalogue, import or export a CSV file."""

from __future__ import annotations

from pathlib import Path

import click

from app.tariffs import editing, governance, transfer


@click.group("tariffs")
def tariffs() -> None:
    """Catalogue des tarifs sociaux."""


def _echo_report(report: transfer.ImportReport) -> None:
    for line, message in report.errors:
        click.echo(f"ligne {line} : {message}", err=True)
    if report.errors:
        raise SystemExit(1)
    click.echo(
        f"{report.created} offres ajoutées, {report.updated} modifiées, "
        f"{report.unchanged} sans changement."
    )


@tariffs.command("load-catalogue")
def load_catalogue() -> None:
    """Ajouter les offres du catalogue de départ du pays de l'instance (TARIFF_COUNTRY :
    app/tariffs/data/catalogue.csv pour FR, catalogue_uk.csv pour UK ou GB) qui manquent."""
    _echo_report(governance.load_starting_catalogue())


@tariffs.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(path: Path) -> None:
    """Importer un fichier CSV (tout ou rien ; les offres connues sont mises à jour)."""
    _echo_report(governance.import_csv(path.read_bytes()))


@tariffs.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def export_command(path: Path) -> None:
    """Écrire le catalogue dans un fichier CSV (séparateur ;, virgule décimale)."""
    path.write_bytes(transfer.export_csv(editing.list_tariffs()))
    click.echo(str(path))


@tariffs.command("review")
def review_command() -> None:
    """Les offres à vérifier, la plus ancienne d'abord (l'état « à vérifier » vient de la
    date de vérification et de TARIFF_VERIFIED_MONTHS : aucune tâche cron n'est requise)."""
    queue = governance.review_queue()
    for tariff in queue:
        checked = tariff.checked_on.isoformat() if tariff.checked_on else "jamais"
        click.echo(
            f"{checked}\t{tariff.id}\t{tariff.provider} · {tariff.name}\t{tariff.source_url}"
        )
    click.echo(f"{len(queue)} offres à vérifier.", err=True)


COMMANDS = [tariffs]
