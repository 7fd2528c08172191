"""Households (the minimum of personal data), attested statuses, prescriptions, quota claims.

DOMAIN.md section 9: a status attestation rather than income figures, members by age
rather than by name, no identity documents. A household belongs to the prescribing
organisation that recorded it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import utcnow
from app.eligibility.vocabulary import (
    AttestationMethod,
    Connection,
    ContactChannel,
    DeviceType,
    Status,
)
from app.extensions import db
from app.households.lifecycle import PrescriptionState


def _enum(cls: type[StrEnum], length: int = 30) -> Enum:
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class ConsentBasis(StrEnum):
    CONSENT = "consent"  # the person agreed
    PUBLIC_INTEREST = "public_interest"  # a CCAS's public-interest mission


class Household(db.Model):
    __tablename__ = "household"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The prescribing organisation that recorded it: only its staff see it directly.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    # The reference person, as they want to be called (no other identity data).
    reference_name: Mapped[str] = mapped_column(String(120))
    contact_channel: Mapped[ContactChannel] = mapped_column(
        _enum(ContactChannel, 10), default=ContactChannel.SMS
    )
    # The language its messages (SMS, e-mail, the family page) are written in: a code of
    # the app's LANGUAGES ("fr", "en"); French unless the household asks otherwise.
    language: Mapped[str] = mapped_column(String(5), default="fr")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")  # optional: many have none
    postal_address: Mapped[str] = mapped_column(String(300), default="")  # only for post
    commune: Mapped[str] = mapped_column(String(120), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="", index=True)
    qpv: Mapped[bool] = mapped_column(default=False)  # lives in a priority neighbourhood
    # Current equipment and connection.
    has_computer: Mapped[bool] = mapped_column(default=False)
    has_smartphone: Mapped[bool] = mapped_column(default=False)
    has_tablet: Mapped[bool] = mapped_column(default=False)
    connection: Mapped[Connection] = mapped_column(_enum(Connection, 20), default=Connection.NONE)
    # Whole euros per month for phone and internet; None when not asked or not known.
    telecom_spend_eur: Mapped[int | None] = mapped_column(default=None)
    consent_basis: Mapped[ConsentBasis] = mapped_column(
        _enum(ConsentBasis, 20), default=ConsentBasis.CONSENT
    )
    consent_at: Mapped[datetime | None] = mapped_column(default=None)
    consent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # For retention (RETENTION_DAYS after the last activity, then anonymised).
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    anonymised_at: Mapped[datetime | None] = mapped_column(default=None)

    members: Mapped[list[HouseholdMember]] = relationship(
        back_populates="household",
        cascade="all, delete-orphan",
        order_by="HouseholdMember.id",
    )
    attestations: Mapped[list[StatusAttestation]] = relationship(
        back_populates="household",
        cascade="all, delete-orphan",
        order_by="StatusAttestation.id",
    )
    prescriptions: Mapped[list[Prescription]] = relationship(
        back_populates="household", order_by="Prescription.id"
    )

    @property
    def size(self) -> int:
        return len(self.members)

    def ages_on(self, on: date) -> list[int]:
        return [member.age_on(on) for member in self.members]

    def statuses_on(self, on: date) -> set[Status]:
        """Statuses whose attestation is still valid on that day."""
        return {a.status for a in self.attestations if a.valid_on(on)}

    @property
    def statuses(self) -> set[Status]:
        from app.core.clock import today

        return self.statuses_on(today())

    def __repr__(self) -> str:
        return f"<Household {self.id} org={self.organisation_id}>"


class HouseholdMember(db.Model):
    """A person of the household, by age only (children's names are not kept)."""

    __tablename__ = "household_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True
    )
    is_reference: Mapped[bool] = mapped_column(default=False)
    age: Mapped[int] = mapped_column()
    # Ages grow: the age was true on this day.
    age_recorded_on: Mapped[date] = mapped_column()

    household: Mapped[Household] = relationship(back_populates="members")

    def age_on(self, on: date) -> int:
        years = on.year - self.age_recorded_on.year
        if (on.month, on.day) < (self.age_recorded_on.month, self.age_recorded_on.day):
            years -= 1
        return self.age + max(years, 0)


class StatusAttestation(db.Model):
    """A prescriber attests a status: who, how (their word or a document seen), when, until."""

    __tablename__ = "status_attestation"
    __table_args__ = (UniqueConstraint("household_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[Status] = mapped_column(_enum(Status, 30))
    method: Mapped[AttestationMethod] = mapped_column(
        _enum(AttestationMethod, 20), default=AttestationMethod.DECLARED
    )
    attested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    attested_on: Mapped[date] = mapped_column()
    valid_until: Mapped[date | None] = mapped_column(default=None)

    household: Mapped[Household] = relationship(back_populates="attestations")

    def valid_on(self, on: date) -> bool:
        return self.attested_on <= on and (self.valid_until is None or on <= self.valid_until)


class Prescription(db.Model):
    __tablename__ = "prescription"
    __table_args__ = (
        Index("ix_prescription_association_state", "association_org_id", "state"),
        Index("ix_prescription_prescriber_state", "prescriber_org_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    prescriber_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    association_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    # The social worker who wrote it: told by e-mail of every change of state.
    prescriber_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    programme_code: Mapped[str] = mapped_column(String(60))
    # The published version of the programme the decision was taken under.
    programme_version: Mapped[int | None] = mapped_column(default=None)
    device_type: Mapped[DeviceType] = mapped_column(_enum(DeviceType, 20))
    purposes: Mapped[list[str]] = mapped_column(JSON, default=list)
    justification: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[PrescriptionState] = mapped_column(
        _enum(PrescriptionState, 20), default=PrescriptionState.DRAFT
    )
    # Bumped on every change of state: changes are conditional UPDATEs on it.
    version: Mapped[int] = mapped_column(default=1)
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    # The programme's outcome when it was checked: price, warranty or loan terms.
    outcome: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The engine's explanation when it was submitted, condition by condition.
    decision: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    # What fulfilled it, e.g. "loan:12" or "sale:7" (set by loans through mark_fulfilled).
    fulfilled_by: Mapped[str] = mapped_column(String(60), default="")

    household: Mapped[Household] = relationship(back_populates="prescriptions")

    def __repr__(self) -> str:
        return f"<Prescription {self.id} {self.programme_code} {self.state}>"


class QuotaClaim(db.Model):
    """One row per use of a programme quota. The unique constraint is what makes two
    prescribers submitting at the same moment unable to both take the last place."""

    __tablename__ = "quota_claim"
    __table_args__ = (UniqueConstraint("household_id", "quota_key", "period", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    quota_key: Mapped[str] = mapped_column(String(60))
    period: Mapped[str] = mapped_column(String(20))  # e.g. "2026" for a yearly quota
    slot: Mapped[int] = mapped_column()  # 1..max per period
    prescription_id: Mapped[int] = mapped_column(ForeignKey("prescription.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
