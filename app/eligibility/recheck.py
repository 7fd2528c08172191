"""What changed for one household between a stored decision and a fresh one. Pure module.

A prescription keeps the decision it was taken under (programme code and version,
conditions, outcome). Checked again after the programme changed, this lists what is
different for this household, as codes and data (``explain.say`` renders them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.eligibility.explain import Phrase

_OUTCOME_FIELDS = (
    "kind",
    "price_eur",
    "warranty_months",
    "loan_months",
    "deposit_eur",
    "cession_after_months",
)


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Phrase]:
    """Stored decision ``before`` against fresh decision ``after`` (both ``as_dict``)."""
    found: list[Phrase] = []
    old_version = (before.get("programme") or {}).get("version")
    new_version = (after.get("programme") or {}).get("version")
    if old_version and new_version and old_version != new_version:
        found.append(("change.version", {"before": old_version, "after": new_version}))
    if before.get("eligibility") != after.get("eligibility"):
        found.append(
            (
                "change.eligibility",
                {"before": before.get("eligibility"), "after": after.get("eligibility")},
            )
        )
    old_by_kind = {c.get("kind"): c for c in before.get("conditions") or ()}
    for condition in after.get("conditions") or ():
        kind = condition.get("kind")
        old = old_by_kind.get(kind)
        if kind == "validity" or (old is not None and old.get("met") == condition.get("met")):
            continue
        found.append(
            (
                "change.condition",
                {
                    "was_met": None if old is None else old.get("met"),
                    "met": condition.get("met"),
                    "code": condition.get("code"),
                    "args": condition.get("args") or {},
                },
            )
        )
    old_outcome = before.get("outcome") or {}
    new_outcome = after.get("outcome") or {}
    if old_outcome and new_outcome:
        for name in _OUTCOME_FIELDS:
            if old_outcome.get(name) != new_outcome.get(name):
                found.append(
                    (
                        "change.outcome",
                        {
                            "field": name,
                            "before": old_outcome.get(name),
                            "after": new_outcome.get(name),
                        },
                    )
                )
    return found
