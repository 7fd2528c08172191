"""What the household is told when its prescription is validated, and how. Pure module.

Households read French (as the loan reminders): the texts are written in French, never
translated. The SMS is in the GSM-7 alphabet and fits in one message when it can: the
least useful parts give way first (payment methods, hours, the device's full name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.eligibility.vocabulary import ContactChannel
from app.notify.gsm7 import SMS_LIMIT, gsm7_length, to_gsm7
from app.notify.phone import is_mobile_fr, to_e164


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


def week_in_words(days: list[tuple[str, str]]) -> str:
    """Open days (name, hours in words) grouped by hours, in the week's order:
    [("Mardi", "13 h – 17 h"), ("Jeudi", "13 h – 17 h"), ("Samedi", "9 h – 12 h")]
    -> 'mardi, jeudi : 13 h – 17 h ; samedi : 9 h – 12 h'."""
    groups: dict[str, list[str]] = {}
    for name, text in days:
        groups.setdefault(text, []).append(name.lower())
    return " ; ".join(f"{', '.join(names)} : {text}" for text, names in groups.items())


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


def bring_sentence(n: Notice) -> str:
    """What to bring, a sentence per kind of programme."""
    sheet = f"la fiche de prescription (ou son numéro : {n.prescription_id})"
    if n.kind == "sale":
        price = n.price or "le prix de l'appareil"
        text = f"{sheet} et {price} pour payer l'appareil"
        if n.payments:
            text += f" (paiement accepté : {', '.join(n.payments)})"
        return text + "."
    if n.kind == "loan":
        text = f"{sheet} et une pièce d'identité si vous en avez une"
        if n.deposit_eur:
            text += f", et {n.deposit_eur} € de dépôt de garantie (rendus au retour de l'appareil)"
        return text + "."
    return sheet + "."


def whom_to_call(n: Notice) -> str:
    if n.phone:
        return f"{n.association} au {n.phone}"
    if n.prescriber_phone:
        return f"{n.prescriber} au {n.prescriber_phone}"
    return n.association


def when_sentence(n: Notice) -> str:
    text = (
        f"dès maintenant, aux horaires d'ouverture : {n.hours}"
        if n.hours
        else ("dès maintenant ; appelez avant de venir pour convenir d'un moment")
    )
    if n.valid_until:
        text += f" (jusqu'au {n.valid_until:%d/%m/%Y})"
    return text + "."


def email(n: Notice) -> tuple[str, str]:
    """Subject and body of the e-mail to the household."""
    subject = f"Votre {n.device.lower()} vous attend chez {n.association}"
    by = f" par {n.prescriber}" if n.prescriber else ""
    lines = [
        f"Bonjour {n.household_name}," if n.household_name else "Bonjour,",
        "",
        f"{n.association} a accepté la demande faite pour vous{by} : "
        f"{n.device.lower()}, {n.programme} (prescription n° {n.prescription_id}).",
        "",
        f"Où : {n.association}" + (f", {n.place}" if n.place else ""),
        f"Quand : {when_sentence(n)}",
        f"À apporter : {bring_sentence(n)}",
        f"Qui appeler : {whom_to_call(n)}.",
        "",
        "À bientôt,",
        n.association,
    ]
    return subject, "\n".join(lines) + "\n"


def compact_hours(text: str) -> str:
    """Hours in fewer characters, for an SMS: 'mardi, jeudi : 13 h – 17 h 30 ; samedi :
    9 h – 12 h' -> 'mar, jeu 13h-17h30; sam 9h-12h'."""
    text = re.sub(
        r"\b(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b",
        lambda m: m.group(1)[:3],
        text,
    )
    text = re.sub(r"(\d+) h (\d\d)", r"\1h\2", text)
    text = re.sub(r"(\d+) h\b", r"\1h", text)
    return text.replace(" – ", "-").replace(" : ", " ").replace(" ; ", "; ")


def _fits(text: str) -> bool:
    return (gsm7_length(text) or SMS_LIMIT + 1) <= SMS_LIMIT


def sms(n: Notice) -> str:
    """One SMS (160 GSM-7 septets) when it can; the most compact version otherwise."""
    device = n.device.split(" ")[0]  # "Ordinateur portable" -> "Ordinateur"
    call = f" Tél. {n.phone}" if n.phone else ""
    payments = f" ({', '.join(n.payments)})" if n.payments else ""
    if n.kind == "sale":
        bring = f"Apportez la fiche {n.prescription_id} et {n.price or 'le prix'}"
    elif n.kind == "loan":
        bring = f"Apportez la fiche {n.prescription_id} et une pièce d'identité"
    else:
        bring = f"Apportez la fiche {n.prescription_id}"
    where = f" {n.place}." if n.place else ""
    hours = f" {compact_hours(n.hours)}." if n.hours else ""
    variants = [
        f"{n.association} : votre {n.device.lower()} vous attend.{where}{hours} "
        f"{bring}{payments}.{call}",
        f"{n.association} : votre {device.lower()} vous attend.{where}{hours} {bring}.{call}",
        f"{n.association} : {device.lower()} à retirer.{where}{hours} {bring}.{call}",
        f"{n.association} : votre {device.lower()} vous attend.{where} {bring}.{call}",
        f"{n.association} : {device.lower()} à retirer.{where} {bring}.{call}",
    ]
    texts = [to_gsm7(v) for v in variants]
    return next((t for t in texts if _fits(t)), texts[-1])
