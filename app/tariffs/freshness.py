"""When a tariff fact may still be said: verified within N months. Pure module.

A fact checked with the provider more than ``VERIFIED_MONTHS`` ago (or never) is not
told to a family (family page, SMS, printed sheet) and never earns a tick on the staff's
screen; staff still see the offer, marked "to verify".
"""

from __future__ import annotations

from datetime import date

VERIFIED_MONTHS = 6  # default of the TARIFF_VERIFIED_MONTHS setting


def months_before(on: date, months: int) -> date:
    """The same day ``months`` months earlier (the 31st becomes the month's last day)."""
    index = on.year * 12 + on.month - 1 - max(months, 0)
    year, month = divmod(index, 12)
    month += 1
    day = on.day
    while day > 28:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1
    return date(year, month, day)


def verified_within(checked_on: date | None, on: date, months: int = VERIFIED_MONTHS) -> bool:
    """Checked with the provider on or after the same day ``months`` months ago (and not
    in the future of ``on``)."""
    return checked_on is not None and months_before(on, months) <= checked_on <= on


def in_force(valid_from: date | None, valid_to: date | None, on: date) -> bool:
    if valid_from is not None and on < valid_from:
        return False
    return not (valid_to is not None and on > valid_to)
