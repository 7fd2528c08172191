"""URL converters: ids beyond a 32-bit INTEGER cannot exist, so they answer 404 instead of
reaching the database (PostgreSQL and SQLite refuse such numbers)."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
