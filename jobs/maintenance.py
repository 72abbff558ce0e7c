"""The maintenance units behind the scheduled tasks: retention, audit anchoring, reports, and the
job queue's own clean-up."""

from __future__ import annotations

import importlib
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from procrastinate.builtin_tasks import remove_old_jobs
from procrastinate.job_context import JobContext

from probity import audit, audit_queue
from probity.db import session_scope
from probity.settings import get_settings
from registers.report import force_report, national_report

log = logging.getLogger(__name__)
WORKER_ACTOR = "worker"  # the audit log's actor for scheduled work


def run_scheduled_retention(as_of: datetime) -> dict[str, Any] | None:
    """Apply the retention schedule as of ``as_of``: ``probity.retention.run_retention(session,
    schedule, as_of, dry_run)``, its schedule None (the configured one) and ``dry_run`` False.

    The retention module may not be in this build: then nothing is deleted and the job says so
    in the log, rather than failing every night.
    """
    try:
        retention: Any = importlib.import_module("probity.retention")
    except ModuleNotFoundError:
        log.warning("retention: probity.retention is not available; nothing applied")
        return None
    with session_scope() as session:
        report = retention.run_retention(session, None, as_of, False)
    as_dict = getattr(report, "as_dict", None)
    return as_dict() if callable(as_dict) else {"report": str(report)}


async def clean_job_queue(context: JobContext) -> dict[str, int]:
    """Remove finished jobs (and their events) from the queue: succeeded ones older than
    ``PROBITY_JOBS_KEEP_HOURS``, failed, cancelled and aborted ones older than
    ``PROBITY_JOBS_FAILED_KEEP_HOURS``; waiting and running jobs are never touched.

    Procrastinate's own ``remove_old_jobs``, called here rather than scheduled as it is: it runs
    on a queue of its own (``builtin``), which workers given ``--queue`` never take, takes one
    age for every status, and a schedule would fix its ages when the worker starts."""
    settings = get_settings()
    kept = {
        "succeeded_hours": settings.jobs_keep_hours,
        "failed_hours": settings.jobs_failed_keep_hours,
    }
    await remove_old_jobs(context, max_hours=kept["succeeded_hours"])
    await remove_old_jobs(
        context,
        max_hours=kept["failed_hours"],
        remove_failed=True,
        remove_cancelled=True,
        remove_aborted=True,
    )
    log.info("job queue cleaned: finished jobs older than %s removed", kept)
    return kept


def anchor_file() -> Path:
    settings = get_settings()
    configured = settings.audit_anchor_file
    return (
        configured
        if str(configured) not in ("", ".")
        else settings.data_dir / "audit-anchors.jsonl"
    )


def anchor_audit_chain() -> str:
    """Append the audit chain's head to the anchor file (what ``probity audit anchor`` does).
    Staged reads are chained first, so the anchor covers them (and a deployment whose API is
    down still has them chained once a day)."""
    with session_scope() as session:
        while audit_queue.chain_pending(session):
            pass
        audit.record(
            session,
            actor=WORKER_ACTOR,
            role="operator",
            action="audit.anchor",
            object_type="audit_events",
            purpose="scheduled anchoring",
        )
        session.flush()
        line = audit.head(session).line()
    path = anchor_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:  # append-only by use: earlier anchors stay
        handle.write(line + "\n")
    return line


def build_report(force_id: str | None, out_dir: Path) -> Path:
    """One force's report (or, with None, the national one) as HTML in ``out_dir``."""
    with session_scope() as session:
        html = force_report(session, force_id) if force_id else national_report(session)
        audit.record(
            session,
            actor=WORKER_ACTOR,
            role="operator",
            action="report.force" if force_id else "report.national",
            object_type="report",
            object_id=force_id or "national",
            force_id=force_id,
            purpose="scheduled report",
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{force_id or 'national'}.html"
    out.write_text(html, encoding="utf-8")
    return out
