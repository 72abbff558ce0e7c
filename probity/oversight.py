"""Proportionate looking (issue #15): each analyst's and admin's openings of personal records
are counted per UTC day; the opening that exceeds the daily budget raises one alert event.

``count_view`` runs in the transaction of the read it counts, right after that read's audit
event (which holds the audit chain's lock until the commit). The count is one atomic
``INSERT … ON CONFLICT DO UPDATE … RETURNING`` on both engines, so of any number of
concurrent readings exactly one sees ``budget + 1`` and raises the alert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
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


def count_view(
    session: Session,
    *,
    actor: str,
    role: str,
    force_id: str | None,
    budget: int,
    now: datetime,
) -> ViewCount:
    """Count one opening for ``actor`` today; on the first one over ``budget`` append the alert
    event. Returns the day's count."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    table: Any = DailyViews.__table__
    stmt: Any = insert(table).values(
        actor=actor, role=role, force_id=force_id, day=now.date(), views=1, budget=budget
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["actor", "day"],
        set_={"views": table.c.views + 1, "budget": budget},
    ).returning(table.c.views)
    views = int(session.execute(stmt).scalar_one())
    counted = ViewCount(views, budget)
    if counted.alert:
        session.execute(
            update(table)
            .where(table.c.actor == actor, table.c.day == now.date())
            .values(alerted_at=now)
        )
        audit.record(
            session,
            actor="system:view-budget",
            role="system",
            force_id=force_id,
            action=ALERT_ACTION,
            object_type="api_key",
            object_id=actor,
            purpose="proportionate looking: an analyst exceeded the daily view budget",
            detail={"day": now.date().isoformat(), "views": views, "budget": budget, "role": role},
        )
    return counted
