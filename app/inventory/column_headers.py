"""Which column of a file fills which Ordilien field: the header recognition of the
import's mapping step (what a value of a column means is mapping.py's part).

Pure module (no Flask, no SQLAlchemy, no pandas). It knows Ordilien's own headers,
Snipe-IT's asset import and export headers (English, and the French labels of its UI),
and GLPI's CSV export headers in English and French. Headers (and values, in mapping.py)
are compared through ``fold()``: accents dropped, Cyrillic and Greek letters that look
Latin read as the Latin letter (Snipe-IT's French "Catégorie" is written with a Cyrillic
"С"), case, spaces and punctuation ignored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.inventory.mapping import FileMapping

# Letters of other scripts drawn like a Latin letter: the Cyrillic and Greek entries of
# Unicode's confusables.txt (UTS #39) whose prototype is one Latin letter. Small on
# purpose: headers and device words are Latin text with the odd look-alike typed in.
CONFUSABLES: dict[str, str] = {
    # Cyrillic capitals, then small letters
    "А": "A", "В": "B", "Е": "E", "Ё": "E", "К": "K", "М": "M", "Н": "H", "О": "O",
    "Р": "P", "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ї": "I",
    "Ј": "J", "Ԛ": "Q", "Ԝ": "W", "Һ": "H", "Ү": "Y",
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
    "ј": "j", "ԛ": "q", "ԝ": "w", "һ": "h", "ү": "y", "ԁ": "d", "ɡ": "g", "ո": "n",
    # Greek capitals, then small letters
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    "α": "a", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x",
}  # fmt: skip
_CONFUSABLE_TABLE = str.maketrans(CONFUSABLES)


@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Header or value -> comparable key: look-alikes read as Latin, no accents, lower
    case, letters and digits only ("Саtégorie" -> "categorie", "N° de série" -> "nodeserie")."""
    text = unicodedata.normalize("NFKC", str(text)).translate(_CONFUSABLE_TABLE)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "", text)


# ---------------------------------------------------------------- fields


# Ordilien's fields a column can fill, in the order the page offers them.
FIELDS: dict[str, str] = {
    "device_type": "Type",
    "brand": "Marque",
    "model": "Modèle",
    "serial": "N° de série",
    "imei": "IMEI",
    "external_ref": "Ancienne étiquette (n° d'inventaire)",
    "state": "Statut d'origine",
    "cpu": "Processeur",
    "cpu_score": "Indice processeur",
    "ram_gb": "RAM (Go)",
    "storage_type": "Type de stockage",
    "storage_gb": "Stockage (Go)",
    "screen_inches": "Écran (pouces)",
    "os": "Système",
    "battery_health_pct": "Batterie (%)",
    "condition": "État à l'arrivée",
    "condition_notes": "Remarques sur l'état",
    "location": "Emplacement",
    "purchase_date": "Date d'achat",
    "purchase_cost": "Coût d'achat (€)",
    "supplier": "Fournisseur",
    "notes": "Notes",
}

SOURCES: dict[str, str] = {
    "ordilien": "Ordilien ou tableur",
    "snipeit": "Snipe-IT",
    "glpi": "GLPI",
}

# Per source: field -> the headers that fill it, best first. Ordilien's own headers are
# read for every source (a spreadsheet mixes them); a source's own come first.
_ORDILIEN: dict[str, tuple[str, ...]] = {
    "device_type": ("type", "type d'appareil", "catégorie", "device_type"),
    "brand": ("marque", "fabricant", "brand", "manufacturer"),
    "model": ("modèle", "model", "référence", "model name"),
    "serial": (
        "n° de série", "numéro de série", "no de série", "n° série", "série", "serial",
        "serial number", "sn", "numero serie",
    ),
    "imei": ("imei", "imei 1", "imei1"),
    "external_ref": (
        "ancienne étiquette", "étiquette d'origine", "numéro d'inventaire", "n° d'inventaire",
        "inventaire", "asset tag", "étiquette", "external_ref",
    ),
    "state": ("statut", "statut d'origine", "status"),
    "cpu": ("processeur", "cpu"),
    "cpu_score": ("indice processeur", "score processeur", "passmark", "cpu_score"),
    "ram_gb": ("ram", "ram (go)", "mémoire", "mémoire (go)", "mémoire vive", "ram_gb"),
    "storage_type": ("type de stockage", "type de disque", "disque", "storage_type"),
    "storage_gb": (
        "stockage", "stockage (go)", "capacité", "capacité (go)", "taille disque",
        "disque (go)", "storage_gb",
    ),
    "screen_inches": ("écran", "écran (pouces)", "taille écran", "pouces", "screen_inches"),
    "os": ("système", "système d'exploitation", "os"),
    "battery_health_pct": ("batterie", "batterie (%)", "santé batterie", "battery_health_pct"),
    "condition": ("état à l'arrivée", "etat arrivee", "état", "condition"),
    "condition_notes": (
        "remarques", "remarques sur l'état", "observations", "commentaire", "condition_notes",
    ),
    "location": ("emplacement", "lieu de stockage", "rangement", "location", "lieu"),
    "purchase_date": ("date d'achat", "acheté le", "purchase date", "purchase_date"),
    "purchase_cost": (
        "coût d'achat", "coût d'achat (€)", "prix d'achat", "purchase cost", "purchase_cost",
    ),
    "supplier": ("fournisseur", "supplier"),
    "notes": ("notes", "note interne"),
}  # fmt: skip

