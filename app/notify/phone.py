"""French phone numbers to E.164, for SMS. Pure module."""

from __future__ import annotations

import re


def to_e164(number: str, default_country: str = "33") -> str | None:
    """'06 12 34 56 78' -> '+33612345678'; None when it is not a usable number."""
    digits = re.sub(r"[^\d+]", "", number or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("+"):
        return digits if re.fullmatch(r"\+\d{8,15}", digits) else None
    if re.fullmatch(r"0\d{9}", digits):
        return f"+{default_country}{digits[1:]}"
    return None


def is_mobile_fr(e164: str) -> bool:
    """French mobiles start with 6 or 7 after the country code."""
    return bool(re.fullmatch(r"\+33[67]\d{8}", e164))


def display_fr(number: str) -> str:
    """'+33612345678' -> '06 12 34 56 78' (for a screen); anything else as it is."""
    if re.fullmatch(r"\+33\d{9}", number or ""):
        national = "0" + number[3:]
        return " ".join(national[i : i + 2] for i in range(0, 10, 2))
    return number
