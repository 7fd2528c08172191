"""French error pages (JSON under /api/); never a stack trace."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from app.core.errors import Conflict, DomainError, NotFound
from app.extensions import db, login_manager

# Seconds a client should wait before trying again while the database is unreachable.
RETRY_AFTER_SECONDS = 5


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Demande incorrecte"), _("La demande n'a pas pu être comprise.")),
        401: (_("Connexion nécessaire"), _("Connectez-vous pour continuer.")),
        403: (_("Accès refusé"), _("Votre rôle ne permet pas d'ouvrir cette page.")),
        404: (_("Page introuvable"), _("Cette page n'existe pas ou vous n'y avez pas accès.")),
        405: (_("Action impossible"), _("Cette action n'est pas possible sur cette page.")),
        409: (_("Conflit"), _("Quelqu'un a modifié ces données en même temps que vous.")),
        413: (_("Fichier trop gros"), _("Le fichier envoyé dépasse la taille autorisée.")),
        429: (_("Trop de demandes"), _("Patientez un instant avant de réessayer.")),
        500: (
            _("Erreur du serveur"),
            _("Un problème est survenu de notre côté. Rien n'a été enregistré. Réessayez."),
        ),
        503: (_("Service indisponible"), _("Le service est momentanément indisponible.")),
    }


def render_error(code: int, detail: str | None = None):  # type: ignore[no-untyped-def]
    title, message = _messages().get(code, (_("Erreur"), _("Une erreur est survenue.")))
    if request.path.startswith("/api/"):
        return jsonify(
            {"error": {"code": code, "title": title, "message": detail or message}}
        ), code
    try:
        body = render_template(
            "errors/error.html", code=code, title=title, message=detail or message
        )
    except Exception:  # the error page itself must never fail: plain text instead
        current_app.logger.exception("Error page could not be rendered")
        body = f"{title}\n\n{detail or message}"
        return body, code, {"Content-Type": "text/plain; charset=utf-8"}
    return body, code


def rollback_quietly() -> None:
    """Undo the request's writes; a connection the database already dropped has none."""
    with contextlib.suppress(OperationalError, InterfaceError):
        db.session.rollback()


def release_session() -> None:
    """End the request's session. If the database dropped the connection (a restart),
    closing it fails: throw the connection away instead of failing a finished response
    with a 500; the pool opens a new one (pre-ping) for the next request."""
    try:
        db.session.remove()
    except (OperationalError, InterfaceError) as error:
        current_app.logger.warning("Database connection lost: %s", error.orig or error)
        with contextlib.suppress(Exception):
            db.session().invalidate()
        db.session.registry.clear()


def register(app: Flask, *, api_domain_error: Callable[[DomainError, int], Any]) -> None:
    """The error handlers of the whole application.

    ``api_domain_error(error, code)``: the response to a DomainError under /api/, in the
    API's own error format (app.api.errors, which also registers the handler of its
    ApiError); the application factory hands it in."""
    # Runs before Flask-SQLAlchemy's own teardown (registered earlier), which then finds
    # nothing left to close.
    app.teardown_appcontext(lambda _exc: release_session())

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):  # type: ignore[no-untyped-def]
        # Views should catch these and put them on the form; this is the safety net.
        rollback_quietly()
        code = 404 if isinstance(error, NotFound) else 409 if isinstance(error, Conflict) else 422
        if request.path.startswith("/api/"):
            return api_domain_error(error, code)
        return render_error(400 if code == 422 else code, error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):  # type: ignore[no-untyped-def]
        return render_error(
            400,
            _(
                "Le formulaire a expiré ou n'a pas pu être vérifié. "
                "Rechargez la page et envoyez-le à nouveau."
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        code = error.code or 500
        return render_error(code)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeout)
    def database_unavailable(error: Exception):  # type: ignore[no-untyped-def]
        """The database is down, restarting or saturated: a clean 503, then recovery.

        The session is thrown away (its connection may be dead; the pool's pre-ping
        replaces it on the next request) and the page is rendered for an anonymous
        visitor, so that drawing it does not query the database again."""
        rollback_quietly()
        release_session()
        g._login_user = login_manager.anonymous_user()
        app.logger.warning(
            "Database unavailable on %s: %s", request.path, getattr(error, "orig", None) or error
        )
        response = current_app.make_response(render_error(503))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):  # type: ignore[no-untyped-def]
        rollback_quietly()
        app.logger.exception("Unexpected error on %s", request.path)
        if app.config.get("PROPAGATE_EXCEPTIONS_IN_TESTS"):
            raise error
        return render_error(500)
