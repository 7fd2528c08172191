"""flask reminders send: queue the reminders that are due and send the outbox."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.notify import services

reminders = AppGroup("reminders", help="Rappels par SMS et e-mail.")


@reminders.command("send")
def send() -> None:
    """Mettre en file les rappels dus et envoyer ce qui attend (sans jamais doubler)."""
    report = services.run()
    click.echo(
        f"Rappels mis en file : {report.queued} ; envoyés : {report.sent} ; "
        f"échecs (réessayés au prochain passage) : {report.failed}"
    )


COMMANDS = [reminders]
