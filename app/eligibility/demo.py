"""Demo programmes: the shipped files, with their owners where the source names one."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.demo import DemoContext
from app.eligibility import shipping
from app.eligibility.models import ProgrammeRecord
from app.extensions import db

# programme code -> the demo organisation that runs it (the others stay the
# administrator's: national or departmental schemes no demo organisation owns)
OWNERS = {"ccas-metz-aide": "ccas-metz"}


def seed(ctx: DemoContext) -> None:
    shipping.ensure_shipped()
    for code, slug in OWNERS.items():
        programme = db.session.scalar(select(ProgrammeRecord).where(ProgrammeRecord.code == code))
        org = ctx.orgs.get(slug)
        if programme is not None and org is not None and programme.organisation_id is None:
            programme.organisation_id = org.id
    db.session.commit()
