"""Sentences of a programme's rules (its page) and of what changed for a household
since its prescription (``recheck.py``). Pure module."""

from __future__ import annotations

from app.core.marking import N_
from app.eligibility.sentences import Renderer, _envelope_limits, _size
from app.eligibility.wording import (
    ELIGIBILITY_WORDS,
    EQUIPMENT_LABELS,
    OUTCOME_FIELD_LABELS,
    Args,
    Speaker,
    _per,
    _years,
    area,
    commitment_words,
    statuses,
)


def say(code: str, args: Args, s: Speaker) -> str:
    from app.eligibility.explain import say as explain_say

    return explain_say(code, args, s)


RULE_RENDERERS: dict[str, Renderer] = {
    # The rules themselves, for a programme's page.
    "rule.statuses": lambda s, a: (
        (
            s.gettext(N_("Avoir l'un de ces statuts : %(names)s (%(how)s)."))
            if a["mode"] == "any_of" and len(a["statuses"]) > 1
            else s.gettext(N_("Avoir le statut %(names)s (%(how)s)."))
        )
        % {
            "names": statuses(s, a["statuses"], "or" if a["mode"] == "any_of" else "and"),
            "how": s.gettext(N_("justificatif vu"))
            if a.get("document")
            else s.gettext(N_("attestation du prescripteur")),
        }
    ),
    "rule.reference_age": lambda s, a: (
        s.gettext(N_("La personne de référence a entre %(low)s et %(high)s."))
        % {
            "low": a["low"],
            "high": _years(s, a["high"]) if isinstance(a["high"], int) else a["high"],
        }
    ),
    "rule.member_age": lambda s, a: (
        s.ngettext(
            N_("Au moins %(num)s membre du foyer de %(low)s à %(high)s."),
            N_("Au moins %(num)s membres du foyer de %(low)s à %(high)s."),
            a["at_least"],
        )
        % {
            "num": a["at_least"],
            "low": a["low"],
            "high": _years(s, a["high"]) if isinstance(a["high"], int) else a["high"],
        }
    ),
    "rule.location": lambda s, a: s.gettext(N_("Habiter : %(area)s.")) % {"area": area(s, a)},
    "rule.qpv": lambda s, a: s.gettext(N_("Habiter un quartier prioritaire (QPV).")),
    "rule.household_size": lambda s, a: (
        s.gettext(N_("Taille du foyer : %(wanted)s personnes.")) % {"wanted": _size(s, a)}
    ),
    "rule.no_equipment": lambda s, a: (
        s.gettext(N_("Ne pas avoir déjà %(items)s."))
        % {
            "items": s.gettext(N_(" ni ")).join(
                s.gettext(EQUIPMENT_LABELS.get(e, e)) for e in a["equipment"]
            )
        }
    ),
    "rule.quota": lambda s, a: (
        s.gettext(N_("Au plus %(limit)s par foyer %(per)s."))
        % {"limit": a["limit"], "per": _per(s, a["per"])}
    ),
    "rule.commitment": lambda s, a: (
        s.gettext(N_("S'engager à %(words)s.")) % {"words": commitment_words(s, a["commitment"])}
    ),
    "rule.envelope": lambda s, a: (
        s.gettext(N_("Enveloppe du programme : %(limits)s.")) % {"limits": _envelope_limits(s, a)}
    ),
    # What changed for a household since its prescription was decided (recheck.py).
    "change.version": lambda s, a: (
        s.gettext(
            N_(
                "Le programme a changé : version %(before)s lors de la prescription, version %(after)s aujourd'hui."
            )
        )
        % {"before": a["before"], "after": a["after"]}
    ),
    "change.eligibility": lambda s, a: (
        s.gettext(N_("Résultat : %(before)s avant, %(after)s aujourd'hui."))
        % {
            "before": s.gettext(ELIGIBILITY_WORDS.get(str(a["before"]), str(a["before"]))).lower(),
            "after": s.gettext(ELIGIBILITY_WORDS.get(str(a["after"]), str(a["after"]))).lower(),
        }
    ),
    "change.condition": lambda s, a: (
        (
            s.gettext(N_("Maintenant remplie : %(sentence)s"))
            if a.get("met")
            else s.gettext(N_("N'est plus remplie : %(sentence)s"))
            if a.get("was_met")
            else s.gettext(N_("Nouvelle condition : %(sentence)s"))
        )
        % {"sentence": say(str(a.get("code")), a.get("args") or {}, s)}
    ),
    "change.outcome": lambda s, a: (
        s.gettext(N_("%(what)s : %(before)s avant, %(after)s aujourd'hui."))
        % {
            "what": s.gettext(OUTCOME_FIELD_LABELS.get(str(a["field"]), str(a["field"]))),
            "before": "—" if a.get("before") is None else a["before"],
            "after": "—" if a.get("after") is None else a["after"],
        }
    ),
}
