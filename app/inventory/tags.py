"""Asset tags: short, printable, with no characters people confuse, and a check character.

Pure module: no Flask, no SQLAlchemy. A tag is five random characters and a check
character from a 31-character alphabet without 0/O, 1/I/L; 31 is prime, so the check
catches any single wrong character and any swap of two neighbours.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
assert len(ALPHABET) == 31
BODY_LENGTH = 5
TAG_LENGTH = BODY_LENGTH + 1
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
_URL_TAG = re.compile(r"/d/([A-Za-z0-9-]+)/?(?:[?#].*)?$")


def check_char(body: str) -> str:
    """The check character of ``body`` (weighted sum modulo 31)."""
    total = sum((i + 1) * _INDEX[c] for i, c in enumerate(body))
    return ALPHABET[total % len(ALPHABET)]


def generate(choice: Callable[[str], str] = secrets.choice) -> str:
    """A new random tag; uniqueness is the database's job (unique constraint, retry)."""
    body = "".join(choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + check_char(body)


def generate_many(count: int) -> list[str]:
    """``count`` random tags (duplicates possible, rare), from one call to the OS's random
    source rather than thirty: an import of ten thousand devices draws them at once."""
    limit = 256 - 256 % len(ALPHABET)  # rejection sampling: no bias toward early letters
    values: list[int] = []
    while len(values) < count * BODY_LENGTH:
        values += [
            b % len(ALPHABET) for b in secrets.token_bytes(count * BODY_LENGTH * 2) if b < limit
        ]
    result = []
    for n in range(count):
        body = "".join(ALPHABET[v] for v in values[n * BODY_LENGTH : (n + 1) * BODY_LENGTH])
        result.append(body + check_char(body))
    return result


def normalise(text: str) -> str:
    """What a person typed or a scanner sent -> a tag candidate.

    Accepts the full label URL (``https://…/d/K7M3QX``), lower case, spaces and dashes.
    """
    text = text.strip()
    match = _URL_TAG.search(text)
    if match:
        text = match.group(1)
    return re.sub(r"[\s-]", "", text).upper()


def is_valid(tag: str) -> bool:
    """True for a well-formed tag with a correct check character."""
    if len(tag) != TAG_LENGTH or any(c not in _INDEX for c in tag):
        return False
    return check_char(tag[:-1]) == tag[-1]
