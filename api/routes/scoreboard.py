"""The last demo run's scoreboard: how the pipeline did against the simulated world's truth."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, status

from api.deps import (
    ADMIN,
    ANALYST,
    AuditDep,
    Principal,
    SessionDep,
    SettingsDep,
    not_found,
    require,
)

router = APIRouter(tags=["demo"])
National = Annotated[Principal, Depends(require(ADMIN, ANALYST))]


@router.get("/scoreboard", response_model=dict[str, Any])
def get_scoreboard(
    principal: National, settings: SettingsDep, session: SessionDep, audit: AuditDep
) -> dict[str, Any]:
    """Accounts found, flags against true instances per label, requests against the minimum.

    Aggregate figures only (no personal data), but national: a force-limited analyst gets 403.
    404 until `probity demo` has run.
    """
    if not principal.national:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail="the scoreboard is national: a force-limited key may not read it",
        )
    path = settings.data_dir / "scoreboard.json"
    if not path.exists():
        raise not_found("scoreboard")
    audit.record("scoreboard.read", object_type="scoreboard")
    session.commit()
    return json.loads(path.read_text(encoding="utf-8"))
