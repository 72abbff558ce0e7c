"""Proportionate looking: how many people's records each analyst opened per day (issue #15).

One row per analyst key and UTC day. The count is raised by an atomic upsert in the transaction
of the read it counts, so concurrent reads never lose a view and exactly one of them crosses the
budget; ``alerted_at`` marks the day an alert was raised for an admin.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from probity.models.base import Base


class DailyViews(Base):
    __tablename__ = "daily_views"
    __table_args__ = (UniqueConstraint("actor", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor: Mapped[str] = mapped_column(String(80))  # API key prefix, as in audit events
    role: Mapped[str] = mapped_column(String(40))
    force_id: Mapped[str | None] = mapped_column(String(40))
    day: Mapped[date] = mapped_column(Date)  # UTC
    views: Mapped[int] = mapped_column(default=0)
    budget: Mapped[int] = mapped_column(default=0)  # the budget in force when last counted
    alerted_at: Mapped[datetime | None]  # when the day's count first exceeded the budget
