"""Classify stored posts: one Prediction per (post, model version), and a pending Flag for
every post that gets at least one label at the version's saved thresholds, every post in
another language (``unscored``) and a small random share of the rest (``audit``).

Linear and resumable: a run reads posts in id order above the version's watermark (the highest
post it has a prediction for) in batches of :data:`BATCH_SIZE`, each committed on its own, so a
run stopped at any point keeps what it did and the next one continues where it stopped; posts
missed below the watermark are found once per run (:func:`missed_below`), never per batch.

Idempotent by construction: both inserts are INSERT … ON CONFLICT DO NOTHING on their natural
keys (one flag per post), so a rerun (or two concurrent runs) changes nothing. A flag is never
created for reposts (other people's words) or deleted posts, and a flag that already exists for
a post (from an earlier version) is left as it is: people may be reviewing it.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session

from classifier.explain import explain
from classifier.prediction_writes import insert_predictions, prediction_ids
from classifier.registry import LoadedModel, register
from classifier.scoring import Outcome, classify_texts
from classifier.thresholds import apply_thresholds
from probity.db import analyze, batched, upsert
from probity.models import Flag, FlagStatus, PlatformAccount, Post, Prediction
from probity.models.review import LABELS
from probity.settings import get_settings

log = logging.getLogger(__name__)


AUDIT_SALT = "probity-audit-v1:"
BATCH_SIZE = 2000  # posts per batch, committed together
PROGRESS_EVERY = 25  # batches between progress lines
ANALYZE_AFTER = 10_000  # predictions written by a run before the planner's statistics are refreshed
PendingPost = tuple[int, str, str | None]  # post id, text, the account's force


@dataclass
class ClassifyStats:
    classified: int = 0
    flagged: int = 0  # posts with labels
    audit: int = 0
    unscored: int = 0
    failed: int = 0

    def add(self, other: ClassifyStats) -> None:
        self.classified += other.classified
        self.flagged += other.flagged
        self.audit += other.audit
        self.unscored += other.unscored
        self.failed += other.failed


def labels_from_scores(scores: np.ndarray, thresholds: dict[str, float]) -> list[list[str]]:
    decided = apply_thresholds(scores, thresholds)
    return [[label for j, label in enumerate(LABELS) if row[j]] for row in decided]


def _eligible() -> Select[int, str, str | None]:
    """Posts a model classifies: collected text of the account holder's own, not deleted."""
    return (
        select(Post.id, Post.text, PlatformAccount.force_id)
        .join(PlatformAccount, PlatformAccount.id == Post.account_id)
        .where(
            Post.is_repost.is_(False),
            Post.deleted_at.is_(None),
            Post.reference_only.is_(False),
        )
    )


def watermark(session: Session, version_id: int) -> int:
    """The highest post id this version has a prediction for: a run continues above it."""
    return (
        session.scalar(
            select(func.max(Prediction.post_id)).where(Prediction.model_version_id == version_id)
        )
        or 0
    )


def missed_below(session: Session, version_id: int, mark: int) -> list[int]:
    """Eligible posts at or below ``mark`` without a prediction of this version.

    Rare, but real: a post whose id was drawn before the watermark passed it and committed
    after (concurrent transactions on PostgreSQL commit out of id order), a post that could not
    be scored, a post no longer deleted. One anti-join per run, not per batch."""
    if mark <= 0:
        return []
    done = exists().where(Prediction.post_id == Post.id, Prediction.model_version_id == version_id)
    return list(
        session.scalars(
            select(Post.id)
            .join(PlatformAccount, PlatformAccount.id == Post.account_id)
            .where(
                Post.id <= mark,
                ~done,
                Post.is_repost.is_(False),
                Post.deleted_at.is_(None),
                Post.reference_only.is_(False),
            )
            .order_by(Post.id)
        )
    )


