"""The identifiers a device arrives with, checked at intake, on the edit page, in the
import and by the scanner: an IMEI's Luhn check digit, the tag of a former label.

Pure module (no Flask, no SQLAlchemy).
"""

from __future__ import annotations

import re


def luhn_ok(digits: str) -> bool:
    """The Luhn check of an IMEI (its 15th digit): True when the number is consistent."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char) * (2 if position % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def imei_problem(text: str) -> str | None:
    """The French message for a wrong IMEI, or None when it is a well-formed IMEI."""
    digits = re.sub(r"[\s.-]", "", text)
    if not digits:
        return None
    if not digits.isdigit() or len(digits) != 15:
        return f"IMEI « {text} » invalide : 15 chiffres attendus."
    if not luhn_ok(digits):
        return (
            f"IMEI « {text} » invalide : le dernier chiffre (contrôle de Luhn) ne correspond pas."
        )
    return None


_FORMER_URL = re.compile(r"/(?:ht|hardware/bytag|d)/([^/?#\s]+)/?(?:[?#].*)?$")


def former_tag(text: str) -> str:
    """What a scanner sent for an old label -> the tag written on it. Snipe-IT's QR codes
    encode ``…/ht/<asset tag>``; a 1D barcode is the tag itself."""
    text = text.strip()
    match = _FORMER_URL.search(text)
    return match.group(1) if match else text
