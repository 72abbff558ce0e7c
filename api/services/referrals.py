"""Referrals as the API and UI show them: queries, the evidence bundle and the export stream.

The state changes (acknowledge, outcome) are plain functions in ``probity.referrals``."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session, selectinload

from api.deps import Auditor, Principal, scope_to_force
from api.pagination import paginate
from api.schemas.referrals import (
    ExportQuery,
    ReferralDetail,
    ReferralItemOut,
    ReferralQuery,
    ReferralSummary,
)
from api.services.presenters import account_out, decision_out, model_evidence, post_evidence
from probity.models import (
    Flag,
    PlatformAccount,
    Post,
    Referral,
    ReferralItem,
)

EXPORT_BATCH = 200
EXPORT_COLUMNS = (
    "referral_id",
    "force_id",
    "referral_status",
    "outcome",
    "referral_created_at",
    "account_platform",
    "account_handle",
    "account_display_name",
    "account_url",
    "account_role",
    "flag_id",
    "labels",
    "post_url",
    "post_platform_id",
    "post_text",
    "post_sha256",
    "post_created_at",
    "post_captured_at",
    "confirmed_at",
    "reviewers",
)


def referral_query(principal: Principal, q: ReferralQuery | ExportQuery) -> Select[Any]:
    stmt = scope_to_force(
        select(Referral).options(selectinload(Referral.items)), Referral.force_id, principal
    )
    if q.status is not None:
        stmt = stmt.where(Referral.status == q.status)
    if q.outcome is not None:
        stmt = stmt.where(Referral.outcome == q.outcome)
    if q.force_id is not None:
        stmt = stmt.where(Referral.force_id == q.force_id)
    if q.since is not None:
        stmt = stmt.where(Referral.created_at >= q.since)
    if q.until is not None:
        stmt = stmt.where(Referral.created_at < q.until)
    return stmt


def referral_risk() -> ColumnElement[float]:
    """A referral's rank: the highest calibrated risk among its flags."""
    return func.coalesce(
        select(func.max(Flag.risk))
        .join(ReferralItem, ReferralItem.flag_id == Flag.id)
        .where(ReferralItem.referral_id == Referral.id)
        .scalar_subquery(),
        0.0,
    )


def referral_page(
    session: Session,
    settings: Any,
    principal: Principal,
    q: ReferralQuery,
    audit: Auditor,
    **detail: Any,
) -> tuple[list[ReferralSummary], str | None]:
    """A page of referrals, audited as one read of the referrals shown."""
    rows, token = paginate(
        session,
        settings,
        principal.force_id,
        "referrals",
        q,
        referral_query(principal, q),
        Referral.id,
        rank=referral_risk(),
    )  # highest risk first
    # two queries for the whole page instead of two per referral
    session.scalars(
        select(PlatformAccount).where(PlatformAccount.id.in_({r.account_id for r in rows}))
    ).all()
    items = [summary(session, r) for r in rows]
    # appended last: on PostgreSQL the chain's lock is held from here until the commit
    audit.record_list("referrals.list", "referral", [r.id for r in rows], **detail)
    return items, token


def summary(session: Session, referral: Referral) -> ReferralSummary:
    account = session.get_one(PlatformAccount, referral.account_id)
    labels = sorted({label for item in referral.items for label in item.labels})
    return ReferralSummary(
        id=referral.id,
        force_id=referral.force_id,
        status=referral.status,
        outcome=referral.outcome,
        created_at=referral.created_at,
        acknowledged_at=referral.acknowledged_at,
        outcome_at=referral.outcome_at,
        account=account_out(account),
        item_count=len(referral.items),
        labels=labels,
        version=referral.version,
    )


def detail(session: Session, referral: Referral) -> ReferralDetail:
    items = []
    for item in referral.items:
        flag = session.get_one(Flag, item.flag_id)
        post = session.get_one(Post, flag.post_id)
        items.append(
            ReferralItemOut(
                flag_id=flag.id,
                labels=list(item.labels),
                added_at=item.added_at,
                post=post_evidence(post),
                model=model_evidence(session, flag),
                decisions=[decision_out(d) for d in flag.decisions],
            )
        )
    return ReferralDetail(
        **summary(session, referral).model_dump(), outcome_note=referral.outcome_note, items=items
    )


def export_rows(session: Session, stmt: Select[Any]) -> Iterator[dict[str, Any]]:
    """One row per referred post, in referral id order, read in batches (keyset)."""
    after = 0
    while True:
        batch = list(
            session.scalars(
                stmt.where(Referral.id > after).order_by(Referral.id).limit(EXPORT_BATCH)
            )
        )
        if not batch:
            return
        for referral in batch:
            account = session.get(PlatformAccount, referral.account_id)
            for item in referral.items:
                yield _export_row(session, referral, account, item)
        after = batch[-1].id
        session.expunge_all()  # keep memory flat on large exports


def _export_row(
    session: Session, referral: Referral, account: Any, item: ReferralItem
) -> dict[str, Any]:
    flag = session.get_one(Flag, item.flag_id)
    post = session.get_one(Post, flag.post_id)
    deciders = [d for d in flag.decisions if d.action.value != "dismiss"]
    return {
        "referral_id": referral.id,
        "force_id": referral.force_id,
        "referral_status": referral.status.value,
        "outcome": referral.outcome.value if referral.outcome else "",
        "referral_created_at": referral.created_at.isoformat(),
        "account_platform": account.platform.value,
        "account_handle": account.handle,
        "account_display_name": account.display_name,
        "account_url": account.url,
        "account_role": account.role.value if account.role else "",
        "flag_id": flag.id,
        "labels": ";".join(item.labels),
        "post_url": post.url,
        "post_platform_id": post.platform_id,
        "post_text": post.text,
        "post_sha256": post.text_sha256,
        "post_created_at": post.created_at.isoformat() if post.created_at else "",
        "post_captured_at": post.captured_at.isoformat(),
        "confirmed_at": item.added_at.isoformat(),
        "reviewers": ";".join(d.reviewer for d in deciders),
    }


def stream(rows: Iterator[dict[str, Any]], fmt: str) -> Iterator[str]:
    if fmt == "jsonl":
        for row in rows:
            yield json.dumps(row, ensure_ascii=False) + "\n"
        return
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_safe(v) for k, v in row.items()})
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _csv_safe(value: Any) -> Any:
    # Spreadsheet formula injection: post text is attacker-controlled.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def streamed(
    session_factory: Callable[[], Session], build: Callable[[Session], Iterator[str]]
) -> Iterator[str]:
    """Run ``build`` in a session of its own that lives exactly as long as the stream."""
    with session_factory() as session:
        yield from build(session)
