"""Statistics and cross-checks for forces and analysts. A force key sees only its own force."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from api.deps import ADMIN, ANALYST, FORCE, AuditDep, Principal, SessionDep, not_found, require
from api.schemas.integrity import CrosscheckQuery, FindingOut, StatsQuery
from api.services.stats_cache import StatsCache
from probity.forces import FORCE_IDS
from registers.crosschecks import run_crosschecks
from registers.stats import StatsScope, compute_stats

router = APIRouter(tags=["statistics"])
Reader = Annotated[Principal, Depends(require(ADMIN, ANALYST, FORCE))]


def resolve_force(principal: Principal, requested: str | None) -> str | None:
    """The force a request is about: the credential's own, or (national callers) the one asked for.

    Asking for another force with a force-limited key is a 404, as for an unknown force.
    """
    if principal.force_id is not None:
        if requested not in (None, principal.force_id):
            raise not_found("force")
        return principal.force_id
    if requested is not None and requested not in FORCE_IDS:
        raise not_found("force")
    return requested


@router.get("/stats", response_model=dict[str, Any])
def get_stats(
    q: Annotated[StatsQuery, Query()],
    principal: Reader,
    session: SessionDep,
    audit: AuditDep,
    request: Request,
    response: Response,
) -> dict[str, Any]:
    """The figures of an HMIC force report (or national, for national callers without `force`).

    `X-Probity-Stats-Computed-At` says when they were computed (`PROBITY_STATS_CACHE_SECONDS`)."""
    scope = StatsScope(resolve_force(principal, q.force_id), q.date_from, q.date_to)
    cache: StatsCache = request.app.state.stats_cache
    stats, computed_at = cache.get(
        (scope, q.published), lambda: compute_stats(session, scope, published=q.published)
    )
    response.headers["X-Probity-Stats-Computed-At"] = computed_at.isoformat()
    audit.record(
        "stats.read",
        object_type="statistics",
        object_id=scope.force_id or "national",
        detail=scope.as_dict(),
    )
    session.commit()
    return stats


@router.get("/crosschecks", response_model=list[FindingOut])
def get_crosschecks(
    q: Annotated[CrosscheckQuery, Query()], principal: Reader, session: SessionDep, audit: AuditDep
) -> list[FindingOut]:
    """Cross-check findings between registers, each with the rows that raised it."""
    force_id = resolve_force(principal, q.force_id)
    findings = run_crosschecks(session, force_id=force_id, as_of=q.as_of)
    audit.record(
        "crosschecks.read",
        object_type="crosschecks",
        object_id=force_id or "national",
        detail={"findings": len(findings)},
    )
    session.commit()
    return [FindingOut(**f.as_dict()) for f in findings]
