"""Navigation entries: each domain lists its own in ``<domain>/nav.py`` as ``LINKS``.

Core knows neither the domains nor the permissions: the application factory collects
the links and hands them to ``install`` with the function that tells whether the current
user holds a link's permission (``app.authz.guards.can``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Flask, current_app
from flask_babel import LazyString

EXTENSION = "ordilien.navigation"


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label: LazyString | str
    description: LazyString | str
    # A Permission of app.authz.policy (a StrEnum), checked by the installed ``can``.
    permission: str
    order: int = 100
    # Shown in the top bar as well as on the home page.
    in_menu: bool = True


@dataclass(frozen=True)
class Navigation:
    links: tuple[NavLink, ...]  # by order, then as installed
    can: Callable[[str], bool]  # may the current user use this permission?


def install(app: Flask, links: Iterable[NavLink], can: Callable[[str], bool]) -> None:
    app.extensions[EXTENSION] = Navigation(tuple(sorted(links, key=lambda link: link.order)), can)


def installed() -> Navigation:
    """The current application's navigation (create_app installs it)."""
    return current_app.extensions[EXTENSION]  # type: ignore[no-any-return]
