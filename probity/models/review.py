"""Model versions, stored predictions, flags, review decisions and referrals.

The flag status machine is explicit (``FLAG_TRANSITIONS``): nothing moves a flag except a
transition listed there, and only people move a flag out of ``pending``.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from probity.errors import InvalidTransition

# Re-exported for modules that import it from here; new code imports probity.labels.
from probity.labels import LABELS as LABELS  # noqa: PLC0414 (explicit re-export)
from probity.models.base import Base, str_enum, utcnow


class ModelVersion(Base):
    __tablename__ = "model_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(40))  # "tfidf-logreg" | "transformer" | "ensemble"
    path: Mapped[str] = mapped_column(String(1000))
    config: Mapped[dict[str, Any]]
    metrics: Mapped[dict[str, Any]]
    thresholds: Mapped[dict[str, Any]]
    active: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    activated_at: Mapped[datetime | None]


class Prediction(Base):
    """One per (post, model version): classifying again with the same version is a no-op."""

    __tablename__ = "predictions"
    __table_args__ = (UniqueConstraint("post_id", "model_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    model_version_id: Mapped[int] = mapped_column(ForeignKey("model_versions.id"))
    scores: Mapped[dict[str, Any]]  # label -> 0..1
    labels: Mapped[list[Any]]  # labels at the model's saved thresholds
    explanation: Mapped[dict[str, Any] | None]  # label -> [spans/words that drove it]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VersionPrediction(Base):
    """One per (post version, model version): a post's later text, classified like the first
    capture (whose prediction is a :class:`Prediction`)."""

    __tablename__ = "version_predictions"
    __table_args__ = (UniqueConstraint("post_version_id", "model_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_version_id: Mapped[int] = mapped_column(
        ForeignKey("post_versions.id", ondelete="CASCADE"), index=True
    )
    model_version_id: Mapped[int] = mapped_column(ForeignKey("model_versions.id"))
    scores: Mapped[dict[str, Any]]  # label -> 0..1
    labels: Mapped[list[Any]]  # labels at the model's saved thresholds
    explanation: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FlagStatus(str, enum.Enum):
    pending = "pending"  # awaiting a person
    claimed = "claimed"  # an analyst is reviewing it
    awaiting_second = "awaiting_second"  # two-person rule: one confirmation so far
    confirmed = "confirmed"  # a person (or two) confirmed labels: becomes part of a referral
    dismissed = "dismissed"  # a person decided there is nothing to refer


FLAG_TRANSITIONS: dict[FlagStatus, frozenset[FlagStatus]] = {
    FlagStatus.pending: frozenset(
        {FlagStatus.claimed, FlagStatus.confirmed, FlagStatus.dismissed, FlagStatus.awaiting_second}
    ),
    FlagStatus.claimed: frozenset(
        {FlagStatus.pending, FlagStatus.confirmed, FlagStatus.dismissed, FlagStatus.awaiting_second}
    ),
    FlagStatus.awaiting_second: frozenset(
        {FlagStatus.confirmed, FlagStatus.dismissed, FlagStatus.pending, FlagStatus.claimed}
    ),
    FlagStatus.confirmed: frozenset(),
    FlagStatus.dismissed: frozenset(),
}


class Flag(Base):
    """A post the classifier put in front of people. Never referred without a human decision."""

    __tablename__ = "flags"
    __table_args__ = (
        UniqueConstraint("post_id"),
        Index("ix_flags_status_force", "status", "force_id"),
        # the queue in id order within a status ("oldest first", the pending backlog)
        Index("ix_flags_status_id", "status", "id"),
        # the queue's label filter (``labels @> '["offensive"]'``) on PostgreSQL; SQLite has no
        # index for JSON containment and tests each row's labels instead (see api.services.review)
        Index(
            "ix_flags_labels",
            "labels",
            postgresql_using="gin",
            postgresql_ops={"labels": "jsonb_path_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    prediction_id: Mapped[int | None] = mapped_column(ForeignKey("predictions.id"))
    force_id: Mapped[str | None] = mapped_column(ForeignKey("forces.id"), index=True)
    labels: Mapped[list[Any]]  # what the model proposed (empty for audit and unscored flags)
    max_score: Mapped[float] = mapped_column(default=0.0)
    # calibrated risk (probability of a label at the model's stated prevalence): the queue's order
    risk: Mapped[float] = mapped_column(default=0.0, index=True)
    # why it is in the queue: "model" (labels at the thresholds), "audit" (a random unflagged
    # post: decisions on these estimate recall), "unscored" (another language: see `language`)
    reason: Mapped[str] = mapped_column(String(16), default="model")
    language: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[FlagStatus] = mapped_column(str_enum(FlagStatus), default=FlagStatus.pending)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_at: Mapped[datetime | None]
    # Raised by every state change; a request that names the version it saw is refused (409)
    # if someone else changed the flag in between.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    decisions: Mapped[list[ReviewDecision]] = relationship(
        back_populates="flag", order_by="ReviewDecision.id"
    )

    def transition(self, new: FlagStatus) -> None:
        if new not in FLAG_TRANSITIONS[self.status]:
            raise InvalidTransition(
                f"flag {self.id}: cannot move from {self.status.value} to {new.value}"
            )
        self.status = new
        self.version = (self.version or 1) + 1


class DecisionAction(str, enum.Enum):
    confirm = "confirm"  # the proposed labels are right
    change = "change"  # refer, with different labels
    dismiss = "dismiss"  # nothing to refer


class ReviewDecision(Base):
    """A person's decision on a flag. Never updated: the history is the record."""

    __tablename__ = "review_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("flags.id"), index=True)
    reviewer: Mapped[str] = mapped_column(String(80))  # API key prefix of the analyst
    action: Mapped[DecisionAction] = mapped_column(str_enum(DecisionAction))
    labels: Mapped[list[Any]]
    note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    flag: Mapped[Flag] = relationship(back_populates="decisions")


