"""French error pages (JSON under /api/); never a stack trace."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import db


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


def register(app: Flask) -> None:
    from app.api.errors import ApiError
    from app.core.errors import Conflict, DomainError, NotFound

    @app.errorhandler(ApiError)
    def api_error(error: ApiError):  # type: ignore[no-untyped-def]
        return error.response()

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):  # type: ignore[no-untyped-def]
        # Views should catch these and put them on the form; this is the safety net.
        db.session.rollback()
        code = 404 if isinstance(error, NotFound) else 409 if isinstance(error, Conflict) else 422
        if request.path.startswith("/api/"):
            fields = [{"field": error.field, "message": error.message}] if error.field else None
            return ApiError(code, error.message, fields).response()
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

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):  # type: ignore[no-untyped-def]
        db.session.rollback()
        app.logger.exception("Unexpected error on %s", request.path)
        if app.config.get("PROPAGATE_EXCEPTIONS_IN_TESTS"):
            raise error
        return render_error(500)
