"""``classify-posts --processes N``: the same work as :func:`classifier.store.classify_posts`,
shared by N processes on one PostgreSQL database (both cores of a machine, or more).

The parent plans the id ranges to classify exactly as the queued jobs do
(:func:`classifier.store.pending_ranges`: above the watermark, and below it where a post was
missed) and deals them round-robin to N spawned processes; each loads the model once and
classifies its ranges with :func:`classifier.store.classify_range`, committing each range on its
own. So the ranges are disjoint, a process killed part-way keeps every committed range, and the
next run plans only what is still missing (its ranges lie below the new watermark: found as
missed). Predictions and flags are inserted ON CONFLICT DO NOTHING, so nothing is duplicated
even if another run or a worker takes the same range meanwhile.
"""

from __future__ import annotations

import logging
import multiprocessing

from sqlalchemy.engine import make_url

from classifier.registry import LoadedModel, register, resolve
from classifier.store import (
    ANALYZE_AFTER,
    BATCH_SIZE,
    ClassifyStats,
    classify_range,
    pending_ranges,
)
from probity.db import analyze, get_engine, session_scope
from probity.errors import ConfigurationError
from probity.settings import get_settings

log = logging.getLogger(__name__)


def _work(url: str, version: str, ranges: list[int], size: int, share: float) -> ClassifyStats:
    """One process's share: its ranges, one transaction each."""
    engine = get_engine(url)
    with session_scope(engine) as session:
        loaded = resolve(session, version)
    stats = ClassifyStats()
    for k in ranges:
        with session_scope(engine) as session:
            stats.add(
                classify_range(session, loaded, k * size + 1, (k + 1) * size, audit_share=share)
            )
    engine.dispose()
    return stats


def classify_posts_parallel(
    loaded: LoadedModel,
    processes: int,
    *,
    url: str | None = None,
    batch_size: int = BATCH_SIZE,
    audit_share: float | None = None,
) -> ClassifyStats:
    """Classify every stored post this version has not classified, in ``processes`` processes
    (PostgreSQL; on SQLite one writer at a time would gain nothing)."""
    settings = get_settings()
    url = url or settings.resolved_database_url
    if processes < 1:
        raise ValueError(f"processes must be at least 1, not {processes}")
    if processes > 1 and make_url(url).get_backend_name() != "postgresql":
        raise ConfigurationError(
            "classify-posts --processes N > 1 needs PostgreSQL: SQLite takes one writer at a time"
        )
    share = settings.audit_share if audit_share is None else audit_share
    engine = get_engine(url)
    with session_scope(engine) as session:
        row = loaded.row or register(session, loaded.folder)  # registered before any child
        version, version_id = row.version, row.id
    with session_scope(engine) as session:
        ranges = pending_ranges(session, version_id, batch_size)
    dealt = [ranges[i::processes] for i in range(processes) if ranges[i::processes]]
    log.info(
        "%d id range(s) of %d posts to classify in %d process(es)",
        len(ranges),
        batch_size,
        len(dealt),
    )
    stats = ClassifyStats()
    if not dealt:
        return stats
    context = multiprocessing.get_context("spawn")  # no connection or model state crosses over
    with context.Pool(len(dealt)) as pool:
        for part in pool.starmap(
            _work, [(url, version, part, batch_size, share) for part in dealt]
        ):
            stats.add(part)
    if stats.classified >= ANALYZE_AFTER:
        with session_scope(engine) as session:
            analyze(session, "predictions", "flags")
    return stats
