"""Writing a batch's predictions (classifier.store): COPY on PostgreSQL, and reading back the
ids of the predictions a batch's flags point to."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from probity.db import upsert
from probity.models import Prediction, utcnow

PREDICTION_COLUMNS = ("post_id", "model_version_id", "scores", "labels", "explanation")
STAGE = "classify_predictions_in"  # a temporary table of this session's connection


def insert_predictions(session: Session, rows: list[tuple[int, int, Any, Any, Any]]) -> None:
    """Write a batch's predictions; one that exists already (a concurrent run's) is skipped.

    PostgreSQL: COPY into a temporary table, then one INSERT … SELECT … ON CONFLICT DO NOTHING:
    the server parses one statement instead of executing one per row, and the client formats
    rows as COPY text. SQLite: the generic upsert (one executemany)."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        upsert(
            session,
            Prediction,
            [dict(zip(PREDICTION_COLUMNS, row, strict=True)) for row in rows],
            keys=["post_id", "model_version_id"],
            update=[],
        )
        return
    if session.autoflush:
        session.flush()
    dumps = json.dumps
    columns = ", ".join(PREDICTION_COLUMNS)
    connection = session.connection().connection.driver_connection
    with connection.cursor() as cursor:  # type: ignore[union-attr]
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE} AS"
            f" SELECT {columns} FROM predictions WITH NO DATA"
        )
        with cursor.copy(f"COPY {STAGE} ({columns}) FROM STDIN") as copy:
            for post_id, version_id, scores, labels, explanation in rows:
                copy.write_row(
                    (
                        post_id,
                        version_id,
                        dumps(scores),
                        dumps(labels),
                        None if explanation is None else dumps(explanation),
                    )
                )
        cursor.execute(
            f"INSERT INTO predictions ({columns}, created_at) SELECT {columns}, %s FROM {STAGE}"
            " ORDER BY post_id ON CONFLICT (post_id, model_version_id) DO NOTHING",
            (utcnow(),),
        )
        cursor.execute(f"TRUNCATE {STAGE}")


def prediction_ids(
    session: Session, version_id: int, post_ids: list[int], *, every: bool = False
) -> dict[int, int]:
    """post id → prediction id of this version, for the batch's posts (``every``: for every
    post between the lowest and the highest of ``post_ids``).

    Read back with one range query instead of INSERT … RETURNING: on PostgreSQL RETURNING turns
    the executemany (one prepared statement, pipelined) into multi-row VALUES statements that
    psycopg re-parses every batch, several times slower for 2,000 rows."""
    if not post_ids:
        return {}
    wanted = set(post_ids)
    rows = session.execute(
        select(Prediction.post_id, Prediction.id).where(
            Prediction.model_version_id == version_id,
            Prediction.post_id >= min(post_ids),
            Prediction.post_id <= max(post_ids),
        )
    )
    return {post_id: pid for post_id, pid in rows if every or post_id in wanted}
