"""Model health: the active classifier version, its card, the real-text figures, the audit-sample
recall estimate when one has been measured, and every version with when it was last activated.

Figures come only from what training saved (the model folder's metrics.json and model_card.md,
or the ModelVersion row); anything absent is shown as "not measured", never estimated here.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select

from api.deps import ADMIN, ANALYST, AuditDep, Principal, SessionDep, require_ui
from api.ui.render import render
from classifier.recall_estimate import estimate_recall
from probity.models import ModelVersion

log = logging.getLogger(__name__)
router = APIRouter(prefix="/ui", tags=["ui"], include_in_schema=False)
# The roles of GET /api/v1/model: national and force-limited analysts, and admins.
Viewer = Annotated[Principal, Depends(require_ui(ADMIN, ANALYST))]
AUDIT_KEYS = ("audit_sample", "audit_sample_recall", "audit_recall")
CARD_CHARS = 60_000


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Nested figures as (dotted name, shown value) rows; fractions to three decimals."""
    if isinstance(value, dict):
        return [
            row
            for k, v in value.items()
            for row in _flatten(v, f"{prefix}.{k}" if prefix else str(k))
        ]
    if isinstance(value, list):
        return [(prefix, ", ".join(map(str, value)))]
    if isinstance(value, float):
        return [(prefix, f"{value:.3f}")]
    return [(prefix, "—" if value is None else str(value))]


def model_health(row: ModelVersion, estimate: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the page shows; ``estimate`` is the audit-sample recall estimate when one is computed
    (its ``recall`` is None until analysts have decided enough audit flags)."""
    folder = Path(row.path) if row.path else None
    metrics = (_read_json(folder / "metrics.json") if folder else None) or dict(row.metrics or {})
    card = None
    if folder and (folder / "model_card.md").is_file():
        card = (folder / "model_card.md").read_text(encoding="utf-8")[:CARD_CHARS]
    audit = estimate if estimate and estimate.get("recall") is not None else None
    audit = audit or next((metrics[k] for k in AUDIT_KEYS if metrics.get(k) is not None), None)
    if audit is None and folder:
        audit = _read_json(folder / "audit_sample.json")
    return {
        "row": row,
        "card": card,
        "real_text": _flatten(metrics["real_text"])
        if isinstance(metrics.get("real_text"), dict)
        else None,
        "test": {k: metrics["test"].get(k) for k in ("macro_f1", "micro_f1")}
        if isinstance(metrics.get("test"), dict)
        else None,
        "olid": _flatten(metrics["olid"]) if isinstance(metrics.get("olid"), dict) else None,
        "audit": _flatten(audit) if isinstance(audit, dict) else None,
        "audit_note": (estimate or {}).get("note"),
        "thresholds": row.thresholds or {},
    }


@router.get("/model")
def model_page(
    request: Request, principal: Viewer, session: SessionDep, audit: AuditDep
) -> Response:
    versions = list(
        session.scalars(
            select(ModelVersion).order_by(
                ModelVersion.activated_at.desc().nulls_last(), ModelVersion.created_at.desc()
            )
        )
    )
    active = next((v for v in versions if v.active), None)
    health = model_health(active, estimate_recall(session, active)) if active else None
    audit.record(
        "model.read",
        object_type="model_version",
        object_id=active.version if active else "",
        detail={"ui": True},
        purpose="classifier quality oversight",
    )
    session.commit()
    return render(request, "model.html", health=health, versions=versions)
