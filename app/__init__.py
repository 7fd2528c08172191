"""Ordilien: the application factory."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

# Flask is imported inside the factory so that the pure rule modules (app.*.lifecycle,
# app.eligibility.engine...) can be imported without loading it.
if TYPE_CHECKING:
    from flask import Flask

# Domain packages whose blueprints create_app() registers, in order. Each defines
# ``bp`` in its routes.py (HTML) and may define ``api_bp`` in api_routes.py or in another
# api_<name>.py (JSON).
DOMAINS = (
    "app.core",
    "app.accounts",
    "app.auth",
    "app.admin",
    "app.audit",
    "app.api",
    "app.notify",
    "app.inventory",
    "app.households",
    "app.eligibility",
    "app.loans",
    "app.tariffs",
    "app.training",
    "app.directory",
    "app.referrals",
    "app.reports",
)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    from flask import Flask

    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    configure(app, test_config)
    register_proxy(app)
    register_extensions(app)
    from app.core.converters import BoundedIntConverter, CleanParameters, NoNulStringConverter

    class Request(app.request_class):  # type: ignore[name-defined,misc]
        parameter_storage_class = CleanParameters  # form fields and query strings

    app.request_class = Request
    from app.core import widgets

    widgets.install()
    app.url_map.converters["int"] = BoundedIntConverter
    app.url_map.converters["default"] = NoNulStringConverter
    app.url_map.converters["string"] = NoNulStringConverter
    register_blueprints(app)
    register_navigation(app)
    register_errorhandlers(app)
    register_security(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def configure(app: Flask, test_config: dict[str, Any] | None) -> None:
    from app.config import build_config

    app.config.from_mapping(build_config(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)


def register_proxy(app: Flask) -> None:
    count = int(app.config.get("PROXY_COUNT", 0))
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count
        )


def register_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (every model, for Flask-Migrate)
    from app.core.i18n import install_template_gettext, select_locale, select_timezone
    from app.extensions import babel, csrf, db, login_manager, migrate

    db.init_app(app)
    from app.core import sqlite

    with app.app_context():
        sqlite.configure(db.engine)
    migrate.init_app(app, db, render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    install_template_gettext(app)
    login_manager.init_app(app)
    from app.auth.loader import configure_login

    configure_login(login_manager)


def register_blueprints(app: Flask) -> None:
    import importlib
    import importlib.util

    from app.extensions import csrf

    for package in DOMAINS:
        for module_name, attr in (("routes", "bp"), *_api_modules(package)):
            name = f"{package}.{module_name}"
            if importlib.util.find_spec(name) is None:
                continue
            module = importlib.import_module(name)
            blueprint = getattr(module, attr, None)
            if blueprint is None:
                continue
            if attr == "api_bp":
                # Token-authenticated JSON: no cookies, so no CSRF.
                csrf.exempt(blueprint)
            app.register_blueprint(blueprint)


def _api_modules(package: str) -> list[tuple[str, str]]:
    """api_routes.py, then any other api_<name>.py of the package (each with ``api_bp``)."""
    import importlib
    import pkgutil

    names = [
        info.name
        for info in pkgutil.iter_modules(importlib.import_module(package).__path__)
        if info.name.startswith("api_") and info.name != "api_routes"
    ]
    return [(name, "api_bp") for name in ["api_routes", *sorted(names)]]


def register_navigation(app: Flask) -> None:
    """The ``LINKS`` of every domain's nav.py (menu and home page), each shown to whoever
    holds its permission."""
    import importlib
    import importlib.util
    from dataclasses import replace

    from app.authz.guards import can
    from app.authz.policy import Permission
    from app.core import navigation

    links = []
    for package in DOMAINS:
        name = f"{package}.nav"
        if importlib.util.find_spec(name) is not None:
            links.extend(importlib.import_module(name).LINKS)
    # Each permission read once, here: a mistyped one fails at start-up, not on a page.
    links = [replace(link, permission=Permission(link.permission)) for link in links]
    navigation.install(app, links, can=can)


def register_errorhandlers(app: Flask) -> None:
    from app.api import errors as api_errors
    from app.core import errorpages

    errorpages.register(app, api_domain_error=api_errors.domain_error_response)
    api_errors.register(app)


def register_security(app: Flask) -> None:
    from app.core.security import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from app.admin.forms import ORG_KIND_LABELS, ROLE_LABELS
    from app.core.templating import register

    register(app, role_labels=ROLE_LABELS, org_kind_labels=ORG_KIND_LABELS)


def register_commands(app: Flask) -> None:
    import importlib
    import importlib.util

    for package in DOMAINS:
        name = f"{package}.cli"
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        for command in getattr(module, "COMMANDS", ()):
            app.cli.add_command(command)
