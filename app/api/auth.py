"""Token authentication for /api/v1: ``Authorization: Bearer ordi_...``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request
from flask_login import current_user

from app.accounts.services import user_for_token
from app.api.errors import ApiError
from app.authz.guards import can
from app.authz.policy import Permission

F = TypeVar("F", bound=Callable[..., Any])


def api_auth(permission: Permission | None) -> Callable[[F], F]:
    """Authenticate by token; ``None`` means any valid token will do."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            header = request.headers.get("Authorization", "")
            scheme, _, raw = header.partition(" ")
            user = user_for_token(raw.strip()) if scheme.lower() == "bearer" and raw else None
            if user is None:
                raise ApiError(401, "Jeton d'API absent, invalide ou révoqué.")
            # Flask-Login reads the request's user from g._login_user: current_user,
            # the journal and the policy then work as for a logged-in page.
            g._login_user = user
            if permission is not None and not can(permission):
                raise ApiError(403, "Votre rôle ne permet pas cette action.")
            return view(*args, **kwargs)

        wrapped.api_permission = permission  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def api_user() -> Any:
    return current_user
