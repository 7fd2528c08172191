"""What a household is told about its bookings, by SMS or e-mail: the confirmation, the
waiting list, a seat freed, the 48-hour reminder, a new time, a cancelled session; and
the households no message reaches (to telephone).

A message is queued once per booking and kind (the outbox key is unique), in the
household's language (``household.language``, French or English) whoever triggers it: the
e-mail's and the SMS's sentences are translated and the dates written in that language
("mar. 12/05 9h30", "Tue 12/05 9:30"). An SMS fits one GSM-7 segment in either language
(tests/integration/test_sms_one_segment.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_datetime
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from app.accounts.models import Organisation
from app.core.i18n import reader_locale
from app.extensions import db
from app.households.models import Household
from app.notify import gsm7 as gsm
from app.notify.models import Channel
from app.notify.phone import is_mobile_fr, to_e164
from app.notify.services import enqueue
from app.training import recurrence
from app.training.catalogue import next_in_series, waiting_position
from app.training.models import Booking, TrainingSession


def contact_for(household: Household) -> tuple[Channel, str] | None:
    """SMS or e-mail, after the household's preference; the other one when it cannot be used."""
    mobile = to_e164(household.phone or "")
    sms = (Channel.SMS, mobile) if mobile and is_mobile_fr(mobile) else None
    email = (Channel.EMAIL, household.email) if household.email else None
    preferred = getattr(household.contact_channel, "value", household.contact_channel)
    order = [email, sms] if preferred == "email" else [sms, email]
    return next((c for c in order if c is not None), None)


# The dates of a reader's messages, in the language force_locale chose (long, short):
# "mardi 12 mai à 9h30", "mar. 12/05 9h30"; "Tuesday 12 May at 9:30", "Tue 12/05 9:30".
DATE_PATTERNS = {
    "fr": ("EEEE d MMMM 'à' H'h'mm", "EEE d/MM H'h'mm"),
    "en": ("EEEE d MMMM 'at' H:mm", "EEE d/MM H:mm"),
}


def _format_when(session: TrainingSession, short: bool) -> str:
    locale = get_locale()
    language = locale.language if locale is not None else "fr"
    if language not in DATE_PATTERNS:
        language = "fr"
    local = recurrence.to_local(session.starts_at)
    return str(format_datetime(local, DATE_PATTERNS[language][short], locale=language))


def when_text(session: TrainingSession) -> str:
    """ "mardi 12 mai à 9h30": the date in an e-mail or on a page, in the current language."""
    return _format_when(session, short=False)


def queue_message(
    booking: Booking,
    kind: str,
    due_at: datetime | None = None,
    key: str = "",
    extra: Mapping[str, str] | None = None,
) -> bool:
    """Queue the message of ``kind`` for this booking once (the outbox key is unique)."""
    household = booking.household
    contact = contact_for(household)
    if contact is None:
        return False
    # The household reads it: its language, whoever triggers the message.
    with force_locale(reader_locale(household.language)):
        return _queue(booking, kind, contact, due_at, key or kind, extra)


def when_short(session: TrainingSession) -> str:
    """ "mar. 12/05 9h30" ("Tue 12/05 9:30"): the date in an SMS."""
    return _format_when(session, short=True)


def _who_to_call(booking: Booking) -> tuple[str, str]:
    """(name, phone) the household calls: the structure that booked it, else the place."""
    for org in (
        db.session.get(Organisation, booking.organisation_id),
        booking.session.organisation,
    ):
        if org is not None and org.phone:
            return org.name, org.phone
    return booking.session.organisation.name, ""


def _sms_texts(booking: Booking, kind: str, extra: Mapping[str, str]) -> str:
    """The SMS of ``kind`` in the current language (``queue_message`` forces the household's):
    GSM-7, one message in French and in English (tests/integration/test_sms_one_segment.py).
    The title, the place and the address are shortened to what fits, never the date or the
    number."""
    session = booking.session
    when = when_short(session)
    address = ", ".join(p for p in (session.address, session.commune) if p)
    ats = [
        ", ".join(
            x for x in (gsm.shorten(session.organisation.name, n), gsm.shorten(address, m)) if x
        )
        for n, m in ((30, 40), (22, 30), (0, 30), (18, 0))
    ]
    t, at = "{t}", "{at}"  # filled below: the place to what fits, then the title
    templates = {
        "confirm": [
            _('Ordilien : inscription confirmée à "%(title)s" le %(when)s%(at)s.',
              title=t, when=when, at=at),
        ],
        "waiting": [
            _('Ordilien : "%(title)s" le %(when)s est complet. Place sur la liste d\'attente, '
              "rang %(pos)s. Nous vous prévenons si une place se libère.",
              title=t, when=when, pos=extra.get("pos", "1")),
        ],
        "promoted": [
            _('Ordilien : une place s\'est libérée, inscription confirmée à "%(title)s" le '
              "%(when)s%(at)s.", title=t, when=when, at=at),
        ],
        "48h": [
            _('Rappel Ordilien : "%(title)s" le %(when)s%(at)s. Empêchement ? Prévenez la '
              "structure qui a fait l'inscription.", title=t, when=when, at=at),
            _('Rappel Ordilien : "%(title)s" le %(when)s%(at)s. Empêchement ? Prévenez-nous.',
              title=t, when=when, at=at),
        ],
        "moved": [
            _('Ordilien : "%(title)s" change d\'horaire. Nouveau rendez-vous : %(when)s%(at)s.',
              title=t, when=when, at=at),
        ],
        "session_cancelled": [],
    }  # fmt: skip
    if kind == "session_cancelled":
        reason = extra.get("reason", "")
        then = (
            _("Prochaine séance : %(when)s.", when=extra["next_short"])
            if extra.get("next_short")
            else _("Pas d'autre date prévue.")
        )
        phone = extra.get("call_phone", "")
        call = " " + _("Infos : %(phone)s.", phone=phone) if phone else ""
        for budget in (50, 30, 0):
            why = f" ({gsm.shorten(reason, budget)})" if reason and budget else ""
            templates[kind].append(
                _('Ordilien : "%(title)s" du %(when)s est annulée%(why)s. %(then)s%(call)s',
                  title=t, when=when, why=why, then=then, call=call)
            )  # fmt: skip
    last = ""
    for here in ats if "{at}" in "".join(templates[kind]) else [""]:
        for template in templates[kind]:
            text = template.replace("{at}", f", {here}" if here else "")
            fixed = gsm.gsm7_length(gsm.to_gsm7(text.replace("{t}", ""))) or 0
            budget = gsm.SMS_LIMIT - fixed
            last = gsm.to_gsm7(text.replace("{t}", gsm.shorten(session.title, max(budget, 20))))
            if budget >= 20 and gsm.fits(last):
                return last
    return last


