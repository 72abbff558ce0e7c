"""The audit log: query events and verify the hash chain. Needs the audit permission (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select

from api.deps import ADMIN, AuditDep, Principal, SessionDep, SettingsDep, require
from api.pagination import Page, paginate
from api.schemas.audit import AuditEventOut, AuditQuery, ChainOut
from probity import audit as audit_log
from probity import audit_queue
from probity.models import AuditEvent

router = APIRouter(prefix="/audit", tags=["audit"])
AuditPermission = Annotated[Principal, Depends(require(ADMIN))]


@router.get("/events", response_model=Page[AuditEventOut])
def list_events(
    q: Annotated[AuditQuery, Query()],
    principal: AuditPermission,
    session: SessionDep,
    settings: SettingsDep,
    audit: AuditDep,
) -> Page[AuditEventOut]:
    """Audit events, oldest first, filtered; keyset-paginated. Staged reads are chained first,
    so the list is complete up to this request."""
    while audit_queue.chain_pending(session):
        pass
    stmt = select(AuditEvent)
    for column, value in (
        (AuditEvent.actor, q.actor),
        (AuditEvent.action, q.action),
        (AuditEvent.force_id, q.force_id),
        (AuditEvent.object_type, q.object_type),
        (AuditEvent.object_id, q.object_id),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if q.since is not None:
        stmt = stmt.where(AuditEvent.at >= q.since)
    if q.until is not None:
        stmt = stmt.where(AuditEvent.at < q.until)
    rows, token = paginate(
        session, settings, principal.force_id, "audit.events", q, stmt, AuditEvent.id
    )
    items = [AuditEventOut.model_validate(r, from_attributes=True) for r in rows]
    audit.record_list("audit.read", "audit_events", [r.id for r in rows])
    session.commit()
    return Page[AuditEventOut](items=items, next_page_token=token)


@router.get("/verify", response_model=ChainOut)
def verify_chain(principal: AuditPermission, session: SessionDep) -> ChainOut:
    """Recompute the whole chain; ``first_bad_id`` is the first event that no longer verifies.
    Staged reads not yet chained are counted (``pending``) and checked against their MAC."""
    report = audit_log.verify(session)
    queue = audit_queue.verify_queue(session)
    return ChainOut(
        ok=report.ok and queue.ok,
        checked=report.checked,
        first_bad_id=report.first_bad_id,
        reason=report.reason
        or (f"staged events fail their MAC: {queue.bad_ids[:20]}" if queue.bad_ids else ""),
        pending=queue.pending,
        oldest_pending=queue.oldest,
        bad_staged_ids=queue.bad_ids,
    )
