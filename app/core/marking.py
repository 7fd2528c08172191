"""``N_``: mark a French text for extraction (a default Babel keyword) without translating
it. The pure rule modules hold their labels and messages this way; the web side
translates them where they are shown. No Flask here: the pure modules import it."""

from __future__ import annotations


def N_(text: str) -> str:  # noqa: N802  (the gettext convention for "mark only")
    return text
