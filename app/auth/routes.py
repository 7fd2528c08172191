"""Login, logout and the user's own page (password, API tokens)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from app.accounts import passwords, services, sessions
from app.accounts.models import ApiToken
from app.auth.forms import ChangePasswordForm, EmptyForm, LoginForm, TokenForm
from app.core.errors import DomainError
from app.core.routes import safe_next
from app.extensions import db

bp = Blueprint("auth", __name__)


@bp.before_app_request
def check_session() -> None:
    """Check a logged-in cookie's server-side session before the view runs (so that its
    last-seen write never mixes with the view's own transaction)."""
    logged_in = "_user_id" in session and request.endpoint != "static"
    if logged_in and not current_user.is_authenticated:  # ended, idle or unknown: forget it
        logout_user()
        session.pop(sessions.SESSION_KEY, None)


@bp.route("/connexion", methods=["GET", "POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.email.data or "", form.password.data or "", request.remote_addr or ""
            )
        except DomainError as exc:
            error = exc.message
        else:
            sessions.start(user)  # a new cookie session (new CSRF token) and its record
            login_user(user)
            return redirect(safe_next(request.args.get("next"), url_for("core.home")))
    return render_template("auth/login.html", form=form, error=error)


@bp.post("/deconnexion")
@login_required
def logout() -> Response:
    logout_user()
    sessions.end_current("logout")
    flash(_("Vous êtes déconnecté·e."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/compte", methods=["GET", "POST"])
@login_required
def account() -> str | Response:
    password_form = ChangePasswordForm(prefix="pw")
    token_form = TokenForm(prefix="tok")
    new_token = None
    # One form per submission: the button pressed decides (a forged request sending both
    # must not create a token while the password change is refused).
    if password_form.submit.data:
        if password_form.validate_on_submit() and _change_password(password_form):
            flash(_("Mot de passe changé."), "success")
            return redirect(url_for("auth.account"))
    elif token_form.submit.data and token_form.validate_on_submit():
        new_token = services.create_api_token(current_user, token_form.name.data or "")
        token_form = TokenForm(prefix="tok", formdata=None)
    tokens = sorted(current_user.api_tokens, key=lambda t: t.created_at, reverse=True)
    return render_template(
        "auth/account.html",
        password_form=password_form,
        token_form=token_form,
        tokens=tokens,
        new_token=new_token,
        revoke_form=EmptyForm(),
        open_sessions=sessions.open_sessions(current_user),
        this_session=sessions.current_record(),
        password_hint=passwords.hint(),
    )


@bp.post("/compte/sessions/terminer")
@login_required
def end_sessions() -> Response:
    """ "Se déconnecter partout": every session of the account ends, this one included."""
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("auth.account"))
    user = current_user._get_current_object()
    sessions.end_all(user, "everywhere")
    logout_user()
    sessions.end_current("everywhere")
    flash(_("Vous êtes déconnecté·e de tous vos appareils."), "success")
    return redirect(url_for("auth.login"))


def _change_password(form: ChangePasswordForm) -> bool:
    """Change the password if the current one is right; errors go on the form."""
    user = current_user._get_current_object()
    try:
        # Throttled like the login, per account (app/accounts/throttle.py).
        right = services.check_current_password(user, form.current.data or "")
    except DomainError as exc:
        form.current.errors = [exc.message]
        return False
    if not right:
        form.current.errors = [_("Le mot de passe actuel est incorrect.")]
        return False
    try:
        # Every other session of the account ends; this one stays open.
        services.set_password(user, form.password.data or "", keep=sessions.current_record())
    except DomainError as exc:
        form.password.errors = [exc.message]
        return False
    login_user(user)  # keep this session after the version bump
    return True


@bp.post("/compte/jetons/<int:token_id>/revoquer")
@login_required
def revoke_token(token_id: int) -> Response:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    if EmptyForm().validate_on_submit() and token.revoked_at is None:
        services.revoke_api_token(token)
        flash(_("Jeton révoqué : il ne fonctionne plus."), "success")
    return redirect(url_for("auth.account"))
