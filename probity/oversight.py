"""Proportionate looking (issue #15): each analyst's and admin's openings of personal records
are counted per UTC day; the opening that exceeds the daily budget raises one alert event.

A read's event is staged without a lock (``probity.audit_queue``); the chainer counts the staged
openings when it chains them (``bump_views``, once per actor and day in a batch, under the
chain's lock), so a read does no write of its own. A read whose transaction also changed
something appends its event directly and is counted there (``count_view``). The count is one
atomic ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` on both engines, so of any number of
concurrent counts exactly one crosses ``budget`` and raises the alert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from probity import audit
from probity.models import DailyViews

# Audit actions that open one person's records: a flag, a referral, an account's post history,
# a referral export. Lists (queue pages) are not counted; what an analyst opens from them is.
VIEW_ACTIONS: frozenset[str] = frozenset(
    {"flags.read", "referrals.read", "accounts.history", "referrals.export"}
)
COUNTED_ROLES: frozenset[str] = frozenset({"admin", "analyst"})
ALERT_ACTION = "alerts.view_budget"


@dataclass(frozen=True)
class ViewCount:
    views: int
    budget: int

    @property
    def alert(self) -> bool:
        """True for exactly the view that first exceeds the budget."""
        return self.views == self.budget + 1


def bump_views(
    session: Session,
    *,
    actor: str,
    role: str,
    force_id: str | None,
    day: date,
    n: int,
    budget: int,
    now: datetime,
) -> tuple[ViewCount, dict[str, Any] | None]:
    """Add ``n`` openings to ``actor``'s count for ``day``. Returns the new count and, when these
    openings cross the budget, the alert event's fields (the caller appends it to the chain)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    table: Any = DailyViews.__table__
    stmt: Any = insert(table).values(
        actor=actor, role=role, force_id=force_id, day=day, views=n, budget=budget
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["actor", "day"],
        set_={"views": table.c.views + n, "budget": budget},
    ).returning(table.c.views)
    views = int(session.execute(stmt).scalar_one())
    if not views - n <= budget < views:
        return ViewCount(views, budget), None
    session.execute(
        update(table).where(table.c.actor == actor, table.c.day == day).values(alerted_at=now)
    )
    alert = {
        "actor": "system:view-budget",
        "role": "system",
        "force_id": force_id,
        "action": ALERT_ACTION,
        "object_type": "api_key",
        "object_id": actor,
        "purpose": "proportionate looking: an analyst exceeded the daily view budget",
        # the opening that crossed the budget is the (budget + 1)th
        "detail": {"day": day.isoformat(), "views": budget + 1, "budget": budget, "role": role},
    }
    return ViewCount(views, budget), alert


def count_view(
    session: Session,
    *,
    actor: str,
    role: str,
    force_id: str | None,
    budget: int,
    now: datetime,
) -> ViewCount:
    """Count one opening for ``actor`` today, in ``session``'s transaction; on the first one over
    ``budget`` append the alert event. Returns the day's count."""
    counted, alert = bump_views(
        session,
        actor=actor,
        role=role,
        force_id=force_id,
        day=now.date(),
        n=1,
        budget=budget,
        now=now,
    )
    if alert is not None:
        audit.record(session, **alert)
    return counted
