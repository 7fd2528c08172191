"""Directory actions: place a place on the map, and publish the instance's own places.

``sync_own_places()`` makes one ``Place`` per active organisation that receives the
public (training places, associations, prescribing structures) from what the instance
already knows: the organisation's address and phone, a training place's hours,
accessibility, booking link and sessions (free? Pass numérique? bring your device?).
It owns only those facts: what an administrator set on the place itself (hours of an
association, coordinates typed by hand) is left as it is.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation
from app.authz.policy import OrgKind
from app.directory import geocoding
from app.directory.communes import departement_of
from app.directory.geo import valid_point
from app.directory.hours import problem as hours_problem
from app.directory.models import GEOCODE_FAILED, GEOCODE_MANUAL, Place
from app.directory.needs import Need
from app.extensions import db

log = logging.getLogger(__name__)

PUBLIC_KINDS = (OrgKind.TRAINING_PLACE, OrgKind.ASSOCIATION, OrgKind.PRESCRIBER)

# What each kind of organisation offers the public, in the directory's words.
KIND_NEEDS: dict[OrgKind, list[Need]] = {
    OrgKind.TRAINING_PLACE: [Need.LEARN],
    OrgKind.ASSOCIATION: [Need.DEVICE],
    OrgKind.PRESCRIBER: [Need.PROCEDURES, Need.CONNECT],
}
ASSOCIATION_SERVICES = ["Ordinateurs reconditionnés à prix solidaire ou en prêt"]
ASSOCIATION_PRICE = "Prix solidaire ou prêt, sur prescription d'un travailleur social"
ASSOCIATION_BRING = "La fiche de prescription remise par votre travailleur social"
PRESCRIBER_SERVICES = ["Aide aux démarches en ligne", "Tarifs sociaux internet et mobile"]
PRESCRIBER_BRING = "Vos identifiants (CAF, Ameli, impots.gouv) si vous les avez"
BRING_DEVICE = "Votre appareil (smartphone, tablette ou ordinateur) si vous en avez un"


# --- coordinates -------------------------------------------------------------------------


def place_point(place: Place, *, force: bool = False) -> None:
    """Give the place its point (and département) from its address, once per address.

    Coordinates typed by hand or given by the producer (status "manual") are kept;
    otherwise the address is geocoded when it changed since the last time, or with
    ``force``. Does not commit: the caller's transaction does.
    """
    if not _needs_point(place, force):
        return
    pending = _batch.get()
    if pending is not None:  # inside batched_points(): geocoded with the others
        pending[id(place)] = place
        return
    _set_point(place, geocoding.geocode(place.address, place.postcode, place.commune))


def place_points(places: list[Place], *, force: bool = False) -> None:
    """``place_point`` for many places: the addresses that need it are geocoded together
    (one bulk CSV request online from ``geocoding.BULK_FROM`` of them), each once."""
    todo = [p for p in places if _needs_point(p, force)]
    keys = {geocoding.address_key(p.address, p.postcode, p.commune): p for p in todo}
    asked = [geocoding.Address(p.address, p.postcode, p.commune) for p in keys.values()]
    found = dict(zip(keys, geocoding.geocode_many(asked), strict=True))
    for place in todo:
        _set_point(
            place, found[geocoding.address_key(place.address, place.postcode, place.commune)]
        )


_batch: ContextVar[dict[int, Place] | None] = ContextVar("directory_points", default=None)


@contextmanager
def batched_points() -> Iterator[None]:
    """Within it, ``place_point`` notes the place; the places noted are geocoded together
    just before the session commits (``_before_commit``), or on leaving. An import of a
    thousand rows then sends one bulk request, not a thousand."""
    token = _batch.set({})
    try:
        yield
        _flush_batch()
    finally:
        _batch.reset(token)


def _flush_batch() -> None:
    pending = _batch.get()
    if pending:
        places = list(pending.values())
        pending.clear()
        place_points(places)


@event.listens_for(Session, "before_commit")
def _before_commit(_session: Session) -> None:
    _flush_batch()


def _needs_point(place: Place, force: bool) -> bool:
    if place.geocode_status == GEOCODE_MANUAL and place.placed:
        place.departement = place.departement or departement_of(place.code_insee, place.postcode)
        return False
    key = geocoding.address_key(place.address, place.postcode, place.commune)
    return force or place.geocoded_address != key or not place.geocode_status


def _set_point(place: Place, found: geocoding.Geocoded) -> None:
    place.geocoded_address = geocoding.address_key(place.address, place.postcode, place.commune)
    place.geocode_status = found.status
    place.geocode_score = found.score
    if found.point is not None:
        place.latitude, place.longitude = found.point.latitude, found.point.longitude
    else:
        place.latitude = place.longitude = None
    place.code_insee = place.code_insee or found.code_insee
    place.departement = (
        found.departement or departement_of(place.code_insee, place.postcode) or place.departement
    )


def set_manual_point(place: Place, latitude: float, longitude: float) -> None:
    """The owner places it by hand (or a producer's data gives the point)."""
    point = valid_point(latitude, longitude)
    if point is None:
        raise ValueError("coordinates out of range")
    place.latitude, place.longitude = point.latitude, point.longitude
    place.geocode_status, place.geocode_score = GEOCODE_MANUAL, None
    place.departement = place.departement or departement_of(place.code_insee, place.postcode)


def owner_problems(place: Place) -> list[str]:
    """What the place's owner should fix, in French: unreadable hours, address not found."""
    problems = []
    if place.geocode_status == GEOCODE_FAILED:
        problems.append(
            "Adresse introuvable : le lieu n'apparaît pas dans les recherches par distance. "
            "Vérifiez l'adresse, le code postal et la commune."
        )
    hours = hours_problem(place.opening_hours or "")
    if hours:
        problems.append(hours)
    return problems


# --- the instance's own places -------------------------------------------------------------


def own_place(org: Organisation) -> Place | None:
    return db.session.scalar(
        select(Place).where(Place.organisation_id == org.id, Place.source == "")
    )


def sync_org_place(org: Organisation) -> Place | None:
    """Create or update the directory entry of one organisation (flushes, no commit).

    Organisations that do not receive the public (coordinators) have none; an inactive
    organisation's entry is unpublished, not deleted (referrals may point at it).
    """
    place = own_place(org)
    if org.kind not in PUBLIC_KINDS:
        return place
    if place is None:
        place = Place(organisation_id=org.id, source="", name=org.name, needs=[], services=[])
        db.session.add(place)
    place.published = bool(org.active)
    place.name = org.name
    place.address, place.postcode, place.commune = org.address, org.postcode, org.commune
    place.phone, place.email = org.phone, org.email
    needs = list(KIND_NEEDS[org.kind])
    if org.kind is OrgKind.TRAINING_PLACE:
        needs = _training_facts(org, place, needs)
    elif org.kind is OrgKind.ASSOCIATION:
        place.services = list(ASSOCIATION_SERVICES)
        place.price_text = place.price_text or ASSOCIATION_PRICE
        place.what_to_bring = place.what_to_bring or ASSOCIATION_BRING
    else:
        place.services = [*(["France Services"] if "france services" in org.name.lower() else []),
                          *PRESCRIBER_SERVICES]  # fmt: skip
        place.free = True
        place.price_text = place.price_text or "Gratuit"
        place.what_to_bring = place.what_to_bring or PRESCRIBER_BRING
    place.needs = [need.value for need in needs]
    place_point(place)
    db.session.flush()
    return place


def _training_facts(org: Organisation, place: Place, needs: list[Need]) -> list[Need]:
    from app.training.matching import PriceKind
    from app.training.models import SessionStatus, TrainingPlace, TrainingSession

    details = db.session.scalar(
        select(TrainingPlace).where(TrainingPlace.organisation_id == org.id)
    )
    sessions = db.session.scalars(
        select(TrainingSession).where(
            TrainingSession.organisation_id == org.id,
            TrainingSession.status == SessionStatus.PUBLISHED,
        )
    ).all()
    if details is not None:
        place.opening_hours = details.opening_hours or place.opening_hours
        place.accessible = details.accessible
        place.booking_url = details.booking_url or place.booking_url
        place.website = details.website or place.website
        place.description = details.description or place.description
        place.code_insee = details.code_insee or place.code_insee
        if details.latitude is not None and details.longitude is not None:
            set_manual_point(place, details.latitude, details.longitude)
    prices = {s.price_kind for s in sessions}
    if prices:
        place.free = PriceKind.FREE in prices
        place.pass_numerique = PriceKind.PASS_NUMERIQUE in prices
        words = {
            PriceKind.FREE: "Gratuit",
            PriceKind.PASS_NUMERIQUE: "Pass numérique accepté",
            PriceKind.MEMBERSHIP: "Adhésion au lieu",
        }
        place.price_text = ", ".join(words[p] for p in PriceKind if p in prices)
    if any(s.bring_own_device for s in sessions):
        place.what_to_bring = BRING_DEVICE
    titles = list(dict.fromkeys(s.title for s in sessions))[:6]
    extra = list(details.services) if details is not None else []
    place.services = list(dict.fromkeys([*titles, *extra]))
    if any("demarches" in s.themes for s in sessions):
        needs.append(Need.PROCEDURES)
    return needs


def sync_own_places(*, commit: bool = True) -> int:
    """Create or update the directory entries of every organisation of the instance;
    returns how many organisations have one."""
    count = 0
    for org in db.session.scalars(select(Organisation).order_by(Organisation.id)):
        if sync_org_place(org) is not None:
            count += 1
    if commit:
        db.session.commit()
    return count


def sync_org_place_quietly(org: Organisation) -> None:
    """For other domains' save paths: the directory must never make a save fail."""
    try:
        with db.session.begin_nested():
            sync_org_place(org)
    except Exception:  # a bad address or an unreachable geocoder is not the saver's fault
        log.exception("directory entry of organisation %s not updated", org.id)