def pending_batch(
    session: Session,
    version_id: int,
    after_id: int,
    size: int | None = None,
    upto: int | None = None,
) -> tuple[list[PendingPost], int]:
    """The eligible posts above ``after_id`` (and at most ``upto``) this version has no
    prediction for, in id order: at most ``size`` posts scanned. Returns them and the highest
    post id scanned (where the next batch starts).

    The one way posts are chosen, for a run (:func:`classify_posts`, above the watermark) and
    for a job (:func:`classify_range`, an id range): a range scan of the posts' primary key and
    one of the predictions' (post, version) key over the same ids, whatever the tables' sizes.
    No anti-join: the predictions already there (a concurrent run's, a job done before) are
    dropped here and any that appear meanwhile are skipped by the insert's ON CONFLICT."""
    query = _eligible().where(Post.id > after_id)
    if upto is not None:
        query = query.where(Post.id <= upto)
    query = query.order_by(Post.id)
    if size is not None:
        query = query.limit(size)
    rows = [(r[0], r[1], r[2]) for r in session.execute(query)]
    if not rows:
        return [], after_id
    have = set(prediction_ids(session, version_id, [rows[0][0], rows[-1][0]], every=True))
    return [r for r in rows if r[0] not in have], rows[-1][0]


def _pending_posts(
    session: Session, version_id: int, batch_size: int, limit: int | None
) -> Iterator[list[PendingPost]]:
    """Batches to classify: first the posts missed below this version's watermark, then every
    post above it. Each batch is read after the previous one was committed."""
    mark = watermark(session, version_id)
    missed = missed_below(session, version_id, mark)
    if missed:
        log.info("%d post(s) below the watermark (post %d) had no prediction", len(missed), mark)
    seen = 0
    for ids in batched(missed, batch_size):
        if limit is not None and seen >= limit:
            return
        ids = ids if limit is None else ids[: limit - seen]
        rows = session.execute(_eligible().where(Post.id.in_(ids)).order_by(Post.id))
        batch = [(r[0], r[1], r[2]) for r in rows]
        seen += len(ids)
        if batch:
            yield batch
    while limit is None or seen < limit:
        size = batch_size if limit is None else min(batch_size, limit - seen)
        batch, scanned = pending_batch(session, version_id, mark, size)
        if scanned == mark:
            return
        mark, seen = scanned, seen + len(batch)
        if batch:
            yield batch


def pending_ranges(session: Session, version_id: int, size: int) -> list[int]:
    """Numbers k of the id ranges [k*size+1, (k+1)*size] holding posts this version has not
    classified, for the jobs (one job per range): the ranges of the posts missed below the
    watermark (:func:`missed_below`, one anti-join per planning) and every range above it with
    an eligible post (a range scan of the posts above the watermark)."""
    mark = watermark(session, version_id)
    ranges = {(post_id - 1) // size for post_id in missed_below(session, version_id, mark)}
    bucket = (Post.id - 1) // size
    above = select(bucket).where(
        Post.id > mark,
        Post.is_repost.is_(False),
        Post.deleted_at.is_(None),
        Post.reference_only.is_(False),
    )
    ranges.update(session.scalars(above.distinct()))
    return sorted(ranges)


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
    batch_size: int = BATCH_SIZE,
    limit: int | None = None,
    audit_share: float | None = None,
    commit: bool = True,
) -> ClassifyStats:
    """Classify every stored post this version has not classified yet.

    Flags: a post with labels (``reason="model"``); a post in another language, not scored
    (``reason="unscored"``, its ``language`` set, risk = the stated prevalence, i.e. the prior);
    and a random ``audit_share`` of the other scored posts (``reason="audit"``, no labels).
    A post that cannot be scored is logged with its id and left for the next run.

    Each batch is committed on its own (``commit=False`` leaves that to the caller): a run
    stopped at any point keeps every batch before it, and the next run continues above the
    highest post this version has classified (:func:`watermark`).
    """
    share = get_settings().audit_share if audit_share is None else audit_share
    row = loaded.row or register(session, loaded.folder)
    if commit:
        session.commit()  # the registration, if any, before the first batch
    stats = ClassifyStats()
    started = time.perf_counter()
    for batches, batch in enumerate(_pending_posts(session, row.id, batch_size, limit), 1):
        batch_stats = classify_batch(session, loaded, row.id, batch, audit_share=share)
        if commit:
            session.commit()
        stats.add(batch_stats)
        if batches % PROGRESS_EVERY == 0:
            log.info(
                "classified %d post(s) so far (%.0f/s)",
                stats.classified,
                stats.classified / max(time.perf_counter() - started, 1e-9),
            )
    if stats.classified >= ANALYZE_AFTER:
        analyze(session, "predictions", "flags")
        if commit:
            session.commit()
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


