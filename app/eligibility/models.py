"""Programmes kept in the database, with their versions, and the programme-wide envelopes.

A programme (``ProgrammeRecord``) has versions (``ProgrammeVersion``): at most one draft,
which its owner edits, and published versions, numbered 1, 2, 3..., which never change.
The version in force on a day is the published one with the latest ``effective_from`` on
or before it. The definition is the programme file's data as JSON (see loader.py).

An envelope is a budget of the whole programme ("at most 100 grants over its life"):
``EnvelopeCounter`` is what is used per period, taken with a conditional UPDATE;
``EnvelopeClaim`` remembers what a prescription took, to give it back.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import utcnow
from app.extensions import db


class VersionState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class ProgrammeRecord(db.Model):
    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    # The organisation whose managers may change it; None: the instance administrator.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), default=None, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)

    versions: Mapped[list[ProgrammeVersion]] = relationship(
        back_populates="programme", order_by="ProgrammeVersion.id"
    )

    def __repr__(self) -> str:
        return f"<ProgrammeRecord {self.code}>"


class ProgrammeVersion(db.Model):
    __tablename__ = "programme_version"
    __table_args__ = (UniqueConstraint("programme_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"), index=True)
    number: Mapped[int | None] = mapped_column(default=None)  # None while a draft
    state: Mapped[VersionState] = mapped_column(
        Enum(
            VersionState,
            native_enum=False,
            length=10,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=VersionState.DRAFT,
    )
    # Set when published: the first day this version applies.
    effective_from: Mapped[date | None] = mapped_column(default=None)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")  # what changed, in the author's words
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)

    programme: Mapped[ProgrammeRecord] = relationship(back_populates="versions")

    def __repr__(self) -> str:
        return f"<ProgrammeVersion {self.programme_id} {self.number} {self.state}>"


class EnvelopeCounter(db.Model):
    """What a programme's envelope has given in a period ('ever', '2026', '2026-11')."""

    __tablename__ = "envelope_counter"
    __table_args__ = (UniqueConstraint("programme_code", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_code: Mapped[str] = mapped_column(String(60))
    period: Mapped[str] = mapped_column(String(20))
    grants: Mapped[int] = mapped_column(default=0)
    eur: Mapped[int] = mapped_column(default=0)


class EnvelopeClaim(db.Model):
    """What one submitted prescription took from its programme's envelope."""

    __tablename__ = "envelope_claim"

    id: Mapped[int] = mapped_column(primary_key=True)
    prescription_id: Mapped[int] = mapped_column(ForeignKey("prescription.id"), unique=True)
    programme_code: Mapped[str] = mapped_column(String(60))
    period: Mapped[str] = mapped_column(String(20))
    eur: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
