"""Referrals (orientations) from one structure to another, and the refusal reasons.

A referral belongs to the household it is about and is seen by the structure that sent it
and the one that receives it. The receiving side is an organisation of this instance, a
place of the directory, or a structure typed by hand (which answers through a signed link).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Organisation
from app.core.clock import utcnow
from app.extensions import db
from app.households.models import Household
from app.referrals.lifecycle import Need, ReferralState


def _enum(cls: type[StrEnum], length: int = 20) -> Enum:
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class RefusalReason(db.Model):
    """A reason a structure may give for refusing a referral (kept by the administrator)."""

    __tablename__ = "refusal_reason"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    # A reason no longer offered stays on the referrals that gave it.
    active: Mapped[bool] = mapped_column(default=True)


class Referral(db.Model):
    __tablename__ = "referral"
    __table_args__ = (
        Index("ix_referral_to_org_state", "to_organisation_id", "state"),
        Index("ix_referral_from_org_state", "from_organisation_id", "state"),
        Index("ix_referral_state_sent", "state", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    from_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    # The person who referred: told of every change.
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    need: Mapped[Need] = mapped_column(_enum(Need))
    # To the receiving structure, and (kept apart) to the person.
    message: Mapped[str] = mapped_column(Text, default="")
    person_message: Mapped[str] = mapped_column(Text, default="")
    # The person agreed that their details go to the receiving structure.
    consent: Mapped[bool] = mapped_column(default=False)
    consent_at: Mapped[datetime | None] = mapped_column(default=None)
    # The receiving side: an organisation of the instance, a place of the directory
    # (with its organisation when it has one here), or a structure typed by hand.
    to_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), default=None
    )
    to_place_id: Mapped[int | None] = mapped_column(
        ForeignKey("place.id"), default=None, index=True
    )
    # Copied when sent (the name stays readable if the place changes), typed when external.
    to_name: Mapped[str] = mapped_column(String(200), default="")
    to_address: Mapped[str] = mapped_column(String(300), default="")
    to_phone: Mapped[str] = mapped_column(String(40), default="")
    to_email: Mapped[str] = mapped_column(String(254), default="")
    # What the person is told: when to go and what to bring.
    hours: Mapped[str] = mapped_column(String(300), default="")
    bring: Mapped[str] = mapped_column(String(300), default="")
    state: Mapped[ReferralState] = mapped_column(_enum(ReferralState), default=ReferralState.OPEN)
    # Bumped on every change: changes are conditional UPDATEs on it.
    version: Mapped[int] = mapped_column(default=1)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The waiting counts from here: sent_at, or the last renewal of the answer link.
    waiting_since: Mapped[datetime] = mapped_column(default=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column(default=None)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    refusal_reason_id: Mapped[int | None] = mapped_column(
        ForeignKey("refusal_reason.id"), default=None
    )
    answer_message: Mapped[str] = mapped_column(Text, default="")
    # The answer link of a structure without an account: a signed token naming this
    # referral and this nonce; a renewal draws a new nonce (the old link stops working).
    link_nonce: Mapped[str] = mapped_column(String(32), default="")
    link_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    # Set when the household is anonymised (app/reports/gdpr/anonymise.py cuts every link then).
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)

    household: Mapped[Household] = relationship()
    from_organisation: Mapped[Organisation] = relationship(foreign_keys=[from_organisation_id])
    to_organisation: Mapped[Organisation | None] = relationship(foreign_keys=[to_organisation_id])
    refusal_reason: Mapped[RefusalReason | None] = relationship()

    @property
    def external(self) -> bool:
        """Received by a structure without an account here: it answers through the link."""
        return self.to_organisation_id is None

    def __repr__(self) -> str:
        return f"<Referral {self.id} {self.need} {self.state}>"
