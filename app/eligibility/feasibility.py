"""Why a programme can never grant anything, field by field. Pure module.

``find_faults`` reads a definition and its editor fields (editing.definition_to_fields):
numbers written as parameters are read on every day one of them changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as _field
from datetime import date
from typing import Any

from app.core.marking import N_
from app.eligibility.loader import campaign_end

NUMBER_FIELDS = (
    "age_min", "age_max", "household_min", "household_max", "quota_max",
    "envelope_max_grants", "envelope_max_eur", "envelope_grant_eur", "price_eur",
    "warranty_months", "loan_months", "deposit_eur", "cession_after_months",
)  # fmt: skip


@dataclass(frozen=True)
class Fault:
    """A reason the programme can never grant: a field, a French text and its values."""

    field: str
    text: str
    values: dict[str, Any] = _field(default_factory=dict)

    def message(self) -> str:
        return self.text % self.values if self.values else self.text


# ------------------------------------------------------------------ feasibility


def _zero_check(fields: dict[str, Any], name: str, text: str) -> Callable[[date], Fault | None]:
    def check(day: date) -> Fault | None:
        return Fault(name, text) if fields[name].at(day) == 0 else None

    return check


POSTCODE = re.compile(r"\d[\dAB]\d{3}")


def find_faults(definition: dict[str, Any], fields: dict[str, Any], today: date) -> list[Fault]:
    """Why this programme can never grant anything (empty: it may)."""
    found: list[Fault] = []
    start = fields["valid_from"]
    if start is None:
        return [Fault("valid_from", N_("Indiquez le jour où le programme commence."))]
    days = sorted(
        {start} | {d for name in NUMBER_FIELDS for d, _ in fields[name].changes if d > start}
    )

    def each_day(check: Callable[[date], Fault | None]) -> None:
        for day in days:
            fault = check(day)
            if fault is not None:
                found.append(fault)
                return

    def pair(low_name: str, high_name: str, text: str) -> None:
        def check(day: date) -> Fault | None:
            low, high = fields[low_name].at(day), fields[high_name].at(day)
            if low is not None and high is not None and low > high:
                return Fault(low_name, text, {"min": low, "max": high})
            return None

        each_day(check)

    pair(
        "age_min",
        "age_max",
        N_("L'âge minimum (%(min)s) est plus grand que l'âge maximum (%(max)s)."),
    )
    pair(
        "household_min",
        "household_max",
        N_("La taille minimum du foyer (%(min)s) est plus grande que la taille maximum (%(max)s)."),
    )
    at_least = fields["age_at_least"]
    high = fields["household_max"].at(start)
    if at_least is not None and high is not None and at_least > high:
        found.append(
            Fault(
                "age_at_least",
                N_(
                    "%(n)s personnes de cet âge ne tiennent pas dans un foyer de %(max)s personnes au plus."
                ),
                {"n": at_least, "max": high},
            )
        )
    conditions = [next(iter(c)) for c in definition.get("conditions") or []]
    location = next(
        (c["location"] for c in definition.get("conditions") or [] if "location" in c), None
    )
    if location is not None and not any(
        (location or {}).get(k) for k in ("communes", "postcodes", "departments")
    ):
        found.append(
            Fault(
                "communes", N_("Indiquez au moins une commune, un code postal ou un département.")
            )
        )
    for code in fields["postcodes"]:
        if not POSTCODE.fullmatch(code):
            found.append(
                Fault(
                    "postcodes", N_("Code postal invalide : %(code)s (5 chiffres)."), {"code": code}
                )
            )
            break
    if not conditions:
        found.append(
            Fault("statuses", N_("Indiquez au moins une condition (par exemple des statuts)."))
        )
    valid_to, months = fields["valid_to"], fields["campaign_months"]
    if valid_to is not None and valid_to < start:
        found.append(Fault("valid_to", N_("La fin est avant le début du programme.")))
    elif valid_to is not None and valid_to < today:
        found.append(Fault("valid_to", N_("Cette date de fin est déjà passée.")))
    if months is not None and months < 1:
        found.append(Fault("campaign_months", N_("Une campagne dure au moins un mois.")))
    elif months is not None and campaign_end(start, months) < today:
        found.append(
            Fault(
                "campaign_months",
                N_("Cette campagne est déjà finie (le %(day)s)."),
                {"day": f"{campaign_end(start, months):%d/%m/%Y}"},
            )
        )
    zero = {
        "quota_max": N_("Un quota de 0 ne permet aucune attribution."),
        "envelope_max_grants": N_("Une enveloppe de 0 attribution ne permet rien."),
        "envelope_max_eur": N_("Une enveloppe de 0 € ne permet rien."),
        "loan_months": N_("Un prêt dure au moins un mois."),
    }
    for name, text in zero.items():
        each_day(_zero_check(fields, name, text))
    grid = fields["price_grid"].get("cells") or {}
    outcome = definition.get("outcome") or {}
    if outcome.get("kind") == "sale" and fields["price_eur"].value is None and not grid:
        found.append(Fault("price_eur", N_("Une vente demande un prix (ou une grille de prix).")))
    if grid:
        for device in fields["device_types"]:
            if not grid.get(device):
                found.append(
                    Fault(
                        "price_grid",
                        N_("La grille de prix n'a aucun prix pour : %(device)s."),
                        {"device": device},
                    )
                )
    if not fields["device_types"]:
        found.append(Fault("device_types", N_("Choisissez au moins un type d'appareil.")))
    return found
