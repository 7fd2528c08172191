"""What an offer saves, compared like with like. Pure module.

A box is compared with what the household pays for its box, a mobile plan or data
top-ups with what it pays for its mobile, a box + mobile bundle with both. When the
household pays nothing of that kind, the offer adds to what it pays ("en plus de votre
forfait"); when only one total is known, no saving is computed rather than invent one.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class SavingKind(StrEnum):
    UNKNOWN = "unknown"  # the household's spend is not known
    TOTAL_ONLY = "total_only"  # one total known, not what it pays for this kind
    SAVES = "saves"  # replaces a spend and costs less (or the same)
    COSTS_MORE = "costs_more"  # replaces a spend and costs more
    ADDS = "adds"  # the household pays nothing of this kind: a new cost on top
    NEW_COST = "new_cost"  # the household pays nothing at all today


# Offer kinds (OfferKind values) and the part of the spend they replace.
_BOX_KINDS = frozenset({"box"})
_MOBILE_KINDS = frozenset({"mobile", "data"})


class Saving(NamedTuple):
    kind: SavingKind
    yearly_cents: int | None  # 12 x compared spend - first-year cost; None unless compared
    compared_cents: int | None  # the monthly spend compared with, when there is one


def comparable_spend(
    kind: str, box_cents: int | None, mobile_cents: int | None, total_cents: int | None
) -> int | None:
    """The monthly spend an offer of ``kind`` would replace; None when not known."""
    kind = str(kind)
    if kind in _BOX_KINDS:
        return box_cents
    if kind in _MOBILE_KINDS:
        return mobile_cents
    # A bundle replaces the box and the mobile plan: the whole spend.
    if box_cents is not None and mobile_cents is not None:
        return box_cents + mobile_cents
    return total_cents


def saving(
    kind: str,
    yearly_cost_cents: int,
    box_cents: int | None,
    mobile_cents: int | None,
    total_cents: int | None,
) -> Saving:
    """Compare an offer's first-year cost with the spend it would replace."""
    if total_cents is None and box_cents is not None and mobile_cents is not None:
        total_cents = box_cents + mobile_cents
    spend = comparable_spend(kind, box_cents, mobile_cents, total_cents)
    if spend is None:
        if total_cents is None:
            return Saving(SavingKind.UNKNOWN, None, None)
        if total_cents == 0:
            return Saving(SavingKind.NEW_COST, None, 0)
        return Saving(SavingKind.TOTAL_ONLY, None, None)
    if spend == 0:
        if total_cents:
            return Saving(SavingKind.ADDS, None, 0)
        return Saving(SavingKind.NEW_COST, None, 0)
    yearly = 12 * spend - yearly_cost_cents
    return Saving(SavingKind.SAVES if yearly >= 0 else SavingKind.COSTS_MORE, yearly, spend)


def split_by_connection(connection: str, total_cents: int | None) -> tuple[int | None, int | None]:
    """(box, mobile) monthly spend from one total and what the household pays for today:
    a smartphone-only household's spend is its mobile spend, a box-only one's its box
    spend; with both (or a connection that contradicts the spend) the split is unknown."""
    if total_cents is None:
        return None, None
    connection = str(getattr(connection, "value", connection))
    if connection == "mobile":
        return 0, total_cents
    if connection == "box":
        return total_cents, 0
    if connection == "none" and total_cents == 0:
        return 0, 0
    return None, None
