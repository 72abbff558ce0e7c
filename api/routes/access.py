"""Proportionate looking: an account's full post history (with a justification) and the
admins' list of daily view-budget alerts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header

from api.deps import (
    ADMIN,
    ANALYST,
    AuditDep,
    ObjectId,
    Principal,
    SessionDep,
    SettingsDep,
    require,
)
from api.schemas.access import AccountHistory, ViewAlertOut
from api.services import access

router = APIRouter(tags=["proportionate looking"])
Reviewer = Annotated[Principal, Depends(require(ADMIN, ANALYST))]
Admin = Annotated[Principal, Depends(require(ADMIN))]
JustificationHeader = Annotated[
    str | None,
    Header(
        alias=access.JUSTIFICATION_HEADER,
        max_length=2000,
        description="why opening this person's whole history is necessary and proportionate",
    ),
]


@router.get(
    "/accounts/{account_id}/history",
    response_model=AccountHistory,
    responses={428: {"description": "no justification, or one too short"}},
)
def account_history(
    account_id: ObjectId,
    principal: Reviewer,
    session: SessionDep,
    settings: SettingsDep,
    audit: AuditDep,
    justification: JustificationHeader = None,
) -> AccountHistory:
    """Every post held for one account, newest first. Needs a justification (428 without),
    which is stored with the audit event."""
    return access.open_account_history(
        session, settings, audit, principal, account_id, justification
    )


@router.get("/alerts", response_model=list[ViewAlertOut])
def list_alerts(principal: Admin, session: SessionDep, audit: AuditDep) -> list[ViewAlertOut]:
    """Days on which an analyst or admin opened more records than PROBITY_DAILY_VIEW_BUDGET."""
    alerts = access.view_alerts(session)
    audit.record("alerts.read", object_type="daily_views", detail={"alerts": len(alerts)})
    session.commit()
    return alerts
