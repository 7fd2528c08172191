"""Flask side of the policy: view decorators and record checks that ask policy.allowed()."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from app.authz.policy import Permission, allowed

F = TypeVar("F", bound=Callable[..., Any])


def can(permission: Permission, record_org_id: int | None = None) -> bool:
    """For templates and views: may the current user do this (on that record)?"""
    if not current_user.is_authenticated:
        return False
    return allowed(current_user.role, permission, current_user.organisation_id, record_org_id)


def permission_required(permission: Permission) -> Callable[[F], F]:
    """Anonymous users go to the login page; others without the permission get a 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            from app.extensions import login_manager

            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not can(permission):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_permission = permission  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def ensure_record_access(permission: Permission, record_org_id: int | None) -> None:
    """A record of another organisation answers 404: its existence is not revealed."""
    if not can(permission, record_org_id):
        abort(404)
