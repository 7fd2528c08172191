"""Demo data: the starting catalogue of the instance's country (TARIFF_COUNTRY), with the
states it ships with (idempotent)."""

from __future__ import annotations

from app.accounts.demo import DemoContext
from app.tariffs import governance


def seed(ctx: DemoContext) -> None:
    governance.load_starting_catalogue(ctx.users.get("admin"))
