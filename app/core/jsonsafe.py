"""JSON from outside (an open-data file, an API body) read without letting it hurt.

A document nested thousands deep makes Python's parser, then every recursive walk over
the result (copying, validation), raise RecursionError, which would be a 500. Here it is
refused with a French message, as is any document deeper than ``MAX_DEPTH`` (the
data·inclusion and API documents are a few levels deep).
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 64
TOO_DEEP = f"Ce JSON est imbriqué trop profondément (plus de {MAX_DEPTH} niveaux) : il est refusé."
UNREADABLE = "Le fichier n'est pas du JSON lisible."


class JsonRefused(ValueError):
    """The document is not JSON, or is JSON we refuse to walk; ``message`` is French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """How deep lists and objects nest (a scalar is 0), counted without recursion and
    stopping once past ``limit``."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        level += 1
        deepest = max(deepest, level)
        if deepest > limit:
            return deepest
        stack.extend((child, level) for child in children)
    return deepest


def check_depth(value: Any, limit: int = MAX_DEPTH) -> Any:
    if depth(value, limit) > limit:
        raise JsonRefused(TOO_DEEP)
    return value


def loads(text: str | bytes, limit: int = MAX_DEPTH) -> Any:
    """``json.loads`` that raises only JsonRefused (a ValueError) on a hostile document."""
    try:
        value = json.loads(text)
    except RecursionError as exc:
        raise JsonRefused(TOO_DEEP) from exc
    except ValueError as exc:
        raise JsonRefused(UNREADABLE) from exc
    return check_depth(value, limit)
