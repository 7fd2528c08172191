"""The GSM 03.38 alphabet of SMS: one source for every SMS the application writes. Pure.

A message in GSM-7 takes 160 septets (153 per part when split), its extension table
(``^{}\\[~]|€``) counting two; one character outside it and the whole message goes out
as UCS-2, 70 characters (67 per part). ``to_gsm7`` writes French text in GSM-7
(ê -> e, « » -> ", ° -> o, narrow spaces -> spaces), ``segments`` counts the parts an
operator bills, ``fit`` keeps the first variant that is one SMS.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

SMS_LIMIT = 160  # GSM-7 septets in one message
PART_LIMIT = 153  # septets per part of a concatenated message (the rest is the header)
UCS2_LIMIT = 70
UCS2_PART_LIMIT = 67

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")
_REPLACE = {
    "\u202f": " ",
    "\u00a0": " ",
    "\u2009": " ",
    "’": "'",
    "‘": "'",
    "«": '"',
    "»": '"',
    "“": '"',
    "”": '"',
    "…": "...",
    "–": "-",
    "—": "-",
    "°": "o",
    "â": "a",
    "ê": "e",
    "ë": "e",
    "î": "i",
    "ï": "i",
    "ô": "o",
    "û": "u",
    "ç": "c",
    "È": "E",
    "Ê": "E",
    "À": "A",
    "Â": "A",
    "Ô": "O",
    "Î": "I",
    "Û": "U",
    "œ": "oe",
    "Œ": "OE",
}


def gsm7_length(text: str) -> int | None:
    """Septets the text takes in GSM-7 (extended characters count twice); None if not GSM-7."""
    length = 0
    for ch in text:
        if ch in GSM7_BASIC:
            length += 1
        elif ch in GSM7_EXTENDED:
            length += 2
        else:
            return None
    return length


def to_gsm7(text: str) -> str:
    """Replace what GSM-7 cannot carry (ê -> e, « -> ", narrow spaces -> spaces)."""
    out = []
    for ch in text:
        if ch in GSM7_BASIC or ch in GSM7_EXTENDED:
            out.append(ch)
        else:
            plain = _REPLACE.get(ch, unicodedata.normalize("NFKD", ch)[:1])
            out.append(plain if plain and gsm7_length(plain) is not None else "?")
    return "".join(out)


def segments(text: str) -> int:
    """The parts an operator bills for ``text`` (GSM-7 when it can be, UCS-2 otherwise)."""
    septets = gsm7_length(text)
    if septets is not None:
        return 1 if septets <= SMS_LIMIT else -(-septets // PART_LIMIT)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= UCS2_LIMIT else -(-units // UCS2_PART_LIMIT)


def fits(text: str) -> bool:
    """One SMS of GSM-7."""
    return (gsm7_length(text) or SMS_LIMIT + 1) <= SMS_LIMIT


def shorten(text: str, septets: int) -> str:
    """``text`` in GSM-7 cut to at most ``septets`` (with "..." when cut)."""
    text = to_gsm7(text)
    if (gsm7_length(text) or 0) <= septets:
        return text
    while text and (gsm7_length(text + "...") or 0) > septets:
        text = text[:-1]
    return text.rstrip(" ,;:-") + "..."


def fit(variants: Iterable[str]) -> str:
    """The first variant that is one GSM-7 SMS; the last one (in GSM-7) otherwise."""
    last = ""
    for variant in variants:
        last = to_gsm7(variant)
        if fits(last):
            return last
    return last
