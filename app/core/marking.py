"""``N_``: mark a French text for extraction (a default Babel keyword) without translating
it. The pure rule modules hold their labels and messages this way; the web side
translates them where they are shown. No Flask here: the pure modules import it."""

from __future__ import annotations

from collections.abc import Callable

# What a pure module is handed to put its French msgids into the reader's language:
# ``french`` below, or app.core.i18n.current_gettext on the web side.
Gettext = Callable[[str], str]


def N_(text: str) -> str:  # noqa: N802  (the gettext convention for "mark only")
    return text


def french(text: str) -> str:
    """The msgids as they are: the French texts (a ``Gettext`` for French readers)."""
    return text
