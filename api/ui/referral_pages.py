"""Referral lists per force, one referral's evidence, the force's acknowledgement and outcome,
and the export buttons. A force user sees only their own force."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse

from api.deps import (
    ADMIN,
    ANALYST,
    FORCE,
    RESEARCHER,
    AuditDep,
    ObjectId,
    Principal,
    SessionDep,
    SettingsDep,
    get_in_scope,
    require_ui,
)
from api.schemas.referrals import ExportQuery, ReferralQuery
from api.services import exports, special_category
from api.services import referrals as service
from api.ui.render import render
from api.ui.review_pages import form_query
from api.ui.session import check_csrf
from probity import referrals as domain
from probity.models import Referral, ReferralOutcome, ReferralStatus, utcnow

router = APIRouter(prefix="/ui", tags=["ui"], include_in_schema=False)
Reader = Annotated[Principal, Depends(require_ui(ADMIN, ANALYST, FORCE))]
ForceUser = Annotated[Principal, Depends(require_ui(FORCE))]


@router.get("/referrals")
def referrals_page(
    request: Request, principal: Reader, session: SessionDep, settings: SettingsDep, audit: AuditDep
) -> Response:
    q = form_query(request, ReferralQuery)
    assert isinstance(q, ReferralQuery)
    items, token = service.referral_page(session, settings, principal, q, audit, ui=True)
    session.commit()
    export_params = q.model_dump(
        mode="json", exclude_none=True, exclude={"page_size", "page_token"}
    )
    next_params = {
        **{k: v for k, v in request.query_params.items() if k != "page_token"},
        "page_token": token,
    }
    return render(
        request,
        "referrals.html",
        items=items,
        q=q,
        statuses=list(ReferralStatus),
        outcomes=list(ReferralOutcome),
        export_params=export_params,
        next_params=next_params if token else None,
    )


@router.get("/referrals/export.{fmt}")
def export(
    fmt: Literal["csv", "jsonl"],
    request: Request,
    principal: Reader,
    session: SessionDep,
    audit: AuditDep,
) -> StreamingResponse:
    q = form_query(request, ExportQuery, ignore=frozenset({"justification"}))
    assert isinstance(q, ExportQuery)
    return exports.referral_export(
        request,
        principal,
        q,
        fmt,
        session,
        audit,
        justification=request.query_params.get("justification"),
        ui=True,
    )


@router.get("/exports/training.jsonl")
def training(
    request: Request,
    principal: Annotated[Principal, Depends(require_ui(ADMIN, RESEARCHER))],
    session: SessionDep,
    audit: AuditDep,
) -> StreamingResponse:
    return exports.training_download(request, session, audit, ui=True)


@router.get("/referrals/{referral_id}")
def referral_page(
    referral_id: ObjectId, request: Request, principal: Reader, session: SessionDep, audit: AuditDep
) -> Response:
    referral = get_in_scope(session, Referral, referral_id, principal)
    detail = special_category.redact_referral(session, principal, service.detail(session, referral))
    audit.record(
        "referrals.read", object_type="referral", object_id=referral.id, detail={"ui": True}
    )
    session.commit()
    return render(request, "referral.html", referral=detail, outcomes=list(ReferralOutcome))


@router.post("/referrals/{referral_id}/acknowledge")
def acknowledge(
    referral_id: ObjectId,
    request: Request,
    principal: ForceUser,
    session: SessionDep,
    audit: AuditDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    check_csrf(request, csrf)
    event = domain.acknowledge(session, referral_id, principal.force_id, utcnow())
    audit.record_event(event, ui=True)
    session.commit()
    return RedirectResponse(f"/ui/referrals/{event.referral_id}", status_code=303)


@router.post("/referrals/{referral_id}/outcome")
def outcome(
    referral_id: ObjectId,
    request: Request,
    principal: ForceUser,
    session: SessionDep,
    audit: AuditDep,
    outcome: Annotated[ReferralOutcome, Form()],
    note: Annotated[str, Form(max_length=4000)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
    expected_version: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
) -> Response:
    check_csrf(request, csrf)
    event = domain.record_outcome(
        session,
        referral_id,
        principal.force_id,
        outcome,
        note,
        utcnow(),
        expected_version=expected_version,
    )
    audit.record_event(event, ui=True)
    session.commit()
    return RedirectResponse(f"/ui/referrals/{event.referral_id}", status_code=303)
