"""Referrals as the API and UI show them: queries, the evidence bundle and the export stream.

The state changes (acknowledge, outcome) are plain functions in ``probity.referrals``."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Select, String, cast, select
from sqlalchemy.orm import Session, selectinload

from api.deps import Auditor, Principal, scope_to_force
from api.pagination import paginate
from api.schemas.flags import AccountOut
from api.schemas.referrals import (
    ExportQuery,
    ReferralDetail,
    ReferralItemOut,
    ReferralQuery,
    ReferralSummary,
)
from api.services.presenters import (
    account_out,
    decision_out,
    model_evidence_many,
    post_evidence,
)
from probity.models import (
    DecisionAction,
    Flag,
    PlatformAccount,
    Post,
    PostVersion,
    Referral,
    ReferralItem,
    ReviewDecision,
)

STREAM_CHUNK_CHARS = 64 * 1024
EXPORT_BATCH = 500  # referrals per batch: four statements each
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
    "post_deleted_at",
    "post_versions",
    "post_last_version_text",
    "post_last_version_sha256",
    "confirmed_at",
    "reviewers",
)


def referral_query(
    principal: Principal, q: ReferralQuery | ExportQuery, *, with_items: bool = True
) -> Select[Any]:
    base = (
        select(Referral).options(selectinload(Referral.items)) if with_items else select(Referral)
    )
    stmt = scope_to_force(base, Referral.force_id, principal)
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


def referral_page(
    session: Session,
    settings: Any,
    principal: Principal,
    q: ReferralQuery,
    audit: Auditor,
    **detail: Any,
) -> tuple[list[ReferralSummary], str | None]:
    """A page of referrals, audited as one read of the referrals shown.

    A fixed number of statements whatever the page size: the page (with its accounts) and its
    items' labels. Referrals, items and accounts are read as plain rows (only the columns a summary shows), not
    ORM objects: building a hundred-odd mapped objects was most of a page's Python time."""
    rows, token = paginate(
        session,
        settings,
        principal.force_id,
        "referrals",
        q,
        referral_query(principal, q, with_items=False)
        .with_only_columns(*_SUMMARY_COLUMNS)
        .join(PlatformAccount, PlatformAccount.id == Referral.account_id),
        Referral.id,
        rank=Referral.risk.expression,
    )  # highest risk first (kept on the referral by add_to_referral)
    labels = _item_labels(session, [r.id for r in rows])
    accounts: dict[int, AccountOut] = {}
    for r in rows:
        if r.account_id not in accounts:
            accounts[r.account_id] = _account_out(r)
    items = [_summary(r, accounts[r.account_id], labels.get(r.id, [])) for r in rows]
    audit.record_list("referrals.list", "referral", [r.id for r in rows], **detail)
    return items, token


# What a summary shows of the referral itself: read as plain rows, not mapped objects.
_SUMMARY_COLUMNS: tuple[Any, ...] = (
    Referral.id,
    Referral.force_id,
    Referral.status,
    Referral.outcome,
    Referral.created_at,
    Referral.acknowledged_at,
    Referral.outcome_at,
    Referral.account_id,
    Referral.version,
    PlatformAccount.platform.label("account_platform"),
    PlatformAccount.handle.label("account_handle"),
    PlatformAccount.display_name.label("account_display_name"),
    PlatformAccount.url.label("account_url"),
    PlatformAccount.force_id.label("account_force_id"),
    PlatformAccount.role.label("account_role"),
    PlatformAccount.role_evidence.label("account_role_evidence"),
)


def _account_out(row: Any) -> AccountOut:
    return AccountOut(
        id=row.account_id,
        platform=row.account_platform,
        handle=row.account_handle,
        display_name=row.account_display_name,
        url=row.account_url,
        force_id=row.account_force_id,
        role=row.account_role.value if row.account_role else None,
        role_evidence=row.account_role_evidence,
    )


