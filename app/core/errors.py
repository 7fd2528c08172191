"""Domain exceptions. Routes turn them into form errors or flash messages, never a 500."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the action; ``message`` is French, for people."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    pass


class Conflict(DomainError):
    """The action lost a race or collides with existing data (e.g. device already lent)."""
