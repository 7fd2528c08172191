"""What a family may be told about tariffs: only what is true today, nothing private.

Pure module. The staff's screen shows every match, unverified ones labelled; the family
page, the SMS and the printed sheet carry only offers verified within N months and in
force that day (``family_proposals``), say where to ask when none is left, and never
name which allowance the household receives (``family_how``): anyone who photographs a
loan sheet's QR code can open the family page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from app.core.marking import N_, Gettext, french
from app.tariffs.freshness import VERIFIED_MONTHS, in_force, verified_within
from app.tariffs.matching import (
    EXTRA_STATUS_LABELS,
    MatchResult,
    Offer,
    Proposal,
    known_statuses,
    status_label,
)
from app.tariffs.sms import tariff_sms, where_to_ask_sms

# When no verified offer is left: where to ask instead (never a stale fact).
WHERE_TO_ASK = N_(
    "Demandez à votre conseiller ou à un point France Services : "
    "ils vous diront les offres à prix réduit qui existent aujourd'hui (%(site)s)."
)


def told_to_family(offer: Offer, on: date, months: int = VERIFIED_MONTHS) -> bool:
    """Verified within ``months`` months and in force on ``on``."""
    return verified_within(offer.checked_on, on, months) and in_force(
        offer.valid_from, offer.valid_to, on
    )


def family_proposals(
    proposals: Iterable[Proposal], on: date, months: int = VERIFIED_MONTHS
) -> tuple[Proposal, ...]:
    return tuple(p for p in proposals if told_to_family(p.offer, on, months))


def family_result(result: MatchResult, months: int = VERIFIED_MONTHS) -> MatchResult:
    """The same match with only what may be said to the family."""
    return MatchResult(
        on=result.on,
        eligible=family_proposals(result.eligible, result.on, months),
        almost=family_proposals(result.almost, result.on, months),
    )


def family_sms(
    result: MatchResult, months: int = VERIFIED_MONTHS, gettext: Gettext = french
) -> str:
    """The SMS: verified offers in force only; where to ask when none is left. Rendered
    on each call in the reader's language (``gettext``: the household's, see
    ``household_matches.household_sms``; French by default)."""
    told = family_result(result, months)
    return tariff_sms(told, gettext) if told.eligible else where_to_ask_sms(gettext)


def _status_words() -> tuple[str, ...]:
    words: set[str] = set()
    for code in known_statuses():
        words.add(code.replace("_", " "))
        label = status_label(code)
        words.add(label)
        # The abbreviation in a label: "RSA (revenu de solidarité active)", "(CSS)".
        words.update(re.findall(r"\b[A-Z]{2,}\b", label))
        words.update(part.strip() for part in re.split(r"[()]", label) if part.strip())
    words.update(str(v) for v in EXTRA_STATUS_LABELS.values())
    words.update({"minimum social", "minima sociaux", "revenu de solidarité", "handicap"})
    return tuple(sorted((w for w in words if len(w) >= 3), key=len, reverse=True))


_STATUS_RE = re.compile(
    "|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in _status_words()), re.IGNORECASE
)
# Abbreviations of two letters and short ones are checked case-sensitively only ("ASS",
# not "assez").
_ABBREVIATIONS = re.compile(r"\b(RSA|AAH|ASS|ASPA|CSS|QPV|PRE|NEET)\b")


def names_a_status(text: str) -> bool:
    """True when the text names an allowance or a social status (RSA, AAH, minima...)."""
    return bool(_ABBREVIATIONS.search(text) or _STATUS_RE.search(text))


def family_how(offer: Offer) -> str:
    """How to subscribe, for a page without login: the offer's own words when they name
    no status, else nothing (the page then says "avec un justificatif de vos droits")."""
    how = offer.how_to_subscribe.strip()
    return how if how and not names_a_status(how) else ""


def asks_proof(offer: Offer) -> bool:
    """The offer is kept for some statuses: the family brings a proof of its rights."""
    return bool(offer.statuses_any or offer.statuses_all)
