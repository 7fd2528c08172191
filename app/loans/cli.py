"""flask loans expire: release the devices of expired reservations (also done by
``flask reminders send`` and lazily by the counter pages)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.loans.reservations import expire_reservations

loans_cli = AppGroup("loans", help="Prêts, ventes et réservations.")


@loans_cli.command("expire")
def expire() -> None:
    """Remettre en stock les appareils dont la réservation a expiré."""
    count = expire_reservations()
    click.echo(f"Réservations expirées : {count}")


COMMANDS = [loans_cli]
