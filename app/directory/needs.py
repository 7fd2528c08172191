"""The needs a place answers, as the public directory asks them (pure).

One code per need, kept short and stable: the search, the pages, the importers of the
national cartography (La MedNum services, data·inclusion thématiques) and the referrals
all speak these codes. The words people read live in the templates' catalogue
(``app/directory/labels.py``), not here.
"""

from __future__ import annotations

from enum import StrEnum


class Need(StrEnum):
    DEVICE = "device"  # get a device (given, lent or sold at a solidarity price)
    CONNECT = "connect"  # get connected, or a cheaper (social) tariff
    LEARN = "learn"  # learn to use a computer, a phone, the internet
    PROCEDURES = "procedures"  # help with an online procedure (France Services, Aidants Connect)
    REPAIR = "repair"  # have a device repaired


def parse_needs(values: list[str] | tuple[str, ...]) -> list[Need]:
    """Known need codes among ``values``, each once, in the order of ``Need``; unknown
    codes (from an import, a hand-typed URL) are left out rather than refused."""
    wanted = {value.strip() for value in values}
    return [need for need in Need if need.value in wanted]
