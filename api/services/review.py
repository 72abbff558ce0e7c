"""The review queue as the API and UI show it: filters, force scope and the audited page, and
the decision as both surfaces record it.

The state changes (claim, release, decide) are plain functions in ``probity.review``.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Boolean, ColumnElement, Select, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from api.deps import Auditor, Principal, scope_to_force
from api.pagination import paginate
from api.schemas.flags import (
    DecisionIn,
    DecisionResult,
    FlagQuery,
    FlagSummary,
    QueueOrder,
    QueueStatus,
)
from api.services import presenters
from api.services.presenters import excerpt_of
from probity import review as domain
from probity.models import Flag, FlagStatus, PlatformAccount, Post, ReviewDecision, utcnow
from probity.review import OPEN_STATUSES
from probity.settings import Settings

# The queue's default order, highest first: the classifier's calibrated risk.
RISK_COLUMN: ColumnElement[float] = Flag.risk.expression


class has_label(FunctionElement[bool]):
    """``has_label(json_list_column, "offensive")``: the list holds the label.

    PostgreSQL: ``labels @> '["offensive"]'``, which the GIN index ``ix_flags_labels`` serves.
    SQLite: an ``EXISTS`` over ``json_each`` (SQLite cannot index JSON containment; the queue's
    other filters and its order narrow the rows first)."""

    type = Boolean()
    name = "has_label"
    inherit_cache = True

    def __init__(self, column: ColumnElement[Any] | QueryableAttribute[Any], label: str):
        super().__init__(column, literal(json.dumps([label])))


@compiles(has_label, "postgresql")
def _has_label_postgresql(element: has_label, compiler: SQLCompiler, **kw: Any) -> str:
    column, wanted = list(element.clauses)
    return f"({compiler.process(column, **kw)} @> CAST({compiler.process(wanted, **kw)} AS JSONB))"


@compiles(has_label)
def _has_label_sqlite(element: has_label, compiler: SQLCompiler, **kw: Any) -> str:
    column, wanted = list(element.clauses)
    return (
        f"EXISTS (SELECT 1 FROM json_each({compiler.process(column, **kw)}) AS has_label "
        f"WHERE has_label.value = json_extract({compiler.process(wanted, **kw)}, '$[0]'))"
    )


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
        stmt = stmt.where(has_label(Flag.labels, q.label))
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


# What a queue row shows: the flag's, its post's and its account's columns.
_SUMMARY_COLUMNS: tuple[Any, ...] = (
    Flag.id,
    Flag.status,
    Flag.force_id,
    Flag.labels,
    Flag.max_score,
    Flag.created_at,
    Flag.claimed_by,
    Flag.reason,
    Flag.risk,
    Flag.language,
    Flag.version,
    Post.platform,
    Post.created_at.label("post_created_at"),
    Post.text,
    PlatformAccount.role.label("account_role"),
)


def _flag_summary(row: Any) -> FlagSummary:
    """``presenters.flag_summary`` for a row of ``_SUMMARY_COLUMNS``."""
    excerpt = excerpt_of(row.text)
    return FlagSummary(
        id=row.id,
        status=row.status,
        force_id=row.force_id,
        labels=list(row.labels),
        max_score=row.max_score,
        platform=row.platform,
        post_created_at=row.post_created_at,
        created_at=row.created_at,
        claimed_by=row.claimed_by,
        excerpt=excerpt,
        reason=row.reason,
        risk=row.risk,
        language=row.language,
        version=row.version,
        account_role=row.account_role.value if row.account_role else None,
    )


def queue_page(
    session: Session,
    settings: Any,
    principal: Principal,
    q: FlagQuery,
    audit: Auditor,
    **detail: Any,
) -> tuple[list[FlagSummary], str | None]:
    """A page of the queue, audited as one read of the flags shown.

    One statement reads the page with its posts and accounts as plain rows (only the columns a
    summary shows), not mapped objects: building those was most of a page's Python time."""
    rank = None if q.order is QueueOrder.oldest else RISK_COLUMN  # oldest: ascending id
    flags, token = paginate(
        session,
        settings,
        principal.force_id,
        "flags",
        q,
        queue_query(principal, q)
        .with_only_columns(*_SUMMARY_COLUMNS)
        .join(PlatformAccount, PlatformAccount.id == Post.account_id),
        Flag.id,
        rank=rank,
    )
    items = [_flag_summary(f) for f in flags]
    # appended last: on PostgreSQL the chain's lock is held from here until the commit
    audit.record_list("flags.list", "flag", [f.id for f in flags], **detail)
    return items, token


def decide(
    session: Session,
    settings: Settings,
    principal: Principal,
    audit: Auditor,
    flag_id: int,
    body: DecisionIn,
    **detail: Any,
) -> DecisionResult:
    """The caller's decision on one flag, for the API and the web UI alike: recorded under the
    two-person rule if it is on, audited and committed (409 from the domain if the flag has moved
    on)."""
    event = domain.decide(
        session,
        flag_id,
        principal.actor,
        body.action,
        now=utcnow(),
        labels=body.labels,
        note=body.note,
        two_person_rule=settings.two_person_rule,
        expected_version=body.expected_version,
    )
    decision = session.get(ReviewDecision, event.decision_id)
    assert decision is not None  # flushed by decide
    out = DecisionResult(
        flag_id=event.flag_id,
        status=event.status,
        decision=presenters.decision_out(decision),
        referral_id=event.referral_id,
    )
    audit.record_event(event, **detail)
    session.commit()
    return out
