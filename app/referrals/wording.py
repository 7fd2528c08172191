"""The person's SMS about a referral: one GSM-7 message of 160 characters where possible.

Pure module. The place and its address always go in (a longer SMS is better than none);
hours, what to bring and the sender's message go in, in that order, while they fit. The
words are French msgids; the caller's ``gettext`` gives the household's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.marking import N_, Gettext, french
from app.notify.gsm7 import SMS_LIMIT, gsm7_length, to_gsm7

HOURS = N_("Horaires : %(hours)s.")
BRING = N_("Apportez : %(bring)s.")
PHONE = N_("Tel %(phone)s.")


@dataclass(frozen=True)
class PlaceFacts:
    name: str
    address: str = ""
    phone: str = ""
    hours: str = ""
    bring: str = ""


def _plain(text: str) -> str:
    # The directory writes hours with en dashes ("9 h – 12 h"), which GSM-7 lacks.
    return to_gsm7(text.replace("–", "-").replace("—", "-"))


def _fits(text: str) -> bool:
    return (gsm7_length(text) or SMS_LIMIT + 1) <= SMS_LIMIT


def person_sms(lead: str, place: PlaceFacts, note: str = "", gettext: Gettext = french) -> str:
    """``lead`` (e.g. "Ordilien : on vous attend a"), the place, then what fits; ``lead``
    translated by the caller, the other words by ``gettext``."""
    where = place.name + (f", {place.address}" if place.address else "")
    text = _plain(f"{lead} {where}.")
    extras = [
        gettext(HOURS) % {"hours": place.hours} if place.hours else "",
        gettext(BRING) % {"bring": place.bring} if place.bring else "",
        gettext(PHONE) % {"phone": place.phone} if place.phone else "",
        note.strip(),
    ]
    for extra in extras:
        if not extra:
            continue
        candidate = _plain(f"{text} {extra}")
        if _fits(candidate):
            text = candidate
    return text


def sms_length(text: str) -> int | None:
    """Septets of ``text`` in GSM-7, None when it needs UCS-2."""
    return gsm7_length(text)
