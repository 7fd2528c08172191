"""Queue messages and send what is due. Safe to run from cron every few minutes.

A message is queued under a unique key (queueing twice is a no-op) and claimed with a
conditional UPDATE before it is sent, so two runs at the same time never send it twice.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.core.clock import utcnow
from app.extensions import db
from app.notify.email import EmailError, send_email
from app.notify.models import Channel, MessageStatus, OutboundMessage
from app.notify.sms import SmsError, send_sms

MAX_ATTEMPTS = 5
# A message stuck in "sending" this long (process killed mid-send) is retried.
STALE_SENDING = timedelta(minutes=15)


def enqueue(
    key: str,
    channel: Channel,
    recipient: str,
    body: str,
    *,
    subject: str = "",
    due_at: datetime | None = None,
    organisation_id: int | None = None,
    object_type: str = "",
    object_id: object = "",
) -> bool:
    """Queue a message unless one with this key exists. Commits. True if queued now."""
    if db.session.scalar(select(OutboundMessage.id).where(OutboundMessage.key == key)):
        return False
    db.session.add(
        OutboundMessage(
            key=key,
            channel=channel,
            recipient=recipient,
            subject=subject,
            body=body,
            due_at=due_at or utcnow(),
            organisation_id=organisation_id,
            object_type=object_type,
            object_id=str(object_id),
        )
    )
    try:
        db.session.commit()
    except IntegrityError:  # queued at the same moment by another run
        db.session.rollback()
        return False
    return True


@dataclass
class DispatchReport:
    queued: int = 0
    sent: int = 0
    failed: int = 0


def _producers() -> list[object]:
    from app import DOMAINS

    found = []
    for package in DOMAINS:
        name = f"{package}.reminders"
        if importlib.util.find_spec(name) is not None:
            found.append(importlib.import_module(name))
    return found


def queue_due_reminders(now: datetime | None = None) -> int:
    """Ask every domain's ``reminders.enqueue_due(now)`` to queue what is due."""
    now = now or utcnow()
    return sum(int(module.enqueue_due(now)) for module in _producers())  # type: ignore[attr-defined]


def _claim(message_id: int, now: datetime) -> bool:
    result = db.session.execute(
        update(OutboundMessage)
        .where(
            OutboundMessage.id == message_id,
            (OutboundMessage.status == MessageStatus.PENDING)
            | (
                (OutboundMessage.status == MessageStatus.SENDING)
                & (OutboundMessage.due_at < now - STALE_SENDING)
            ),
        )
        .values(status=MessageStatus.SENDING, attempts=OutboundMessage.attempts + 1, due_at=now)
    )
    db.session.commit()
    return result.rowcount == 1  # type: ignore[attr-defined]


def dispatch_pending(now: datetime | None = None, limit: int = 500) -> DispatchReport:
    """Send every due message once; failures are retried on the next run."""
    now = now or utcnow()
    report = DispatchReport()
    candidates = db.session.scalars(
        select(OutboundMessage.id)
        .where(
            OutboundMessage.due_at <= now,
            OutboundMessage.status.in_([MessageStatus.PENDING, MessageStatus.SENDING]),
        )
        .order_by(OutboundMessage.due_at, OutboundMessage.id)
        .limit(limit)
    ).all()
    for message_id in candidates:
        if not _claim(message_id, now):
            continue
        message = db.session.get(OutboundMessage, message_id)
        assert message is not None
        try:
            if message.channel is Channel.EMAIL:
                message.provider_id = send_email(message.recipient, message.subject, message.body)
            else:
                message.provider_id = send_sms(message.recipient, message.body).provider_id
        except (EmailError, SmsError) as exc:
            message.last_error = str(exc)[:500]
            message.status = (
                MessageStatus.FAILED if message.attempts >= MAX_ATTEMPTS else MessageStatus.PENDING
            )
            report.failed += 1
            current_app.logger.warning("Message %s not sent: %s", message.key, exc)
        else:
            message.status = MessageStatus.SENT
            message.sent_at = utcnow()
            report.sent += 1
            record(
                f"message.sent.{message.channel.value}",
                message.object_type or "message",
                message.object_id or message.id,
                detail={"key": message.key},
                organisation_id=message.organisation_id,
            )
        db.session.commit()
    return report


def run(now: datetime | None = None) -> DispatchReport:
    queued = queue_due_reminders(now)
    report = dispatch_pending(now)
    report.queued = queued
    return report