class ReferralStatus(str, enum.Enum):
    open = "open"
    acknowledged = "acknowledged"
    closed = "closed"


class ReferralOutcome(str, enum.Enum):
    no_further_action = "no_further_action"
    management_advice = "management_advice"
    written_warning = "written_warning"  # written warning / misconduct meeting
    gross_misconduct_hearing = "gross_misconduct_hearing"
    referred_to_iopc = "referred_to_iopc"
    other = "other"


class Referral(Base):
    """Confirmed instances for one account, referred to that account's force."""

    __tablename__ = "referrals"
    __table_args__ = (
        Index("ix_referrals_force_id_id", "force_id", "id"),
        # the referral lists' order (highest risk first), for a force and nationally
        Index("ix_referrals_force_id_risk", "force_id", "risk"),
        Index("ix_referrals_risk", "risk"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    force_id: Mapped[str] = mapped_column(ForeignKey("forces.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("platform_accounts.id"), index=True)
    status: Mapped[ReferralStatus] = mapped_column(
        str_enum(ReferralStatus), default=ReferralStatus.open
    )
    outcome: Mapped[ReferralOutcome | None] = mapped_column(str_enum(ReferralOutcome))
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None]
    outcome_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(
        default=1, server_default="1"
    )  # raised by every state change
    # the highest calibrated risk among its flags, kept by ``add_to_referral``: the lists' order
    risk: Mapped[float] = mapped_column(default=0.0, server_default="0")

    items: Mapped[list[ReferralItem]] = relationship(
        back_populates="referral", order_by="ReferralItem.id"
    )


class ReferralItem(Base):
    __tablename__ = "referral_items"
    __table_args__ = (UniqueConstraint("flag_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("flags.id"))
    labels: Mapped[list[Any]]  # the labels people confirmed
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    referral: Mapped[Referral] = relationship(back_populates="items")
