"""Types shared by the API's pydantic models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import Field, PlainSerializer

from app.core.converters import MAX_ID


def _utc_iso(value: datetime) -> str:
    # The database stores naive UTC: say so, as RFC 3339 requires an offset.
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.isoformat().replace("+00:00", "Z")


UtcDateTime = Annotated[datetime, PlainSerializer(_utc_iso, return_type=str, when_used="json")]

# A record's id in a request body: a number an INTEGER column can hold, else a 422 that
# says so (rather than an overflow deep in the database driver).
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
