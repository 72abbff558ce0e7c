"""Referrals for forces: lists, evidence, exports, acknowledgement and outcomes.

A force key sees only its own force's referrals; the force comes from the key alone.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
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
from api.services import access, exports, special_category
from api.services import referrals as service
from probity import referrals as domain
from probity.models import Referral, utcnow

router = APIRouter(prefix="/referrals", tags=["referrals"])
Reader = Annotated[Principal, Depends(require(ADMIN, ANALYST, FORCE))]
ForceUser = Annotated[Principal, Depends(require(FORCE))]


@router.get("", response_model=Page[ReferralSummary])
def list_referrals(
    q: Annotated[ReferralQuery, Query()],
    principal: Reader,
    session: SessionDep,
    settings: SettingsDep,
    audit: AuditDep,
) -> Page[ReferralSummary]:
    """Referrals, oldest first; page tokens are bound to the caller's force and these filters."""
    items, token = service.referral_page(session, settings, principal, q, audit)
    session.commit()
    return Page[ReferralSummary](items=items, next_page_token=token)


@router.get(
    "/export",
    responses={
        200: {"content": {"text/csv": {}, "application/x-ndjson": {}}},
        428: {"description": "a multi-force export without a justification"},
    },
)
def export_referrals(
    q: Annotated[ExportQuery, Query()],
    principal: Reader,
    request: Request,
    session: SessionDep,
    audit: AuditDep,
    justification: Annotated[
        str | None,
        Header(
            alias=access.JUSTIFICATION_HEADER,
            max_length=2000,
            description="needed when a national caller exports every force (no force_id)",
        ),
    ] = None,
) -> StreamingResponse:
    """Every referred post matching the filters, streamed as CSV or JSON Lines. A national
    caller exporting more than one force (no ``force_id``) must send a justification (428)."""
    return exports.referral_export(
        request, principal, q, q.format, session, audit, justification=justification
    )


@router.get("/{referral_id}", response_model=ReferralDetail)
def get_referral(
    referral_id: ObjectId, principal: Reader, session: SessionDep, audit: AuditDep
) -> ReferralDetail:
    """One referral with its evidence: posts, URLs, capture times, hashes, context, labels,
    the model's explanation and every analyst decision."""
    referral = get_in_scope(session, Referral, referral_id, principal)
    out = special_category.redact_referral(session, principal, service.detail(session, referral))
    audit.record("referrals.read", object_type="referral", object_id=referral.id)
    session.commit()
    return out


@router.post("/{referral_id}/acknowledge", response_model=ReferralSummary)
def acknowledge(
    referral_id: ObjectId, principal: ForceUser, session: SessionDep, audit: AuditDep
) -> ReferralSummary:
    """The force confirms it has received the referral."""
    event = domain.acknowledge(session, referral_id, principal.force_id, utcnow())
    out = service.summary(session, get_in_scope(session, Referral, event.referral_id, principal))
    audit.record_event(event)
    session.commit()
    return out


@router.post("/{referral_id}/outcome", response_model=ReferralSummary)
def record_outcome(
    referral_id: ObjectId,
    body: OutcomeIn,
    principal: ForceUser,
    session: SessionDep,
    audit: AuditDep,
) -> ReferralSummary:
    """The force records what it did; outcomes feed the statistics and the model's evaluation.
    Of concurrent outcomes one is accepted, the others get 409 with the current state; a recorded
    outcome is corrected only by a request that carries the referral's current version."""
    event = domain.record_outcome(
        session,
        referral_id,
        principal.force_id,
        body.outcome,
        body.note,
        utcnow(),
        expected_version=body.expected_version,
    )
    out = service.summary(session, get_in_scope(session, Referral, event.referral_id, principal))
    audit.record_event(event)
    session.commit()
    return out
