"""Decisions in the reader's language: condition codes and their data -> sentences. Pure.

The engine stores what it found as a code and JSON-ready data (``("location.not_met",
{"commune": "Metz", ...})``), never as a sentence; a page, a PDF, an SMS or the API turns
them into words at display time with a ``Speaker`` (the page's language through
Flask-Babel, see ``app/eligibility/display.py``; French by default here). Every French
template is marked with ``N_`` so that Babel extracts it for translation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.core.marking import N_
from app.eligibility.rule_sentences import RULE_RENDERERS
from app.eligibility.sentences import RENDERERS as CONDITION_RENDERERS
from app.eligibility.wording import (
    ELIGIBILITY_WORDS,
    FRENCH,
    OUTCOME_FIELD_LABELS,
    Args,
    Phrase,
    Speaker,
    _day,
    device_name,
    join,
)

__all__ = [
    "ELIGIBILITY_WORDS",
    "FRENCH",
    "OUTCOME_FIELD_LABELS",
    "Args",
    "Phrase",
    "Speaker",
    "outcome_sentence",
    "parameter_sentence",
    "reason",
    "say",
    "value_text",
]

RENDERERS = {**CONDITION_RENDERERS, **RULE_RENDERERS}


def say(code: str, args: Args | None = None, speaker: Speaker = FRENCH) -> str:
    """One code and its data in the speaker's language."""
    renderer = RENDERERS.get(code)
    if renderer is None:
        return str((args or {}).get("text", code))
    return renderer(speaker, args or {})


def parameter_sentence(p: Args, speaker: Speaker = FRENCH) -> str:
    """'Prix de vente : 15 (en vigueur depuis le 01/01/2023)'. Standard descriptions
    (those the editor writes) are translated; a description typed by a programme's owner
    is its own words."""
    return speaker.gettext(N_("%(description)s : %(value)s (en vigueur depuis le %(since)s)")) % {
        "description": speaker.gettext(str(p["description"])),
        "value": value_text(p["value"]),
        "since": _day(speaker, p["since"]),
    }


def value_text(value: Any) -> str:
    if isinstance(value, Mapping):
        return " ; ".join(
            f"{k} : " + (value_text(v) if isinstance(v, Mapping) else str(v))
            for k, v in value.items()
        )
    return str(value)


def reason(decision: Args, speaker: Speaker = FRENCH) -> str:
    """The one sentence of a decision for a list, from its stored form (``as_dict``)."""
    eligibility = decision["eligibility"]
    if eligibility == "eligible":
        text = speaker.gettext(N_("Toutes les conditions sont remplies."))
        confirm = [say(c, a, speaker) for c, a in _phrases(decision.get("to_confirm"))]
        if confirm:
            text += " " + speaker.gettext(N_("À confirmer dans la prescription : %(items)s.")) % {
                "items": " ; ".join(confirm)
            }
        return text
    if eligibility == "almost":
        missing = [say(c, a, speaker) for c, a in _phrases(decision.get("missing"))]
        return speaker.gettext(N_("Il ne manque que : %(items)s.")) % {"items": " ; ".join(missing)}
    blocking = [
        say(c["code"], c.get("args"), speaker)
        for c in decision.get("conditions", ())
        if c.get("met") is False and not c.get("fix")
    ]
    return " ".join(blocking)


def _phrases(items: Any) -> list[Phrase]:
    out: list[Phrase] = []
    for item in items or ():
        if isinstance(item, Mapping):
            out.append((str(item.get("code", "legacy.text")), item.get("args") or {}))
        else:  # a sentence stored before the codes
            out.append(("legacy.text", {"text": str(item)}))
    return out


# ----------------------------------------------------------------------------- outcome


def outcome_sentence(
    outcome: Args, speaker: Speaker = FRENCH, device_type: str | None = None
) -> str:
    """What the household gets, from a stored outcome (``Outcome.as_dict``)."""
    s = speaker
    kinds = list(outcome.get("device_types") or ())
    if set(kinds) == {"laptop", "desktop"}:
        devices = s.gettext(N_("ordinateur (portable ou fixe)"))
    else:
        devices = join(s, [device_name(s, d) for d in kinds])
    kind = outcome.get("kind")
    if kind == "sale":
        if outcome.get("price_eur") is not None:
            text = s.gettext(N_("Vente d'un %(devices)s reconditionné à %(price)s €")) % {
                "devices": devices,
                "price": outcome["price_eur"],
            }
        else:
            ranges = []
            for device, grid in (outcome.get("price_grid") or {}).items():
                if device_type is not None and device != device_type:
                    continue
                ranges.append(
                    s.gettext(N_("%(device)s de %(low)s à %(high)s €"))
                    % {
                        "device": device_name(s, device),
                        "low": min(grid.values()),
                        "high": max(grid.values()),
                    }
                )
            text = s.gettext(N_("Vente à prix solidaire selon l'état : %(ranges)s")) % {
                "ranges": ", ".join(ranges)
            }
        if outcome.get("warranty_months"):
            text += s.gettext(N_(", garantie %(n)s mois")) % {"n": outcome["warranty_months"]}
        return text + "."
    if kind == "loan":
        text = s.gettext(N_("Prêt gratuit d'un %(devices)s")) % {"devices": devices}
        if outcome.get("loan_months"):
            text += s.gettext(N_(" pour %(n)s mois")) % {"n": outcome["loan_months"]}
        if outcome.get("deposit_eur"):
            text += s.gettext(N_(", dépôt de garantie %(n)s €")) % {"n": outcome["deposit_eur"]}
        if outcome.get("cession_after_months"):
            text += s.gettext(N_(", cédé au foyer après %(n)s mois")) % {
                "n": outcome["cession_after_months"]
            }
        return text + "."
    if kind == "gift":
        return s.gettext(N_("Don d'un %(devices)s reconditionné.")) % {"devices": devices}
    terms = outcome.get("terms") or ""
    if terms:
        return s.gettext(N_("Aide décidée au cas par cas : %(terms)s")) % {"terms": terms}
    return s.gettext(N_("Aide décidée au cas par cas."))
