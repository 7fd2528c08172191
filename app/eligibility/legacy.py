"""Decisions stored before the condition codes: their French sentences -> codes and data.

Pure module, used by migration 0009 (keep it as it is: it reads what the code wrote up
to that migration). A sentence it cannot read is kept as ``legacy.text``, shown as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from app.eligibility.vocabulary import COMMITMENT_LABELS, STATUS_LABELS

_SHORT = {label.split(" (")[0]: status.value for status, label in STATUS_LABELS.items()}
_COMMITMENTS = {words: c.value for c, words in COMMITMENT_LABELS.items()}
_PROOFS = {
    "déclaré par la personne, pas encore attesté": "claimed",
    "attesté sur la parole du prescripteur": "declared",
    "justificatif vu": "document_seen",
}
_EQUIPMENT = {
    "un ordinateur": "computer",
    "un smartphone": "smartphone",
    "une tablette": "tablet",
    "d'ordinateur": "computer",
    "de smartphone": "smartphone",
    "de tablette": "tablet",
}
D = r"(\d{2}/\d{2}/\d{4})"


def _iso(text: str) -> str:
    return datetime.strptime(text, "%d/%m/%Y").date().isoformat()


_NAMES = sorted(_SHORT, key=len, reverse=True)  # some names hold commas ("…, ni études")


def _statuses(text: str) -> list[str]:
    """'RSA, AAH ou ASS' -> ['rsa', 'aah', 'ass']; KeyError when it is not such a list."""
    codes, rest = [], text
    while rest:
        name = next((n for n in _NAMES if rest.startswith(n)), None)
        if name is None:
            raise KeyError(rest)
        codes.append(_SHORT[name])
        rest = rest[len(name) :]
        for separator in (", ", " ou ", " et "):
            if rest.startswith(separator):
                rest = rest[len(separator) :]
                break
        else:
            if rest:
                raise KeyError(rest)
    return codes


def _years(text: str) -> int:
    return int(text.split(" ")[0])


def _area(text: str) -> dict[str, list[str]]:
    area: dict[str, list[str]] = {"communes": [], "postcodes": [], "departments": []}
    for part in text.split(" ; "):
        if part.startswith("codes postaux "):
            area["postcodes"] = part.removeprefix("codes postaux ").split(", ")
        elif part.startswith("département "):
            area["departments"] = part.removeprefix("département ").split(", ")
        else:
            area["communes"].append(part)
    return area


def _where(text: str) -> dict[str, str]:
    match = re.fullmatch(r"(.*?) ?\((\w+)\)", text)
    if match:
        return {"commune": match.group(1), "postcode": match.group(2)}
    return {"commune": text, "postcode": ""}


def _period(text: str) -> tuple[str, str]:
    if text == "jusqu'ici":
        return "ever", "ever"
    month = re.fullmatch(r"en (\d{2})/(\d{4})", text)
    if month:
        return "month", f"{month.group(2)}-{month.group(1)}"
    return "year", text.removeprefix("en ")


def _bounds(text: str) -> dict[str, int | None]:
    low = re.search(r"au moins (\d+)", text)
    high = re.search(r"au plus (\d+)", text)
    return {"low": int(low[1]) if low else None, "high": int(high[1]) if high else None}


_PER = {"par an": "year", "par mois": "month", "en tout": "ever"}


def _reasons(text: str) -> list[dict[str, str]]:
    out = []
    for part in text.split(" ; "):
        name, why = part.split(" : ", 1)
        item = {"status": _SHORT[name]}
        if why.startswith("déclaré par la personne"):
            item["why"] = "claimed"
        elif why.startswith("l'attestation a expiré le "):
            item |= {"why": "expired", "day": _iso(why[-10:])}
        elif why.startswith("attesté à partir du "):
            item |= {"why": "not_yet", "day": _iso(why[20:30])}
        else:
            proof = why.split(", ce programme")[0]
            item |= {"why": "proof", "proof": _PROOFS[proof]}
        out.append(item)
    return out


def _statuses_ok(text: str) -> dict[str, Any]:
    """'RSA (justificatif vu le 01/02/2026), AAH (…)' -> the statuses shown."""
    shown, rest = [], text
    while rest:
        name = next((n for n in _NAMES if rest.startswith(n + " (")), None)
        if name is None:
            raise ValueError(rest)
        inside, _, rest = rest[len(name) + 2 :].partition(")")
        day = re.fullmatch(r"(.*) le " + D, inside)
        proof = day[1] if day else inside
        shown.append(
            {
                "status": _SHORT[name],
                "proof": _PROOFS[proof],
                "attested_on": _iso(day[2]) if day else None,
            }
        )
        rest = rest.removeprefix(", ")
    if not shown:
        raise ValueError(text)
    return {"shown": shown}


Reader = Callable[[re.Match[str]], dict[str, Any]]
PATTERNS: list[tuple[str, str, Reader]] = [
    (
        "validity.not_yet",
        rf"Le programme n'est pas en vigueur le {D} : il commence le {D}\.",
        lambda m: {"on": _iso(m[1]), "start": _iso(m[2])},
    ),
    (
        "validity.ended",
        rf"Le programme n'est plus en vigueur le {D} : il a pris fin le {D}\.",
        lambda m: {"on": _iso(m[1]), "end": _iso(m[2])},
    ),
    (
        "validity.in_force",
        rf"Le programme est en vigueur \(du {D} au {D}\)\.",
        lambda m: {"start": _iso(m[1]), "end": _iso(m[2])},
    ),
    (
        "validity.in_force",
        rf"Le programme est en vigueur \(depuis le {D}\)\.",
        lambda m: {"start": _iso(m[1]), "end": None},
    ),
    ("statuses.ok", r"Statut attesté : (.*)\.", lambda m: _statuses_ok(m[1])),
    (
        "statuses.needs_attestation",
        r"Il manque une attestation à jour \((.*)\)\.",
        lambda m: {"reasons": _reasons(m[1])},
    ),
    (
        "statuses.none",
        r"Le foyer n'a aucun statut attesté parmi : (.*)\.",
        lambda m: {"statuses": _statuses(m[1])},
    ),
    (
        "statuses.lacking",
        r"Il manque le statut : (.*) \(il faut (.*)\)\.",
        lambda m: {"lacking": _statuses(m[1]), "statuses": _statuses(m[2])},
    ),
    ("age.reference_unknown", r"L'âge de la personne de référence n'est pas connu\.", lambda m: {}),
    (
        "age.reference_in",
        r"La personne de référence a entre (\d+) et (\d+ ans?) \((\d+ ans?)\)\.",
        lambda m: {"low": int(m[1]), "high": _years(m[2]), "age": _years(m[3])},
    ),
    (
        "age.reference_out",
        r"La personne de référence n'a pas entre (\d+) et (\d+ ans?) \((\d+ ans?)\)\.",
        lambda m: {"low": int(m[1]), "high": _years(m[2]), "age": _years(m[3])},
    ),
    (
        "age.members_ok",
        r"(\d+) membres? du foyer de (\d+) à (\d+ ans?) \(âges : (.*)\)\.",
        lambda m: {
            "count": int(m[1]),
            "low": int(m[2]),
            "high": _years(m[3]),
            "ages": [int(a) for a in m[4].split(", ")],
        },
    ),
    (
        "age.members_none",
        r"Aucun membre du foyer n'a de (\d+) à (\d+ ans?)\.",
        lambda m: {"low": int(m[1]), "high": _years(m[2])},
    ),
    (
        "age.members_too_few",
        r"Il faut au moins (\d+) membres de (\d+) à (\d+ ans?) ; le foyer en compte (\d+)\.",
        lambda m: {
            "at_least": int(m[1]),
            "low": int(m[2]),
            "high": _years(m[3]),
            "count": int(m[4]),
        },
    ),
    (
        "location.unknown",
        r"Commune du foyer inconnue ; programme réservé à : (.*)\.",
        lambda m: _area(m[1]),
    ),
    (
        "location.met",
        r"Le foyer habite (.*), dans la zone du programme\.",
        lambda m: _where(m[1]),
    ),
    (
        "location.not_met",
        r"Le foyer habite (.*?) ; le programme est réservé à : (.*)\.",
        lambda m: {**_where(m[1]), **_area(m[2])},
    ),
    ("qpv.met", r"Le foyer habite un quartier prioritaire \(QPV\)\.", lambda m: {}),
    ("qpv.not_met", r"Le foyer n'habite pas un quartier prioritaire \(QPV\)\.", lambda m: {}),
    (
        "size.met",
        r"Le foyer compte (\d+) personnes? \((.*) demandé\)\.",
        lambda m: {"size": int(m[1]), **_bounds(m[2])},
    ),
    (
        "size.not_met",
        r"Le foyer compte (\d+) personnes? ; il en faut (.*)\.",
        lambda m: {"size": int(m[1]), **_bounds(m[2])},
    ),
    (
        "equipment.has",
        r"Le foyer a déjà (.*)\.",
        lambda m: {"has": [_EQUIPMENT[e] for e in re.split(r", | et ", m[1])]},
    ),
    (
        "equipment.none",
        r"Le foyer n'a pas (.*)\.",
        lambda m: {"equipment": [_EQUIPMENT[e] for e in m[1].split(" ni ")]},
    ),
    (
        "quota.ok",
        r"Déjà reçu (.*?) : (\w+) \(limite : (\d+) par foyer (par an|par mois|en tout)\)\.",
        lambda m: {
            "count": 0 if m[2] == "aucun" else int(m[2]),
            "limit": int(m[3]),
            "per": _PER[m[4]],
            "period": _period(m[1])[1],
        },
    ),
    (
        "quota.reached",
        r"Le foyer a déjà reçu (\d+) équipement\(s\) de ce programme (.*?) "
        r"\(limite : (\d+) par foyer (par an|par mois|en tout)\)\.",
        lambda m: {
            "count": int(m[1]),
            "limit": int(m[3]),
            "per": _PER[m[4]],
            "period": _period(m[2])[1],
        },
    ),
    (
        "commitment.to_confirm",
        r"La personne devra s'engager à (.*) \(à confirmer dans la prescription\)\.",
        lambda m: {"commitment": _COMMITMENTS[m[1]]},
    ),
    (
        "commitment.not_made",
        r"La personne ne s'est pas engagée à (.*)\.",
        lambda m: {"commitment": _COMMITMENTS[m[1]]},
    ),
    (
        "commitment.made",
        r"La personne s'engage à (.*)\.",
        lambda m: {"commitment": _COMMITMENTS[m[1]]},
    ),
    (
        "rule.missing_parameter",
        rf"Règle non applicable : le paramètre « (.*) » n'a pas de valeur le {D}\.",
        lambda m: {"name": m[1], "on": _iso(m[2])},
    ),
]
_COMPILED = [(code, re.compile(pattern), read) for code, pattern, read in PATTERNS]


def sentence_to_code(sentence: str) -> tuple[str, dict[str, Any]]:
    """One stored French sentence -> (code, data); ``legacy.text`` when unreadable."""
    for code, pattern, read in _COMPILED:
        match = pattern.fullmatch(sentence.strip())
        if match is None:
            continue
        try:
            return code, read(match)
        except (KeyError, ValueError, IndexError):
            continue
    return "legacy.text", {"text": sentence}


def phrase_to_code(text: str) -> dict[str, Any]:
    """A stored 'missing' or 'to confirm' item -> {"code", "args"}."""
    match = re.fullmatch(r"l'attestation (.*) à jour( avec justificatif vu)?", text)
    if match:
        try:
            names = _statuses(match[1])
            return {
                "code": "missing.attestation",
                "args": {"statuses": names, "document": bool(match[2])},
            }
        except KeyError:
            pass
    match = re.fullmatch(r"Engagement à (.*)", text)
    if match and match[1] in _COMMITMENTS:
        return {"code": "missing.commitment", "args": {"commitment": _COMMITMENTS[match[1]]}}
    return {"code": "legacy.text", "args": {"text": text}}


def upgrade_decision(decision: dict[str, Any]) -> dict[str, Any]:
    """A stored decision with sentences -> the same decision with codes (idempotent)."""
    if not decision or not decision.get("conditions"):
        return decision
    out = dict(decision)
    conditions = []
    for c in decision["conditions"]:
        if "code" in c:
            conditions.append(c)
            continue
        code, args = sentence_to_code(str(c.get("sentence", "")))
        item = {k: v for k, v in c.items() if k != "sentence"}
        fix = None
        if c.get("met") is False and code == "statuses.needs_attestation":
            fix = "attestation"
        elif c.get("met") is False and code == "commitment.not_made":
            fix = "commitment"
        conditions.append({**item, "code": code, "args": args, "fix": fix})
    out["conditions"] = conditions
    for key in ("missing", "to_confirm"):
        out[key] = [
            item if isinstance(item, dict) else phrase_to_code(str(item))
            for item in decision.get(key) or ()
        ]
    for key in ("reason", "label"):
        out.pop(key, None)
    if isinstance(out.get("outcome"), dict):
        out["outcome"] = {k: v for k, v in out["outcome"].items() if k != "sentence"}
    return out
