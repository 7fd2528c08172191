"""gettext that also works outside a request (CLI, cron, tests calling services).

app.core.i18n.select_locale reads the session, which only exists in a request; outside
one this falls back to the French source text, which is the default language anyway.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context
from flask_babel import gettext


def _(text: str, **values: Any) -> str:
    if has_request_context():
        return str(gettext(text, **values))
    return text % values if values else text
