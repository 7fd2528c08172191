"""The directory of places ("Où aller"): one row per place a person can go to.

A ``Place`` is either one of this instance's own organisations (``source`` is "",
``organisation_id`` set; kept up to date by ``services.sync_own_places``) or a row of a
producer's open data (``source`` the producer, ``source_id`` its identifier: unique
together, so a re-import updates instead of duplicating). For imported rows ``raw`` keeps
the producer's row exactly as it came, so that an export can give back a third party's
facts unchanged; the typed columns are what the search and the pages read.

Importers: set the typed columns from the row, ``raw`` to the row, ``needs`` to
``needs.Need`` codes, and call ``services.place_point`` (or set latitude, longitude,
geocode_score and geocode_status yourselves after a bulk geocoding) — see
``app/directory/services.py``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import utcnow
from app.extensions import db

# How a place's coordinates were obtained (``Place.geocode_status``).
GEOCODE_BAN = "ban"  # the national address base, with its score
GEOCODE_COMMUNE = "commune"  # the commune's point (offline fallback, or a weak match)
GEOCODE_FAILED = "failed"  # no commune either: "adresse introuvable"
GEOCODE_MANUAL = "manual"  # typed by the owner, or given by the producer's data
GEOCODE_STATUSES = ("", GEOCODE_BAN, GEOCODE_COMMUNE, GEOCODE_FAILED, GEOCODE_MANUAL)


class Place(db.Model):
    __tablename__ = "place"
    __table_args__ = (
        # Re-importing a producer's row updates it (own places have source "").
        Index(
            "uq_place_source",
            "source",
            "source_id",
            unique=True,
            sqlite_where=text("source != ''"),
            postgresql_where=text("source != ''"),
        ),
        # The search's first pass: a latitude band, then longitude, then exact distance.
        Index("ix_place_lat_lon", "latitude", "longitude"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    commune: Mapped[str] = mapped_column(String(120), default="")
    code_insee: Mapped[str] = mapped_column(String(5), default="")
    # From code_insee (else the postcode): places without a point are found by it.
    departement: Mapped[str] = mapped_column(String(3), default="", index=True)
    latitude: Mapped[float | None] = mapped_column(default=None)
    longitude: Mapped[float | None] = mapped_column(default=None)
    geocode_score: Mapped[float | None] = mapped_column(default=None)  # BAN score, 0..1
    geocode_status: Mapped[str] = mapped_column(String(10), default="")  # GEOCODE_*
    # The address the point was computed from: geocoded again only when it changes.
    geocoded_address: Mapped[str] = mapped_column(String(450), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    website: Mapped[str] = mapped_column(String(500), default="")
    booking_url: Mapped[str] = mapped_column(String(500), default="")
    opening_hours: Mapped[str] = mapped_column(String(500), default="")  # OSM, as published
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)  # needs.Need codes
    services: Mapped[list[str]] = mapped_column(JSON, default=list)  # the producer's labels
    free: Mapped[bool | None] = mapped_column(default=None)  # None: not said
    price_text: Mapped[str] = mapped_column(String(300), default="")
    pass_numerique: Mapped[bool] = mapped_column(default=False)
    accessible: Mapped[bool | None] = mapped_column(default=None)  # step-free; None: not said
    accessibility_text: Mapped[str] = mapped_column(String(500), default="")
    what_to_bring: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), default=None, index=True
    )
    # Shown in the directory (an own place of an inactive organisation is not).
    published: Mapped[bool] = mapped_column(default=True)
    source: Mapped[str] = mapped_column(String(60), default="")  # producer; "" for own
    source_id: Mapped[str] = mapped_column(String(200), default="")
    date_maj: Mapped[date | None] = mapped_column(default=None)  # the producer's date
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the row as imported
    # Which standard ``raw`` is in ("mednum", "data_inclusion"; "" for own places).
    standard: Mapped[str] = mapped_column(String(20), default="")
    # An own place's La MedNum "formations_labels" (e.g. "ORDI 3.0") and RNA number.
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    rna: Mapped[str] = mapped_column(String(10), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def placed(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def __repr__(self) -> str:
        return f"<Place {self.id} {self.name!r} {self.source or 'own'}>"


# How many characters each text column of ``Place`` holds, read from the columns themselves:
# an import refuses a longer value instead of cutting it (``rows.refuse_too_long``).
PLACE_LENGTHS: dict[str, int] = {
    column.key: column.type.length
    for column in Place.__table__.columns
    if isinstance(column.type, String) and column.type.length
}