# Snipe-IT: the importer's field names and the asset list's CSV export, then the French
# labels of its interface (snipe-it resources/lang/fr-FR).
_SNIPEIT: dict[str, tuple[str, ...]] = {
    "device_type": ("category", "category name", "catégorie"),
    "brand": ("manufacturer", "make", "fabricant"),
    "model": ("model name", "model", "modèle", "nom du modèle", "model number", "model no",
              "model no.", "numéro de modèle"),
    "serial": ("serial", "serial number", "serial no", "numéro de série", "n° de série"),
    "imei": ("imei",),
    "external_ref": ("asset tag", "asset_tag", "numéro d'inventaire", "étiquette de l'actif",
                     "étiquette"),
    "state": ("status", "status label", "statut"),
    "location": ("location", "default location", "emplacement", "lieu"),
    "purchase_date": ("purchase date", "purchased", "date d'achat"),
    "purchase_cost": ("purchase cost", "cost", "coût d'achat", "prix d'achat"),
    "supplier": ("supplier", "fournisseur"),
    "notes": ("notes", "asset notes", "remarques", "notes de l'actif"),
}  # fmt: skip

# GLPI: the computer list's CSV export (search result columns), English and French.
_GLPI: dict[str, tuple[str, ...]] = {
    "device_type": ("type", "computer type", "type d'ordinateur"),
    "brand": ("manufacturer", "fabricant"),
    "model": ("model", "modèle", "computer model"),
    "serial": ("serial number", "numéro de série"),
    "external_ref": ("inventory number", "numéro d'inventaire", "otherserial"),
    "state": ("status", "statut"),
    "location": ("location", "lieu"),
    "os": ("operating system - name", "système d'exploitation - nom", "operating system",
           "système d'exploitation"),
    "cpu": ("components - processor", "composants - processeur", "processor", "processeur"),
    "notes": ("comments", "commentaires"),
}  # fmt: skip

_SOURCE_HEADERS = {"snipeit": _SNIPEIT, "glpi": _GLPI, "ordilien": {}}

# Headers met in these tools that Ordilien does not keep, and why (shown on the page).
_IGNORED: dict[str, tuple[str, ...]] = {
    "Ordilien nomme l'appareil par sa marque et son modèle.": (
        "name", "asset name", "item name", "nom", "nom de l'actif",
    ),
    "Numéro interne de l'autre outil : sans usage ici.": ("id", "asset id", "identifiant"),
    "Ordilien importe dans votre association : pas de société ni d'entité.": (
        "company", "société", "entreprise", "entity", "entité",
    ),
    "Nom d'une personne : non importé (les prêts passent par le comptoir).": (
        "checked out to", "assigned to", "full name", "username", "email", "user",
        "utilisateur", "alternate username", "nom d'utilisateur alternatif", "attribué à",
        "technician in charge of the hardware", "technicien en charge du matériel",
        "group", "groupe", "group in charge of the hardware", "groupe en charge du matériel",
    ),
    "Date tenue par l'autre outil : sans usage ici.": (
        "last update", "dernière modification", "created at", "updated at", "créé le",
        "mis à jour le", "last audit", "next audit date", "checkout date",
        "expected checkin date", "last checkout", "date de création", "eol", "eol date",
        "warranty expires", "fin de garantie", "reçu le",
    ),
    "Pas de champ pour cela dans Ordilien.": (
        "order number", "numéro de commande", "warranty", "warranty months", "garantie",
        "requestable", "image", "byod", "model no.", "model number", "note", "lot",
    ),
}  # fmt: skip
_IGNORED_INDEX = {fold(h): reason for reason, headers in _IGNORED.items() for h in headers}

IGNORED_EMPTY = "Vide sur toutes les lignes."
IGNORED_UNKNOWN = (
    "Colonne non reconnue : choisissez le champ qu'elle remplit, si elle en remplit un."
)
IGNORED_CHOSEN = "Ignorée à votre demande."


def _already(header: str) -> str:
    return f"La colonne « {header} » remplit déjà ce champ."


