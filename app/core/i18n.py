"""Language choice: the user's choice in the session, else French (also outside requests:
cron jobs and the CLI write French messages)."""

from __future__ import annotations

from flask import current_app, has_request_context, session


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
