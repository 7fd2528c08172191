"""Shared settings of the generated-input tests (hostile forms, schemathesis on the API).

``make test`` runs them short and derandomised (the same cases on every machine);
``make test-hardening`` sets ORDILIEN_FUZZ_EXAMPLES to run many more, with fresh random
cases each time (ORDILIEN_FUZZ_RANDOM=1).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from sqlalchemy import select

from app.extensions import db

# Tables whose rows may grow on a rejected request: the journal, login throttling,
# the outbox, the family page's rate-limit log and the server-side session records (a
# logged-in client opens one; its last-seen stamp moves with each request).
LOG_TABLES = frozenset(
    {"audit_entry", "login_attempt", "outbound_message", "family_page_hit", "user_session"}
)

# Columns that record a use, not a change: a refused request may still touch them (an API
# token is used to ask, even when the answer is no).
USAGE_STAMPS = frozenset({"last_used_at", "last_seen_at", "last_login_at"})


def fuzz_settings(default_examples: int) -> settings:
    examples = int(os.environ.get("ORDILIEN_FUZZ_EXAMPLES") or default_examples)
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=os.environ.get("ORDILIEN_FUZZ_RANDOM") != "1",
        database=None,
        suppress_health_check=list(HealthCheck),
    )


def table_digest() -> dict[str, str]:
    """A fingerprint of every row of every table but the logs: catches updates, which row
    counts miss (a status changed, a quantity decremented)."""
    import hashlib

    db.session.expire_all()
    digest: dict[str, str] = {}
    for table in db.metadata.sorted_tables:
        if table.name in LOG_TABLES:
            continue
        columns = [c for c in table.columns if c.name not in USAGE_STAMPS]
        rows = db.session.execute(select(*columns).order_by(*table.primary_key.columns)).all()
        digest[table.name] = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
    db.session.commit()
    return digest
