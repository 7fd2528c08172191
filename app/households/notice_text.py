"""What the household is told when its prescription is validated, and how. Pure module.

The texts are French msgids: each function takes a ``gettext`` callable, the household's
language when the message is queued (``notices.queue_validated``), the page's on the
prescription page; French by default. The SMS is in the GSM-7 alphabet and fits in one
message when it can, in either language: the least useful parts give way first (payment
methods, hours, the device's full name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.core.marking import Gettext, french
from app.eligibility.vocabulary import ContactChannel
from app.notify.gsm7 import SMS_LIMIT, gsm7_length, to_gsm7
from app.notify.phone import is_mobile_fr, to_e164


def speaks_french(gettext: Gettext) -> bool:
    """Whether ``gettext`` writes French (the msgids as they are): then the days' names are
    lowercased in a sentence and OSM hours reworded in French words."""
    return gettext("Lundi") == "Lundi"


class Delivery(StrEnum):
    SMS = "sms"  # queued in the outbox
    EMAIL = "email"  # queued in the outbox
    CALL = "call"  # staff telephone the household (chosen, or no written channel works)
    POST = "post"  # the household chose letters: staff post the sheet
    NONE = "none"  # no way to reach the household: staff call the prescriber


def sms_number(phone: str) -> str | None:
    """The number in E.164 if it can receive an SMS (a French landline cannot)."""
    e164 = to_e164(phone)
    if e164 is None or (e164.startswith("+33") and not is_mobile_fr(e164)):
        return None
    return e164


def choose_delivery(channel: ContactChannel, phone: str, email: str) -> Delivery:
    """The channel the household chose when it works, else the next one that does."""
    mobile, mail, number = sms_number(phone), email.strip(), to_e164(phone)
    if channel is ContactChannel.PHONE and number:
        return Delivery.CALL
    if channel is ContactChannel.POST:
        return Delivery.POST
    order = (Delivery.EMAIL, Delivery.SMS) if channel is ContactChannel.EMAIL else None
    for option in order or (Delivery.SMS, Delivery.EMAIL):
        if option is Delivery.SMS and mobile:
            return Delivery.SMS
        if option is Delivery.EMAIL and mail:
            return Delivery.EMAIL
    return Delivery.CALL if number else Delivery.NONE


_DAYS = {
    "Mo": "lun.",
    "Tu": "mar.",
    "We": "mer.",
    "Th": "jeu.",
    "Fr": "ven.",
    "Sa": "sam.",
    "Su": "dim.",
    "PH": "jours fériés",
}


def hours_in_words(osm: str) -> str:
    """OpenStreetMap opening hours reworded for a reader: 'Tu,Th 13:00-17:30; Sa 09:00-12:00'
    -> 'mar., jeu. 13h-17h30 ; sam. 9h-12h'. Only reworded, never interpreted."""
    text = re.sub(r"\b(Mo|Tu|We|Th|Fr|Sa|Su|PH)\b", lambda m: _DAYS[m.group(1)], osm.strip())
    text = re.sub(
        r"\b(\d{1,2}):(\d{2})\b",
        lambda m: f"{int(m.group(1))}h{m.group(2) if m.group(2) != '00' else ''}",
        text,
    )
    text = text.replace(",", ", ").replace("  ", " ").replace(" off", " fermé")
    return re.sub(r"\s*;\s*", " ; ", text)


def week_in_words(days: list[tuple[str, str]], gettext: Gettext = french) -> str:
    """Open days (name, hours in words) grouped by hours, in the week's order:
    [("Mardi", "13 h – 17 h"), ("Jeudi", "13 h – 17 h"), ("Samedi", "9 h – 12 h")]
    -> 'mardi, jeudi : 13 h – 17 h ; samedi : 9 h – 12 h' (English keeps the capitals:
    'Tuesday, Thursday: 13:00 – 17:00; Saturday: 9:00 – 12:00')."""
    french_words = speaks_french(gettext)
    groups: dict[str, list[str]] = {}
    for name, text in days:
        groups.setdefault(text, []).append(name.lower() if french_words else name)
    group = gettext("%(days)s : %(hours)s")
    return gettext(" ; ").join(
        group % {"days": ", ".join(names), "hours": text} for text, names in groups.items()
    )


@dataclass(frozen=True)
class Notice:
    """The facts the household needs: where, when, what to bring, whom to call."""

    prescription_id: int
    household_name: str
    device: str  # in French, e.g. "Ordinateur portable"
    programme: str
    kind: str  # the outcome's kind: sale, loan, gift, aid
    association: str
    address: str = ""
    postcode: str = ""
    commune: str = ""
    phone: str = ""
    hours: str = ""  # in words, "" when unknown
    price: str = ""  # e.g. "15 €" or "de 50 à 120 € selon l'appareil"
    deposit_eur: int | None = None
    payments: tuple[str, ...] = ()  # French labels of the methods the association takes
    valid_until: date | None = None
    prescriber: str = ""
    prescriber_phone: str = ""

    @property
    def place(self) -> str:
        town = f"{self.postcode} {self.commune}".strip()
        return ", ".join(p for p in (self.address, town) if p)


def bring_sentence(n: Notice, gettext: Gettext = french) -> str:
    """What to bring, a sentence per kind of programme."""
    sheet = gettext("la fiche de prescription (ou son numéro : %(id)s)") % {"id": n.prescription_id}
    if n.kind == "sale":
        price = n.price or gettext("le prix de l'appareil")
        text = gettext("%(sheet)s et %(price)s pour payer l'appareil") % {
            "sheet": sheet,
            "price": price,
        }
        if n.payments:
            text += " " + gettext("(paiement accepté : %(list)s)") % {"list": ", ".join(n.payments)}
        return text + "."
    if n.kind == "loan":
        text = gettext("%(sheet)s et une pièce d'identité si vous en avez une") % {"sheet": sheet}
        if n.deposit_eur:
            text += ", " + gettext(
                "et %(eur)s € de dépôt de garantie (rendus au retour de l'appareil)"
            ) % {"eur": n.deposit_eur}
        return text + "."
    return sheet + "."


def whom_to_call(n: Notice, gettext: Gettext = french) -> str:
    if n.phone:
        return gettext("%(name)s au %(phone)s") % {"name": n.association, "phone": n.phone}
    if n.prescriber_phone:
        return gettext("%(name)s au %(phone)s") % {
            "name": n.prescriber,
            "phone": n.prescriber_phone,
        }
    return n.association


def when_sentence(n: Notice, gettext: Gettext = french) -> str:
    text = (
        gettext("dès maintenant, aux horaires d'ouverture : %(hours)s") % {"hours": n.hours}
        if n.hours
        else gettext("dès maintenant ; appelez avant de venir pour convenir d'un moment")
    )
    if n.valid_until:
        text += " " + gettext("(jusqu'au %(date)s)") % {"date": f"{n.valid_until:%d/%m/%Y}"}
    return text + "."


def email(n: Notice, gettext: Gettext = french) -> tuple[str, str]:
    """Subject and body of the e-mail to the household."""
    _ = gettext
    device = n.device.lower()
    subject = _("Votre %(device)s vous attend chez %(association)s") % {
        "device": device,
        "association": n.association,
    }
    by = " " + _("par %(name)s") % {"name": n.prescriber} if n.prescriber else ""
    where = n.association + (f", {n.place}" if n.place else "")
    lines = [
        _("Bonjour %(name)s,") % {"name": n.household_name} if n.household_name else _("Bonjour,"),
        "",
        _(
            "%(association)s a accepté la demande faite pour vous%(by)s : %(device)s, "
            "%(programme)s (prescription n° %(id)s)."
        )
        % {
            "association": n.association,
            "by": by,
            "device": device,
            "programme": n.programme,
            "id": n.prescription_id,
        },
        "",
        _("Où : %(where)s") % {"where": where},
        _("Quand : %(when)s") % {"when": when_sentence(n, gettext)},
        _("À apporter : %(bring)s") % {"bring": bring_sentence(n, gettext)},
        _("Qui appeler : %(whom)s.") % {"whom": whom_to_call(n, gettext)},
        "",
        _("À bientôt,"),
        n.association,
    ]
    return subject, "\n".join(lines) + "\n"


def compact_hours(text: str) -> str:
    """Hours in fewer characters, for an SMS: 'mardi, jeudi : 13 h – 17 h 30 ; samedi :
    9 h – 12 h' -> 'mar, jeu 13h-17h30; sam 9h-12h' ('Tuesday: 9:00 – 12:00' -> 'Tue
    9:00-12:00')."""
    text = re.sub(
        r"\b(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|Monday|Tuesday|Wednesday"
        r"|Thursday|Friday|Saturday|Sunday)\b",
        lambda m: m.group(1)[:3],
        text,
    )
    text = re.sub(r"(\d+) h (\d\d)", r"\1h\2", text)
    text = re.sub(r"(\d+) h\b", r"\1h", text)
    return text.replace(" – ", "-").replace(" : ", " ").replace(": ", " ").replace(" ; ", "; ")


