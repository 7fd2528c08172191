"""Decisions in the reader's language: condition codes and their data -> sentences. Pure.

The engine stores what it found as a code and JSON-ready data (``("location.not_met",
{"commune": "Metz", ...})``), never as a sentence; a page, a PDF, an SMS or the API turns
them into words at display time with a ``Speaker`` (the page's language through
Flask-Babel, see ``app/eligibility/display.py``; French by default here). Every French
template is marked with ``N_`` so that Babel extracts it for translation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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
    # Sentences of stored decisions older than the codes (see the migration).
    "legacy.text": lambda s, a: str(a.get("text", "")),
}


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
