"""Places and areas of the tariff matching: regions, departments, postcodes. Pure module.

An offer limited to communes, departments or regions is matched with a household's
postcode and commune, compared once normalised (``normalise_place``).
"""

from __future__ import annotations

import re
import unicodedata

# Regions of France and their departments (INSEE), for offers limited to a region.
REGION_DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "Auvergne-Rhône-Alpes": (
        "01",
        "03",
        "07",
        "15",
        "26",
        "38",
        "42",
        "43",
        "63",
        "69",
        "73",
        "74",
    ),
    "Bourgogne-Franche-Comté": ("21", "25", "39", "58", "70", "71", "89", "90"),
    "Bretagne": ("22", "29", "35", "56"),
    "Centre-Val de Loire": ("18", "28", "36", "37", "41", "45"),
    "Corse": ("2A", "2B"),
    "Grand Est": ("08", "10", "51", "52", "54", "55", "57", "67", "68", "88"),
    "Hauts-de-France": ("02", "59", "60", "62", "80"),
    "Île-de-France": ("75", "77", "78", "91", "92", "93", "94", "95"),
    "Normandie": ("14", "27", "50", "61", "76"),
    "Nouvelle-Aquitaine": (
        "16",
        "17",
        "19",
        "23",
        "24",
        "33",
        "40",
        "47",
        "64",
        "79",
        "86",
        "87",
    ),
    "Occitanie": ("09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"),
    "Pays de la Loire": ("44", "49", "53", "72", "85"),
    "Provence-Alpes-Côte d'Azur": ("04", "05", "06", "13", "83", "84"),
    "Guadeloupe": ("971",),
    "Martinique": ("972",),
    "Guyane": ("973",),
    "La Réunion": ("974",),
    "Mayotte": ("976",),
}


def normalise_place(text: str) -> str:
    """'Saint-Étienne' and 'saint etienne' compare equal."""
    stripped = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", stripped.lower()).strip()


REGION_OF_DEPARTMENT = {
    dept: normalise_place(region) for region, depts in REGION_DEPARTMENTS.items() for dept in depts
}
POSTCODE = re.compile(r"^\d{5}$")


def department_of(postcode: str) -> str:
    """The department of a French postcode ('' when it is not one)."""
    code = postcode.strip()
    if not POSTCODE.match(code):
        return ""
    if code.startswith("97"):
        return code[:3]
    if code.startswith("20"):
        return "2A" if int(code[:3]) < 202 else "2B"
    return code[:2]


def region_of(postcode: str) -> str:
    """Normalised region name of a French postcode ('' when unknown)."""
    return REGION_OF_DEPARTMENT.get(department_of(postcode), "")
