"""Reservations, loans, sales (with their receipt counter), cessions and the family's token.

Models hold data only: the actions and their commits are in services.py, the rules in
terms.py. Money is in euro cents.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Enum,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    extract,
    func,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from app.core.clock import utcnow
from app.extensions import db
from app.loans.terms import PaymentMethod

if TYPE_CHECKING:
    from app.households.models import Household, Prescription
    from app.inventory.models import Device


def _enum(cls: type[StrEnum], length: int = 20) -> Enum:
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class ReservationStatus(StrEnum):
    ACTIVE = "active"
    FULFILLED = "fulfilled"  # became a loan or a sale
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # the device went back to the shelf


class LoanStatus(StrEnum):
    OPEN = "open"
    RETURNED = "returned"
    CEDED = "ceded"  # turned into ownership (cession)


class SignatureKind(StrEnum):
    SCREEN = "screen"  # drawn at the counter, image kept with the loan
    PAPER = "paper"  # signed on the printed sheet


class Reservation(db.Model):
    """A ready device held for a validated prescription until ``expires_at``."""

    __tablename__ = "reservation"
    __table_args__ = (Index("ix_reservation_org_status", "organisation_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), index=True)
    prescription_id: Mapped[int] = mapped_column(ForeignKey("prescription.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    status: Mapped[ReservationStatus] = mapped_column(
        _enum(ReservationStatus), default=ReservationStatus.ACTIVE
    )
    # Set while active, NULL after: the unique constraint allows one active reservation
    # per prescription (NULLs never collide, on SQLite as on PostgreSQL).
    active_prescription_id: Mapped[int | None] = mapped_column(unique=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)

    device: Mapped[Device] = relationship()
    prescription: Mapped[Prescription] = relationship()
    household: Mapped[Household] = relationship()


class Loan(db.Model):
    __tablename__ = "loan"
    __table_args__ = (
        Index("ix_loan_org_status_due", "organisation_id", "status", "due_on"),
        Index("ix_loan_household", "household_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    prescription_id: Mapped[int | None] = mapped_column(
        ForeignKey("prescription.id"), unique=True, default=None
    )
    # Set while the loan is open: one open loan per device, guaranteed by the database too.
    open_device_id: Mapped[int | None] = mapped_column(unique=True, default=None)
    status: Mapped[LoanStatus] = mapped_column(_enum(LoanStatus), default=LoanStatus.OPEN)
    programme_code: Mapped[str] = mapped_column(String(60), default="")
    programme_name: Mapped[str] = mapped_column(String(200), default="")
    start_on: Mapped[date]
    due_on: Mapped[date]
    extensions: Mapped[int] = mapped_column(default=0)
    max_extensions: Mapped[int] = mapped_column(default=1)
    extension_days: Mapped[int] = mapped_column(default=90)
    cession_after_months: Mapped[int | None] = mapped_column(default=None)
    deposit_cents: Mapped[int] = mapped_column(default=0)
    accessories: Mapped[list[str]] = mapped_column(JSON, default=list)
    condition_out: Mapped[str] = mapped_column(Text, default="")
    signature_kind: Mapped[SignatureKind] = mapped_column(_enum(SignatureKind, 10))
    signature_png: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The return.
    returned_at: Mapped[datetime | None] = mapped_column(default=None)
    return_checklist: Mapped[dict[str, bool]] = mapped_column(JSON, default=dict)
    damage_notes: Mapped[str] = mapped_column(Text, default="")
    deposit_retained_cents: Mapped[int] = mapped_column(default=0)
    deposit_refunded_cents: Mapped[int | None] = mapped_column(default=None)
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    # The cession (loan turned into ownership).
    ceded_at: Mapped[datetime | None] = mapped_column(default=None)
    cession_price_cents: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    # Bumped on every change: extensions, returns and cessions are conditional UPDATEs.
    version: Mapped[int] = mapped_column(default=1)

    device: Mapped[Device] = relationship()
    household: Mapped[Household] = relationship()
    prescription: Mapped[Prescription] = relationship()

    if TYPE_CHECKING:  # the loan's rank in its organisation's year: a column_property below
        sequence: Mapped[int]

    @property
    def number(self) -> str:
        """'P-2026-00003': the third loan of the association in 2026, no gap."""
        return f"P-{self.start_on.year}-{self.sequence:05d}"


# A loan's number is its rank among the loans of its organisation that started in its
# year, read by the database (no stored column, so no migration): loans are never
# deleted and never change organisation or start date, so the rank never changes. The
# loans of one organisation and year are created one at a time (services._new_loan takes
# that year's counter row first, as sales do for receipts): a loan created meanwhile
# cannot take a smaller id and shift a number already printed.
# (Table columns, not mapped attributes: importing this module configures no mapper.)
_loan, _earlier = Loan.__table__.c, Loan.__table__.alias("earlier_loan").c
Loan.sequence = column_property(  # type: ignore[assignment]
    select(func.count(_earlier.id))
    .where(
        _earlier.organisation_id == _loan.organisation_id,
        extract("year", _earlier.start_on) == extract("year", _loan.start_on),
        _earlier.id <= _loan.id,
    )
    .scalar_subquery()
)


class ReceiptCounter(db.Model):
    """The last receipt number of one organisation in one year. Sales increment it with a
    conditional UPDATE as their first write, so numbers have no gap and no duplicate.

    The row of year ``-Y`` counts the loans of year Y: taking it
    makes loans of one organisation and year one at a time, so their numbers (ranks, see
    ``Loan.sequence``) have no gap and never move."""

    __tablename__ = "receipt_counter"
    __table_args__ = (UniqueConstraint("organisation_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    year: Mapped[int]
    last: Mapped[int] = mapped_column(default=0)


class Sale(db.Model):
    """A sale (or a gift at 0 €) with its numbered receipt."""

    __tablename__ = "sale"
    __table_args__ = (
        UniqueConstraint("organisation_id", "receipt_year", "receipt_seq"),
        Index("ix_sale_org_sold", "organisation_id", "sold_at"),
        Index("ix_sale_household", "household_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    receipt_year: Mapped[int]
    receipt_seq: Mapped[int]
    receipt_number: Mapped[str] = mapped_column(String(20))
    sold_at: Mapped[datetime] = mapped_column(default=utcnow)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    prescription_id: Mapped[int | None] = mapped_column(
        ForeignKey("prescription.id"), unique=True, default=None
    )
    programme_code: Mapped[str] = mapped_column(String(60), default="")
    programme_name: Mapped[str] = mapped_column(String(200), default="")
    price_cents: Mapped[int] = mapped_column(default=0)
    payment_method: Mapped[PaymentMethod | None] = mapped_column(
        _enum(PaymentMethod, 10), default=None
    )
    warranty_months: Mapped[int] = mapped_column(default=12)
    warranty_until: Mapped[date]
    accessories: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The device's condition at handover, as on a loan: "B · Légère rayure sur le capot".
    condition_out: Mapped[str] = mapped_column(Text, default="")
    buyer_name: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)

    device: Mapped[Device] = relationship()
    household: Mapped[Household] = relationship()
    prescription: Mapped[Prescription] = relationship()

    @property
    def is_gift(self) -> bool:
        return self.price_cents == 0


class Cession(db.Model):
    """A loan turned into ownership, with its own certificate."""

    __tablename__ = "cession"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), unique=True)
    ceded_on: Mapped[date]
    price_cents: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)

    loan: Mapped[Loan] = relationship()

    @property
    def number(self) -> str:
        return f"C-{self.ceded_on.year}-{self.id:05d}"


class FamilyAccessToken(db.Model):
    """The key to a household's own page (QR code on the loan sheet or receipt).

    Only a SHA-256 of the token is stored. The token itself is an HMAC of ``salt`` with
    the application's secret key, so the same QR code can be printed again, a database
    leak gives no working link, and revoking (or a new salt) kills the old link.
    """

    __tablename__ = "family_access_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    salt: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    last_seen_at: Mapped[datetime | None] = mapped_column(default=None)


class FamilyPageHit(db.Model):
    """Visits of family pages by address, for rate limiting shared by every worker."""

    __tablename__ = "family_page_hit"
    __table_args__ = (Index("ix_family_page_hit_ip_at", "ip", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ip: Mapped[str] = mapped_column(String(45))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    ok: Mapped[bool] = mapped_column(default=True)
