"""Force reports (HTML) that forces fetch for themselves, and the national thematic report."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, status
from fastapi.responses import HTMLResponse

from api.deps import ADMIN, ANALYST, FORCE, AuditDep, Principal, SessionDep, require
from api.routes.stats import resolve_force
from api.schemas.integrity import StatsQuery
from registers.report import force_report, national_report

router = APIRouter(prefix="/reports", tags=["reports"])
Reader = Annotated[Principal, Depends(require(ADMIN, ANALYST, FORCE))]
National = Annotated[Principal, Depends(require(ADMIN, ANALYST))]
HTML: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/html": {"schema": {"type": "string"}}},
        "description": "A self-contained HTML report",
    }
}


@router.get("/force", response_model=None, responses=HTML)
def get_force_report(
    q: Annotated[StatsQuery, Query()], principal: Reader, session: SessionDep, audit: AuditDep
) -> HTMLResponse:
    """A force's report; a force key gets its own, national callers name the force."""
    force_id = resolve_force(principal, q.force_id)
    if force_id is None:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, "a national key must name the force: ?force_id=ID"
        )
    html = force_report(session, force_id, q.date_from, q.date_to, published=q.published)
    audit.record("reports.force", object_type="report", object_id=force_id)
    session.commit()
    return HTMLResponse(html)


@router.get("/national", response_model=None, responses=HTML)
def get_national_report(
    q: Annotated[StatsQuery, Query()], principal: National, session: SessionDep, audit: AuditDep
) -> HTMLResponse:
    """The national thematic report: every force's figures, for national callers only."""
    if principal.force_id is not None or q.force_id is not None:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "the national report is for national keys only"
        )
    html = national_report(session, q.date_from, q.date_to, published=q.published)
    audit.record("reports.national", object_type="report", object_id="national")
    session.commit()
    return HTMLResponse(html)