def _item_labels(session: Session, referral_ids: list[int]) -> dict[int, list[list[str]]]:
    """Each referral's items' label lists, in one statement.

    Read as JSON text and decoded once per distinct list: a page holds few distinct label
    lists, and decoding each item's was a good part of the page's Python time."""
    out: dict[int, list[list[str]]] = {}
    decoded: dict[str, list[str]] = {}
    if referral_ids:
        for referral_id, text in session.execute(
            select(ReferralItem.referral_id, cast(ReferralItem.labels, String)).where(
                ReferralItem.referral_id.in_(referral_ids)
            )
        ):
            labels = decoded.get(text)
            if labels is None:
                labels = decoded[text] = json.loads(text)
            out.setdefault(referral_id, []).append(labels)
    return out


def _summary(referral: Any, account: AccountOut, labels: list[list[str]]) -> ReferralSummary:
    return ReferralSummary(
        id=referral.id,
        force_id=referral.force_id,
        status=referral.status,
        outcome=referral.outcome,
        created_at=referral.created_at,
        acknowledged_at=referral.acknowledged_at,
        outcome_at=referral.outcome_at,
        account=account,
        item_count=len(labels),
        labels=sorted({label for item in labels for label in item}),
        version=referral.version,
    )


def summary(
    session: Session, referral: Referral, account: PlatformAccount | None = None
) -> ReferralSummary:
    if account is None:
        account = session.get_one(PlatformAccount, referral.account_id)
    return _summary(referral, account_out(account), [item.labels for item in referral.items])


def detail(session: Session, referral: Referral) -> ReferralDetail:
    """The evidence bundle in a fixed number of statements, however many items it holds."""
    flag_ids = [item.flag_id for item in referral.items]
    flags = {
        f.id: f
        for f in session.scalars(
            select(Flag).where(Flag.id.in_(flag_ids)).options(selectinload(Flag.decisions))
        )
    }
    posts = {
        p.id: p
        for p in session.scalars(
            select(Post)
            .where(Post.id.in_({f.post_id for f in flags.values()}))
            .options(selectinload(Post.versions))
        )
    }
    models = model_evidence_many(session, list(flags.values()))
    items = [
        ReferralItemOut(
            flag_id=item.flag_id,
            labels=list(item.labels),
            added_at=item.added_at,
            post=post_evidence(posts[flags[item.flag_id].post_id]),
            model=models[item.flag_id],
            decisions=[decision_out(d) for d in flags[item.flag_id].decisions],
        )
        for item in referral.items
    ]
    return ReferralDetail(
        **summary(session, referral).model_dump(), outcome_note=referral.outcome_note, items=items
    )


def export_rows(session: Session, stmt: Select[Any]) -> Iterator[dict[str, Any]]:
    """One row per referred post, in referral id order, read in batches (keyset).

    Each batch of referrals costs four statements: the referrals' ids, every item with its
    referral, flag, post and account in one join (the columns the export shows, nothing else),
    and the reviewers of those flags."""
    after = 0
    referral_ids = stmt.with_only_columns(Referral.id).order_by(Referral.id)
    while True:
        batch = list(session.scalars(referral_ids.where(Referral.id > after).limit(EXPORT_BATCH)))
        if not batch:
            return
        rows = session.execute(
            select(*EXPORT_SELECT)
            .join(ReferralItem, ReferralItem.referral_id == Referral.id)
            .join(Flag, Flag.id == ReferralItem.flag_id)
            .join(Post, Post.id == Flag.post_id)
            .join(PlatformAccount, PlatformAccount.id == Referral.account_id)
            .where(Referral.id.in_(batch))
            .order_by(Referral.id, ReferralItem.id)
        ).all()
        reviewers = reviewers_by_flag(session, [row.flag_id for row in rows])
        versions = versions_by_post(session, [row.post_id for row in rows])
        for row in rows:
            yield _export_row(
                row._mapping, reviewers.get(row.flag_id, []), versions.get(row.post_id, [])
            )
        after = batch[-1]


