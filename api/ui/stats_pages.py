"""Statistics for a force or nationally over a period, with the report's charts, and the
cross-check findings with the register rows behind each.

Roles and force scope are those of ``/api/v1/stats`` and ``/api/v1/crosschecks``: a force key
sees its own force only (asking for another is a 404, as in the API).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from markupsafe import Markup

from api.deps import ADMIN, ANALYST, FORCE, AuditDep, Principal, SessionDep, require_ui
from api.routes.stats import resolve_force
from api.schemas.integrity import CrosscheckQuery, StatsQuery
from api.ui.render import render
from api.ui.review_pages import form_query
from probity.forces import FORCES
from registers.crosschecks import run_crosschecks
from registers.report import report_charts
from registers.stats import STATUS_KEYS, StatsScope, compute_stats

router = APIRouter(prefix="/ui", tags=["ui"], include_in_schema=False)
# Nationally the checks find thousands of rows: the page shows the first findings and the count
# per check, and a force's page shows all of its own.
SHOWN_FINDINGS = 100
Reader = Annotated[Principal, Depends(require_ui(ADMIN, ANALYST, FORCE))]


@router.get("/stats")
def stats_page(
    request: Request, principal: Reader, session: SessionDep, audit: AuditDep
) -> Response:
    q = form_query(request, StatsQuery)
    assert isinstance(q, StatsQuery)
    scope = StatsScope(resolve_force(principal, q.force_id), q.date_from, q.date_to)
    stats = compute_stats(session, scope, published=q.published)
    audit.record(
        "stats.read",
        object_type="statistics",
        object_id=scope.force_id or "national",
        detail={**scope.as_dict(), "ui": True},
    )
    session.commit()
    # The SVG comes from registers.charts, which escapes every label and value it draws.
    charts = {name: Markup(svg) for name, svg in report_charts(stats).items()}
    return render(
        request,
        "stats.html",
        q=q,
        s=stats,
        charts=charts,
        scope=scope,
        forces=FORCES,
        status_keys=STATUS_KEYS,
    )


@router.get("/crosschecks")
def crosschecks_page(
    request: Request, principal: Reader, session: SessionDep, audit: AuditDep
) -> Response:
    q = form_query(request, CrosscheckQuery)
    assert isinstance(q, CrosscheckQuery)
    force_id = resolve_force(principal, q.force_id)
    findings = run_crosschecks(session, force_id=force_id, as_of=q.as_of)
    audit.record(
        "crosschecks.read",
        object_type="crosschecks",
        object_id=force_id or "national",
        detail={"findings": len(findings), "ui": True},
    )
    session.commit()
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.check] = counts.get(f.check, 0) + 1
    shown = findings if force_id else findings[:SHOWN_FINDINGS]
    return render(
        request,
        "crosschecks.html",
        q=q,
        force_id=force_id,
        findings=shown,
        total=len(findings),
        counts=counts,
        forces=FORCES,
    )
