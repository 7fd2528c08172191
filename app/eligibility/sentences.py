"""The sentence of each condition code the engine writes (``ConditionResult.code``), in
the reader's language. Pure module; ``explain.say`` looks codes up here and in
``rule_sentences``."""

from __future__ import annotations

from collections.abc import Callable

from app.core.marking import N_
from app.eligibility.wording import (
    EQUIPMENT_NONE_LABELS,
    PROOF_LABELS,
    Args,
    Speaker,
    _day,
    _equipment,
    _per,
    _period,
    _where,
    _why_not_attested,
    _years,
    area,
    commitment_words,
    join,
    status_name,
    statuses,
)

Renderer = Callable[[Speaker, Args], str]


def _statuses_ok(s: Speaker, a: Args) -> str:
    details = []
    for item in a["shown"]:
        proof = s.gettext(PROOF_LABELS[item["proof"]])
        if item.get("attested_on"):
            proof = s.gettext(N_("%(proof)s le %(day)s")) % {
                "proof": proof,
                "day": _day(s, item["attested_on"]),
            }
        details.append(f"{status_name(s, item['status'])} ({proof})")
    return s.gettext(N_("Statut attesté : %(details)s.")) % {"details": ", ".join(details)}


def _members_ok(s: Speaker, a: Args) -> str:
    return s.ngettext(
        N_("%(num)s membre du foyer de %(low)s à %(high)s (âges : %(ages)s)."),
        N_("%(num)s membres du foyer de %(low)s à %(high)s (âges : %(ages)s)."),
        a["count"],
    ) % {
        "num": a["count"],
        "low": a["low"],
        "high": _years(s, a["high"]),
        "ages": ", ".join(str(x) for x in a["ages"]),
    }


def _size(s: Speaker, a: Args) -> str:
    wanted = []
    if a.get("low") is not None:
        wanted.append(s.gettext(N_("au moins %(n)s")) % {"n": a["low"]})
    if a.get("high") is not None:
        wanted.append(s.gettext(N_("au plus %(n)s")) % {"n": a["high"]})
    return join(s, wanted, "and")


def _people(s: Speaker, n: int) -> str:
    return s.ngettext(N_("%(num)s personne"), N_("%(num)s personnes"), n) % {"num": n}


def _envelope(s: Speaker, a: Args) -> str:
    parts = []
    if a.get("max_grants") is not None:
        parts.append(
            s.gettext(N_("%(used)s attribution(s) sur %(max)s"))
            % {
                "used": a["grants"],
                "max": a["max_grants"],
            }
        )
    if a.get("max_eur") is not None:
        parts.append(
            s.gettext(N_("%(used)s € sur %(max)s €")) % {"used": a["eur"], "max": a["max_eur"]}
        )
    text = " ; ".join(parts)
    if a.get("per", "ever") != "ever":
        text += " " + _period(s, a["per"], a["period"])
    return text


def _envelope_limits(s: Speaker, a: Args) -> str:
    parts = []
    if a.get("max_grants") is not None:
        parts.append(s.gettext(N_("au plus %(n)s attributions")) % {"n": a["max_grants"]})
    if a.get("max_eur") is not None:
        parts.append(
            s.gettext(N_("au plus %(n)s € (%(each)s € par attribution)"))
            % {"n": a["max_eur"], "each": a.get("grant_eur")}
        )
    return join(s, parts, "and") + " " + _per(s, a.get("per", "ever"))


