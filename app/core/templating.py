"""Helpers available in every template."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import Flask
from flask_babel import get_locale, to_user_timezone
from flask_login import current_user

from app.core.home import visible_links


def register(
    app: Flask, *, role_labels: Mapping[Any, Any], org_kind_labels: Mapping[Any, Any]
) -> None:
    """``role_labels`` and ``org_kind_labels``: {value: label} of the roles and the kinds of
    organisation (app.admin.forms), handed in by the application factory."""

    app.add_template_filter(numeric_datetime)

    @app.context_processor
    def helpers() -> dict[str, Any]:
        return {
            "current_locale": lambda: str(get_locale() or "fr"),
            "nav_links": lambda: visible_links(current_user),
            "role_label": lambda role: role_labels.get(role, role),
            "org_kind_label": lambda kind: org_kind_labels.get(kind, kind),
        }


def numeric_datetime(value: datetime) -> str:
    """What datetimeformat("dd/MM/yyyy HH:mm") writes (digits, the same in every language,
    in the app's timezone) for a fifth of its cost: the device page has one per move."""
    return to_user_timezone(value).strftime("%d/%m/%Y %H:%M")
