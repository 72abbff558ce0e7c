"""The active classifier version: what it is, its card figures, and recall in production."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from sqlalchemy import select

from api.deps import ADMIN, ANALYST, AuditDep, Principal, SessionDep, not_found, require
from classifier.recall_estimate import estimate_recall
from probity.models import ModelVersion

router = APIRouter(tags=["model"])
National = Annotated[Principal, Depends(require(ADMIN, ANALYST))]


@router.get("/model", response_model=dict[str, Any])
def get_model(principal: National, session: SessionDep, audit: AuditDep) -> dict[str, Any]:
    """The active model version, its card figures (project test split, real-text evaluation,
    operating point) and the recall estimated from analysts' decisions on audit flags, with a
    95% interval. Aggregate figures only; 404 when no version is active."""
    # queried here, not through classifier.registry, which imports the model kinds (scikit-learn):
    # serving never loads a model
    row = session.scalar(select(ModelVersion).where(ModelVersion.active.is_(True)))
    if row is None:
        raise not_found("active model")
    audit.record("model.read", object_type="model_version", object_id=row.version)
    session.commit()
    metrics = row.metrics or {}
    return {
        "version": row.version,
        "kind": row.kind,
        "activated_at": row.activated_at.isoformat() if row.activated_at else None,
        "thresholds": row.thresholds,
        "card": {
            "test_macro_f1": metrics.get("test", {}).get("macro_f1"),
            "real_text": metrics.get("real_text"),
            "operating_point": metrics.get("operating_point"),
        },
        "audit_recall_estimate": estimate_recall(session, row),
    }