RENDERERS: dict[str, Renderer] = {
    # The programme's dates.
    "validity.not_yet": lambda s, a: (
        s.gettext(N_("Le programme n'est pas en vigueur le %(on)s : il commence le %(start)s."))
        % {"on": _day(s, a["on"]), "start": _day(s, a["start"])}
    ),
    "validity.ended": lambda s, a: (
        s.gettext(N_("Le programme n'est plus en vigueur le %(on)s : il a pris fin le %(end)s."))
        % {"on": _day(s, a["on"]), "end": _day(s, a["end"])}
    ),
    "validity.in_force": lambda s, a: (
        s.gettext(N_("Le programme est en vigueur (du %(start)s au %(end)s)."))
        % {"start": _day(s, a["start"]), "end": _day(s, a["end"])}
        if a.get("end")
        else s.gettext(N_("Le programme est en vigueur (depuis le %(start)s)."))
        % {"start": _day(s, a["start"])}
    ),
    # Statuses.
    "statuses.ok": _statuses_ok,
    "statuses.needs_attestation": lambda s, a: (
        s.gettext(N_("Il manque une attestation à jour (%(reasons)s)."))
        % {"reasons": " ; ".join(_why_not_attested(s, r) for r in a["reasons"])}
    ),
    "statuses.none": lambda s, a: (
        s.gettext(N_("Le foyer n'a aucun statut attesté parmi : %(names)s."))
        % {"names": statuses(s, a["statuses"])}
    ),
    "statuses.lacking": lambda s, a: (
        s.gettext(N_("Il manque le statut : %(lacking)s (il faut %(names)s)."))
        % {
            "lacking": ", ".join(status_name(s, c) for c in a["lacking"]),
            "names": statuses(s, a["statuses"], "and"),
        }
    ),
    # Ages.
    "age.reference_unknown": lambda s, a: s.gettext(
        N_("L'âge de la personne de référence n'est pas connu.")
    ),
    "age.reference_in": lambda s, a: (
        s.gettext(N_("La personne de référence a entre %(low)s et %(high)s (%(age)s)."))
        % {"low": a["low"], "high": _years(s, a["high"]), "age": _years(s, a["age"])}
    ),
    "age.reference_out": lambda s, a: (
        s.gettext(N_("La personne de référence n'a pas entre %(low)s et %(high)s (%(age)s)."))
        % {"low": a["low"], "high": _years(s, a["high"]), "age": _years(s, a["age"])}
    ),
    "age.members_ok": _members_ok,
    "age.members_none": lambda s, a: (
        s.gettext(N_("Aucun membre du foyer n'a de %(low)s à %(high)s."))
        % {"low": a["low"], "high": _years(s, a["high"])}
    ),
    "age.members_too_few": lambda s, a: (
        s.gettext(
            N_(
                "Il faut au moins %(at_least)s membres de %(low)s à %(high)s ; le foyer en compte %(count)s."
            )
        )
        % {
            "at_least": a["at_least"],
            "low": a["low"],
            "high": _years(s, a["high"]),
            "count": a["count"],
        }
    ),
    # Where the household lives.
    "location.unknown": lambda s, a: (
        s.gettext(N_("Commune du foyer inconnue ; programme réservé à : %(area)s."))
        % {"area": area(s, a)}
    ),
    "location.met": lambda s, a: (
        s.gettext(N_("Le foyer habite %(where)s, dans la zone du programme."))
        % {"where": _where(a)}
    ),
    "location.not_met": lambda s, a: (
        s.gettext(N_("Le foyer habite %(where)s ; le programme est réservé à : %(area)s."))
        % {"where": _where(a), "area": area(s, a)}
    ),
    "qpv.met": lambda s, a: s.gettext(N_("Le foyer habite un quartier prioritaire (QPV).")),
    "qpv.not_met": lambda s, a: s.gettext(
        N_("Le foyer n'habite pas un quartier prioritaire (QPV).")
    ),
    "size.met": lambda s, a: (
        s.gettext(N_("Le foyer compte %(people)s (%(wanted)s demandé)."))
        % {"people": _people(s, a["size"]), "wanted": _size(s, a)}
    ),
    "size.not_met": lambda s, a: (
        s.gettext(N_("Le foyer compte %(people)s ; il en faut %(wanted)s."))
        % {"people": _people(s, a["size"]), "wanted": _size(s, a)}
    ),
    "equipment.has": lambda s, a: (
        s.gettext(N_("Le foyer a déjà %(items)s.")) % {"items": _equipment(s, a["has"], "and")}
    ),
    "equipment.none": lambda s, a: (
        s.gettext(N_("Le foyer n'a pas %(items)s."))
        % {
            "items": s.gettext(N_(" ni ")).join(
                s.gettext(EQUIPMENT_NONE_LABELS.get(e, e)) for e in a["equipment"]
            )
        }
    ),
    # Quota per household.
    "quota.ok": lambda s, a: (
        s.gettext(N_("Déjà reçu %(when)s : %(count)s (limite : %(limit)s par foyer %(per)s)."))
        % {
            "when": _period(s, a["per"], a["period"]),
            "count": a["count"],
            "limit": a["limit"],
            "per": _per(s, a["per"]),
        }
    ),
    "quota.reached": lambda s, a: (
        s.gettext(
            N_(
                "Le foyer a déjà reçu %(count)s équipement(s) de ce programme %(when)s "
                "(limite : %(limit)s par foyer %(per)s)."
            )
        )
        % {
            "when": _period(s, a["per"], a["period"]),
            "count": a["count"],
            "limit": a["limit"],
            "per": _per(s, a["per"]),
        }
    ),
    # Commitments.
    "commitment.to_confirm": lambda s, a: (
        s.gettext(N_("La personne devra s'engager à %(words)s (à confirmer dans la prescription)."))
        % {"words": commitment_words(s, a["commitment"])}
    ),
    "commitment.made": lambda s, a: (
        s.gettext(N_("La personne s'engage à %(words)s."))
        % {"words": commitment_words(s, a["commitment"])}
    ),
    "commitment.not_made": lambda s, a: (
        s.gettext(N_("La personne ne s'est pas engagée à %(words)s."))
        % {"words": commitment_words(s, a["commitment"])}
    ),
    # The programme's envelope (all households together).
    "envelope.room": lambda s, a: (
        s.gettext(N_("Enveloppe du programme : %(used)s utilisées.")) % {"used": _envelope(s, a)}
    ),
    "envelope.spent": lambda s, a: (
        s.gettext(N_("L'enveloppe du programme est épuisée : %(used)s."))
        % {"used": _envelope(s, a)}
    ),
    # Rules that cannot be applied on that day.
    "rule.missing_parameter": lambda s, a: (
        s.gettext(
            N_("Règle non applicable : le paramètre « %(name)s » n'a pas de valeur le %(on)s.")
        )
        % {"name": a["name"], "on": _day(s, a["on"])}
    ),
    "outcome.missing_parameter": lambda s, a: (
        s.gettext(
            N_(
                "Le programme n'a pas de valeur pour « %(name)s » le %(on)s : rien ne peut être accordé."
            )
        )
        % {"name": a["name"], "on": _day(s, a["on"])}
    ),
    # What is missing (almost eligible) or to confirm.
    "missing.attestation": lambda s, a: (
        (
            s.gettext(N_("l'attestation %(names)s à jour avec justificatif vu"))
            if a.get("document")
            else s.gettext(N_("l'attestation %(names)s à jour"))
        )
        % {"names": ", ".join(status_name(s, c) for c in a["statuses"])}
    ),
    "missing.commitment": lambda s, a: (
        s.gettext(N_("Engagement à %(words)s")) % {"words": commitment_words(s, a["commitment"])}
    ),
    # Sentences of stored decisions older than the codes (see the migration).
    "legacy.text": lambda s, a: str(a.get("text", "")),
}
