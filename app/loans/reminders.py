"""Reminders before a loan's due date, queued in the outbox by ``flask reminders send``.

One SMS and/or one e-mail per loan and due date, ever: the outbox key
``loan:<id>:due:<date>:<channel>`` is unique. An extension gives a new due date, so a
new reminder. Expired reservations are released on the same run.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app.accounts.models import Organisation
from app.audit.services import record
from app.extensions import db
from app.family.links import ensure_family_token, family_url
from app.loans import terms as rules
from app.loans.models import Loan, LoanStatus
from app.loans.reservations import expire_reservations
from app.notify.gsm7 import fit, shorten
from app.notify.models import Channel
from app.notify.phone import is_mobile_fr, to_e164
from app.notify.services import enqueue


def _texts(loan: Loan, org: Organisation) -> tuple[str, str, str]:
    due = loan.due_on.strftime("%d/%m/%Y")
    phone = f" au {org.phone}" if org.phone else ""
    tag = loan.device.asset_tag
    short = shorten(org.name, 40)
    sms = fit(  # one SMS in GSM-7 (app/notify/gsm7.py), tests/unit/test_sms_segments.py
        [
            f"{org.name} : bonjour, l'appareil prêté ({tag}) est à rapporter le {due}. "
            f"Pour le garder plus longtemps, appelez-nous{phone}.",
            f"{short} : l'appareil prêté ({tag}) est à rapporter le {due}. "
            f"Pour le garder plus longtemps, appelez-nous{phone}.",
            f"{short} : appareil {tag} à rapporter le {due}. Pour le garder, appelez{phone}.",
            f"{shorten(org.name, 25)} : appareil {tag} à rendre le {due}.{phone and ' Tél' + phone[3:]}",
        ]
    )
    subject = f"Rappel : appareil à rapporter le {due}"
    link = ""
    if current_app.config.get("PUBLIC_BASE_URL"):
        raw = ensure_family_token(loan.household, loan.organisation_id, None)
        link = f"\nVotre page : {family_url(raw)}\n"
    address = ", ".join(x for x in (org.address, f"{org.postcode} {org.commune}".strip()) if x)
    body = (
        f"Bonjour,\n\nL'appareil que {org.name} vous a prêté ({loan.device.brand} "
        f"{loan.device.model}, n° {loan.device.asset_tag}) est à rapporter le {due}, "
        f"avec son chargeur{', à : ' + address if address else ''}.\n\n"
        f"Pour le garder plus longtemps, appelez-nous{phone} : le prêt peut parfois être "
        f"prolongé.\n{link}\nÀ bientôt,\n{org.name}\n"
    )
    return sms, subject, body


def enqueue_due(now: datetime) -> int:
    """Queue the reminders due ``now``; returns how many were queued on this run."""
    expire_reservations(now)
    day = now.date()
    loans = db.session.scalars(
        select(Loan).where(
            Loan.status == LoanStatus.OPEN,
            Loan.due_on >= day,
            Loan.due_on <= day + timedelta(days=rules.REMINDER_DAYS_BEFORE),
        )
    ).all()
    queued = 0
    for loan in loans:
        if not rules.reminder_due(loan.due_on, day):
            continue
        org = db.session.get(Organisation, loan.organisation_id)
        household = loan.household
        if org is None or household is None:
            continue
        sms, subject, body = _texts(loan, org)
        channels: list[tuple[Channel, str, str]] = []
        number = to_e164(household.phone or "")
        if number and (not number.startswith("+33") or is_mobile_fr(number)):
            channels.append((Channel.SMS, number, sms))  # one format: E.164
        if household.email:
            channels.append((Channel.EMAIL, household.email, body))
        for channel, recipient, text in channels:
            key = rules.reminder_key(loan.id, loan.due_on, channel.value)
            if enqueue(
                key,
                channel,
                recipient,
                text,
                subject=subject if channel is Channel.EMAIL else "",
                organisation_id=loan.organisation_id,
                object_type="loan",
                object_id=loan.id,
            ):
                queued += 1
                record(
                    "loan.reminder.queued",
                    "loan",
                    loan.id,
                    detail={
                        "key": key,
                        "channel": channel.value,
                        "due_on": loan.due_on.isoformat(),
                    },
                    organisation_id=loan.organisation_id,
                )
                db.session.commit()
    return queued
