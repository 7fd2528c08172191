"""Shared settings of the generated-input tests (hostile forms, schemathesis on the API).

``make test`` runs them short and derandomised (the same cases on every machine);
``make test-hardening`` sets ORDILIEN_FUZZ_EXAMPLES to run many more, with fresh random
cases each time (ORDILIEN_FUZZ_RANDOM=1).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from sqlalchemy import func, select

from app.extensions import db

# Tables whose rows may grow on a rejected request: the journal, login throttling,
# the outbox and the family page's rate-limit log.
LOG_TABLES = frozenset({"audit_entry", "login_attempt", "outbound_message", "family_page_hit"})


def fuzz_settings(default_examples: int) -> settings:
    examples = int(os.environ.get("ORDILIEN_FUZZ_EXAMPLES") or default_examples)
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=os.environ.get("ORDILIEN_FUZZ_RANDOM") != "1",
        database=None,
        suppress_health_check=list(HealthCheck),
    )


def table_counts() -> dict[str, int]:
    """Row counts of every table but the logs, in one round trip."""
    db.session.expire_all()
    tables = [t for t in db.metadata.sorted_tables if t.name not in LOG_TABLES]
    row = db.session.execute(
        select(*[select(func.count()).select_from(t).scalar_subquery() for t in tables])
    ).one()
    db.session.commit()
    return {t.name: count for t, count in zip(tables, row, strict=True)}
