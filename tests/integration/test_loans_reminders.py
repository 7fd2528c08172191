"""Due-date reminders through a real SMTP server (aiosmtpd) and the file SMS sender.

`flask reminders send` runs twice, as cron would: each reminder arrives once.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.core.clock import today
from app.extensions import db
from app.loans.models import Loan
from app.notify.models import MessageStatus, OutboundMessage
from tests.integration.test_loans_factories import (
    PRE,
    make_counter,
    paper_handover,
    validated_prescription,
)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted"


def family_mail(inbox: Inbox) -> list[bytes]:
    return [raw for rcpt, raw in inbox.messages if rcpt == ["diallo@example.org"]]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def test_reminder_sent_once_by_email_and_sms_even_when_run_twice(
    new_app, smtp, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    inbox, port = smtp
    sms_file = tmp_path / "sms.log"
    app = new_app(
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        SMS_BACKEND="file",
        SMS_FILE_PATH=str(sms_file),
        PUBLIC_BASE_URL="https://ordilien.example.org",
    )
    with app.app_context():
        counter = make_counter()
        p = validated_prescription(
            counter, PRE, name="Famille Diallo", phone="06 11 22 33 44", email="diallo@example.org"
        )
        loan = paper_handover(counter, p, "A. Diallo")
        # Not yet in the reminder window: nothing is sent.
        runner = app.test_cli_runner()
        first = runner.invoke(args=["reminders", "send"])
        assert first.exit_code == 0, first.output
        # (The one SMS so far told the family its prescription was validated.)
        assert family_mail(inbox) == []
        told = sms_file.read_text(encoding="utf-8").splitlines()
        assert len(told) == 1 and "vous attend" in json.loads(told[0])["text"]
        due = today() + timedelta(days=2)
        db.session.get(Loan, loan.id).due_on = due
        db.session.commit()

        for _ in range(2):
            result = runner.invoke(args=["reminders", "send"])
            assert result.exit_code == 0, result.output

        # (The prescriber's own e-mails about the prescription go through the same server.)
        assert len(family_mail(inbox)) == 1
        raw = family_mail(inbox)[0]
        mail = message_from_bytes(raw)
        subject = str(make_header(decode_header(mail["Subject"])))
        assert due.strftime("%d/%m/%Y") in subject
        body = mail.get_payload(decode=True).decode()
        assert "https://ordilien.example.org/f/" in body and counter.association.name in body
        lines = sms_file.read_text(encoding="utf-8").splitlines()[len(told) :]
        assert len(lines) == 1
        sms = json.loads(lines[0])
        assert sms["to"] == "+33611223344" and due.strftime("%d/%m/%Y") in sms["text"]

        keys = set(db.session.scalars(select(OutboundMessage.key)))
        assert {
            f"loan:{loan.id}:due:{due.isoformat()}:email",
            f"loan:{loan.id}:due:{due.isoformat()}:sms",
        } <= keys
        statuses = set(
            db.session.scalars(
                select(OutboundMessage.status).where(OutboundMessage.object_type == "loan")
            )
        )
        assert statuses == {MessageStatus.SENT}
        journal = list(
            db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "loan"))
        )
        assert journal.count("loan.reminder.queued") == 2
        assert {"message.sent.email", "message.sent.sms"} <= set(journal)
        db.session.remove()
