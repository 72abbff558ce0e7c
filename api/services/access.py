"""Proportionate looking (issue #15): justifications for broad looks, an account's full post
history, and the list of view-budget alerts.

Opening a flag is the work and needs no reason. Opening everything one person posted, or
exporting more than one force's referrals at once, needs a written justification: it is stored
in the audit event's ``purpose`` (and ``detail.justification``) of that very request.
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.deps import Auditor, Principal, get_in_scope
from api.schemas.access import AccountHistory, HistoryPost, ViewAlertOut
from api.services.presenters import account_out
from probity.models import DailyViews, Flag, PlatformAccount, Post
from probity.settings import Settings

JUSTIFICATION_HEADER = "X-Probity-Justification"
HISTORY_LIMIT = 1000
ALERT_LIST_LIMIT = 500


def require_justification(value: str | None, settings: Settings, what: str) -> str:
    """The caller's justification, trimmed, or 428 saying exactly what is missing and how to
    send it."""
    text = " ".join((value or "").split())[:500]
    if len(text) < settings.justification_min_chars:
        raise HTTPException(
            428,
            detail=f"{what} needs a justification of at least "
            f"{settings.justification_min_chars} characters (why this is necessary and "
            f"proportionate): send it in the {JUSTIFICATION_HEADER} header "
            "(in the web UI, the form's justification field); it is kept in the audit log",
        )
    return text


def needs_export_justification(principal: Principal, force_id: str | None) -> bool:
    """A referral export spans more than one force: a national caller who names no force."""
    return principal.national and force_id is None


def open_account_history(
    session: Session,
    settings: Settings,
    audit: Auditor,
    principal: Principal,
    account_id: int,
    justification: str | None,
    **detail: Any,
) -> AccountHistory:
    """One account's full post history for the API and the web UI alike: the account must be in
    the caller's scope (404 before anything else), the justification long enough (428), and the
    look is audited with the justification as its purpose and committed."""
    account = get_in_scope(session, PlatformAccount, account_id, principal)
    reason = require_justification(
        justification, settings, "opening an account's full post history"
    )
    out = _account_history(session, account, reason)
    audit.record(
        "accounts.history",
        object_type="account",
        object_id=account.id,
        purpose=reason,
        detail={"justification": reason, "posts": len(out.posts), **detail},
    )
    session.commit()
    return out


def _account_history(
    session: Session, account: PlatformAccount, justification: str
) -> AccountHistory:
    total = session.scalar(select(func.count()).where(Post.account_id == account.id)) or 0
    rows = session.execute(
        select(Post, Flag.id, Flag.labels)
        .outerjoin(Flag, Flag.post_id == Post.id)
        .where(Post.account_id == account.id)
        .order_by(Post.created_at.desc().nulls_last(), Post.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    posts = [
        HistoryPost(
            id=post.id,
            url=post.url,
            created_at=post.created_at,
            captured_at=post.captured_at,
            text=post.text,
            deleted_at=post.deleted_at,
            flag_id=flag_id,
            labels=list(labels or []),
        )
        for post, flag_id, labels in rows
    ]
    return AccountHistory(
        account=account_out(account),
        posts=posts,
        total=int(total),
        truncated=int(total) > len(posts),
        justification=justification,
    )


def view_alerts(session: Session) -> list[ViewAlertOut]:
    """Every day an analyst or admin exceeded the view budget, newest first."""
    rows = session.scalars(
        select(DailyViews)
        .where(DailyViews.alerted_at.is_not(None))
        .order_by(DailyViews.day.desc(), DailyViews.id.desc())
        .limit(ALERT_LIST_LIMIT)
    )
    return [ViewAlertOut.model_validate(r, from_attributes=True) for r in rows]
