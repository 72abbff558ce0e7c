"""Referrals to forces: filters, lists, evidence and outcomes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.common import Strict, Timestamp
from api.schemas.flags import AccountOut, DecisionOut, ModelEvidence, PostEvidence
from probity.models import ReferralOutcome, ReferralStatus


class ReferralQuery(Strict):
    status: ReferralStatus | None = None
    outcome: ReferralOutcome | None = None
    force_id: str | None = Field(
        None, max_length=40, description="national callers only narrow by it"
    )
    since: Timestamp | None = Field(None, description="referral created at or after (UTC)")
    until: Timestamp | None = Field(None, description="referral created before (UTC)")
    page_size: int = Field(50, ge=1, description="capped at PROBITY_MAX_PAGE_SIZE (default 200)")
    page_token: str | None = Field(None, max_length=2048)


class ExportQuery(Strict):
    format: Literal["csv", "jsonl"] = "jsonl"
    status: ReferralStatus | None = None
    outcome: ReferralOutcome | None = None
    force_id: str | None = Field(None, max_length=40)
    since: Timestamp | None = None
    until: Timestamp | None = None


class ReferralSummary(BaseModel):
    id: int
    force_id: str
    status: ReferralStatus
    outcome: ReferralOutcome | None
    created_at: datetime
    acknowledged_at: datetime | None
    outcome_at: datetime | None
    account: AccountOut
    item_count: int
    labels: list[str]
    version: int


class ReferralItemOut(BaseModel):
    flag_id: int
    labels: list[str]
    added_at: datetime
    post: PostEvidence
    model: ModelEvidence
    decisions: list[DecisionOut]


class ReferralDetail(ReferralSummary):
    outcome_note: str
    items: list[ReferralItemOut]


class OutcomeIn(Strict):
    outcome: ReferralOutcome
    note: str = Field("", max_length=4000)
    expected_version: int | None = Field(
        None,
        ge=1,
        le=2**31 - 1,
        description="the referral version you saw: 409 if it has changed; needed to correct a recorded outcome",
    )
