"""Force and national reports in the browser: choose a scope and period, view the report, download
it as HTML or as PDF (WeasyPrint, from the same HTML, so both carry the same figures).

Roles and force scope are those of ``/api/v1/reports/*``: a force key gets its own force's report
(asking for another is a 404); national keys name the force; the national report is for
national admins and analysts only.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import Response

from api.deps import ADMIN, ANALYST, FORCE, AuditDep, Principal, SessionDep, require_ui
from api.routes.stats import resolve_force
from api.schemas.integrity import StatsQuery
from api.ui.render import render
from api.ui.review_pages import form_query
from probity.forces import FORCES
from registers.report import force_report, national_report

router = APIRouter(prefix="/ui", tags=["ui"], include_in_schema=False)
Reader = Annotated[Principal, Depends(require_ui(ADMIN, ANALYST, FORCE))]
National = Annotated[Principal, Depends(require_ui(ADMIN, ANALYST))]

# Reports are one self-contained document with an inline stylesheet and inline SVG: allow exactly
# that, and nothing else (no scripts, no fetches, no framing).
REPORT_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@router.get("/reports")
def reports_page(
    request: Request, principal: Reader, session: SessionDep, audit: AuditDep
) -> Response:
    q = form_query(request, StatsQuery)
    assert isinstance(q, StatsQuery)
    audit.record("reports.index", object_type="report", detail={"ui": True})
    session.commit()
    params = q.model_dump(
        mode="json", exclude_none=True, exclude={"published"} if not q.published else set()
    )
    return render(request, "reports.html", q=q, forces=FORCES, params=params)


def _force_html(
    request: Request, principal: Principal, session: SessionDep, audit: AuditDep, fmt: str
) -> tuple[str, str]:
    q = form_query(request, StatsQuery)
    assert isinstance(q, StatsQuery)
    force_id = resolve_force(principal, q.force_id)
    if force_id is None:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, "a national key must name the force: ?force_id=ID"
        )
    html = force_report(session, force_id, q.date_from, q.date_to, published=q.published)
    audit.record(
        "reports.force",
        object_type="report",
        object_id=force_id,
        detail={"format": fmt, "ui": True},
    )
    session.commit()
    return html, f"probity-report-{force_id}"


def _national_html(
    request: Request, principal: Principal, session: SessionDep, audit: AuditDep, fmt: str
) -> tuple[str, str]:
    q = form_query(request, StatsQuery)
    assert isinstance(q, StatsQuery)
    if principal.force_id is not None or q.force_id is not None:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "the national report is for national keys only"
        )
    html = national_report(session, q.date_from, q.date_to, published=q.published)
    audit.record(
        "reports.national",
        object_type="report",
        object_id="national",
        detail={"format": fmt, "ui": True},
    )
    session.commit()
    return html, "probity-report-national"


def _respond(html: str, name: str, fmt: str) -> Response:
    if fmt == "pdf":
        # WeasyPrint (and pango through it) loads on the first PDF, not with every server
        from registers.pdf import html_to_pdf

        return Response(
            html_to_pdf(html),
            media_type="application/pdf",
            headers={**REPORT_HEADERS, "Content-Disposition": f'attachment; filename="{name}.pdf"'},
        )
    headers = dict(REPORT_HEADERS)
    if fmt == "download":
        headers["Content-Disposition"] = f'attachment; filename="{name}.html"'
    return Response(html, media_type="text/html; charset=utf-8", headers=headers)


@router.get("/reports/force")
def force_view(
    request: Request, principal: Reader, session: SessionDep, audit: AuditDep
) -> Response:
    return _respond(*_force_html(request, principal, session, audit, "view"), "view")


@router.get("/reports/force.html")
def force_download(
    request: Request, principal: Reader, session: SessionDep, audit: AuditDep
) -> Response:
    return _respond(*_force_html(request, principal, session, audit, "html"), "download")


@router.get("/reports/force.pdf")
def force_pdf(
    request: Request, principal: Reader, session: SessionDep, audit: AuditDep
) -> Response:
    return _respond(*_force_html(request, principal, session, audit, "pdf"), "pdf")


@router.get("/reports/national")
def national_view(
    request: Request, principal: National, session: SessionDep, audit: AuditDep
) -> Response:
    return _respond(*_national_html(request, principal, session, audit, "view"), "view")


@router.get("/reports/national.html")
def national_download(
    request: Request, principal: National, session: SessionDep, audit: AuditDep
) -> Response:
    return _respond(*_national_html(request, principal, session, audit, "html"), "download")


@router.get("/reports/national.pdf")
def national_pdf(
    request: Request, principal: National, session: SessionDep, audit: AuditDep
) -> Response:
    return _respond(*_national_html(request, principal, session, audit, "pdf"), "pdf")
