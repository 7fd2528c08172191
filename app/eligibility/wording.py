"""The pieces sentences are made of, in the reader's language: the ``Speaker`` that
translates, and the words for statuses, proofs, equipment, periods, places. Pure module."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Protocol

from app.core.marking import N_
from app.eligibility.vocabulary import (
    COMMITMENT_LABELS,
    DEVICE_TYPE_LABELS,
    STATUS_LABELS,
    Commitment,
    DeviceType,
    Status,
)

Args = Mapping[str, Any]
Phrase = tuple[str, Args]


class Speaker(Protocol):
    def gettext(self, text: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...

    def day(self, value: date) -> str: ...


class French:
    """The source language: texts as written, dates as 01/02/2026."""

    def gettext(self, text: str) -> str:
        return text

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural

    def day(self, value: date) -> str:
        return f"{value:%d/%m/%Y}"


FRENCH = French()

PROOF_LABELS: dict[str, str] = {
    "claimed": N_("déclaré par la personne, pas encore attesté"),
    "declared": N_("attesté sur la parole du prescripteur"),
    "document_seen": N_("justificatif vu"),
}

EQUIPMENT_LABELS: dict[str, str] = {
    "computer": N_("un ordinateur"),
    "smartphone": N_("un smartphone"),
    "tablet": N_("une tablette"),
}
# After a negation: "n'a pas d'ordinateur ni de smartphone".
EQUIPMENT_NONE_LABELS: dict[str, str] = {
    "computer": N_("d'ordinateur"),
    "smartphone": N_("de smartphone"),
    "tablet": N_("de tablette"),
}


# ----------------------------------------------------------------------------- pieces


def _day(s: Speaker, value: Any) -> str:
    return s.day(value if isinstance(value, date) else date.fromisoformat(str(value)))


def status_name(s: Speaker, status: str) -> str:
    """'RSA (revenu de solidarité active)' -> 'RSA', in the reader's language."""
    label = (
        STATUS_LABELS.get(Status(status), status) if status in Status._value2member_map_ else status
    )
    return s.gettext(label).split(" (")[0]


def join(s: Speaker, items: Sequence[str], mode: str = "or") -> str:
    items = list(items)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    last = s.gettext(N_("%(a)s ou %(b)s")) if mode == "or" else s.gettext(N_("%(a)s et %(b)s"))
    return last % {"a": ", ".join(items[:-1]), "b": items[-1]}


def statuses(s: Speaker, codes: Sequence[str], mode: str = "or") -> str:
    return join(s, [status_name(s, c) for c in codes], mode)


def _years(s: Speaker, n: int) -> str:
    return s.ngettext(N_("%(num)s an"), N_("%(num)s ans"), n) % {"num": n}


def _equipment(s: Speaker, items: Sequence[str], mode: str = "or") -> str:
    return join(s, [s.gettext(EQUIPMENT_LABELS.get(e, e)) for e in items], mode)


def commitment_words(s: Speaker, code: str) -> str:
    label = (
        COMMITMENT_LABELS.get(Commitment(code)) if code in Commitment._value2member_map_ else None
    )
    return s.gettext(label) if label else code


def device_name(s: Speaker, code: str) -> str:
    if code in DeviceType._value2member_map_:
        return s.gettext(DEVICE_TYPE_LABELS[DeviceType(code)]).lower()
    return code


def area(s: Speaker, a: Args) -> str:
    parts = list(a.get("communes") or ())
    if a.get("postcodes"):
        parts.append(s.gettext(N_("codes postaux %(list)s")) % {"list": ", ".join(a["postcodes"])})
    if a.get("departments"):
        parts.append(s.gettext(N_("département %(list)s")) % {"list": ", ".join(a["departments"])})
    return " ; ".join(parts)


def _where(a: Args) -> str:
    postcode = a.get("postcode") or ""
    return " ".join(p for p in (a.get("commune") or "", f"({postcode})" if postcode else "") if p)


def _period(s: Speaker, per: str, period: str) -> str:
    if per == "year":
        return s.gettext(N_("en %(year)s")) % {"year": period}
    if per == "month":
        year, month = period.split("-")
        return s.gettext(N_("en %(month)s/%(year)s")) % {"month": month, "year": year}
    return s.gettext(N_("jusqu'ici"))


def _per(s: Speaker, per: str) -> str:
    words = {"year": N_("par an"), "month": N_("par mois"), "ever": N_("en tout")}
    return s.gettext(words.get(per, per))


def _why_not_attested(s: Speaker, item: Args) -> str:
    name = status_name(s, item["status"])
    why = item["why"]
    if why == "claimed":
        return s.gettext(N_("%(name)s : déclaré par la personne, pas encore attesté")) % {
            "name": name
        }
    if why == "expired":
        return s.gettext(N_("%(name)s : l'attestation a expiré le %(day)s")) % {
            "name": name,
            "day": _day(s, item["day"]),
        }
    if why == "not_yet":
        return s.gettext(N_("%(name)s : attesté à partir du %(day)s seulement")) % {
            "name": name,
            "day": _day(s, item["day"]),
        }
    return s.gettext(N_("%(name)s : %(proof)s, ce programme demande un justificatif vu")) % {
        "name": name,
        "proof": s.gettext(PROOF_LABELS.get(item.get("proof", ""), "")),
    }


# ----------------------------------------------------------------------------- codes


OUTCOME_FIELD_LABELS: dict[str, str] = {
    "kind": N_("Ce que le foyer reçoit"),
    "price_eur": N_("Prix (€)"),
    "warranty_months": N_("Garantie (mois)"),
    "loan_months": N_("Durée du prêt (mois)"),
    "deposit_eur": N_("Dépôt de garantie (€)"),
    "cession_after_months": N_("Cession après (mois)"),
}

ELIGIBILITY_WORDS: dict[str, str] = {
    "eligible": N_("Éligible"),
    "almost": N_("Presque éligible"),
    "not_eligible": N_("Non éligible"),
}
