"""Classify stored posts: one Prediction per (post, model version), and a pending Flag for
every post that gets at least one label at the version's saved thresholds, every post in
another language (``unscored``) and a small random share of the rest (``audit``).

Idempotent by construction: posts that already have a prediction from this version are not
selected, and both inserts are INSERT … ON CONFLICT DO NOTHING on their natural keys, so a rerun
(or two concurrent runs) changes nothing. A flag is never created for reposts (other people's
words) or deleted posts, and a flag that already exists for a post (from an earlier version) is
left as it is: people may be reviewing it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from classifier.explain import explain
from classifier.registry import LoadedModel, register
from classifier.scoring import Outcome, classify_texts
from classifier.thresholds import apply_thresholds
from probity.db import upsert
from probity.models import Flag, FlagStatus, PlatformAccount, Post, Prediction
from probity.models.review import LABELS
from probity.settings import get_settings

log = logging.getLogger(__name__)


AUDIT_SALT = "probity-audit-v1:"


@dataclass
class ClassifyStats:
    classified: int = 0
    flagged: int = 0  # posts with labels
    audit: int = 0
    unscored: int = 0
    failed: int = 0


def labels_from_scores(scores: np.ndarray, thresholds: dict[str, float]) -> list[list[str]]:
    decided = apply_thresholds(scores, thresholds)
    return [[label for j, label in enumerate(LABELS) if row[j]] for row in decided]


def _pending_posts(
    session: Session,
    version_id: int,
    batch_size: int,
    limit: int | None,
    id_range: tuple[int, int] | None = None,
) -> Iterator[list[tuple[int, str, str | None]]]:
    last_id, seen = (id_range[0] - 1, 0) if id_range else (0, 0)
    while limit is None or seen < limit:
        size = batch_size if limit is None else min(batch_size, limit - seen)
        already = exists().where(
            Prediction.post_id == Post.id, Prediction.model_version_id == version_id
        )
        rows = session.execute(
            select(Post.id, Post.text, PlatformAccount.force_id)
            .join(PlatformAccount, PlatformAccount.id == Post.account_id)
            .where(
                Post.id > last_id,
                ~already,
                Post.is_repost.is_(False),
                Post.deleted_at.is_(None),
                Post.reference_only.is_(False),
            )
            .where(*([Post.id <= id_range[1]] if id_range else []))
            .order_by(Post.id)
            .limit(size)
        ).all()
        if not rows:
            return
        last_id, seen = rows[-1][0], seen + len(rows)
        yield [(r[0], r[1], r[2]) for r in rows]


def _explanation(words: dict[str, Any], outcome: Outcome) -> dict[str, Any] | None:
    """The words behind the labels; for an unscored post, the language that kept it unscored."""
    if outcome.scores is None:
        return {"language": outcome.language}
    return words or None


def in_audit_sample(post_id: int, share: float) -> bool:
    """A fixed pseudo-random share of posts (stable across runs and versions, so re-running
    never draws a new sample)."""
    bucket = int(hashlib.sha256(f"{AUDIT_SALT}{post_id}".encode()).hexdigest()[:8], 16)
    return bucket < share * 0x1_0000_0000


def classify_posts(
    session: Session,
    loaded: LoadedModel,
    *,
    batch_size: int = 512,
    limit: int | None = None,
    audit_share: float | None = None,
    id_range: tuple[int, int] | None = None,
) -> ClassifyStats:
    """Classify every stored post this version has not classified yet.

    Flags: a post with labels (``reason="model"``); a post in another language, not scored
    (``reason="unscored"``, its ``language`` set, risk = the stated prevalence, i.e. the prior);
    and a random ``audit_share`` of the other scored posts (``reason="audit"``, no labels).
    A post that cannot be scored is logged with its id and left for the next run.
    ``id_range`` (first, last post id, inclusive) limits the run to one batch (jobs/).
    """
    share = get_settings().audit_share if audit_share is None else audit_share
    prior = loaded.calibration.prevalence if loaded.calibration is not None else 0.0
    row = loaded.row or register(session, loaded.folder)
    stats = ClassifyStats()
    for batch in _pending_posts(session, row.id, batch_size, limit, id_range):
        texts = [text for _, text, _ in batch]
        outcomes = classify_texts(loaded.model, loaded.calibration, loaded.thresholds, texts)
        labels = [o.labels or [] for o in outcomes]
        explanations = explain(loaded.model, texts, labels)
        for (post_id, _, _), o in zip(batch, outcomes, strict=True):
            if o.error is not None:
                log.warning("post %d could not be scored and was skipped: %s", post_id, o.error)
                stats.failed += 1
        done = [i for i, o in enumerate(outcomes) if o.error is None]
        upsert(
            session,
            Prediction,
            [
                {
                    "post_id": batch[i][0],
                    "model_version_id": row.id,
                    "scores": {}
                    if outcomes[i].scores is None
                    else {
                        label: round(float(s), 6)
                        for label, s in zip(LABELS, outcomes[i].scores, strict=True)  # type: ignore[arg-type]
                    },
                    "labels": labels[i],
                    "explanation": _explanation(explanations[i], outcomes[i]),
                }
                for i in done
            ],
            keys=["post_id", "model_version_id"],
            update=[],
        )
        to_flag: list[tuple[int, str]] = []
        for i in done:
            o = outcomes[i]
            if o.scores is None:
                to_flag.append((i, "unscored"))
            elif labels[i]:
                to_flag.append((i, "model"))
            elif share > 0 and in_audit_sample(batch[i][0], share):
                to_flag.append((i, "audit"))
        if to_flag:
            ids = {
                p: pid
                for p, pid in session.execute(
                    select(Prediction.post_id, Prediction.id).where(
                        Prediction.model_version_id == row.id,
                        Prediction.post_id.in_([batch[i][0] for i, _ in to_flag]),
                    )
                )
            }
            upsert(
                session,
                Flag,
                [
                    {
                        "post_id": batch[i][0],
                        "prediction_id": ids[batch[i][0]],
                        "force_id": batch[i][2],
                        "labels": labels[i],
                        "reason": reason,
                        "language": outcomes[i].language if reason == "unscored" else None,
                        "max_score": round(
                            max(
                                (
                                    float(outcomes[i].scores[LABELS.index(lb)])  # type: ignore[index]
                                    for lb in labels[i]
                                ),
                                default=0.0,
                            ),
                            6,
                        ),
                        "risk": round(prior if outcomes[i].scores is None else outcomes[i].risk, 6),
                        "status": FlagStatus.pending,
                    }
                    for i, reason in to_flag
                ],
                keys=["post_id"],
                update=[],
            )
        stats.classified += len(done)
        stats.flagged += sum(reason == "model" for _, reason in to_flag)
        stats.audit += sum(reason == "audit" for _, reason in to_flag)
        stats.unscored += sum(reason == "unscored" for _, reason in to_flag)
        session.flush()
    log.info(
        "model %s classified %d post(s): %d with at least one label, %d audit, %d unscored "
        "(another language), %d skipped",
        loaded.version,
        stats.classified,
        stats.flagged,
        stats.audit,
        stats.unscored,
        stats.failed,
    )
    return stats
