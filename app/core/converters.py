"""URL converters: ids beyond a 32-bit INTEGER cannot exist, so they answer 404 instead of
reaching the database (PostgreSQL and SQLite refuse such numbers)."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter, UnicodeConverter

MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def parse_id(value: Any) -> int | None:
    """A record id typed or posted by anyone: an int in the range ids can have, else None."""
    number = _int_or_none(value)
    return number if number is not None and 0 < number <= MAX_ID else None


def coerce_id(value: Any) -> int:
    """WTForms ``coerce`` for id choices: numbers no INTEGER column can hold are refused like
    any bad choice (placeholders such as 0 stay allowed)."""
    number = int(value)
    if not -MAX_ID <= number <= MAX_ID:
        raise ValueError(value)
    return number


MAX_PAGE = 100_000  # pages beyond are empty anyway; keeps OFFSET within what databases take


def page_number(value: Any) -> int:
    """A ``?page=`` as typed by anyone: 1 when absent or silly, never beyond MAX_PAGE."""
    number = _int_or_none(value)
    return 1 if number is None else min(max(number, 1), MAX_PAGE)


def year_number(value: Any) -> int | None:
    """A ``?year=`` that a date can hold, else None (the caller's default)."""
    number = _int_or_none(value)
    return number if number is not None and 1900 <= number <= 2999 else None


# NUL characters: nobody types them, and PostgreSQL refuses them in text ("A string
# literal cannot contain NUL"). They are removed from form fields, query strings and JSON
# bodies, and URL segments holding one match no route (404).


def strip_nul(value: Any) -> Any:
    """The value without NUL characters, through lists and dicts (JSON bodies)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [strip_nul(v) for v in value]
    if isinstance(value, dict):
        return {strip_nul(k): strip_nul(v) for k, v in value.items()}
    return value


class CleanParameters(ImmutableMultiDict):  # type: ignore[type-arg]
    """Request.args and Request.form, built without NUL characters."""

    def __init__(self, mapping: Any = None) -> None:
        pairs = MultiDict(mapping).items(multi=True) if mapping is not None else ()
        super().__init__([(strip_nul(k), strip_nul(v)) for k, v in pairs])


class NoNulStringConverter(UnicodeConverter):
    regex = "[^/\x00]+"
