"""Subject rights over the API: an account's subject access export (admin) and the
rectification of an identification verdict (analysts, within their force). The work is in
``probity.subject``; ``probity subject export|rectify`` does the same from the command line."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from api.deps import ADMIN, ANALYST, AuditDep, Principal, SessionDep, require
from api.schemas.common import Strict
from probity import subject
from probity.errors import NotFoundError
from probity.models import Role
from probity.subject_html import render_html

router = APIRouter(prefix="/subjects", tags=["subject rights"])
Admin = Annotated[Principal, Depends(require(ADMIN))]
Reviewer = Annotated[Principal, Depends(require(ADMIN, ANALYST))]
AccountQuery = Annotated[
    str,
    Query(
        min_length=3,
        max_length=400,
        description="PLATFORM:HANDLE, e.g. `bluesky:pc.bsky.social`",
    ),
]


HTML: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/html": {"schema": {"type": "string"}}},
        "description": "A self-contained HTML page",
    }
}


class SubjectExportOut(BaseModel):
    subject: str
    generated_at: str
    what_this_is: str
    counts: dict[str, int]
    tables: dict[str, list[dict[str, Any]]]


class RectificationIn(Strict):
    account: str = Field(min_length=3, max_length=400, description="PLATFORM:HANDLE")
    reason: str = Field(
        min_length=1, max_length=2000, description="What was wrong, and how you know"
    )
    serving: bool | None = Field(None, description="false: not (or no longer) serving: purge")
    force_id: str | None = Field(None, max_length=40, description="the right force")
    role: Role | None = None


class RectificationOut(BaseModel):
    account_id: int
    changes: list[dict[str, Any]]
    purged: dict[str, int] | None
    purge_waits_for_referrals: list[int]
    referrals_to_review: list[int]


def _export(session: SessionDep, audit: AuditDep, account: str, fmt: str) -> subject.SubjectExport:
    platform, handle = subject.parse_account(account)
    result = subject.export_subject(session, platform, handle)
    audit.record(
        "subject.export",
        object_type="platform_account",
        object_id=",".join(str(i) for i in sorted(result.ids("platform_accounts"))),
        detail={"format": fmt, "counts": result.counts()},
        purpose="subject access request (UK GDPR art. 15)",
    )
    session.commit()
    return result


@router.get("/export", response_model=SubjectExportOut)
def export_json(
    account: AccountQuery, principal: Admin, session: SessionDep, audit: AuditDep
) -> dict[str, Any]:
    """Everything held about the accounts with this handle, one list of rows per table."""
    return _export(session, audit, account, "json").as_dict()


@router.get("/export.html", response_model=None, responses=HTML)
def export_html(
    account: AccountQuery, principal: Admin, session: SessionDep, audit: AuditDep
) -> HTMLResponse:
    """The same export as a readable page for the person who asked."""
    return HTMLResponse(render_html(_export(session, audit, account, "html")))


@router.post("/rectifications", response_model=list[RectificationOut])
def rectify(
    body: RectificationIn, principal: Reviewer, session: SessionDep, audit: AuditDep
) -> list[RectificationOut]:
    """Record that a verdict (serving, force, role) was wrong; the account is corrected, or
    purged beyond the verdict when the person is not serving. A force-limited analyst may
    rectify only accounts of their force (others are not found)."""
    platform, handle = subject.parse_account(body.account)
    accounts = [
        a
        for a in subject.find_accounts(session, platform, handle)
        if principal.sees_force(a.force_id)
    ]
    if not accounts:
        raise NotFoundError(f"no account {platform}:{handle} is held")
    out = []
    for account in accounts:
        result = subject.rectify(
            session,
            account.id,
            analyst=principal.prefix,
            reason=body.reason,
            serving=body.serving,
            force_id=body.force_id,
            role=body.role.value if body.role else None,
        )
        out.append(
            RectificationOut(
                account_id=result.account_id,
                changes=result.changes,
                purged=result.purged,
                purge_waits_for_referrals=result.purge_waits_for,
                referrals_to_review=result.referrals_to_review,
            )
        )
    audit.record(  # one event for the request, whatever the number of accounts
        "subject.rectify",
        object_type="platform_account",
        object_id=",".join(str(r.account_id) for r in out),
        purpose="rectification of an identification verdict (UK GDPR art. 16)",
        detail={"results": [r.model_dump() for r in out]},
    )
    session.commit()
    return out
