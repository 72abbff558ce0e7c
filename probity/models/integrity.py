"""Integrity registers and investigations, as HMIC collected them from each force.

Each row has a natural key (force + the force's own reference) so that re-importing the same
register file changes nothing.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from probity.models.base import Base, str_enum, utcnow

Money = Numeric(14, 2)


class OfferorType(str, enum.Enum):
    contractor = "contractor"
    prospective_supplier = "prospective_supplier"
    media = "media"
    public = "public"
    business = "business"
    partner_agency = "partner_agency"


class GiftKind(str, enum.Enum):
    gratuity = "gratuity"
    hospitality = "hospitality"


class GiftHospitality(Base):
    __tablename__ = "gifts_hospitality"
    __table_args__ = (
        UniqueConstraint("force_id", "entry_ref"),
        CheckConstraint("value >= 0", name="value_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    force_id: Mapped[str] = mapped_column(ForeignKey("forces.id"), index=True)
    entry_ref: Mapped[str] = mapped_column(String(80))
    entry_date: Mapped[date]
    recipient_role: Mapped[str] = mapped_column(String(120))
    recipient_rank: Mapped[str] = mapped_column(String(120), default="")
    chief_officer: Mapped[bool] = mapped_column(default=False)
    offeror: Mapped[str] = mapped_column(String(300))
    offeror_type: Mapped[OfferorType] = mapped_column(str_enum(OfferorType))
    kind: Mapped[GiftKind] = mapped_column(str_enum(GiftKind))
    description: Mapped[str] = mapped_column(Text, default="")
    value: Mapped[Decimal] = mapped_column(Money)
    accepted: Mapped[bool]
    reason: Mapped[str] = mapped_column(Text, default="")
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class InterestCategory(str, enum.Enum):
    driver = "driver"
    driving_instructor = "driving_instructor"
    police_related_training = "police_related_training"
    bar_work = "bar_work"
    private_investigation = "private_investigation"
    media_consultancy = "media_consultancy"
    other = "other"


class InterestStatus(str, enum.Enum):
    approved = "approved"
    approved_with_conditions = "approved_with_conditions"
    refused = "refused"
    withdrawn = "withdrawn"
    pending = "pending"


class BusinessInterest(Base):
    __tablename__ = "business_interests"
    __table_args__ = (UniqueConstraint("force_id", "entry_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    force_id: Mapped[str] = mapped_column(ForeignKey("forces.id"), index=True)
    entry_ref: Mapped[str] = mapped_column(String(80))
    applied_on: Mapped[date]
    applicant_role: Mapped[str] = mapped_column(String(120))
    category: Mapped[InterestCategory] = mapped_column(str_enum(InterestCategory))
    business_name: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[InterestStatus] = mapped_column(str_enum(InterestStatus))
    conditions: Mapped[str] = mapped_column(Text, default="")
    decided_on: Mapped[date | None]
    next_review_on: Mapped[date | None]
    pdr_reviewed: Mapped[bool] = mapped_column(default=False)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class Contract(Base):
    """A contract awarded by a force to a supplier (procurement register)."""

    __tablename__ = "contracts"
    __table_args__ = (
        UniqueConstraint("force_id", "contract_ref"),
        CheckConstraint("value >= 0", name="value_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    force_id: Mapped[str] = mapped_column(ForeignKey("forces.id"), index=True)
    contract_ref: Mapped[str] = mapped_column(String(80))
    supplier: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    value: Mapped[Decimal] = mapped_column(Money)
    awarded_on: Mapped[date]
    route: Mapped[str] = mapped_column(String(80))  # open tender, framework, direct award, …
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class InvestigationType(str, enum.Enum):
    information_disclosure = "information_disclosure"
    media_relationship = "media_relationship"
    gratuities_hospitality = "gratuities_hospitality"
    secondary_employment = "secondary_employment"
    social_media = "social_media"
    procurement = "procurement"
    other = "other"


class DisclosureRecipient(str, enum.Enum):
    criminals = "criminals"
    friends_family = "friends_family"
    personal_use = "personal_use"
    media = "media"
    other = "other"


class MediaScope(str, enum.Enum):
    local = "local"
    national = "national"


class InvestigationStatus(str, enum.Enum):
    continuing = "continuing"
    referred_external = "referred_external"
    no_further_action = "no_further_action"
    management_action = "management_action"  # management advice or warning
    left_dismissed = "left_dismissed"
    left_resigned = "left_resigned"
    left_retired = "left_retired"


class Investigation(Base):
    __tablename__ = "investigations"
    __table_args__ = (UniqueConstraint("force_id", "case_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    force_id: Mapped[str] = mapped_column(ForeignKey("forces.id"), index=True)
    case_ref: Mapped[str] = mapped_column(String(80))
    type: Mapped[InvestigationType] = mapped_column(str_enum(InvestigationType))
    recipient: Mapped[DisclosureRecipient | None] = mapped_column(str_enum(DisclosureRecipient))
    media_scope: Mapped[MediaScope | None] = mapped_column(str_enum(MediaScope))
    status: Mapped[InvestigationStatus] = mapped_column(str_enum(InvestigationStatus))
    suspended: Mapped[bool] = mapped_column(default=False)
    opened_on: Mapped[date]
    closed_on: Mapped[date | None]
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
