"""Proportionate looking: an account's full post history (asked for with a justification) and
the admins' list of daily view-budget alerts."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from api.schemas.flags import AccountOut


class HistoryPost(BaseModel):
    id: int
    url: str
    created_at: datetime | None
    captured_at: datetime
    text: str
    deleted_at: datetime | None
    flag_id: int | None = Field(None, description="the post's flag, if it raised one")
    labels: list[str] = Field(default_factory=list, description="the flag's labels, if any")


class AccountHistory(BaseModel):
    account: AccountOut
    posts: list[HistoryPost] = Field(description="newest first")
    total: int = Field(description="posts held for the account")
    truncated: bool = Field(description="more posts are held than were returned")
    justification: str


class ViewAlertOut(BaseModel):
    actor: str = Field(description="the API key prefix of the analyst or admin")
    role: str
    force_id: str | None
    day: date
    views: int = Field(description="records opened that day so far")
    budget: int
    alerted_at: datetime
