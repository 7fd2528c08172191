"""Login throttling that counts what matters (issue 19).

Every checked password leaves one ``LoginAttempt`` row: a failure (``success`` false) or
a success. Tries refused by the throttle are *not* rows there (they are journalled as
``login.throttled``), so they never count as failures and never extend a lock.

Per account (the e-mail typed), over a sliding window of ``LOGIN_WINDOW_SECONDS``:
``LOGIN_MAX_FAILURES`` failures since the account's last success lock it until the
oldest of them leaves the window. A success marks only its own account; a password
reset or change writes a success row for the account (``ip`` empty), which unlocks it.

Per address, over the same window, successes never reset anything: from
``LOGIN_ADDRESS_SLOW_AFTER`` failures on, each new try must wait a delay that starts at
``LOGIN_ADDRESS_DELAY_SECONDS`` and doubles with each further failure, up to
``LOGIN_ADDRESS_MAX_DELAY_SECONDS``; at ``LOGIN_ADDRESS_MAX_FAILURES`` the address is
locked until failures leave the window. A counter shared by a whole association is
thus slowed before it is locked, while a spray across accounts stops at the limit.
Nobody sleeps in a worker: a try that comes too early is refused with the wait in
seconds.

The account page's current-password check counts against the same account limit
(with an empty address: it is only reached once logged in).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from app.accounts.models import LoginAttempt
from app.core import clock
from app.extensions import db


@dataclass(frozen=True)
class Refusal:
    """Why a try is refused now, and for how many seconds still."""

    reason: str  # account, address_slow, address_locked
    wait_seconds: int


def _window() -> timedelta:
    return timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])


def _failures(column: object, value: str, since: datetime) -> list[datetime]:
    """When each failure for ``column == value`` after ``since`` happened, oldest first."""
    return list(
        db.session.scalars(
            select(LoginAttempt.at)
            .where(column == value, LoginAttempt.success.is_(False), LoginAttempt.at > since)
            .order_by(LoginAttempt.at)
        )
    )


def _account_since(email: str, now: datetime) -> datetime:
    """The window's start, or the account's last success (login or reset) if later."""
    since = now - _window()
    last_success = db.session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.email == email, LoginAttempt.success.is_(True)
        )
    )
    return max(since, last_success) if last_success else since


def _seconds(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))


def account_refusal(email: str) -> Refusal | None:
    """Is this account locked (too many failures since its last success)?"""
    now = clock.utcnow()
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    failures = _failures(LoginAttempt.email, email, _account_since(email, now))
    if len(failures) < limit:
        return None
    # Unlocked when fewer than ``limit`` failures are left in the window.
    return Refusal("account", _seconds(failures[len(failures) - limit] + _window() - now))


def address_refusal(ip: str) -> Refusal | None:
    """Is this address locked, or must it wait before its next try?"""
    if not ip:
        return None
    config = current_app.config
    now = clock.utcnow()
    failures = _failures(LoginAttempt.ip, ip, now - _window())
    count = len(failures)
    limit = config["LOGIN_ADDRESS_MAX_FAILURES"]
    if count >= limit:
        return Refusal("address_locked", _seconds(failures[count - limit] + _window() - now))
    slow_after = config["LOGIN_ADDRESS_SLOW_AFTER"]
    if count < slow_after:
        return None
    delay = min(
        config["LOGIN_ADDRESS_DELAY_SECONDS"] * 2 ** (count - slow_after),
        config["LOGIN_ADDRESS_MAX_DELAY_SECONDS"],
    )
    ready_at = failures[-1] + timedelta(seconds=delay)
    if now >= ready_at:
        return None
    return Refusal("address_slow", _seconds(ready_at - now))


def refusal(email: str, ip: str) -> Refusal | None:
    """The address first (a spray is stopped whatever the account), then the account."""
    return address_refusal(ip) or account_refusal(email)


def note(email: str, ip: str, success: bool) -> None:
    """Keep a checked password's outcome (the caller commits)."""
    db.session.add(LoginAttempt(at=clock.utcnow(), email=email, ip=ip, success=success))


def unlock_account(email: str) -> None:
    """A password reset or change: the account's failures no longer count (the caller
    commits). The address is untouched."""
    note(email, "", True)


def failures_now(email: str) -> int:
    """Failures counted against this account now (shown to whoever may reset it)."""
    now = clock.utcnow()
    return len(_failures(LoginAttempt.email, email, _account_since(email, now)))
