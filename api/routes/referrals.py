"""Referrals for forces: lists, evidence, exports, acknowledgement and outcomes.

A force key sees only its own force's referrals; the force comes from the key alone.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from api.deps import (
    ADMIN,
    ANALYST,
    FORCE,
    AuditDep,
    ObjectId,
    Principal,
    SessionDep,
    SettingsDep,
    get_in_scope,
    require,
)
from api.pagination import Page
from api.schemas.referrals import (
    ExportQuery,
    OutcomeIn,
    ReferralDetail,
    ReferralQuery,
    ReferralSummary,
)
from api.services import referrals as service
from probity.models import Referral

router = APIRouter(prefix="/referrals", tags=["referrals"])
Reader = Annotated[Principal, Depends(require(ADMIN, ANALYST, FORCE))]
ForceUser = Annotated[Principal, Depends(require(FORCE))]
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}


@router.get("", response_model=Page[ReferralSummary])
def list_referrals(q: Annotated[ReferralQuery, Query()], principal: Reader, session: SessionDep,
                   settings: SettingsDep, audit: AuditDep) -> Page[ReferralSummary]:
    """Referrals, oldest first; page tokens are bound to the caller's force and these filters."""
    items, token = service.referral_page(session, settings, principal, q, audit)
    session.commit()
    return Page[ReferralSummary](items=items, next_page_token=token)


@router.get("/export", responses={200: {"content": {"text/csv": {}, "application/x-ndjson": {}}}})
def export_referrals(q: Annotated[ExportQuery, Query()], principal: Reader, request: Request,
                     session: SessionDep, audit: AuditDep) -> StreamingResponse:
    """Every referred post matching the filters, streamed as CSV or JSON Lines."""
    audit.record("referrals.export", object_type="referral",
                 detail={"format": q.format, **q.model_dump(exclude={"format"}, mode="json", exclude_none=True)})
    session.commit()
    stmt = service.referral_query(principal, q)
    body = service.streamed(request.app.state.session_factory,
                            lambda s: service.stream(service.export_rows(s, stmt), q.format))
    filename = f"referrals-{principal.force_id or 'all'}.{q.format}"
    return StreamingResponse(body, media_type=MEDIA_TYPES[q.format],
                             headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/{referral_id}", response_model=ReferralDetail)
def get_referral(referral_id: ObjectId, principal: Reader, session: SessionDep, audit: AuditDep) -> ReferralDetail:
    """One referral with its evidence: posts, URLs, capture times, hashes, context, labels,
    the model's explanation and every analyst decision."""
    referral = get_in_scope(session, Referral, referral_id, principal)
    out = service.detail(session, referral)
    audit.record("referrals.read", object_type="referral", object_id=referral.id)
    session.commit()
    return out


@router.post("/{referral_id}/acknowledge", response_model=ReferralSummary)
def acknowledge(referral_id: ObjectId, principal: ForceUser, session: SessionDep, audit: AuditDep) -> ReferralSummary:
    """The force confirms it has received the referral."""
    referral = get_in_scope(session, Referral, referral_id, principal)
    service.acknowledge(referral)
    session.flush()
    audit.record("referrals.acknowledge", object_type="referral", object_id=referral.id)
    session.commit()
    return service.summary(session, referral)


@router.post("/{referral_id}/outcome", response_model=ReferralSummary)
def record_outcome(referral_id: ObjectId, body: OutcomeIn, principal: ForceUser, session: SessionDep,
                   audit: AuditDep) -> ReferralSummary:
    """The force records what it did; outcomes feed the statistics and the model's evaluation."""
    referral = get_in_scope(session, Referral, referral_id, principal)
    service.record_outcome(referral, body.outcome, body.note)
    session.flush()
    audit.record("referrals.outcome", object_type="referral", object_id=referral.id,
                 detail={"outcome": body.outcome.value})
    session.commit()
    return service.summary(session, referral)
