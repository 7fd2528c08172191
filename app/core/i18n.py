"""Language choice: the user's choice in the session, else French (also outside requests:
cron jobs and the CLI write French messages)."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, session
from flask_babel import gettext


def select_locale() -> str:
    default = str(current_app.config["BABEL_DEFAULT_LOCALE"])
    if not has_request_context():
        return default
    lang = session.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        return str(lang)
    return default


def select_timezone() -> str:
    return str(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def translate(text: str, **values: Any) -> str:
    """gettext for services also run from the command line: in a request, the page's
    language; outside one, the French source text (no session to choose from)."""
    if has_request_context():
        return str(gettext(text, **values))
    return text % values if values else text
