"""The tariff SMS, in the reader's language and in one SMS. Pure module.

``tariff_sms`` names the best offers (provider, one word for what it sells, price per
month) in GSM-7 within 160 septets (``app.notify.gsm7``); ``where_to_ask_sms`` is the
message when no verified offer is left. Both take a ``gettext`` callable: the caller
gives the household's language (French by default: the texts are French msgids).
"""

from __future__ import annotations

from app.core.marking import N_, Gettext, french
from app.notify.gsm7 import SMS_LIMIT, gsm7_length, to_gsm7
from app.tariffs.matching import MatchResult, OfferKind, format_money

FRANCE_SERVICES = "france-services.gouv.fr"

# One short word per kind: the SMS names the provider and what it sells; the printed
# sheet gives the offer's full name and how to subscribe.
SMS_KIND: dict[OfferKind, str] = {
    OfferKind.BOX: N_("box"),
    OfferKind.MOBILE: N_("forfait"),
    OfferKind.DATA: N_("recharges"),
    OfferKind.BUNDLE: N_("box+mobile"),
}
ONE_LEAD = N_("Tarif social pour vous : ")
MANY_LEAD = N_("Tarifs sociaux pour vous : ")
PER_MONTH = N_("%(price)s/mois")
CLOSING = N_(". Votre conseiller vous aide.")
WHERE_TO_ASK = N_(
    "Tarif social internet et mobile : demandez à votre conseiller ou à un point "
    "France Services (%(site)s)."
)


def _fits(text: str) -> bool:
    return (gsm7_length(text) or SMS_LIMIT + 1) <= SMS_LIMIT


def where_to_ask_sms(gettext: Gettext = french) -> str:
    """When no verified offer is left: where to ask instead (never a stale fact)."""
    return to_gsm7(gettext(WHERE_TO_ASK) % {"site": FRANCE_SERVICES})


def tariff_sms(result: MatchResult, gettext: Gettext = french, count: int = 3) -> str:
    """The best eligible offers in one SMS (160 GSM-7 septets); where to ask if none."""
    best = result.eligible[:count]
    if not best:
        return where_to_ask_sms(gettext)
    text = ""
    for n in range(len(best), 0, -1):
        parts = [
            f"{p.offer.provider}, {gettext(SMS_KIND[p.offer.kind])} "
            + gettext(PER_MONTH)
            % {"price": format_money(p.monthly_cost_cents, p.offer.country).replace(" ", "")}
            for p in best[:n]
        ]
        lead = gettext(MANY_LEAD if n > 1 else ONE_LEAD)
        text = to_gsm7(lead + " ; ".join(parts) + gettext(CLOSING))
        if _fits(text):
            return text
    # A very long provider name: cut it rather than send two messages.
    while not _fits(text + "..."):
        text = text[:-1]
    return text + "..."
