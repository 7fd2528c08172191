"""Configuration: defaults here, secrets and the database from the environment."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path


def normalise_database_url(url: str) -> str:
    """Make a DATABASE_URL usable by SQLAlchemy with the psycopg 3 driver.

    Hosting platforms hand out ``postgres://`` or ``postgresql://`` URLs; SQLAlchemy
    would pick psycopg2 for those, and we ship psycopg 3.
    """
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _bool_env(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def _engine_options(database_url: str, env: str) -> dict[str, object]:
    """pool_pre_ping: connections survive a database restart. In production on PostgreSQL,
    a transaction left open by a frozen or vanished app process is ended by the server
    after DATABASE_IDLE_TX_TIMEOUT seconds (default 300), so that it cannot hold a lock
    (say, an association's receipt counter) for ever; 0 turns this off."""
    options: dict[str, object] = {"pool_pre_ping": True}
    timeout = int(os.environ.get("DATABASE_IDLE_TX_TIMEOUT", "300") or 0)
    if env == "production" and database_url.startswith("postgresql") and timeout > 0:
        options["connect_args"] = {
            "options": f"-c idle_in_transaction_session_timeout={timeout * 1000}"
        }
    return options


def schema_command(argv: list[str]) -> bool:
    """``flask ... db <command>`` (migrations): it needs the database, not the secret key,
    which only signs sessions, CSRF tokens and family links."""
    if not argv or Path(argv[0]).name != "flask":
        return False
    words = iter(argv[1:])
    for word in words:
        if word in ("--app", "-A", "--env-file", "-e"):
            next(words, None)  # the option's value
        elif not word.startswith("-"):
            return word == "db"
    return False


def build_config(instance_path: str, argv: list[str] | None = None) -> dict[str, object]:
    """Read the configuration from the environment, with safe defaults."""
    env = os.environ.get("ORDILIEN_ENV", "production")
    default_db = "sqlite:///" + str(Path(instance_path) / "ordilien.db")
    secret = os.environ.get("SECRET_KEY")
    if not secret:
        if env == "production" and not schema_command(sys.argv if argv is None else argv):
            raise RuntimeError(
                "SECRET_KEY doit être défini en production (voir README, « Configuration »)."
            )
        # Development, or migrations: a key per process start; nothing it signs survives.
        secret = secrets.token_hex(32)
    database_url = normalise_database_url(os.environ.get("DATABASE_URL", default_db))
    return {
        "ORDILIEN_ENV": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(database_url, env),
        # Cookies: HttpOnly and SameSite always; Secure outside local development.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool_env("SESSION_COOKIE_SECURE", env == "production"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": _bool_env("SESSION_COOKIE_SECURE", env == "production"),
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        # A session left alone this long ends (the counter computer left logged in).
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", 30)),
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_BYTES", 20 * 1024 * 1024)),
        # What an uploaded spreadsheet may cost to read (app/core/upload_bounds.py):
        # rows x columns, columns on one line, seconds of reading, and how much an .xlsx
        # member may expand (a zip bomb under the size limit).
        "UPLOAD_MAX_CELLS": int(os.environ.get("UPLOAD_MAX_CELLS", 1_000_000)),
        "UPLOAD_MAX_COLUMNS": int(os.environ.get("UPLOAD_MAX_COLUMNS", 1_000)),
        "UPLOAD_TIME_BUDGET_SECONDS": float(os.environ.get("UPLOAD_TIME_BUDGET_SECONDS", 10)),
        "UPLOAD_XLSX_MAX_RATIO": int(os.environ.get("UPLOAD_XLSX_MAX_RATIO", 100)),
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "LANGUAGES": ["fr", "en"],
        "PASSWORD_HASH_METHOD": "scrypt",
        # Passwords (ASVS 2.1, app/accounts/passwords.py): length bounds.
        "PASSWORD_MIN_LENGTH": int(os.environ.get("PASSWORD_MIN_LENGTH", 12)),
        "PASSWORD_MAX_LENGTH": int(os.environ.get("PASSWORD_MAX_LENGTH", 128)),
        # Login throttling (app/accounts/throttle.py), over a sliding window: failures
        # that lock one account (until a success or a reset); failures from one address
        # after which each try waits a delay doubling from LOGIN_ADDRESS_DELAY_SECONDS up
        # to LOGIN_ADDRESS_MAX_DELAY_SECONDS; failures that lock the address.
        "LOGIN_WINDOW_SECONDS": int(os.environ.get("LOGIN_WINDOW_SECONDS", 15 * 60)),
        "LOGIN_MAX_FAILURES": int(os.environ.get("LOGIN_MAX_FAILURES", 5)),
        "LOGIN_ADDRESS_SLOW_AFTER": int(os.environ.get("LOGIN_ADDRESS_SLOW_AFTER", 10)),
        "LOGIN_ADDRESS_DELAY_SECONDS": int(os.environ.get("LOGIN_ADDRESS_DELAY_SECONDS", 2)),
        "LOGIN_ADDRESS_MAX_DELAY_SECONDS": int(
            os.environ.get("LOGIN_ADDRESS_MAX_DELAY_SECONDS", 30)
        ),
        "LOGIN_ADDRESS_MAX_FAILURES": int(os.environ.get("LOGIN_ADDRESS_MAX_FAILURES", 30)),
        # Absolute base URL used in QR codes and emails; falls back to the request's host.
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", ""),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", 25)),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool_env("MAIL_USE_TLS", False),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "Ordilien <ne-pas-repondre@ordilien.local>"),
        # Where mail goes: "smtp" (real server) or "console" (printed, development).
        "MAIL_BACKEND": os.environ.get(
            "MAIL_BACKEND", "smtp" if env == "production" else "console"
        ),
        "SMS_BACKEND": os.environ.get("SMS_BACKEND", "console"),
        "SMS_FILE_PATH": os.environ.get("SMS_FILE_PATH", str(Path(instance_path) / "sms.log")),
        "SMS_HTTP_URL": os.environ.get("SMS_HTTP_URL", ""),
        "SMS_HTTP_TOKEN": os.environ.get("SMS_HTTP_TOKEN", ""),
        "SMS_SENDER_NAME": os.environ.get("SMS_SENDER_NAME", "Ordilien"),
        "RETENTION_DAYS": int(os.environ.get("RETENTION_DAYS", 3 * 365)),
        # Issue 19: a family link ends FAMILY_LINK_DAYS after the household's last loan or
        # sale is closed; an association sees a household ASSOCIATION_ACCESS_DAYS after its
        # last prescription or loan with it closed; reports show counts under
        # REPORT_MIN_COUNT as "< N".
        "FAMILY_LINK_DAYS": int(os.environ.get("FAMILY_LINK_DAYS", 90)),
        # The family page's and the scan page's limits per address (a load test from one
        # address stands for many people and raises them).
        "FAMILY_PAGE_PER_MINUTE": int(os.environ.get("FAMILY_PAGE_PER_MINUTE", 30)),
        "FAMILY_PAGE_FAILURES": int(os.environ.get("FAMILY_PAGE_FAILURES", 10)),
        "ASSOCIATION_ACCESS_DAYS": int(os.environ.get("ASSOCIATION_ACCESS_DAYS", 90)),
        "REPORT_MIN_COUNT": int(os.environ.get("REPORT_MIN_COUNT", 5)),
        # Referrals: an unanswered one is reminded to the receiving structure once after
        # REFERRAL_REMIND_DAYS, and expires (with its answer link) after REFERRAL_EXPIRE_DAYS.
        "REFERRAL_REMIND_DAYS": int(os.environ.get("REFERRAL_REMIND_DAYS", 10)),
        "REFERRAL_EXPIRE_DAYS": int(os.environ.get("REFERRAL_EXPIRE_DAYS", 30)),
        # Social tariffs: the family page, the SMS and the printed sheet name only offers
        # verified within this many months (and in force that day).
        "TARIFF_VERIFIED_MONTHS": int(os.environ.get("TARIFF_VERIFIED_MONTHS", 6)),
        # The country whose catalogue this instance loads (seed-demo, `flask tariffs
        # load-catalogue`), shows and matches: FR (app/tariffs/data/catalogue.csv) or UK
        # (catalogue_uk.csv; GB is read as UK).
        "TARIFF_COUNTRY": os.environ.get("TARIFF_COUNTRY", "FR"),
        # Number of reverse proxies in front (nginx: 1). Their X-Forwarded-For/-Proto are
        # then trusted, so throttling and rate limits see the visitor's own address.
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", 0)),
        # "Où aller": commune points (scripts/build_communes.py) and the online geocoder
        # (IGN Géoplateforme, BAN; empty: offline, places sit on their commune's point).
        "COMMUNES_FILE": os.environ.get("COMMUNES_FILE", str(Path(instance_path) / "communes.csv")),
        "GEOCODER_URL": os.environ.get("GEOCODER_URL", ""),
        "GEOCODER_MIN_SCORE": float(os.environ.get("GEOCODER_MIN_SCORE", "0.5")),
        "GEOCODER_TIMEOUT": float(os.environ.get("GEOCODER_TIMEOUT", "5")),
    }