def _queue(
    booking: Booking,
    kind: str,
    contact: tuple[Channel, str],
    due_at: datetime | None,
    key: str,
    extra: Mapping[str, str] | None = None,
) -> bool:
    session = booking.session
    place = session.organisation.name
    where = ", ".join(p for p in (session.address, session.commune) if p)
    extra = dict(extra or {})
    if kind == "waiting":
        extra["pos"] = str(waiting_position(booking) or 1)
    if kind == "session_cancelled":
        following = next_in_series(session)
        extra["next"] = when_text(following) if following else ""
        extra["next_short"] = when_short(following) if following else ""
        extra["call_name"], extra["call_phone"] = _who_to_call(booking)
    channel, recipient = contact
    if channel is Channel.SMS:
        body = _sms_texts(booking, kind, extra)
    else:
        body = _email_text(booking, kind, extra, place, where)
    return enqueue(
        f"booking:{booking.id}:{key}",
        channel,
        recipient,
        body,
        subject=_("Votre atelier numérique"),
        due_at=due_at,
        organisation_id=booking.organisation_id,
        object_type="training_booking",
        object_id=booking.id,
    )


def _email_text(
    booking: Booking, kind: str, extra: Mapping[str, str], place: str, where: str
) -> str:
    session = booking.session
    if kind == "session_cancelled":
        lines = [
            _(
                "Ordilien : la séance « %(title)s » du %(when)s est annulée. Excusez-nous.",
                title=session.title,
                when=when_text(session),
            ),
        ]
        if extra.get("reason"):
            lines.append(_("Motif : %(reason)s", reason=extra["reason"]))
        if extra.get("next"):
            lines.append(
                _("La prochaine séance de la série a lieu le %(when)s.", when=extra["next"])
            )
        else:
            lines.append(_("Aucune autre date n'est prévue pour le moment."))
        if extra.get("call_phone"):
            lines.append(
                _(
                    "Pour vous inscrire à une autre date : %(name)s, %(phone)s.",
                    name=extra["call_name"],
                    phone=extra["call_phone"],
                )
            )
        return "\n".join(lines)
    texts = {
        "confirm": _(
            "Ordilien : votre inscription est confirmée à « %(title)s » %(when)s, "
            "%(place)s (%(where)s).",
            title=session.title, when=when_text(session), place=place, where=where,
        ),
        "waiting": _(
            "Ordilien : « %(title)s » %(when)s est complet. Vous êtes sur la liste d'attente "
            "(n° %(pos)s). Nous vous prévenons si une place se libère.",
            title=session.title, when=when_text(session), pos=extra.get("pos", "1"),
        ),
        "promoted": _(
            "Ordilien : bonne nouvelle, une place s'est libérée. Votre inscription est "
            "confirmée à « %(title)s » %(when)s, %(place)s (%(where)s).",
            title=session.title, when=when_text(session), place=place, where=where,
        ),
        "48h": _(
            "Rappel Ordilien : « %(title)s » %(when)s, %(place)s (%(where)s). "
            "Si vous ne pouvez pas venir, prévenez la structure qui a fait l'inscription.",
            title=session.title, when=when_text(session), place=place, where=where,
        ),
        "moved": _(
            "Ordilien : « %(title)s » change d'horaire. Nouveau rendez-vous : %(when)s, "
            "%(place)s (%(where)s).",
            title=session.title, when=when_text(session), place=place, where=where,
        ),
    }  # fmt: skip
    return str(texts[kind])


@dataclass(frozen=True)
class ToCall:
    """A household no SMS or e-mail reaches: staff telephone it."""

    booking_id: int
    name: str
    phone: str  # as typed (a landline, or empty: then the structure that booked it knows)
    structure: str


def unreachable(bookings: Iterable[Booking]) -> list[ToCall]:
    """The households among ``bookings`` that neither an SMS nor an e-mail reaches."""
    out = []
    for booking in bookings:
        if contact_for(booking.household) is None:
            org = db.session.get(Organisation, booking.organisation_id)
            out.append(
                ToCall(
                    booking.id,
                    booking.household.reference_name,
                    booking.household.phone or "",
                    org.name if org is not None else "",
                )
            )
    return out
