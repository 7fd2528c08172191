"""Why an offer is proposed (reasons) and what to watch (notices). Pure module.

Each reason and notice is a French template marked with ``N_`` and its parameters;
``text`` gives the French sentence, the web side translates the template first. They
are immutable: the matching builds each once and shares it between households.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from app.core.marking import N_
from app.tariffs.offers import (
    COUNTRY_LABELS,
    NEED_LABELS,
    OFFER_KIND_LABELS,
    AreaKind,
    Need,
    Offer,
    OfferKind,
    format_money,
    status_label,
)


class Met(StrEnum):
    YES = "yes"
    NO = "no"
    MISSING_ATTESTATION = "missing_attestation"  # the household has it, not yet attested
    TO_CHECK = "to_check"  # a condition the product cannot check: staff ask


class Eligibility(StrEnum):
    ELIGIBLE = "eligible"
    ALMOST = "almost"  # every condition met except an attestation still missing


@dataclass(frozen=True, slots=True)
class Reason:
    """One condition of an offer and how the household meets it."""

    condition: str  # short name of the condition (template)
    met: Met
    template: str
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.template % self.params if self.params else self.template


class NoticeKind(StrEnum):
    STALE = "stale"
    COMMITMENT = "commitment"
    PROOF = "proof"
    INTRO_PRICE = "intro_price"
    FEES = "fees"
    NO_SAVING = "no_saving"


@dataclass(frozen=True, slots=True)
class Notice:
    kind: NoticeKind
    template: str
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.template % self.params if self.params else self.template


def dates_reason(offer: Offer, verified: bool = True) -> Reason:
    # A tick never stands for an unverified fact: an offer not checked lately is "to check".
    if not verified:
        if offer.checked_on is None:
            return Reason(
                N_("Dates"),
                Met.TO_CHECK,
                N_("Offre jamais vérifiée auprès de l'opérateur : rien ne dit qu'elle existe."),
            )
        return Reason(
            N_("Dates"),
            Met.TO_CHECK,
            N_(
                "Offre vérifiée pour la dernière fois le %(date)s : rien ne dit qu'elle "
                "est encore proposée."
            ),
            {"date": offer.checked_on.strftime("%d/%m/%Y")},
        )
    if offer.valid_from or offer.valid_to:
        return Reason(
            N_("Dates"),
            Met.YES,
            N_("L'offre est valable aujourd'hui (du %(start)s au %(end)s)."),
            {
                "start": offer.valid_from.strftime("%d/%m/%Y") if offer.valid_from else "…",
                "end": offer.valid_to.strftime("%d/%m/%Y") if offer.valid_to else "…",
            },
        )
    return Reason(N_("Dates"), Met.YES, N_("L'offre est proposée en ce moment."))


def offer_notices(offer: Offer, stale: bool) -> tuple[Notice, ...]:
    notices: list[Notice] = []
    c = offer.country
    if stale:
        if offer.checked_on is None:
            notices.append(
                Notice(
                    NoticeKind.STALE,
                    N_("Information jamais vérifiée : à vérifier auprès de l'opérateur."),
                )
            )
        else:
            notices.append(
                Notice(
                    NoticeKind.STALE,
                    N_(
                        "Information vérifiée le %(date)s, il y a plus d'un an : "
                        "à vérifier auprès de l'opérateur."
                    ),
                    {"date": offer.checked_on.strftime("%d/%m/%Y")},
                )
            )
    if offer.commitment_months:
        notices.append(
            Notice(
                NoticeKind.COMMITMENT,
                N_("Engagement de %(months)s mois : on ne peut pas arrêter avant sans frais."),
                {"months": str(offer.commitment_months)},
            )
        )
    if offer.proof_required:
        notices.append(
            Notice(
                NoticeKind.PROOF,
                N_("Justificatif demandé : %(proof)s"),
                {"proof": offer.proof_required},
            )
        )
    if offer.intro_price_cents is not None and offer.intro_months:
        notices.append(
            Notice(
                NoticeKind.INTRO_PRICE,
                N_("%(intro)s par mois les %(months)s premiers mois, puis %(price)s par mois."),
                {
                    "intro": format_money(offer.intro_price_cents, c),
                    "months": str(offer.intro_months),
                    "price": format_money(offer.monthly_price_cents, c),
                },
            )
        )
    if offer.setup_fee_cents or offer.rental_cents:
        notices.append(
            Notice(
                NoticeKind.FEES,
                N_("Frais : %(setup)s à l'ouverture, %(rental)s par mois pour le matériel."),
                {
                    "setup": format_money(offer.setup_fee_cents, c),
                    "rental": format_money(offer.rental_cents, c),
                },
            )
        )
    return tuple(notices)


def missing_statuses(
    offer: Offer, attested: frozenset[str], pending: frozenset[str]
) -> tuple[str, ...]:
    """The statuses whose attestation is missing for an "almost" offer."""
    missing: list[str] = []
    if offer.statuses_any and attested.isdisjoint(offer.statuses_any):
        missing.append(sorted(offer.statuses_any & pending)[0])
    missing.extend(sorted(offer.statuses_all - attested))
    return tuple(missing)


class LabelList(str):
    """Labels joined for a sentence: the French text itself, plus the labels (``parts``)
    and the ``separator`` so that the web side can translate each label before joining."""

    parts: tuple[str, ...]
    separator: str

    def __new__(cls, parts: Iterable[str], separator: str = ", ") -> LabelList:
        items = tuple(parts)
        text = super().__new__(cls, separator.join(items))
        text.parts = items
        text.separator = separator
        return text


def labels(codes: Iterable[str]) -> str:
    return LabelList(status_label(c) for c in sorted(codes))


# The sentences below depend on few values (statuses, needs, kinds, places) that repeat
# from one household to the next: built once each, shared (reasons are immutable).
@lru_cache(maxsize=4096)
def place_reason(place: str, area: str) -> Reason:
    return Reason(
        N_("Lieu"),
        Met.YES,
        N_("L'offre existe à %(place)s (zone : %(area)s)."),
        {"place": place, "area": area},
    )


@lru_cache(maxsize=1024)
def need_reason(wanted: frozenset[Need], kind: OfferKind) -> Reason:
    if wanted:
        return Reason(
            N_("Besoin"),
            Met.YES,
            N_("Le foyer cherche %(need)s : c'est ce que propose l'offre (%(kind)s)."),
            {
                "need": LabelList((NEED_LABELS[n] for n in sorted(wanted)), " ; "),
                "kind": LabelList([OFFER_KIND_LABELS[kind]]),
            },
        )
    return Reason(
        N_("Besoin"),
        Met.YES,
        N_("Type d'offre : %(kind)s."),
        {"kind": LabelList([OFFER_KIND_LABELS[kind]])},
    )


@lru_cache(maxsize=4096)
def any_reason(wanted: frozenset[str], got: frozenset[str]) -> Reason:
    return Reason(
        N_("Situation"),
        Met.YES,
        N_("Réservée à : %(wanted)s. Le foyer a : %(got)s (attesté)."),
        {"wanted": labels(wanted), "got": labels(got)},
    )


@lru_cache(maxsize=256)
def all_reason(status: str) -> Reason:
    return Reason(
        N_("Situation"),
        Met.YES,
        N_("Il faut : %(status)s. Le foyer l'a (attesté)."),
        {"status": LabelList([status_label(status)])},
    )


@lru_cache(maxsize=256)
def missing_reason(status: str) -> Reason:
    return Reason(
        N_("Situation"),
        Met.MISSING_ATTESTATION,
        N_(
            "Il faut : %(status)s. Le foyer semble y avoir droit, mais ce n'est pas "
            "(ou plus) attesté : le prescripteur doit l'attester."
        ),
        {"status": LabelList([status_label(status)])},
    )


NO_CONDITION = Reason(N_("Situation"), Met.YES, N_("Aucune condition de ressources ou de statut."))
NO_SAVING = Notice(
    NoticeKind.NO_SAVING,
    N_("Cette offre coûte plus cher que ce que le foyer paie aujourd'hui."),
)


# An offer of a kind the household pays nothing for adds to what it pays today.
ADDS_TO_PLAN = Notice(
    NoticeKind.NO_SAVING,
    N_("Pas d'économie : cette box se paie en plus de votre forfait mobile."),
)
ADDS_TO_BOX = Notice(
    NoticeKind.NO_SAVING,
    N_("Pas d'économie : cette offre se paie en plus de votre abonnement box."),
)


def national_reason(offer: Offer) -> Reason | None:
    """The place reason of an offer sold in the whole country (None: limited area)."""
    if offer.area_kind is not AreaKind.NATIONAL:
        return None
    return Reason(
        N_("Lieu"),
        Met.YES,
        N_("L'offre existe partout en %(country)s."),
        {"country": COUNTRY_LABELS.get(offer.country, offer.country)},
    )


def other_reason(offer: Offer) -> Reason | None:
    if not offer.other_conditions:
        return None
    return Reason(
        N_("Autre condition"),
        Met.TO_CHECK,
        N_("À vérifier avec le foyer : %(condition)s"),
        {"condition": offer.other_conditions},
    )


def status_reasons(
    offer: Offer, attested: frozenset[str], missing: tuple[str, ...]
) -> tuple[Reason, ...]:
    """The "Situation" reasons: the statuses the household has, those it must attest."""
    reasons: list[Reason] = []
    if offer.statuses_any:
        got = offer.statuses_any & attested
        if got:
            reasons.append(any_reason(offer.statuses_any, got))
    for status in sorted(offer.statuses_all & attested):
        reasons.append(all_reason(status))
    for status in missing:
        reasons.append(missing_reason(status))
    if not offer.statuses_any and not offer.statuses_all:
        reasons.append(NO_CONDITION)
    return tuple(reasons)
