"""Builders for the training tests (no tests here): households, places, sessions."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from app.accounts.models import Organisation
from app.authz.policy import OrgKind
from app.core.clock import utcnow
from app.extensions import db
from app.households.models import Household
from app.training import sessions
from app.training.models import SessionFormat, TrainingSession
from app.training.recurrence import to_local
from tests import factories


def make_household(org: Organisation, **fields: Any) -> Household:
    values: dict[str, Any] = {
        "reference_name": "Mme Test",
        "phone": "06 12 34 56 78",
        "commune": "Metz",
        "postcode": "57000",
    }
    values.update(fields)
    household = Household(organisation_id=org.id, **values)
    db.session.add(household)
    db.session.commit()
    return household


def make_place(**fields: str) -> Organisation:
    fields.setdefault("commune", "Metz")
    fields.setdefault("postcode", "57050")
    fields.setdefault("address", "2 rue Théodore de Gargan")
    return factories.create_org(OrgKind.TRAINING_PLACE, **fields)


def make_session(
    place: Organisation,
    *,
    capacity: int = 10,
    in_days: int = 5,
    hour: int = 9,
    weeks: int = 1,
    **data: Any,
) -> list[TrainingSession]:
    values: dict[str, Any] = {
        "title": "Découvrir l'ordinateur",
        "themes": ["decouvrir"],
        "capacity": capacity,
        "format": SessionFormat.GROUP,
        "duration_minutes": 180,
    }
    values.update(data)
    day = to_local(utcnow()).date() + timedelta(days=in_days)
    return sessions.create_sessions(
        place, sessions.SessionData(**values), day, time(hour, 0), weeks
    )
