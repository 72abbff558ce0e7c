"""Recall in production, estimated from analysts' decisions on ``audit`` flags.

A fixed random share of the posts the model did *not* flag is put in the queue as ``audit``
flags (``classifier.store``). Analysts decide them like any other flag. Among decided audit
flags, the share confirmed estimates the miss rate ``q`` among all unflagged posts (Wilson 95%
interval). With ``T`` the estimated true positives among the model's flags (flags × the
confirmed share of decided model flags):

    recall ≈ T / (T + q · U)        (U = scored posts the model did not flag)

and the interval comes from the ends of q's interval (the uncertainty of the flags' precision is
not included, so the interval is somewhat narrow).
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from probity.models import Flag, FlagStatus, ModelVersion, Prediction

DECIDED = (FlagStatus.confirmed, FlagStatus.dismissed)


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float] | None:
    """95% Wilson score interval for a proportion k/n (None when n is 0)."""
    if n == 0:
        return None
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def recall_from_counts(
    *,
    audit_decided: int,
    audit_confirmed: int,
    model_flags: int,
    model_decided: int,
    model_confirmed: int,
    unflagged: int,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "audit_decided": audit_decided,
        "audit_confirmed": audit_confirmed,
        "model_flags": model_flags,
        "model_decided": model_decided,
        "model_confirmed": model_confirmed,
        "unflagged_scored_posts": unflagged,
        "recall": None,
        "interval_95": None,
        "miss_rate": None,
    }
    miss = wilson(audit_confirmed, audit_decided)
    if miss is None or model_decided == 0:
        out["note"] = "not enough decisions yet: needs decided audit flags and decided model flags"
        return out
    true_flagged = model_flags * model_confirmed / model_decided
    q = audit_confirmed / audit_decided

    def recall(miss_rate: float) -> float | None:
        denominator = true_flagged + miss_rate * unflagged
        return None if denominator == 0 else true_flagged / denominator

    out.update(
        miss_rate=q,
        miss_rate_interval_95=list(miss),
        recall=recall(q),
        interval_95=[recall(miss[1]), recall(miss[0])],
    )
    return out


def estimate_recall(session: Session, version: ModelVersion) -> dict[str, Any]:
    """The estimate for one model version, from the flags its predictions opened."""

    def count(*where: Any) -> int:
        stmt = (
            select(func.count())
            .select_from(Flag)
            .join(Prediction, Prediction.id == Flag.prediction_id)
            .where(Prediction.model_version_id == version.id, *where)
        )
        return int(session.scalar(stmt) or 0)

    scored = int(
        session.scalar(
            select(func.count())
            .select_from(Prediction)
            .where(Prediction.model_version_id == version.id)
        )
        or 0
    )
    model_flags = count(Flag.reason == "model")
    unscored = count(Flag.reason == "unscored")
    return recall_from_counts(
        audit_decided=count(Flag.reason == "audit", Flag.status.in_(DECIDED)),
        audit_confirmed=count(Flag.reason == "audit", Flag.status == FlagStatus.confirmed),
        model_flags=model_flags,
        model_decided=count(Flag.reason == "model", Flag.status.in_(DECIDED)),
        model_confirmed=count(Flag.reason == "model", Flag.status == FlagStatus.confirmed),
        unflagged=max(scored - model_flags - unscored, 0),
    )