EXPORT_SELECT = (
    Referral.id.label("referral_id"),
    Referral.force_id,
    Referral.status,
    Referral.outcome,
    Referral.created_at,
    PlatformAccount.platform.label("account_platform"),
    PlatformAccount.handle,
    PlatformAccount.display_name,
    PlatformAccount.url.label("account_url"),
    PlatformAccount.role.label("account_role"),
    Flag.id.label("flag_id"),
    ReferralItem.labels,
    ReferralItem.added_at,
    Post.url.label("post_url"),
    Post.platform_id.label("post_platform_id"),
    Post.text,
    Post.text_sha256,
    Post.created_at.label("post_created_at"),
    Post.captured_at,
    Post.id.label("post_id"),
    Post.deleted_at.label("post_deleted_at"),
)


def reviewers_by_flag(session: Session, flag_ids: list[int]) -> dict[int, list[str]]:
    """Who confirmed or changed each flag, in decision order (dismissals are not referrals)."""
    out: dict[int, list[str]] = {}
    if not flag_ids:
        return out
    for flag_id, reviewer in session.execute(
        select(ReviewDecision.flag_id, ReviewDecision.reviewer)
        .where(
            ReviewDecision.flag_id.in_(flag_ids),
            ReviewDecision.action != DecisionAction.dismiss,
        )
        .order_by(ReviewDecision.id)
    ):
        out.setdefault(flag_id, []).append(reviewer)
    return out


def versions_by_post(session: Session, post_ids: list[int]) -> dict[int, list[PostVersion]]:
    """The later texts of each post seen on re-crawls, oldest first (one statement)."""
    out: dict[int, list[PostVersion]] = {}
    if not post_ids:
        return out
    for version in session.scalars(
        select(PostVersion).where(PostVersion.post_id.in_(post_ids)).order_by(PostVersion.id)
    ):
        out.setdefault(version.post_id, []).append(version)
    return out


def _export_row(row: Any, reviewers: list[str], versions: list[PostVersion]) -> dict[str, Any]:
    created = row["post_created_at"]
    deleted = row["post_deleted_at"]
    return {
        "referral_id": row["referral_id"],
        "force_id": row["force_id"],
        "referral_status": row["status"].value,
        "outcome": row["outcome"].value if row["outcome"] else "",
        "referral_created_at": row["created_at"].isoformat(),
        "account_platform": row["account_platform"].value,
        "account_handle": row["handle"],
        "account_display_name": row["display_name"],
        "account_url": row["account_url"],
        "account_role": row["account_role"].value if row["account_role"] else "",
        "flag_id": row["flag_id"],
        "labels": ";".join(row["labels"]),
        "post_url": row["post_url"],
        "post_platform_id": row["post_platform_id"],
        "post_text": row["text"],
        "post_sha256": row["text_sha256"],
        "post_created_at": created.isoformat() if created else "",
        "post_captured_at": row["captured_at"].isoformat(),
        # after capture: the author's later texts (the text above stays the first capture)
        # and whether the post was then deleted
        "post_deleted_at": deleted.isoformat() if deleted else "",
        "post_versions": len(versions),
        "post_last_version_text": versions[-1].text if versions else "",
        "post_last_version_sha256": versions[-1].text_sha256 if versions else "",
        "confirmed_at": row["added_at"].isoformat(),
        "reviewers": ";".join(reviewers),
    }


def stream(rows: Iterator[dict[str, Any]], fmt: str) -> Iterator[str]:
    if fmt == "jsonl":
        lines: list[str] = []
        size = 0
        for row in rows:
            lines.append(json.dumps(row, ensure_ascii=False) + "\n")
            size += len(lines[-1])
            if size >= STREAM_CHUNK_CHARS:
                yield "".join(lines)
                lines, size = [], 0
        yield "".join(lines)
        return
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_safe(v) for k, v in row.items()})
        # chunks of ~64 KiB, not a row each: every chunk is one hop from the server's thread pool
        # to its event loop, and at a row a chunk those hops cost more than the rows themselves
        if buffer.tell() >= STREAM_CHUNK_CHARS:
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
