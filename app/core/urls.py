"""Links that people click: every URL field (a place's website, booking and Acceslibre
links, a programme's or a tariff's source, the links of an open-data import) accepts
http:// and https:// only. ``javascript:``, ``data:``, ``file:`` and the rest are
refused: such a value would be stored, shown as a link and published to the third-party
maps that read our open-data exports.

No Flask here (the open-data and programme readers are pure modules): the message is
French (marked with ``N_``), and WebUrl translates it when a form shows it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from wtforms.validators import ValidationError  # type: ignore[import-untyped]

from app.core.marking import N_

SCHEMES = ("http", "https")
MESSAGE = N_(
    "Adresse web attendue, commençant par http:// ou https:// (par ex. https://exemple.fr)."
)


def url_problem(value: str | None) -> str:
    """Why ``value`` is not an http(s) address, in French ("" when it is, or is empty)."""
    text = (value or "").strip()
    if not text:
        return ""
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in text):
        return MESSAGE
    try:
        parts = urlsplit(text)
    except ValueError:
        return MESSAGE
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        return MESSAGE
    return ""


def is_web_url(value: str | None) -> bool:
    return bool((value or "").strip()) and not url_problem(value)


class WebUrl:
    """WTForms validator: an empty field passes (add DataRequired to require one)."""

    def __call__(self, form: Any, field: Any) -> None:
        if url_problem(field.data):
            from flask_babel import gettext  # type: ignore[import-untyped]

            raise ValidationError(gettext(MESSAGE))
