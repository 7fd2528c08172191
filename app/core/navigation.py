"""Navigation entries: each domain lists its own in ``<domain>/nav.py`` as ``LINKS``."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString

from app.authz.policy import Permission


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label: LazyString | str
    description: LazyString | str
    permission: Permission
    order: int = 100
    # Shown in the top bar as well as on the home page.
    in_menu: bool = True
