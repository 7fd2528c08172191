"""How Flask-Login finds the user behind a session cookie."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from app.extensions import db


def configure_login(login_manager: LoginManager) -> None:
    from app.accounts import sessions
    from app.accounts.models import User

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Connectez-vous pour accéder à cette page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        try:
            raw_id, version = user_id.split(":", 1)
            user = db.session.get(User, int(raw_id))
        except ValueError:
            return None
        if user is None or str(user.session_version) != version:
            return None
        # The cookie's server-side session must be open (see app/accounts/sessions.py).
        if not sessions.check(user):
            return None
        return user
