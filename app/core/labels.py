"""French labels of the pure modules (marked with ``N_``), in the page's language.

The pure rule modules hold French constants and may not import Flask; the web side wraps
their dictionaries with ``Translated`` so each lookup is translated when it is shown.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

from flask_babel import lazy_gettext
from wtforms import SelectChoice

from app.core.i18n import translate

K = TypeVar("K")


class Translated(Mapping[K, str]):
    """A read-only view of a {value: French label} dict that answers in the current
    language (French unchanged outside a request or when the language is French)."""

    def __init__(self, source: Mapping[K, str]) -> None:
        self._source = source

    def __getitem__(self, key: K) -> str:
        return translate(self._source[key])

    def __iter__(self) -> Iterator[K]:
        return iter(self._source)

    def __len__(self) -> int:
        return len(self._source)


def label_choices(labels: Mapping[Any, Any], blank: Any = None) -> list[SelectChoice]:
    """A select's choices from a {value: label} dict, in the page's language: plain French
    labels (the pure modules') are translated when drawn, lazy ones are kept as they are."""
    head = [SelectChoice("", blank)] if blank is not None else []
    return head + [
        SelectChoice(
            str(getattr(key, "value", key)),
            lazy_gettext(label) if isinstance(label, str) else label,
        )
        for key, label in labels.items()
    ]
