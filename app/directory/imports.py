"""Open data into and out of the directory: imports (all or nothing) and exports.

Imports: ``mednum.parse`` or ``datainclusion.parse`` read the file row by row; if no row
is refused, every row becomes (or updates: unique source + id) a ``Place`` with ``raw``
the producer's row, in one transaction; otherwise nothing is written and the report says
which row and which field (a value longer than its column is refused there, never cut:
``models.PLACE_LENGTHS``). ``dry_run`` reads and reports without writing (nor geocoding).

Exports never rewrite a third party's facts: an imported row goes out as its producer
wrote it (``raw``), only in the standard it came in; the instance's own places are built
from the ``Place`` and its organisation.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.accounts.models import Organisation
from app.audit.services import record
from app.authz.policy import OrgKind
from app.core.clock import today
from app.directory import datainclusion, mednum
from app.directory.models import PLACE_LENGTHS, Place
from app.directory.rows import Report
from app.directory.services import place_point, set_manual_point, sync_own_places
from app.extensions import db
from app.notify.phone import to_e164

_TYPED = ("name", "address", "postcode", "commune", "code_insee", "phone", "email",
          "website", "booking_url", "opening_hours", "services", "needs", "free",
          "price_text", "description", "date_maj", "standard")  # fmt: skip


def import_mednum(text: str, *, dry_run: bool = False, actor: Any = None) -> Report:
    return _write(mednum.parse(text, PLACE_LENGTHS), "directory.import.mednum", dry_run, actor)


def import_data_inclusion(payload: Any, *, dry_run: bool = False, actor: Any = None) -> Report:
    report = datainclusion.parse(payload, PLACE_LENGTHS)
    return _write(report, "directory.import.data_inclusion", dry_run, actor)


def _write(report: Report, action: str, dry_run: bool, actor: Any) -> Report:
    if not report.ok:
        return report
    for row in report.rows:
        if row.skipped:
            continue
        place = db.session.scalar(
            select(Place).where(Place.source == row.source, Place.source_id == row.source_id)
        )
        if place is None:
            report.created += 1
            if dry_run:
                continue
            place = Place(source=row.source, source_id=row.source_id, name=row.name)
            db.session.add(place)
        else:
            report.updated += 1
            if dry_run:
                continue
        _apply(place, row.facts)
    if dry_run:
        db.session.rollback()
        return report
    record("directory.import", "place", "", actor=actor,
           detail={"action": action, "created": report.created, "updated": report.updated,
                   "warnings": len(report.warnings)})  # fmt: skip
    db.session.commit()
    report.written = True
    return report


def _apply(place: Place, facts: dict[str, Any]) -> None:
    for name in _TYPED:
        setattr(place, name, facts[name])
    place.raw = facts["raw"]
    place.published = True
    point = facts.get("point")
    if point is not None:
        try:
            set_manual_point(place, *point)  # the producer's coordinates (status "manual")
            return
        except ValueError:
            pass  # out of range: geocode the address instead
    if place.geocode_status == "manual":
        place.geocode_status = ""
    place_point(place)


# --- exports -----------------------------------------------------------------------------


def _imported(standard: str) -> list[Place]:
    return list(
        db.session.scalars(
            select(Place)
            .where(Place.source != "", Place.standard == standard, Place.published.is_(True))
            .order_by(Place.source, Place.source_id)
        )
    )


def _own_places(sync: bool) -> list[tuple[Place, Organisation]]:
    if sync:
        sync_own_places(commit=False)  # the caller commits
    found = db.session.execute(
        select(Place, Organisation)
        .join(Organisation, Organisation.id == Place.organisation_id)
        .where(Place.source == "", Place.published.is_(True))
        .order_by(Organisation.name)
    )
    return [(place, org) for place, org in found]


def own_mednum(place: Place, org: Organisation) -> mednum.OwnPlace:
    from app.training.models import SessionFormat, SessionStatus, TrainingPlace, TrainingSession

    details = db.session.scalar(
        select(TrainingPlace).where(TrainingPlace.organisation_id == org.id)
    )
    formats = set(
        db.session.scalars(
            select(TrainingSession.format).where(
                TrainingSession.organisation_id == org.id,
                TrainingSession.status == SessionStatus.PUBLISHED,
            )
        )
    )
    services = list(place.services)
    if org.kind is OrgKind.ASSOCIATION:
        services.append(mednum.DEVICE_SERVICE)
    updated = place.updated_at.date() if place.updated_at else today()
    return mednum.OwnPlace(
        identifier=f"ordilien--{org.slug}",
        name=place.name,
        address=place.address,
        postcode=place.postcode,
        commune=place.commune,
        date_maj=min(updated, today()),
        siret=org.siret,
        rna=place.rna,
        code_insee=place.code_insee,
        latitude=place.latitude,
        longitude=place.longitude,
        phone=to_e164(place.phone) or "",
        email=place.email,
        website=place.website,
        opening_hours=place.opening_hours,
        description=place.description,
        needs=list(place.needs),
        services=services,
        labels=list(place.labels or []),
        free=place.free,
        booking_url=place.booking_url,
        accessibility_url=details.accessibility_url if details is not None else "",
        individual=SessionFormat.INDIVIDUAL in formats,
        group=SessionFormat.GROUP in formats,
    )


def mednum_export(*, sync: bool = True) -> tuple[str, list[tuple[str, str]]]:
    """The directory as a La MedNum v1.0.2 CSV, and the own places left out (name, why);
    ``sync`` first brings the own places up to date (not on a page that only shows)."""
    rows, left_out = [], []
    for place, org in _own_places(sync):
        row, why = mednum.own_row(own_mednum(place, org))
        if row is None:
            left_out.append((place.name, why))
        else:
            rows.append(row)
    rows += [mednum.export_row(place.raw) for place in _imported(mednum.STANDARD)]
    return mednum.write(rows), left_out


def data_inclusion_export() -> dict[str, list[dict[str, Any]]]:
    """Our structures and services (``training.opendata``), then the imported structures
    as their producers published them."""
    from app.training import opendata

    exported = opendata.data_inclusion_export()
    exported["structures"] += [
        datainclusion.export_structure(place.raw) for place in _imported(datainclusion.STANDARD)
    ]
    return exported
