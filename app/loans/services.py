"""Where the counter's services went (issue 19): reservations.py, handover.py, returns.py,
queries.py, counter.py, unavailable.py, and the family side in app/family/.

A short explicit re-export, only for importers in areas being split at the same time;
to be deleted once they import from the new modules."""

from __future__ import annotations

from app.family.links import ensure_family_token
from app.family.rate_limit import rate_check, record_hit
from app.loans.counter import device_for_counter

__all__ = ["device_for_counter", "ensure_family_token", "rate_check", "record_hit"]
