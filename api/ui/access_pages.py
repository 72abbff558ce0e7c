"""Proportionate looking in the web UI: an account's full post history behind a justification
form, and the admins' page of daily view-budget alerts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from api.deps import (
    ADMIN,
    ANALYST,
    AuditDep,
    ObjectId,
    Principal,
    SessionDep,
    SettingsDep,
    get_in_scope,
    require_ui,
)
from api.services import access
from api.services.presenters import account_out
from api.ui.render import render
from api.ui.session import check_csrf
from probity.models import PlatformAccount

router = APIRouter(prefix="/ui", tags=["ui"], include_in_schema=False)
Reviewer = Annotated[Principal, Depends(require_ui(ADMIN, ANALYST))]
Admin = Annotated[Principal, Depends(require_ui(ADMIN))]


@router.get("/accounts/{account_id}/history")
def history_form(
    account_id: ObjectId,
    request: Request,
    principal: Reviewer,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """The justification form: names the account, shows none of its posts."""
    account = get_in_scope(session, PlatformAccount, account_id, principal)
    return render(
        request,
        "account_history.html",
        account=account_out(account),
        history=None,
        min_chars=settings.justification_min_chars,
    )


@router.post("/accounts/{account_id}/history")
def history(
    account_id: ObjectId,
    request: Request,
    principal: Reviewer,
    session: SessionDep,
    settings: SettingsDep,
    audit: AuditDep,
    justification: Annotated[str, Form(max_length=2000)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    check_csrf(request, csrf)
    out = access.open_account_history(
        session, settings, audit, principal, account_id, justification, ui=True
    )
    return render(
        request,
        "account_history.html",
        account=out.account,
        history=out,
        min_chars=settings.justification_min_chars,
    )


@router.get("/alerts")
def alerts_page(
    request: Request, principal: Admin, session: SessionDep, settings: SettingsDep, audit: AuditDep
) -> Response:
    alerts = access.view_alerts(session)
    audit.record(
        "alerts.read", object_type="daily_views", detail={"alerts": len(alerts), "ui": True}
    )
    session.commit()
    return render(request, "alerts.html", alerts=alerts, budget=settings.daily_view_budget)
