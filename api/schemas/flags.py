"""The review queue: flag filters, summaries, evidence and decisions."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, Field, model_validator

from api.schemas.common import Strict, Timestamp
from probity.labels import Label
from probity.models import DecisionAction, FlagStatus, Platform


class QueueStatus(str, Enum):
    open = "open"  # pending, claimed or awaiting a second analyst
    pending = "pending"
    claimed = "claimed"
    awaiting_second = "awaiting_second"
    confirmed = "confirmed"
    dismissed = "dismissed"


class QueueOrder(str, Enum):
    risk = "risk"  # highest score first
    oldest = "oldest"  # flagged longest ago first


class FlagQuery(Strict):
    status: QueueStatus = QueueStatus.open
    order: QueueOrder = Field(
        QueueOrder.risk, description="'risk': highest score first; 'oldest': oldest flag first"
    )
    force_id: str | None = Field(
        None, max_length=40, description="national callers only narrow by it"
    )
    label: Label | None = None
    min_score: float | None = Field(None, ge=0, le=1)
    max_score: float | None = Field(None, ge=0, le=1)
    platform: Platform | None = None
    since: Timestamp | None = Field(None, description="post created at or after (UTC)")
    until: Timestamp | None = Field(None, description="post created before (UTC)")
    page_size: int = Field(50, ge=1, description="capped at PROBITY_MAX_PAGE_SIZE (default 200)")
    page_token: str | None = Field(None, max_length=2048)


class DecisionIn(Strict):
    action: DecisionAction
    labels: list[Label] | None = Field(
        None, description="only with action 'change': the labels to refer"
    )
    note: str = Field("", max_length=4000)
    expected_version: int | None = Field(
        None, ge=1, le=2**31 - 1, description="the flag version you reviewed: 409 if it has changed"
    )

    @model_validator(mode="after")
    def _labels_match_action(self) -> DecisionIn:
        if self.action is DecisionAction.change and not self.labels:
            raise ValueError(
                "action 'change' needs a non-empty 'labels' list (use 'dismiss' to refer nothing)"
            )
        if self.action is not DecisionAction.change and self.labels is not None:
            raise ValueError(f"'labels' only goes with action 'change', not '{self.action.value}'")
        return self


class DecisionOut(BaseModel):
    id: int
    flag_id: int
    reviewer: str
    action: DecisionAction
    labels: list[str]
    note: str
    decided_at: datetime


class FlagSummary(BaseModel):
    id: int
    status: FlagStatus
    force_id: str | None
    labels: list[str]
    max_score: float
    platform: Platform
    post_created_at: datetime | None
    created_at: datetime
    claimed_by: str | None
    excerpt: str
    version: int = Field(description="raised by every change; send it back as expected_version")
    # why the flag is in the queue: "model", "audit" (random unflagged post: estimates recall) or
    # "unscored" (another language, see `language`); `risk` is the calibrated risk the queue is
    # ordered by
    reason: str = "model"
    risk: float = 0.0
    language: str | None = None
    # the verdict's role (officer, special, pcso, staff, volunteer): officers and staff answer to
    # different codes, so every flag says which (issue #15)
    account_role: str | None = None


class ContextItem(BaseModel):
    relation: str
    author_handle: str | None = None
    text: str = ""
    is_account_holder: bool = False


class PostVersionOut(BaseModel):
    """A later text of the post, seen on a re-crawl (the post's own text is the first capture)."""

    text: str
    sha256: str
    content_warning: str = ""
    seen_at: datetime
    edited_at: datetime | None = Field(None, description="when the platform says it was edited")
    signal: str = Field(
        "",
        description="the platform's edit signal: Mastodon edited_at, Bluesky "
        "record CID, X edit history",
    )
    labels: list[str] | None = Field(
        None,
        description="labels the classifier gave this version (its latest model to classify "
        "it); null: not classified yet",
    )


class PostEvidence(BaseModel):
    id: int
    platform: Platform
    platform_id: str
    url: str
    text: str = Field(description="the text as first captured; sha256 is of this text")
    sha256: str
    content_warning: str = Field("", description="Mastodon content warning (spoiler_text)")
    created_at: datetime | None
    captured_at: datetime
    deleted_at: datetime | None = Field(description="set when the post was deleted after capture")
    edited: bool = Field(False, description="a later capture had a different text")
    versions: list[PostVersionOut] = Field(
        default_factory=list, description="later texts, oldest first"
    )
    context: list[ContextItem]


class AccountOut(BaseModel):
    id: int
    platform: Platform
    handle: str
    display_name: str
    url: str
    force_id: str | None
    role: str | None
    role_evidence: str | None = None  # the profile's own words the role was read from


class ModelEvidence(BaseModel):
    model_version: str | None
    labels: list[str]
    scores: dict[str, Any]
    explanation: dict[str, Any] | None


class FlagDetail(FlagSummary):
    post: PostEvidence
    account: AccountOut
    model: ModelEvidence
    decisions: list[DecisionOut]
    referral_id: int | None


class DecisionResult(BaseModel):
    flag_id: int
    status: FlagStatus
    decision: DecisionOut
    referral_id: int | None
