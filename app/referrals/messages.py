"""What a referral tells whom, through the outbox (one unique key per message: never twice).

Three audiences, kept apart as in DORA: the receiving structure (the sender's message, the
answer link when it has no account, the reminder), the sender (each change, with the
receiving structure's answer) and the person (where to go, when, what to bring, the
sender's message for them; in the household's language, on the channel they chose).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.accounts.models import Organisation, User
from app.authz.policy import ROLE_PERMISSIONS, Permission
from app.core.clock import utcnow
from app.core.i18n import reader_locale
from app.extensions import db
from app.notify.models import Channel, OutboundMessage
from app.referrals.lifecycle import NEED_LABELS, STATE_LABELS, ReferralState
from app.referrals.models import Referral
from app.referrals.wording import PlaceFacts, person_sms


def _(text: str, **values: Any) -> str:
    """In the language ``force_locale`` chose, with or without a request."""
    return str(gettext(text, **values))


def absolute(endpoint: str, path: str, **values: Any) -> str:
    """An absolute URL for e-mails: PUBLIC_BASE_URL, else the request's host."""
    base = current_app.config.get("PUBLIC_BASE_URL") or ""
    if base:
        return base.rstrip("/") + path
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    return path


def answer_url(token: str) -> str:
    return absolute("referrals.answer_link", f"/orientations/r/{token}", token=token)


def referral_url(referral: Referral) -> str:
    return absolute("referrals.detail", f"/orientations/{referral.id}", referral_id=referral.id)


def _queue(
    referral: Referral, key: str, channel: Channel, recipient: str, subject: str, body: str
) -> bool:
    key = f"referral:{referral.id}:{key}"
    if not recipient or db.session.scalar(
        select(OutboundMessage.id).where(OutboundMessage.key == key)
    ):
        return False
    db.session.add(
        OutboundMessage(
            key=key,
            channel=channel,
            recipient=recipient,
            subject=subject[:200],
            body=body,
            due_at=utcnow(),
            organisation_id=referral.from_organisation_id,
            object_type="referral",
            object_id=str(referral.id),
        )
    )
    return True


# ---------------------------------------------------------------- receiving structure


def receiver_emails(referral: Referral) -> list[str]:
    """The structure's own e-mail; without one, its staff who may answer."""
    if referral.to_organisation_id is None:
        return [referral.to_email] if referral.to_email else []
    org = db.session.get(Organisation, referral.to_organisation_id)
    if org is not None and org.email:
        return [org.email]
    users = db.session.scalars(
        select(User).where(User.organisation_id == referral.to_organisation_id, User.active)
    )
    return [u.email for u in users if Permission.REFERRAL_ANSWER in ROLE_PERMISSIONS[u.role]]


def tell_receiver(referral: Referral, kind: str, token: str = "") -> int:
    """``kind``: "sent", "link" (a renewed link) or "remind". Returns messages queued."""
    with force_locale("fr"):
        need = _(NEED_LABELS[referral.need])
        sender = referral.from_organisation.name
        subjects = {
            "sent": _("Nouvelle orientation de %(org)s : %(need)s", org=sender, need=need),
            "link": _("Orientation de %(org)s : nouveau lien pour répondre", org=sender),
            "remind": _("Relance : une orientation de %(org)s attend votre réponse", org=sender),
        }
        lines = [_("Bonjour,"), ""]
        if kind == "remind":
            lines.append(
                _(
                    "Cette orientation envoyée le %(d)s attend toujours votre réponse.",
                    d=referral.sent_at.strftime("%d/%m/%Y"),
                )
            )
        lines += [
            _("%(org)s vous oriente une personne pour : %(need)s.", org=sender, need=need),
            "",
            _("Message de la structure :"),
            referral.message or "—",
            "",
        ]
        if token:
            lines += [
                _("Pour accepter ou refuser, sans compte : %(url)s", url=answer_url(token)),
                _("Ce lien est valable jusqu'au %(d)s.", d=_day(referral.link_expires_at)),
            ]
        else:
            lines.append(_("Répondre : %(url)s", url=referral_url(referral)))
        lines += ["", "Ordilien"]
    count = 0
    key = f"{kind}:{referral.version}" if kind == "link" else kind
    for n, email in enumerate(receiver_emails(referral)):
        count += _queue(
            referral, f"to:{key}:{n}", Channel.EMAIL, email, subjects[kind], "\n".join(lines)
        )
    return count


def _day(moment: Any) -> str:
    return moment.strftime("%d/%m/%Y") if moment else "—"


# ---------------------------------------------------------------- sender


def tell_sender(referral: Referral) -> bool:
    """The sender learns each answer (and the expiry), in their own language."""
    if referral.from_user_id is None:
        return False
    sender = db.session.get(User, referral.from_user_id)
    if sender is None or not sender.email:
        return False
    with force_locale(sender.locale or "fr"):
        state = _(STATE_LABELS[referral.state]).lower()
        lines = [
            _("Bonjour,"),
            "",
            _(
                "L'orientation n° %(id)s vers %(to)s (%(need)s) est maintenant : %(state)s.",
                id=referral.id,
                to=referral.to_name,
                need=_(NEED_LABELS[referral.need]).lower(),
                state=state,
            ),
        ]
        if referral.state is ReferralState.REFUSED and referral.refusal_reason:
            lines.append(_("Motif : %(r)s", r=_(referral.refusal_reason.label)))
        if referral.answer_message:
            lines += [_("Message de la structure :"), referral.answer_message]
        if referral.state is ReferralState.EXPIRED:
            lines.append(_("Sans réponse : vous pouvez renouveler le lien ou orienter ailleurs."))
        lines += ["", _("Voir l'orientation : %(url)s", url=referral_url(referral)), "", "Ordilien"]
        subject = _("Orientation n° %(id)s : %(state)s", id=referral.id, state=state)
    return _queue(
        referral,
        f"sender:{referral.state.value}:{referral.version}",
        Channel.EMAIL,
        sender.email,
        subject,
        "\n".join(lines),
    )


# ---------------------------------------------------------------- the person


def place_facts(referral: Referral) -> PlaceFacts:
    return PlaceFacts(
        name=referral.to_name,
        address=referral.to_address,
        phone=referral.to_phone,
        hours=referral.hours,
        bring=referral.bring,
    )


def tell_person(referral: Referral, kind: str) -> bool:
    """``kind``: "sent" (where to go) or "accepted" (the structure expects them)."""
    from app.training.messages import contact_for

    contact = contact_for(referral.household)
    if contact is None:
        return False
    channel, recipient = contact
    place = place_facts(referral)
    with force_locale(reader_locale(referral.household.language)):  # the household reads it
        lead = {
            "sent": _("Ordilien : on vous oriente vers"),
            "accepted": _("Ordilien : votre demande est acceptée par"),
        }[kind]
        if channel is Channel.SMS:
            body = person_sms(lead, place, referral.person_message, gettext)
        else:
            body = "\n".join(
                line
                for line in (
                    _("Bonjour,"),
                    "",
                    f"{lead} {place.name}.",
                    _("Adresse : %(a)s", a=place.address) if place.address else "",
                    _("Téléphone : %(p)s", p=place.phone) if place.phone else "",
                    _("Horaires : %(h)s", h=place.hours) if place.hours else "",
                    _("À apporter : %(b)s", b=place.bring) if place.bring else "",
                    "",
                    referral.person_message,
                    "",
                    referral.from_organisation.name,
                )
                if line is not None
            )
        subject = _("Votre orientation vers %(to)s", to=place.name)
    return _queue(referral, f"person:{kind}", channel, recipient, subject, body)
