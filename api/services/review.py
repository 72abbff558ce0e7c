"""The review queue as the API and UI show it: filters, force scope and the audited page.

The state changes (claim, release, decide) are plain functions in ``probity.review``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, String, cast, select
from sqlalchemy.orm import Session, selectinload

from api.deps import Auditor, Principal, scope_to_force
from api.pagination import paginate
from api.schemas.flags import FlagQuery, FlagSummary, QueueOrder, QueueStatus
from api.services import presenters
from probity.models import Flag, FlagStatus, Post
from probity.review import OPEN_STATUSES

# The queue's default order, highest first: the classifier's calibrated risk.
RISK_COLUMN: ColumnElement[float] = Flag.risk.expression


def queue_query(principal: Principal, q: FlagQuery) -> Select[Any]:
    stmt = select(Flag).join(Post, Post.id == Flag.post_id)
    stmt = scope_to_force(stmt, Flag.force_id, principal)
    if q.status is QueueStatus.open:
        stmt = stmt.where(Flag.status.in_(OPEN_STATUSES))
    else:
        stmt = stmt.where(Flag.status == FlagStatus(q.status.value))
    if q.force_id is not None:
        stmt = stmt.where(Flag.force_id == q.force_id)
    if q.label is not None:
        # labels come from a closed vocabulary, so matching the quoted name in the JSON text is exact
        stmt = stmt.where(cast(Flag.labels, String).contains(f'"{q.label}"'))
    if q.min_score is not None:
        stmt = stmt.where(Flag.max_score >= q.min_score)
    if q.max_score is not None:
        stmt = stmt.where(Flag.max_score <= q.max_score)
    if q.platform is not None:
        stmt = stmt.where(Post.platform == q.platform)
    if q.since is not None:
        stmt = stmt.where(Post.created_at >= q.since)
    if q.until is not None:
        stmt = stmt.where(Post.created_at < q.until)
    return stmt


def queue_page(
    session: Session,
    settings: Any,
    principal: Principal,
    q: FlagQuery,
    audit: Auditor,
    **detail: Any,
) -> tuple[list[FlagSummary], str | None]:
    """A page of the queue, audited as one read of the flags shown."""
    rank = None if q.order is QueueOrder.oldest else RISK_COLUMN  # oldest: ascending id
    flags, token = paginate(
        session,
        settings,
        principal.force_id,
        "flags",
        q,
        queue_query(principal, q),
        Flag.id,
        rank=rank,
    )
    posts = {
        p.id: p
        for p in session.scalars(
            select(Post)
            .where(Post.id.in_({f.post_id for f in flags}))
            .options(selectinload(Post.account))  # each row shows the account's role
        )
    }
    items = [presenters.flag_summary(f, posts[f.post_id]) for f in flags]
    # appended last: on PostgreSQL the chain's lock is held from here until the commit
    audit.record_list("flags.list", "flag", [f.id for f in flags], **detail)
    return items, token
