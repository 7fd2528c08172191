"""Helpers available in every template."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import get_locale
from flask_login import current_user

from app.core.home import visible_links


def register(app: Flask) -> None:
    from app.admin.forms import ORG_KIND_LABELS, ROLE_LABELS

    @app.context_processor
    def helpers() -> dict[str, Any]:
        return {
            "current_locale": lambda: str(get_locale() or "fr"),
            "nav_links": lambda: visible_links(current_user),
            "role_label": lambda role: ROLE_LABELS.get(role, role),
            "org_kind_label": lambda kind: ORG_KIND_LABELS.get(kind, kind),
        }
