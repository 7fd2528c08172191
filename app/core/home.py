"""What the home page shows: the links of every domain the user's role may use."""

from __future__ import annotations

from typing import Any

from flask import current_app

from app.core.navigation import NavLink, installed


def visible_links(user: Any) -> list[NavLink]:
    if not user.is_authenticated:
        return []
    navigation = installed()
    return [
        link
        for link in navigation.links
        if navigation.can(link.permission) and link.endpoint in current_app.view_functions
    ]


def home_sections(user: Any) -> list[NavLink]:
    return visible_links(user)
