"""Actions on organisations, users and API tokens. These own their transaction."""

from __future__ import annotations

import hashlib
import re
import secrets

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts import passwords, sessions, throttle
from app.accounts.models import ApiToken, Organisation, User, UserSession
from app.audit.services import record
from app.authz.policy import DEFAULT_ORG_KIND, OrgKind, Role, role_may_belong
from app.core.clock import utcnow
from app.core.errors import DomainError
from app.core.i18n import translate as _
from app.extensions import db

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,78}[a-z0-9]$")
TOKEN_PREFIX = "ordi_"  # noqa: S105 (a prefix, not a secret)

# A fixed hash to compare against when the email is unknown, so timing does not
# reveal which addresses have an account.
_DUMMY_HASH = generate_password_hash("ordilien-dummy-password")


def hash_password(password: str) -> str:
    # Werkzeug's scrypt; the parameters travel inside the hash. Tests lower the cost.
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password_strength(password: str, *, email: str = "") -> None:
    """ASVS 2.1: length, common and breached passwords (see app/accounts/passwords.py)."""
    passwords.check_password_strength(password, email=email)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_org(slug: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.slug == slug))


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_organisation(
    slug: str, name: str, kind: OrgKind, *, commit: bool = True, **fields: str
) -> Organisation:
    slug = slug.strip().lower()
    if not SLUG_RE.match(slug):
        raise DomainError(
            _(
                "L'identifiant court ne peut contenir que des minuscules, des chiffres et des "
                "tirets (3 à 80 caractères)."
            ),
            field="slug",
        )
    if find_org(slug):
        raise DomainError(_("Une organisation utilise déjà cet identifiant court."), field="slug")
    org = Organisation(slug=slug, name=name.strip() or slug, kind=kind, **fields)
    db.session.add(org)
    db.session.flush()
    record("organisation.create", "organisation", org.id, detail={"slug": slug, "kind": kind})
    if commit:
        db.session.commit()
    return org


def create_user(
    email: str,
    password: str,
    role: Role,
    organisation: Organisation,
    *,
    full_name: str = "",
    commit: bool = True,
) -> User:
    email = normalise_email(email)
    if "@" not in email:
        raise DomainError(_("Adresse e-mail invalide."), field="email")
    if find_user(email):
        raise DomainError(_("Un compte existe déjà avec cette adresse e-mail."), field="email")
    if not role_may_belong(role, organisation.kind):
        raise DomainError(
            _("Ce rôle n'est pas possible dans ce type d'organisation."), field="role"
        )
    check_password_strength(password, email=email)
    user = User(
        email=email,
        full_name=full_name.strip(),
        password_hash=hash_password(password),
        role=role,
        organisation=organisation,
    )
    db.session.add(user)
    db.session.flush()
    record(
        "user.create",
        "user",
        user.id,
        detail={"email": email, "role": role.value},
        organisation_id=organisation.id,
    )
    if commit:
        db.session.commit()
    return user


def create_user_with_org(
    email: str,
    password: str,
    role: Role,
    org_slug: str,
    org_kind: OrgKind | None = None,
    full_name: str = "",
) -> tuple[User, bool]:
    """CLI helper: a new slug creates the organisation, of the kind the role implies."""
    org = find_org(org_slug)
    created = False
    if org is None:
        org = create_organisation(
            org_slug,
            org_slug.replace("-", " ").title(),
            org_kind or DEFAULT_ORG_KIND[role],
            commit=False,
        )
        created = True
    elif org_kind is not None and org.kind != org_kind:
        raise DomainError(f"L'organisation {org_slug} existe déjà avec le type {org.kind}.")
    try:
        user = create_user(email, password, role, org, full_name=full_name, commit=False)
    except DomainError:
        db.session.rollback()
        raise
    db.session.commit()
    return user, created


def set_password(user: User, password: str, *, keep: UserSession | None = None) -> None:
    """Change the password; every session of the user ends but ``keep`` (one's own,
    when changing one's own password)."""
    check_password_strength(password, email=user.email)
    user.password_hash = hash_password(password)
    user.session_version += 1
    # A reset by a manager or an administrator (or one's own change) unlocks the account.
    throttle.unlock_account(user.email)
    record("user.password_reset", "user", user.id, organisation_id=user.organisation_id)
    sessions.end_all(user, "password", keep=keep, commit=False)
    db.session.commit()


