"""Classify stored posts: one Prediction per (post, model version), and a pending Flag for
every post that gets at least one label at the version's saved thresholds.

Idempotent by construction: posts that already have a prediction from this version are not
selected, and both inserts are INSERT … ON CONFLICT DO NOTHING on their natural keys, so a rerun
(or two concurrent runs) changes nothing. A flag is never created for reposts (other people's
words) or deleted posts, and a flag that already exists for a post (from an earlier version) is
left as it is: people may be reviewing it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from classifier.explain import explain
from classifier.registry import LoadedModel, register
from classifier.thresholds import apply_thresholds
from probity.db import upsert
from probity.models import Flag, FlagStatus, PlatformAccount, Post, Prediction
from probity.models.review import LABELS

log = logging.getLogger(__name__)


@dataclass
class ClassifyStats:
    classified: int = 0
    flagged: int = 0


def labels_from_scores(scores: np.ndarray, thresholds: dict[str, float]) -> list[list[str]]:
    decided = apply_thresholds(scores, thresholds)
    return [[label for j, label in enumerate(LABELS) if row[j]] for row in decided]


def _pending_posts(session: Session, version_id: int, batch_size: int,
                   limit: int | None) -> Iterator[list[tuple[int, str, str | None]]]:
    last_id, seen = 0, 0
    while limit is None or seen < limit:
        size = batch_size if limit is None else min(batch_size, limit - seen)
        already = exists().where(Prediction.post_id == Post.id, Prediction.model_version_id == version_id)
        rows = session.execute(
            select(Post.id, Post.text, PlatformAccount.force_id)
            .join(PlatformAccount, PlatformAccount.id == Post.account_id)
            .where(Post.id > last_id, ~already, Post.is_repost.is_(False), Post.deleted_at.is_(None),
                   Post.reference_only.is_(False))
            .order_by(Post.id).limit(size)
        ).all()
        if not rows:
            return
        last_id, seen = rows[-1][0], seen + len(rows)
        yield [(r[0], r[1], r[2]) for r in rows]


def classify_posts(session: Session, loaded: LoadedModel, *, batch_size: int = 512,
                   limit: int | None = None) -> ClassifyStats:
    """Classify every stored post this version has not classified yet."""
    row = loaded.row or register(session, loaded.folder)
    stats = ClassifyStats()
    for batch in _pending_posts(session, row.id, batch_size, limit):
        texts = [text for _, text, _ in batch]
        scores = loaded.model.predict_proba(texts)
        labels = labels_from_scores(scores, loaded.thresholds)
        explanations = explain(loaded.model, texts, labels, base_scores=scores)
        upsert(session, Prediction, [
            {"post_id": post_id, "model_version_id": row.id,
             "scores": {label: round(float(s), 6) for label, s in zip(LABELS, scores[i], strict=True)},
             "labels": labels[i], "explanation": explanations[i] or None}
            for i, (post_id, _, _) in enumerate(batch)
        ], keys=["post_id", "model_version_id"], update=[])
        flagged = [i for i in range(len(batch)) if labels[i]]
        if flagged:
            ids = {p: pid for p, pid in session.execute(
                select(Prediction.post_id, Prediction.id).where(
                    Prediction.model_version_id == row.id,
                    Prediction.post_id.in_([batch[i][0] for i in flagged])))}
            upsert(session, Flag, [
                {"post_id": batch[i][0], "prediction_id": ids[batch[i][0]], "force_id": batch[i][2],
                 "labels": labels[i], "max_score": round(float(max(scores[i][LABELS.index(lb)] for lb in labels[i])), 6),
                 "status": FlagStatus.pending}
                for i in flagged
            ], keys=["post_id"], update=[])
        stats.classified += len(batch)
        stats.flagged += len(flagged)
        session.flush()
    log.info("model %s classified %d post(s), %d with at least one label", loaded.version,
             stats.classified, stats.flagged)
    return stats