@lru_cache(maxsize=8)
def _index(source: str) -> dict[str, tuple[str, int]]:
    """fold(header) -> (field, rank): a source's own headers rank before Ordilien's, and
    the labels of FIELDS last (what the mapping page calls each field: a file written
    with those headers, "Ancienne étiquette (n° d'inventaire)", reads back)."""
    index: dict[str, tuple[str, int]] = {}
    labels = {name: (label,) for name, label in FIELDS.items()}
    tables = ((0, _SOURCE_HEADERS.get(source, {})), (100, _ORDILIEN), (200, labels))
    for rank_base, table in tables:
        for name, headers in table.items():
            for position, header in enumerate(headers):
                index.setdefault(fold(header), (name, rank_base + position))
    return index


def detect_source(headers: Iterable[str]) -> str:
    """ "snipeit", "glpi" or "ordilien" (any other spreadsheet), from the headers alone."""
    keys = {fold(h) for h in headers}
    snipe = {"assettag", "checkedoutto", "modelnumber", "modelname", "category", "itemname",
             "purchasecost", "modelno", "assetname"}  # fmt: skip
    glpi = {"inventorynumber", "lastupdate", "dernieremodification", "entity", "entite",
            "componentsprocessor", "composantsprocesseur", "operatingsystemname",
            "systemedexploitationnom", "technicianinchargeofthehardware"}  # fmt: skip
    score_snipe, score_glpi = len(keys & snipe), len(keys & glpi)
    if "categorie" in keys and "numerodinventaire" in keys and "lieu" not in keys:
        score_snipe += 1  # Snipe-IT's French export; GLPI says "Lieu" and has no category
    if score_glpi > score_snipe:
        return "glpi"
    if score_snipe:
        return "snipeit"
    return "ordilien"


# ---------------------------------------------------------------- the proposal


@dataclass(frozen=True)
class ColumnChoice:
    header: str
    field: str  # "" when ignored
    reason: str = ""  # why it is ignored (or "" when it fills a field)
    proposed: str = ""  # what Ordilien proposed, to show a change


def propose(
    headers: list[str],
    source: str | None = None,
    remembered: FileMapping | None = None,
    chosen: Mapping[str, str] | None = None,
    empty: Iterable[str] = (),
) -> tuple[str, list[ColumnChoice]]:
    """The source tool and, for each header in file order, the field it fills.

    Precedence: what the user chose now, then what was remembered for this organisation
    and tool, then the headers Ordilien knows. Two columns never fill one field: the
    best-ranked keeps it, the other is ignored with the reason.
    """
    source = source or detect_source(headers)
    index = _index(source)
    empty_set = set(empty)
    chosen = chosen or {}
    remembered_columns = remembered.columns if remembered else {}
    wanted: list[tuple[str, str, int, str, str]] = []  # header, field, rank, reason, proposed
    for position, header in enumerate(headers):
        found = index.get(fold(header))
        proposed = found[0] if found else ""
        if header in chosen:
            name, rank = chosen[header], -1000 + position
            reason = IGNORED_CHOSEN
        elif header in remembered_columns:
            name, rank = remembered_columns[header], -500 + position
            reason = IGNORED_CHOSEN
        elif found:
            name, rank = found
            reason = ""
        else:
            name, rank = "", 0
            reason = _IGNORED_INDEX.get(fold(header), IGNORED_UNKNOWN)
        if not name and header in empty_set and reason == IGNORED_UNKNOWN:
            reason = IGNORED_EMPTY
        wanted.append((header, name if name in FIELDS else "", rank, reason, proposed))
    holder: dict[str, tuple[int, str]] = {}
    for header, name, rank, _reason, _proposed in wanted:
        if name and (name not in holder or rank < holder[name][0]):
            holder[name] = (rank, header)
    result = []
    for header, name, _rank, reason, proposed in wanted:
        if name and holder[name][1] != header:
            result.append(ColumnChoice(header, "", _already(holder[name][1]), proposed))
        elif name:
            result.append(ColumnChoice(header, name, "", proposed))
        else:
            result.append(ColumnChoice(header, "", reason or IGNORED_UNKNOWN, proposed))
    return source, result


# ---------------------------------------------------------------- the source tool


def source_label(source: str) -> str:
    return SOURCES.get(source, source)


def origin_note(source: str, status: str) -> str:
    """The history line of an imported device: where it came from, in its own words."""
    tool = {"snipeit": "Snipe-IT", "glpi": "GLPI"}.get(source, "")
    if tool and status:
        return f"Importé de {tool} (statut « {status} »)"
    if tool:
        return f"Importé de {tool}"
    if status:
        return f"Importé (statut « {status} »)"
    return ""
