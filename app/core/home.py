"""What the home page shows: the links of every domain the user's role may use."""

from __future__ import annotations

import importlib
import importlib.util
from functools import cache
from typing import Any

from flask import current_app

from app.authz.guards import can
from app.core.navigation import NavLink


@cache
def all_links() -> tuple[NavLink, ...]:
    from app import DOMAINS

    links: list[NavLink] = []
    for package in DOMAINS:
        name = f"{package}.nav"
        if importlib.util.find_spec(name) is not None:
            links.extend(importlib.import_module(name).LINKS)
    return tuple(sorted(links, key=lambda link: link.order))


def visible_links(user: Any) -> list[NavLink]:
    if not user.is_authenticated:
        return []
    return [
        link
        for link in all_links()
        if can(link.permission) and link.endpoint in current_app.view_functions
    ]


def home_sections(user: Any) -> list[NavLink]:
    return visible_links(user)
