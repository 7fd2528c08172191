"""Home page by role, language switch, health check."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import text
from werkzeug.wrappers import Response

from app.core.home import home_sections
from app.extensions import db

bp = Blueprint("core", __name__)


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site relative paths: no open redirects."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


@bp.get("/")
@login_required
def home() -> str:
    return render_template("core/home.html", sections=home_sections(current_user))


@bp.post("/langue")
def set_language() -> Response:
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated and current_user.locale != lang:
            # E-mails to this person (state of their prescriptions) follow the choice.
            current_user.locale = lang
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("core.home")))


@bp.get("/sante")
def health() -> tuple[dict[str, str], int]:
    """For the reverse proxy and monitoring: is the database reachable?"""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any driver error means "not healthy"
        db.session.rollback()
        return {"status": "indisponible"}, 503
    return {"status": "ok"}, 200
