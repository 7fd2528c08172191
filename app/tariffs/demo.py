"""Demo data: the starting catalogue shipped with the product (idempotent)."""

from __future__ import annotations

from app.accounts.demo import DemoContext
from app.tariffs import transfer


def seed(ctx: DemoContext) -> None:
    transfer.load_starting_catalogue(ctx.users.get("admin"))
