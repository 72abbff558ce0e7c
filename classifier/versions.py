"""Classify the later versions of edited posts: one VersionPrediction per (post version, model
version), and a pending Flag when an edit gets a label and the post has no flag yet.

The first capture of a post is classified by :mod:`classifier.store`; an edit seen on a later
crawl is a ``post_versions`` row with its own text, and the edit may be the part that matters
(a harmless post rewritten as an offensive one, or the reverse). Same rules as the first
capture: reposts and deleted posts are not classified, and a flag that already exists for the
post is left as it is (people may be reviewing it; the flag shows every version with its
labels). Idempotent: versions this model has classified are not selected again, and both
inserts are INSERT … ON CONFLICT DO NOTHING.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from classifier.explain import explain
from classifier.registry import LoadedModel, register
from classifier.scoring import Outcome, classify_texts
from probity.db import upsert
from probity.labels import LABELS
from probity.models import (
    Flag,
    FlagStatus,
    PlatformAccount,
    Post,
    PostVersion,
    Prediction,
    VersionPrediction,
)

log = logging.getLogger(__name__)


@dataclass
class VersionStats:
    classified: int = 0
    labelled: int = 0  # versions with at least one label
    flagged: int = 0  # new flags opened because of an edit
    failed: int = 0


# (post version id, post id, text, force id)
Pending = tuple[int, int, str, str | None]


def _pending_versions(
    session: Session, model_version_id: int, batch_size: int
) -> Iterator[list[Pending]]:
    last_id = 0
    while True:
        done = exists().where(
            VersionPrediction.post_version_id == PostVersion.id,
            VersionPrediction.model_version_id == model_version_id,
        )
        rows = session.execute(
            select(PostVersion.id, PostVersion.post_id, PostVersion.text, PlatformAccount.force_id)
            .join(Post, Post.id == PostVersion.post_id)
            .join(PlatformAccount, PlatformAccount.id == Post.account_id)
            .where(
                PostVersion.id > last_id,
                ~done,
                Post.is_repost.is_(False),
                Post.deleted_at.is_(None),
                Post.reference_only.is_(False),
            )
            .order_by(PostVersion.id)
            .limit(batch_size)
        ).all()
        if not rows:
            return
        last_id = rows[-1][0]
        yield [(r[0], r[1], r[2], r[3]) for r in rows]


def classify_versions(
    session: Session, loaded: LoadedModel, *, batch_size: int = 512
) -> VersionStats:
    """Classify every post version this model version has not classified yet."""
    row = loaded.row or register(session, loaded.folder)
    stats = VersionStats()
    for batch in _pending_versions(session, row.id, batch_size):
        texts = [text for _, _, text, _ in batch]
        outcomes = classify_texts(loaded.model, loaded.calibration, loaded.thresholds, texts)
        labels = [o.labels or [] for o in outcomes]
        explanations = explain(loaded.model, texts, labels)
        ok = [i for i, o in enumerate(outcomes) if o.error is None]
        for i, o in enumerate(outcomes):
            if o.error is not None:
                log.warning("post version %d could not be scored: %s", batch[i][0], o.error)
        stats.failed += len(outcomes) - len(ok)
        upsert(
            session,
            VersionPrediction,
            [
                {
                    "post_version_id": batch[i][0],
                    "model_version_id": row.id,
                    "scores": {}
                    if outcomes[i].scores is None
                    else {
                        label: round(float(s), 6)
                        for label, s in zip(LABELS, outcomes[i].scores, strict=True)  # type: ignore[arg-type]
                    },
                    "labels": labels[i],
                    # another language is not scored: say which, as the first capture does
                    "explanation": {"language": outcomes[i].language}
                    if outcomes[i].scores is None
                    else explanations[i] or None,
                }
                for i in ok
            ],
            keys=["post_version_id", "model_version_id"],
            update=[],
        )
        labelled = [i for i in ok if labels[i]]
        stats.classified += len(ok)
        stats.labelled += len(labelled)
        stats.flagged += _open_flags(session, row.id, batch, outcomes, labels, labelled)
        session.flush()
    if stats.classified:
        log.info(
            "model %s classified %d edited version(s): %d with a label, %d new flag(s)",
            row.version,
            stats.classified,
            stats.labelled,
            stats.flagged,
        )
    return stats


def _open_flags(
    session: Session,
    model_version_id: int,
    batch: list[Pending],
    outcomes: list[Outcome],
    labels: list[list[str]],
    labelled: list[int],
) -> int:
    """A pending flag for each labelled version whose post has none (one flag per post)."""
    posts = {batch[i][1] for i in labelled}
    if not posts:
        return 0
    flagged = set(session.scalars(select(Flag.post_id).where(Flag.post_id.in_(posts))))
    first_predictions = dict(
        session.execute(
            select(Prediction.post_id, Prediction.id).where(
                Prediction.post_id.in_(posts), Prediction.model_version_id == model_version_id
            )
        ).all()
    )
    rows, taken = [], set(flagged)
    for i in labelled:
        post_id = batch[i][1]
        if post_id in taken:
            continue  # an existing flag (or one opened above for an earlier version) is kept
        taken.add(post_id)
        scores = outcomes[i].scores
        assert scores is not None  # labelled, so scored
        rows.append(
            {
                "post_id": post_id,
                # the first capture's prediction, when there is one; the version's labels are
                # on the flag and on its version (the flag page shows both)
                "prediction_id": first_predictions.get(post_id),
                "force_id": batch[i][3],
                "labels": labels[i],
                "reason": "model",
                "max_score": round(max(float(scores[LABELS.index(lb)]) for lb in labels[i]), 6),
                "risk": round(float(outcomes[i].risk), 6),
                "status": FlagStatus.pending,
            }
        )
    if rows:
        upsert(session, Flag, rows, keys=["post_id"], update=[])
    return len(rows)