def classify_range(
    session: Session,
    loaded: LoadedModel,
    first_id: int,
    last_id: int,
    *,
    audit_share: float | None = None,
) -> ClassifyStats:
    """Classify the eligible posts with ids in ``[first_id, last_id]`` this version has not
    classified yet, in the caller's transaction: one queued job's unit of work (``jobs/``),
    chosen as :func:`classify_posts` chooses its batches (:func:`pending_batch`).

    Re-running it after a crash classifies only what is still missing, and a prediction that
    exists already is skipped by the insert's ON CONFLICT, so a retried job adds nothing twice."""
    share = get_settings().audit_share if audit_share is None else audit_share
    row = loaded.row or register(session, loaded.folder)
    batch, _ = pending_batch(session, row.id, first_id - 1, upto=last_id)
    if not batch:
        return ClassifyStats()
    return classify_batch(session, loaded, row.id, batch, audit_share=share)


def classify_batch(
    session: Session,
    loaded: LoadedModel,
    version_id: int,
    batch: Sequence[PendingPost],
    *,
    audit_share: float,
) -> ClassifyStats:
    """Score one batch and write its predictions and flags (no commit: the caller's unit of
    work). Idempotent: a post this version already has a prediction for gets nothing new."""
    stats = ClassifyStats()
    texts = [text for _, text, _ in batch]
    outcomes = classify_texts(loaded.model, loaded.calibration, loaded.thresholds, texts)
    labels = [o.labels or [] for o in outcomes]
    for (post_id, _, _), o in zip(batch, outcomes, strict=True):
        if o.error is not None:
            log.warning("post %d could not be scored and was skipped: %s", post_id, o.error)
            stats.failed += 1
    done = [i for i, o in enumerate(outcomes) if o.error is None]
    # Only posts with labels have words to show; a flag for them is what an analyst opens.
    labelled = [i for i in done if labels[i]]
    words = dict(
        zip(
            labelled,
            explain(loaded.model, [texts[i] for i in labelled], [labels[i] for i in labelled]),
            strict=True,
        )
    )
    insert_predictions(
        session,
        [
            (
                batch[i][0],
                version_id,
                _scores(outcomes[i]),
                labels[i],
                _explanation(words.get(i, {}), outcomes[i]),
            )
            for i in done
        ],
    )
    ids_of = prediction_ids(session, version_id, [batch[i][0] for i in done])
    prior = loaded.calibration.prevalence if loaded.calibration is not None else 0.0
    to_flag: list[tuple[int, str]] = []
    for i in done:
        o = outcomes[i]
        if o.scores is None:
            to_flag.append((i, "unscored"))
        elif labels[i]:
            to_flag.append((i, "model"))
        elif audit_share > 0 and in_audit_sample(batch[i][0], audit_share):
            to_flag.append((i, "audit"))
    if to_flag:
        upsert(
            session,
            Flag,
            [
                _flag_row(batch[i], ids_of[batch[i][0]], outcomes[i], labels[i], reason, prior)
                for i, reason in to_flag
            ],
            keys=["post_id"],
            update=[],
        )
    stats.classified = len(done)
    stats.flagged = sum(reason == "model" for _, reason in to_flag)
    stats.audit = sum(reason == "audit" for _, reason in to_flag)
    stats.unscored = sum(reason == "unscored" for _, reason in to_flag)
    return stats


def _scores(outcome: Outcome) -> dict[str, float]:
    if outcome.scores is None:
        return {}
    return {label: round(float(s), 6) for label, s in zip(LABELS, outcome.scores, strict=True)}


def _flag_row(
    post: PendingPost,
    prediction_id: int,
    outcome: Outcome,
    labels: list[str],
    reason: str,
    prior: float,
) -> dict[str, Any]:
    scores = outcome.scores
    return {
        "post_id": post[0],
        "prediction_id": prediction_id,
        "force_id": post[2],
        "labels": labels,
        "reason": reason,
        "language": outcome.language if reason == "unscored" else None,
        "max_score": round(
            max((float(scores[LABELS.index(lb)]) for lb in labels), default=0.0)
            if scores is not None
            else 0.0,
            6,
        ),
        "risk": round(prior if scores is None else outcome.risk, 6),
        "status": FlagStatus.pending,
    }
