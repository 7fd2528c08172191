"""A transaction left open by a frozen app process is ended by PostgreSQL (production
setting DATABASE_IDLE_TX_TIMEOUT), so it cannot hold a lock such as a receipt counter."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from app.config import build_config


def test_an_abandoned_transaction_is_ended_by_the_server(
    database_url, monkeypatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    if not database_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL setting")
    monkeypatch.setenv("ORDILIEN_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "test")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DATABASE_IDLE_TX_TIMEOUT", "1")
    config = build_config(str(tmp_path))
    engine = create_engine(
        str(config["SQLALCHEMY_DATABASE_URI"]), **config["SQLALCHEMY_ENGINE_OPTIONS"]
    )
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))  # the transaction is open, then left idle
            time.sleep(2.5)
            with pytest.raises(DBAPIError):
                connection.execute(text("SELECT 1"))
        with engine.connect() as connection:  # the pool's next connection works
            assert connection.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()
