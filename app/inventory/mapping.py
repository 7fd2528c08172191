"""Which value of a file means which device type or state, and the mapping the user
confirms (``FileMapping``: columns, types, states): the value side of the import's mapping
step. The columns' headers are recognised in column_headers.py.

Pure module (no Flask, no SQLAlchemy, no pandas). Values are compared through
``column_headers.fold()``, like the headers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.inventory.column_headers import FIELDS, SOURCES, fold
from app.inventory.lifecycle import DeviceType, State

# ---------------------------------------------------------------- values


def _words(table: Mapping[Any, tuple[str, ...]]) -> dict[str, Any]:
    return {fold(word): target for target, words in table.items() for word in words}


SKIP = "skip"  # a value whose rows are not imported (a lost device, software, a server)
SKIP_LABEL = "Ne pas importer ces lignes"

# Device types: Ordilien's French words, Snipe-IT's usual categories (plural English),
# GLPI's computer types (the SMBIOS chassis types its inventory agent reports).
TYPE_VALUES: dict[str, str] = _words(
    {
        DeviceType.LAPTOP: (
            "portable", "pc portable", "ordinateur portable", "laptop", "notebook",
            "ultrabook", "sub notebook", "subnotebook", "convertible", "detachable",
            "2 en 1", "2-in-1", "netbook", "chromebook", "macbook", "portable computer",
            "portables", "ordinateurs portables",
        ),
        DeviceType.DESKTOP: (
            "fixe", "pc fixe", "ordinateur fixe", "tour", "unité centrale", "desktop", "uc",
            "mini tower", "tower", "space-saving", "space saving", "all-in-one", "all in one",
            "tout-en-un", "low profile desktop", "mini pc", "lunch box", "pizza box",
            "main system chassis", "stick pc", "desktops", "computer", "computers",
            "workstation", "ordinateur", "ordinateurs", "pc", "mac mini", "imac",
            "ordinateur de bureau", "ordinateurs de bureau", "pc de bureau",
        ),
        DeviceType.TABLET: ("tablette", "tablet", "ipad", "tablettes", "tablet pc"),
        DeviceType.SMARTPHONE: (
            "smartphone", "téléphone", "telephone", "mobile", "portable téléphone", "phone",
            "mobile phone", "mobile phones", "cell phone", "cellphone", "handheld",
            "téléphone mobile", "téléphones", "iphone",
        ),
        DeviceType.SCREEN: ("écran", "moniteur", "screen", "monitor", "display", "écrans"),
        DeviceType.PRINTER: ("imprimante", "printer", "imprimantes", "multifonction"),
        DeviceType.OTHER: ("autre", "other", "divers", "misc", "server", "serveur", "miscellaneous", "accessory",
                           "accessories", "accessoire", "peripheral"),
    }
)  # fmt: skip

# Where a state of the other tool lands in Ordilien. Nothing arrives "ready": that needs
# Ordilien's own erasure, tests and grade, so a device ready elsewhere starts its last
# step, "in reconditioning". A device lent out elsewhere is recorded as received: its
# loan belongs to the counter, and it is triaged when it comes back.
STATE_VALUES: dict[str, str] = _words(
    {
        State.RECEIVED: (
            "reçu", "received", "deployed", "déployé", "checked out", "assigned", "in use",
            "en service", "en utilisation", "attribué", "en prêt", "on loan", "prêté",
        ),
        State.TRIAGE: (
            "en tri", "triage", "pending", "en attente", "à trier", "broken", "cassé",
            "en panne", "out for diagnostics", "en diagnostic", "to check", "à vérifier",
        ),
        State.RECONDITIONING: (
            "en reconditionnement", "reconditioning", "ready to deploy", "deployable",
            "ready", "prêt à déployer", "déployable", "prêt", "available", "disponible",
            "in stock", "en stock", "stock", "out for repair", "en réparation", "repair",
            "prêt à distribuer",
        ),
        State.E_WASTE: (
            "deee", "e-waste", "archived", "archivé", "retired", "retiré", "rebut",
            "au rebut", "disposed", "recyclé", "recycled", "hors service",
        ),
        State.PARTS: (
            "pièces", "parts", "pour pièces", "broken - not fixable", "broken not fixable",
            "irréparable", "not fixable",
        ),
        SKIP: ("lost", "stolen", "lost/stolen", "lost / stolen", "perdu", "volé",
               "perdu/volé", "perdu / volé"),
    }
)  # fmt: skip

# The states an import may give: the workshop's, none of the counter's.
IMPORT_STATES = (State.RECEIVED, State.TRIAGE, State.RECONDITIONING, State.E_WASTE, State.PARTS)


def _singular(key: str) -> list[str]:
    """English and French plurals: "laptops" -> "laptop", "boxes" -> "box"."""
    out = [key]
    if key.endswith("ies"):
        out.append(key[:-3] + "y")
    if key.endswith("es"):
        out.append(key[:-2])
    if key.endswith(("s", "x")):
        out.append(key[:-1])
    return out


def known_value(kind: str, text: str) -> str | None:
    """The Ordilien type or state (or SKIP) that a value of the file means, or None."""
    table = TYPE_VALUES if kind == "device_type" else STATE_VALUES
    for key in _singular(fold(text)):
        if key in table:
            return str(table[key])
    return None


# ---------------------------------------------------------------- the mapping


@dataclass
class FileMapping:
    """What the user confirmed: header -> field ("" = ignored), and value -> target for
    the types and the states. Saved per organisation and source tool, and as JSON for
    ``flask inventory import --mapping``."""

    source: str = "ordilien"
    columns: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)  # value as written -> DeviceType
    states: dict[str, str] = field(default_factory=dict)  # value as written -> State or SKIP

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "columns": dict(self.columns),
            "types": dict(self.types),
            "states": dict(self.states),
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, data: Any) -> FileMapping:
        """A mapping from JSON; raises MappingError naming the first wrong entry."""
        if not isinstance(data, dict):
            raise MappingError("La correspondance doit être un objet JSON.")
        source = str(data.get("source") or "ordilien")
        if source not in SOURCES:
            raise MappingError(f"Source « {source} » inconnue : {', '.join(SOURCES)}.")
        result = cls(source=source)
        for key, target, allowed in (
            ("columns", result.columns, {*FIELDS, ""}),
            ("types", result.types, {*(t.value for t in DeviceType), SKIP}),
            ("states", result.states, {*(s.value for s in IMPORT_STATES), SKIP}),
        ):
            entries = data.get(key) or {}
            if not isinstance(entries, dict):
                raise MappingError(f"« {key} » doit être un objet JSON.")
            for name, value in entries.items():
                value = "" if value is None else str(value)
                if value not in allowed:
                    raise MappingError(
                        f"« {name} » : « {value} » n'est pas un choix possible pour {key}."
                    )
                target[str(name)] = value
        return result

    def value_for(self, kind: str, text: str) -> str | None:
        """The target of a value: the user's choice first (compared folded), then the
        vocabulary; None when unknown."""
        chosen = self.types if kind == "device_type" else self.states
        key = fold(text)
        for written, target in chosen.items():
            if fold(written) == key and target:
                return target
        return known_value(kind, text)


class MappingError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
