"""Reminders before a loan's due date, queued in the outbox by ``flask reminders send``.

One SMS and/or one e-mail per loan and due date, ever: the outbox key
``loan:<id>:due:<date>:<channel>`` is unique. An extension gives a new due date, so a
new reminder. Expired reservations are released on the same run. Written in the
household's language (``household.language``), the SMS in one GSM-7 segment in each.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import Organisation
from app.audit.services import record
from app.core.i18n import reader_locale
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
    """SMS, subject and e-mail body, in the household's language (it reads them)."""
    with force_locale(reader_locale(getattr(loan.household, "language", None))):
        return _written(loan, org)


def _written(loan: Loan, org: Organisation) -> tuple[str, str, str]:
    due = loan.due_on.strftime("%d/%m/%Y")
    phone = " " + _("au %(phone)s", phone=org.phone) if org.phone else ""
    tel = " " + _("Tél %(phone)s", phone=org.phone) if org.phone else ""
    tag = loan.device.asset_tag
    short = shorten(org.name, 40)
    sms = fit(  # one SMS in GSM-7 (app/notify/gsm7.py), tests/integration/test_sms_one_segment.py
        [
            _("%(org)s : bonjour, l'appareil prêté (%(tag)s) est à rapporter le %(due)s. "
              "Pour le garder plus longtemps, appelez-nous%(phone)s.",
              org=org.name, tag=tag, due=due, phone=phone),
            _("%(org)s : l'appareil prêté (%(tag)s) est à rapporter le %(due)s. "
              "Pour le garder plus longtemps, appelez-nous%(phone)s.",
              org=short, tag=tag, due=due, phone=phone),
            _("%(org)s : appareil %(tag)s à rapporter le %(due)s. Pour le garder, appelez%(phone)s.",
              org=short, tag=tag, due=due, phone=phone),
            _("%(org)s : appareil %(tag)s à rendre le %(due)s.%(phone)s",
              org=shorten(org.name, 25), tag=tag, due=due, phone=tel),
        ]
    )  # fmt: skip
    subject = _("Rappel : appareil à rapporter le %(due)s", due=due)
    link = ""
    if current_app.config.get("PUBLIC_BASE_URL"):
        raw = ensure_family_token(loan.household, loan.organisation_id, None)
        link = "\n" + _("Votre page : %(url)s", url=family_url(raw)) + "\n"
    address = ", ".join(x for x in (org.address, f"{org.postcode} {org.commune}".strip()) if x)
    values = {
        "org": org.name,
        "device": f"{loan.device.brand} {loan.device.model}",
        "tag": loan.device.asset_tag,
        "due": due,
        "address": address,
    }
    returned = (
        _("L'appareil que %(org)s vous a prêté (%(device)s, n° %(tag)s) est à rapporter le "
          "%(due)s, avec son chargeur, à : %(address)s.", **values)
        if address
        else _("L'appareil que %(org)s vous a prêté (%(device)s, n° %(tag)s) est à rapporter "
               "le %(due)s, avec son chargeur.", **values)
    )  # fmt: skip
    keep = _(
        "Pour le garder plus longtemps, appelez-nous%(phone)s : le prêt peut parfois être "
        "prolongé.",
        phone=phone,
    )
    hello, bye = _("Bonjour,"), _("À bientôt,")
    body = f"{hello}\n\n{returned}\n\n{keep}\n{link}\n{bye}\n{org.name}\n"
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
