"""Server-side sessions: a revocable id in the signed cookie, checked on every request.

The cookie carries ``_sid``, a random 256-bit value; the database keeps only its SHA-256
(``UserSession.key_hash``), who it belongs to, when it started and was last seen, a
summary of the browser, and when and why it ended. A cookie whose record is ended,
missing, another user's or idle longer than ``SESSION_IDLE_MINUTES`` opens nothing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from flask import current_app, request, session
from sqlalchemy import select, update

from app.accounts.models import User, UserSession
from app.audit.services import record
from app.core import clock
from app.extensions import db

SESSION_KEY = "_sid"
# Kept across the rotation at login: the language chosen before logging in.
KEPT_KEYS = ("lang",)
# last_seen_at is written at most this often (one write a minute, not one a request).
TOUCH_EVERY = timedelta(seconds=60)

_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def summarise_user_agent(agent: str) -> str:
    """'Firefox, Windows': enough to recognise one's devices, nothing more kept."""
    browser = next((name for mark, name in _BROWSERS if mark in agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in agent), "")
    summary = ", ".join(part for part in (browser, system) if part)
    if not summary:
        summary = re.sub(r"[^\w ./-]", "", agent.split(" ", 1)[0])[:60]
    return summary[:120]


def create_record(user: User, user_agent: str = "") -> str:
    """Open a session record for ``user`` and return its id in clear (for the cookie)."""
    raw = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            user_id=user.id,
            key_hash=_hash(raw),
            created_at=clock.utcnow(),
            last_seen_at=clock.utcnow(),
            user_agent=summarise_user_agent(user_agent),
        )
    )
    db.session.commit()
    return raw


def start(user: User) -> None:
    """Rotate the cookie session at login (a new CSRF token, nothing carried over but the
    language) and open a record; call before ``login_user``."""
    kept = {key: session[key] for key in KEPT_KEYS if key in session}
    session.clear()
    session.update(kept)
    session[SESSION_KEY] = create_record(user, request.headers.get("User-Agent", ""))


def current_record() -> UserSession | None:
    raw = session.get(SESSION_KEY)
    if not isinstance(raw, str) or not raw:
        return None
    return db.session.scalar(select(UserSession).where(UserSession.key_hash == _hash(raw)))


def check(user: User) -> bool:
    """Is the cookie's session record open and this user's? Ends it when idle too long;
    notes when it was last seen."""
    rec = current_record()
    if rec is None or rec.user_id != user.id or rec.ended_at is not None:
        return False
    now = clock.utcnow()
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    if now - rec.last_seen_at > idle:
        rec.ended_at = now
        rec.end_reason = "idle"
        db.session.commit()
        return False
    if now - rec.last_seen_at >= TOUCH_EVERY:
        rec.last_seen_at = now
        db.session.commit()
    return True


def end_current(reason: str = "logout") -> None:
    """End the cookie's record and empty the cookie session (logout)."""
    rec = current_record()
    if rec is not None and rec.ended_at is None:
        rec.ended_at = clock.utcnow()
        rec.end_reason = reason
        db.session.commit()
    session.clear()


def end_all(
    user: User, reason: str, *, keep: UserSession | None = None, commit: bool = True
) -> int:
    """End every open session of ``user`` (but ``keep``); returns how many ended."""
    query = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    )
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    count = db.session.execute(
        query.values(ended_at=clock.utcnow(), end_reason=reason).execution_options(
            synchronize_session=False
        )
    ).rowcount
    if count:
        record(
            "user.sessions_end",
            "user",
            user.id,
            detail={"reason": reason, "count": count},
            organisation_id=user.organisation_id,
        )
    if commit:
        db.session.commit()
    return count or 0


def open_sessions(user: User) -> list[UserSession]:
    """The user's sessions still open and not idle, the most recently seen first."""
    since = clock.utcnow() - timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    return list(
        db.session.scalars(
            select(UserSession)
            .where(
                UserSession.user_id == user.id,
                UserSession.ended_at.is_(None),
                UserSession.last_seen_at >= since,
            )
            .order_by(UserSession.last_seen_at.desc())
        )
    )
