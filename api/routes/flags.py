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
from api.services import presenters, review, special_category
from probity import review as domain
from probity.models import Flag, Post, utcnow

router = APIRouter(prefix="/flags", tags=["review"])
Reviewer = Annotated[Principal, Depends(require(ADMIN, ANALYST))]


@router.get("", response_model=Page[FlagSummary])
def list_flags(
    q: Annotated[FlagQuery, Query()],
    principal: Reviewer,
    session: SessionDep,
    settings: SettingsDep,
    audit: AuditDep,
) -> Page[FlagSummary]:
    """The queue (oldest first), filtered by status, force, label, score, platform and post date."""
    items, token = review.queue_page(
        session,
        settings,
        principal,
        q,
        audit,
        filters=q.model_dump(mode="json", exclude_none=True, exclude={"page_token"}),
    )
    session.commit()
    return Page[FlagSummary](items=items, next_page_token=token)


@router.get("/{flag_id}", response_model=FlagDetail)
def get_flag(
    flag_id: ObjectId, principal: Reviewer, session: SessionDep, audit: AuditDep
) -> FlagDetail:
    """One flag with its evidence: post, context, model scores and explanation, decision history."""
    flag = get_in_scope(session, Flag, flag_id, principal)
    out = special_category.redact_flag(session, principal, presenters.flag_detail(session, flag))
    audit.record("flags.read", object_type="flag", object_id=flag.id)
    session.commit()
    return out


@router.post("/{flag_id}/claim", response_model=FlagDetail)
def claim_flag(
    flag_id: ObjectId, principal: Reviewer, session: SessionDep, audit: AuditDep
) -> FlagDetail:
    """Take a pending flag so no one else reviews it at the same time (409 if someone has it)."""
    event = domain.claim(session, flag_id, principal.actor, utcnow())
    out = special_category.redact_flag(
        session,
        principal,
        presenters.flag_detail(session, get_in_scope(session, Flag, event.flag_id, principal)),
    )
    audit.record_event(event)
    session.commit()
    return out


@router.post("/{flag_id}/release", response_model=FlagSummary)
def release_flag(
    flag_id: ObjectId, principal: Reviewer, session: SessionDep, audit: AuditDep
) -> FlagSummary:
    """Put a claimed flag back in the queue."""
    event = domain.release(session, flag_id, principal.actor, utcnow())
    flag = get_in_scope(session, Flag, event.flag_id, principal)
    post = session.get(Post, flag.post_id)
    assert post is not None  # foreign key
    out = presenters.flag_summary(flag, post)
    audit.record_event(event)
    session.commit()
    return out


@router.post("/{flag_id}/decisions", response_model=DecisionResult, status_code=201)
def decide_flag(
    flag_id: ObjectId,
    body: DecisionIn,
    principal: Reviewer,
    session: SessionDep,
    settings: SettingsDep,
    audit: AuditDep,
) -> DecisionResult:
    """Confirm the proposed labels, change them, or dismiss, with a note. Under the two-person
    rule a referral needs two analysts who agree on the labels. Concurrent decisions are taken
    one at a time: once the flag is decided the others get 409 with its current state."""
    return review.decide(session, settings, principal, audit, flag_id, body)
