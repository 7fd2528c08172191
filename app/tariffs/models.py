"""The social tariff catalogue and the history of every change to it.

The catalogue is shared by the territory (any role may read it); staff with TARIFF_EDIT
change it, and each change keeps who, when, the values before and after.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import utcnow
from app.extensions import db
from app.tariffs.matching import AreaKind, OfferKind


def _enum(cls: type[StrEnum], length: int = 20) -> Enum:
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


Money = Numeric(10, 2)


class SocialTariff(db.Model):
    __tablename__ = "social_tariff"
    __table_args__ = (UniqueConstraint("country", "provider", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OfferKind] = mapped_column(_enum(OfferKind))
    country: Mapped[str] = mapped_column(String(2), default="FR")
    # Prices in the country's currency (EUR, GBP); monthly_price is the regular price.
    monthly_price: Mapped[Decimal] = mapped_column(Money)
    intro_price: Mapped[Decimal | None] = mapped_column(Money, default=None)
    intro_months: Mapped[int] = mapped_column(default=0)
    setup_fee: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    equipment_rental: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    commitment_months: Mapped[int] = mapped_column(default=0)
    speed_mbps: Mapped[int | None] = mapped_column(default=None)
    data_gb: Mapped[Decimal | None] = mapped_column(Numeric(8, 2), default=None)
    content: Mapped[str] = mapped_column(String(300), default="")  # "40 min + 40 SMS"
    area_kind: Mapped[AreaKind] = mapped_column(_enum(AreaKind), default=AreaKind.NATIONAL)
    area_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    statuses_any: Mapped[list[str]] = mapped_column(JSON, default=list)
    statuses_all: Mapped[list[str]] = mapped_column(JSON, default=list)
    other_conditions: Mapped[str] = mapped_column(Text, default="")
    proof_required: Mapped[str] = mapped_column(Text, default="")
    how_to_subscribe: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str] = mapped_column(String(500), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    checked_on: Mapped[date | None] = mapped_column(default=None)
    valid_from: Mapped[date | None] = mapped_column(default=None)
    valid_to: Mapped[date | None] = mapped_column(default=None)
    # Governance (issue 17): the territory (a département or commune code, "" for the
    # whole country), the coordinator organisation that owns the offer (None: any
    # coordinator of the instance), who verified it last (checked_on is when), and its
    # state as its owner set it ("to verify" also comes on its own from checked_on, see
    # app/tariffs/governance.py).
    territory: Mapped[str] = mapped_column(String(120), default="")
    owner_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), default=None)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    state: Mapped[str] = mapped_column(String(20), default="current")
    # Bumped on every change: an edit made on an old version is refused (two editors).
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    revisions: Mapped[list[TariffRevision]] = relationship(
        back_populates="tariff", order_by="TariffRevision.id.desc()"
    )

    def __repr__(self) -> str:
        return f"<SocialTariff {self.id} {self.provider} {self.name}>"


class TariffRevision(db.Model):
    """One change to an offer: who, when, and the changed fields before and after."""

    __tablename__ = "tariff_revision"
    __table_args__ = (Index("ix_tariff_revision_tariff_at", "tariff_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tariff_id: Mapped[int] = mapped_column(ForeignKey("social_tariff.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    # Kept as text so the history stays readable if the account goes away.
    actor_label: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(20))  # create, update, import, checked
    version: Mapped[int] = mapped_column(default=1)
    before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    tariff: Mapped[SocialTariff] = relationship(back_populates="revisions")


class TariffProposal(db.Model):
    """A change proposed by someone who does not own the catalogue, or a report that the
    offer no longer exists; the owner accepts it (applied, journalled) or refuses it
    (with a reason)."""

    __tablename__ = "tariff_proposal"
    __table_args__ = (Index("ix_tariff_proposal_status", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tariff_id: Mapped[int] = mapped_column(ForeignKey("social_tariff.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # change, gone
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # field -> new value
    message: Mapped[str] = mapped_column(Text, default="")
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    proposer_label: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open, accepted, refused
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    decided_by_label: Mapped[str] = mapped_column(String(254), default="")
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    reason: Mapped[str] = mapped_column(Text, default="")

    tariff: Mapped[SocialTariff] = relationship()
