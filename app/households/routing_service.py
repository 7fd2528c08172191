"""The associations a prescription may go to, for one household and programme, nearest
first (the rule is in ``routing.py``), and where a prescription went."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select

from app.accounts.models import Organisation
from app.authz.policy import OrgKind
from app.core.clock import today
from app.directory import communes, geo, hours
from app.eligibility import catalogue
from app.eligibility.conditions import LocationCondition
from app.eligibility.wording import FRENCH, Speaker
from app.extensions import db
from app.households import notice_text, routing
from app.households.models import Household
from app.training.models import TrainingPlace


def area_of(programme_code: str) -> routing.Area | None:
    """The territory of the programme in force (its location condition); None if it has
    no location condition or is unknown."""
    programme = catalogue.find(programme_code) if programme_code else None
    if programme is None:
        return None
    for condition in programme.conditions:
        if isinstance(condition, LocationCondition):
            return routing.Area(
                communes=tuple(condition.communes),
                postcodes=tuple(condition.postcodes),
                departments=tuple(condition.departments),
            )
    return None


def _distance() -> routing.Distance | None:
    """Kilometres between two communes' points, from the directory's offline commune file;
    None when it is not installed (the rule then ranks by commune and département)."""
    gazetteer = communes.load(str(current_app.config.get("COMMUNES_FILE") or ""))
    if not len(gazetteer):
        return None

    def between(a: routing.Place, b: routing.Place) -> float | None:
        here = gazetteer.in_postcode(a.postcode, a.commune) if (a.postcode or a.commune) else None
        there = gazetteer.in_postcode(b.postcode, b.commune) if (b.postcode or b.commune) else None
        if here is None or there is None:
            return None
        return geo.distance_m(here.point, there.point) / 1000

    return between


def place_of(record: Household | Organisation) -> routing.Place:
    return routing.Place(commune=record.commune or "", postcode=record.postcode or "")


def association_routing(household: Household, programme_code: str) -> routing.Routing:
    """Every active association, ranked for this household and programme."""
    orgs = db.session.scalars(
        select(Organisation).where(
            Organisation.kind == OrgKind.ASSOCIATION, Organisation.active.is_(True)
        )
    )
    candidates = [routing.Candidate(o.id, o.name, place_of(o)) for o in orgs]
    return routing.rank(place_of(household), candidates, area_of(programme_code), _distance())


def opening_hours(org_id: int) -> str:
    """The association's opening hours (OpenStreetMap syntax) if the app knows them."""
    return (
        db.session.scalar(
            select(TrainingPlace.opening_hours).where(TrainingPlace.organisation_id == org_id)
        )
        or ""
    )


def hours_text(org_id: int, speaker: Speaker = FRENCH) -> str:
    """The association's opening hours in words ('' when unknown), in ``speaker``'s
    language, read by the directory's parser of the OSM syntax; a value it cannot read is
    reworded as written (in French; as written in another language)."""
    value = opening_hours(org_id)
    if not value:
        return ""
    days = [
        (d.name_in(speaker), d.words(speaker)) for d in hours.week(value, today()) if d.intervals
    ]
    if days:
        return notice_text.week_in_words(days, speaker.gettext)
    return (
        notice_text.hours_in_words(value) if notice_text.speaks_french(speaker.gettext) else value
    )


def address_line(org: Any) -> str:
    """'Name, 3 rue X, 28200 Châteaudun' (the caller adds the phone in its reader's words)."""
    town = f"{org.postcode} {org.commune}".strip()
    return ", ".join(p for p in (org.name, org.address, town) if p)