def set_active(user: User, active: bool) -> None:
    user.active = active
    if not active:
        user.session_version += 1
        sessions.end_all(user, "deactivated", commit=False)
        for token in user.api_tokens:
            if token.revoked_at is None:
                token.revoked_at = utcnow()
    record(
        "user.activate" if active else "user.deactivate",
        "user",
        user.id,
        organisation_id=user.organisation_id,
    )
    db.session.commit()


class LoginThrottled(DomainError):
    pass


def _refuse(refusal: throttle.Refusal, email: str, user: User | None) -> LoginThrottled:
    """Journal a throttled try (it is no failure: it does not extend the lock)."""
    record(
        "login.throttled",
        "user",
        user.id if user else "",
        detail={"email": email, "reason": refusal.reason, "wait": refusal.wait_seconds},
        organisation_id=user.organisation_id if user else None,
    )
    db.session.commit()
    minutes = max(1, -(-refusal.wait_seconds // 60))
    if refusal.reason == "address_slow":
        return LoginThrottled(
            _(
                "Plusieurs essais ont échoué depuis ce poste. Par précaution, "
                "réessayez dans %(n)s secondes.",
                n=refusal.wait_seconds,
            )
        )
    if refusal.reason == "address_locked":
        return LoginThrottled(
            _(
                "Trop d'essais de connexion ont échoué depuis ce poste. "
                "Réessayez dans %(minutes)s minutes.",
                minutes=minutes,
            )
        )
    return LoginThrottled(
        _(
            "Trop de tentatives de connexion. Réessayez dans %(minutes)s minutes "
            "ou demandez à votre responsable de réinitialiser votre mot de passe.",
            minutes=minutes,
        )
    )


def authenticate(email: str, password: str, ip: str) -> User:
    """Check credentials, throttled per account and per address (app/accounts/throttle.py).
    Raises DomainError (LoginThrottled when the try is refused unchecked)."""
    email = normalise_email(email)
    refusal = throttle.refusal(email, ip)
    if refusal is not None:
        raise _refuse(refusal, email, find_user(email))
    user = find_user(email)
    ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if not (user and ok and user.is_active):
        throttle.note(email, ip, False)
        record(
            "login.failed",
            "user",
            user.id if user else "",
            detail={"email": email},
            organisation_id=user.organisation_id if user else None,
        )
        db.session.commit()
        if user and ok and not user.is_active:
            raise DomainError(_("Ce compte est désactivé. Adressez-vous à votre responsable."))
        raise DomainError(_("Adresse e-mail ou mot de passe incorrect."))
    throttle.note(email, ip, True)  # resets this account's count, never the address's
    user.last_login_at = utcnow()
    record("login.success", "user", user.id, actor=user)
    db.session.commit()
    return user


def check_current_password(user: User, password: str) -> bool:
    """The account page's "current password": counted against the same per-account limit
    as the login. Raises LoginThrottled while the account is locked."""
    refusal = throttle.account_refusal(user.email)
    if refusal is not None:
        raise _refuse(refusal, user.email, user)
    if check_password_hash(user.password_hash, password):
        return True
    throttle.note(user.email, "", False)
    record("account.password_check_failed", "user", user.id, actor=user)
    db.session.commit()
    return False


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_api_token(user: User, name: str = "") -> str:
    """Create a token and return it in clear: it is shown once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user, name=name.strip()[:100], token_hash=_hash_token(raw), prefix=raw[:12]
    )
    db.session.add(token)
    db.session.flush()
    record("api_token.create", "api_token", token.id, organisation_id=user.organisation_id)
    db.session.commit()
    return raw


def revoke_api_token(token: ApiToken) -> None:
    token.revoked_at = utcnow()
    record("api_token.revoke", "api_token", token.id, organisation_id=token.user.organisation_id)
    db.session.commit()


def user_for_token(raw: str) -> User | None:
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(raw)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    token.last_used_at = utcnow()
    db.session.commit()
    return token.user
