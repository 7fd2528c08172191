"""flask programmes list / export / import: exchange programmes between territories.

On the command line the actor is the system (None): the services allow it and the
journal shows "système", as for the programmes shipped at first start.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import NoReturn

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.accounts.models import Organisation
from app.core.errors import DomainError
from app.eligibility import exchange, listing, publishing, services
from app.eligibility.loader import ProgrammeFileError, definition_from_yaml
from app.eligibility.models import ProgrammeRecord
from app.extensions import db

programmes = AppGroup(
    "programmes",
    help="Programmes : lister, exporter vers un autre territoire, importer un fichier.",
)

ADMIN = "administrateur"  # the owner shown for programmes of the instance administrator


def _day(value: date | None) -> str:
    return value.isoformat() if value is not None else "-"


@programmes.command("list")
def list_command() -> None:
    """Lister les programmes : version en vigueur, propriétaire, dates de validité."""
    rows = [
        (
            row.record.code,
            f"v{row.version}" if row.version is not None else "-",
            row.owner.slug if row.owner is not None else ADMIN,
            _day(row.programme.valid_from),
            _day(row.programme.valid_to),
            "brouillon" if row.has_draft else "",
        )
        for row in listing.rows()
    ]
    header = ("code", "version", "propriétaire", "du", "au", "")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for line in [header, *rows]:
        click.echo("  ".join(text.ljust(w) for text, w in zip(line, widths, strict=True)).rstrip())


@programmes.command("export")
@click.argument("code")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Fichier à écrire (par défaut : la sortie standard).",
)
def export_command(code: str, output: Path | None) -> None:
    """Écrire la version en vigueur du programme CODE comme un fichier de programme."""
    services.all_programmes()  # the shipped files become programmes on first use
    try:
        services.get_programme(code)
    except DomainError as exc:
        raise click.ClickException(f"{code} : {exc.message}") from None
    try:
        text = exchange.export_programme(code)
    except DomainError:
        raise click.ClickException(f"{code} : aucune version en vigueur aujourd'hui.") from None
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"Programme {code} écrit dans {output}.", err=True)


def _owner(slug: str | None) -> Organisation | None:
    if not slug:
        return None
    org = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        raise click.ClickException(f"Aucune organisation « {slug} ».")
    return org


def _refuse(message: str) -> NoReturn:
    db.session.rollback()
    click.echo(message, err=True)
    click.echo("Rien n'a été enregistré.", err=True)
    raise SystemExit(1)


@programmes.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--org",
    "org_slug",
    default=None,
    help="Organisation propriétaire (par défaut : l'administrateur).",
)
@click.option("--dry-run", is_flag=True, help="Vérifier seulement : rien n'est enregistré.")
@click.option(
    "--publish-from",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Publier la version importée, en vigueur à partir de ce jour (AAAA-MM-JJ).",
)
def import_command(
    file: Path, org_slug: str | None, dry_run: bool, publish_from: datetime | None
) -> None:
    """Importer FILE (un fichier de programme YAML) comme brouillon : un nouveau code crée
    un programme, un code connu reçoit un nouveau brouillon. Un fichier refusé nomme la
    ligne et la faute, et rien n'est écrit."""
    start = publish_from.date() if publish_from is not None else None
    owner = _owner(org_slug)
    shown = str(file)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        _refuse(f"{shown}, ligne 1 : fichier illisible ({exc})")
    try:
        definition = definition_from_yaml(text, shown)
    except ProgrammeFileError as exc:
        _refuse(str(exc))
    if not dry_run:
        services.all_programmes()  # first start: the shipped programmes exist before ours
    code = definition["code"]
    existing = db.session.scalar(select(ProgrammeRecord).where(ProgrammeRecord.code == code))
    if existing is not None and owner is not None and existing.organisation_id != owner.id:
        _refuse(f"{code} existe déjà et n'appartient pas à « {owner.slug} ».")
    try:
        if start is not None:
            publishing.check_start(existing, start, definition)
        result = exchange.import_programme(
            text, shown, owner.id if owner else None, None, dry_run=dry_run
        )
    except DomainError as exc:  # ProgrammeInvalid, Conflict...
        _refuse(f"{code} : {exc.message}")
    if result.created:
        owner_label = owner.slug if owner is not None else ADMIN
        what = f"nouveau programme, brouillon, propriétaire {owner_label}"
    else:
        changed = ", ".join(result.changed) or "aucun"
        what = f"nouveau brouillon (changements depuis la version publiée : {changed})"
    if dry_run:
        click.echo(f"{code} : {what}.")
        if start is not None:
            click.echo(f"Serait publié, en vigueur à partir du {start:%d/%m/%Y}.")
        click.echo("Simulation : rien n'a été enregistré.")
        return
    click.echo(f"{code} importé : {what}.")
    if start is not None:
        try:
            version = publishing.publish(
                services.get_programme(code), start, None, note=f"Import de {file.name}"
            )
        except DomainError as exc:  # a publisher got there in between
            raise click.ClickException(
                f"{code} : brouillon importé, non publié : {exc.message}"
            ) from None
        click.echo(f"Version {version.number} publiée, en vigueur à partir du {start:%d/%m/%Y}.")


COMMANDS = [programmes]