def _fits(text: str) -> bool:
    return (gsm7_length(text) or SMS_LIMIT + 1) <= SMS_LIMIT


def sms(n: Notice, gettext: Gettext = french) -> str:
    """One SMS (160 GSM-7 septets) when it can; the most compact version otherwise."""
    _ = gettext
    device = n.device.split(" ")[0]  # "Ordinateur portable" -> "Ordinateur"
    call = " " + _("Tél. %(phone)s") % {"phone": n.phone} if n.phone else ""
    payments = f" ({', '.join(n.payments)})" if n.payments else ""
    values: dict[str, object] = {"id": n.prescription_id}
    if n.kind == "sale":
        bring = _("Apportez la fiche %(id)s et %(price)s") % {
            **values,
            "price": n.price or _("le prix"),
        }
    elif n.kind == "loan":
        bring = _("Apportez la fiche %(id)s et une pièce d'identité") % values
    else:
        bring = _("Apportez la fiche %(id)s") % values
    where = f" {n.place}." if n.place else ""
    hours = f" {compact_hours(n.hours)}." if n.hours else ""
    waiting = _(
        "%(association)s : votre %(device)s vous attend.%(where)s%(hours)s %(bring)s%(more)s."
        "%(call)s"
    )
    collect = _("%(association)s : %(device)s à retirer.%(where)s%(hours)s %(bring)s.%(call)s")
    base = {"association": n.association, "where": where, "bring": bring, "call": call}
    variants = [
        waiting % {**base, "device": n.device.lower(), "hours": hours, "more": payments},
        waiting % {**base, "device": device.lower(), "hours": hours, "more": ""},
        collect % {**base, "device": device.lower(), "hours": hours},
        waiting % {**base, "device": device.lower(), "hours": "", "more": ""},
        collect % {**base, "device": device.lower(), "hours": ""},
    ]
    texts = [to_gsm7(v) for v in variants]
    return next((t for t in texts if _fits(t)), texts[-1])
