"""flask inventory import / labels."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.accounts.models import Organisation
from app.authz.policy import OrgKind
from app.extensions import db
from app.inventory import donations, import_service, importing, mapped_import
from app.inventory.column_headers import source_label
from app.inventory.labels import SHEETS, LabelError
from app.inventory.mapping import FileMapping, MappingError
from app.inventory.models import Device, DonationBatch, Donor, DonorKind
from app.inventory.pdfs import labels_pdf

inventory = AppGroup(
    "inventory", help="Inventaire : importer un fichier d'appareils, imprimer des étiquettes."
)


def _organisation(slug: str | None) -> Organisation:
    if slug:
        org = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
        if org is None:
            raise click.ClickException(f"Aucune organisation « {slug} ».")
        return org
    associations = db.session.scalars(
        select(Organisation).where(Organisation.kind == OrgKind.ASSOCIATION)
    ).all()
    if len(associations) != 1:
        raise click.ClickException(
            f"{len(associations)} associations dans la base : précisez laquelle avec --org."
        )
    return associations[0]


@inventory.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", "org_slug", default=None, help="Identifiant court de l'association.")
@click.option("--dry-run", is_flag=True, help="Vérifier seulement : rien n'est enregistré.")
@click.option("--donor", "donor_name", default="", help="Nom du donateur (créé s'il est nouveau).")
@click.option("--reference", default="", help="Référence du lot (bon de don…).")
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Correspondance des colonnes et des valeurs (JSON, tel que --dry-run l'affiche).",
)
@click.option("--reason", default="", help="Raison d'accepter les doublons (responsable).")
def import_command(
    file: Path,
    org_slug: str | None,
    dry_run: bool,
    donor_name: str,
    reference: str,
    mapping_file: Path | None,
    reason: str,
) -> None:
    """Importer FILE (CSV ou XLSX, d'Ordilien, de Snipe-IT, de GLPI ou d'un tableur) comme
    un lot de don : tout ou rien."""
    org = _organisation(org_slug)
    chosen = None
    if mapping_file is not None:
        try:
            chosen = FileMapping.from_json(json.loads(mapping_file.read_text("utf-8")))
        except json.JSONDecodeError as exc:
            raise click.ClickException(
                f"{mapping_file} n'est pas du JSON lisible : {exc}."
            ) from None
        except MappingError as exc:
            raise click.ClickException(exc.message) from None
    try:
        table = mapped_import.read(file.read_bytes(), file.name)
    except importing.ImportFileError as exc:
        raise click.ClickException(exc.message) from None
    donor = None
    if donor_name and not dry_run:
        donor = db.session.scalar(
            select(Donor).where(Donor.organisation_id == org.id, Donor.name == donor_name)
        ) or donations.create_donor(org.id, DonorKind.COMPANY, donor_name, commit=False)
    result = import_service.import_table(
        org.id,
        table,
        chosen,
        donor=donor,
        reference=reference,
        override_reason=reason,
        dry_run=dry_run,
    )
    parsed = result.parsed
    if dry_run:
        click.echo(f"Correspondance utilisée ({source_label(parsed.source)}) :")
        click.echo(parsed.mapping.dumps())
        for column in parsed.columns:
            if not column.field:
                click.echo(f"Colonne ignorée « {column.header} » : {column.reason}")
    if not result.ok:
        db.session.rollback()
        for problem in result.blocking:
            where = f"ligne {problem.row}" + (
                f", colonne « {problem.column} »" if problem.column else ""
            )
            click.echo(f"{where} : {problem.message}", err=True)
        click.echo(f"{len(result.blocking)} problème(s) : rien n'a été importé.", err=True)
        raise SystemExit(1)
    if dry_run:
        click.echo(
            f"{len(parsed.rows)} appareils lisibles, aucun problème (rien n'a été enregistré)."
        )
        return
    assert result.batch is not None
    click.echo(
        f"{result.created} appareils importés dans le lot n° {result.batch.id} ({org.slug})."
    )


@inventory.command("labels")
@click.option("--batch", "batch_id", type=int, required=True, help="Numéro du lot.")
@click.option("--sheet", type=click.Choice(list(SHEETS)), default="L7160", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--start", type=int, default=1, show_default=True, help="Première position libre.")
@click.option("--base-url", default=None, help="Adresse du site (sinon PUBLIC_BASE_URL).")
def labels_command(
    batch_id: int, sheet: str, output: Path, start: int, base_url: str | None
) -> None:
    """Écrire le PDF des étiquettes d'un lot."""
    batch = db.session.get(DonationBatch, batch_id)
    if batch is None:
        raise click.ClickException(f"Aucun lot n° {batch_id}.")
    base = base_url or current_app.config.get("PUBLIC_BASE_URL") or ""
    if not base:
        base = "http://127.0.0.1:5000"
        click.echo(
            "Attention : PUBLIC_BASE_URL n'est pas défini, les QR codes pointent vers "
            f"{base} (donnez --base-url).",
            err=True,
        )
    devices = db.session.scalars(
        select(Device).where(Device.batch_id == batch.id).order_by(Device.id)
    ).all()
    if not devices:
        raise click.ClickException(f"Le lot n° {batch_id} ne contient aucun appareil.")
    org = db.session.get(Organisation, batch.organisation_id)
    try:
        pdf = labels_pdf(devices, sheet, base, start=start, org_name=org.name if org else "")
    except LabelError as exc:
        raise click.ClickException(exc.message) from None
    output.write_bytes(pdf)
    click.echo(f"{len(devices)} étiquettes {sheet} écrites dans {output}.")


COMMANDS = [inventory]
