"""The review queue for analysts: list, read, claim, release and decide flags."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import (
    ADMIN,
    ANALYST,
    AuditDep,
    ObjectId,
    Principal,
    SessionDep,
    SettingsDep,
    get_in_scope,
    require,
)
from api.pagination import Page
from api.schemas.flags import DecisionIn, DecisionResult, FlagDetail, FlagQuery, FlagSummary
from api.services import evidence, review
from probity.models import Flag, Post

router = APIRouter(prefix="/flags", tags=["review"])
Reviewer = Annotated[Principal, Depends(require(ADMIN, ANALYST))]


@router.get("", response_model=Page[FlagSummary])
def list_flags(q: Annotated[FlagQuery, Query()], principal: Reviewer, session: SessionDep,
               settings: SettingsDep, audit: AuditDep) -> Page[FlagSummary]:
    """The queue (oldest first), filtered by status, force, label, score, platform and post date."""
    items, token = review.queue_page(session, settings, principal, q, audit,
                                     filters=q.model_dump(mode="json", exclude_none=True, exclude={"page_token"}))
    session.commit()
    return Page[FlagSummary](items=items, next_page_token=token)


@router.get("/{flag_id}", response_model=FlagDetail)
def get_flag(flag_id: ObjectId, principal: Reviewer, session: SessionDep, audit: AuditDep) -> FlagDetail:
    """One flag with its evidence: post, context, model scores and explanation, decision history."""
    flag = get_in_scope(session, Flag, flag_id, principal)
    out = evidence.flag_detail(session, flag)
    audit.record("flags.read", object_type="flag", object_id=flag.id)
    session.commit()
    return out


@router.post("/{flag_id}/claim", response_model=FlagDetail)
def claim_flag(flag_id: ObjectId, principal: Reviewer, session: SessionDep, audit: AuditDep) -> FlagDetail:
    """Take a pending flag so no one else reviews it at the same time (409 if someone has it)."""
    flag = get_in_scope(session, Flag, flag_id, principal)
    review.claim(flag, principal)
    session.flush()
    out = evidence.flag_detail(session, flag)
    audit.record("flags.claim", object_type="flag", object_id=flag.id)
    session.commit()
    return out


@router.post("/{flag_id}/release", response_model=FlagSummary)
def release_flag(flag_id: ObjectId, principal: Reviewer, session: SessionDep, audit: AuditDep) -> FlagSummary:
    """Put a claimed flag back in the queue."""
    flag = get_in_scope(session, Flag, flag_id, principal)
    review.release(flag, principal)
    session.flush()
    audit.record("flags.release", object_type="flag", object_id=flag.id)
    session.commit()
    return evidence.flag_summary(flag, session.get_one(Post, flag.post_id))


@router.post("/{flag_id}/decisions", response_model=DecisionResult, status_code=201)
def decide_flag(flag_id: ObjectId, body: DecisionIn, principal: Reviewer, session: SessionDep,
                settings: SettingsDep, audit: AuditDep) -> DecisionResult:
    """Confirm the proposed labels, change them, or dismiss, with a note. Under the two-person
    rule a referral needs two analysts who agree on the labels."""
    flag = get_in_scope(session, Flag, flag_id, principal)
    decision, referral_id = review.decide(session, flag, principal, body, settings.two_person_rule)
    audit.record("flags.decide", object_type="flag", object_id=flag.id,
                 detail={"action": body.action.value, "labels": decision.labels,
                         "status": flag.status.value, "referral_id": referral_id})
    session.commit()
    return DecisionResult(flag_id=flag.id, status=flag.status, decision=evidence.decision_out(decision),
                          referral_id=referral_id)
