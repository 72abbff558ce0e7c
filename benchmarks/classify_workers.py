"""A classification backlog worked by 1 and by 2 workers on one PostgreSQL database
(a benchmark, not a test; issue #14: two workers finish a backlog ~2× faster than one).

    PYTHONPATH=. python benchmarks/classify_workers.py \\
        --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        --from-database probity_pipeline_2_0 [--posts 100000] [--counts 1 2]

A demo database left by ``benchmarks/pipeline_scale.py`` is copied and topped up to ``--posts``
posts (copies of its posts under new ids), its predictions and flags removed; that backlog is
then classified from the same copy, once per worker count and way of running:

- ``jobs``: ``plan_classify`` defers one ``classify_batch`` job per id range (jobs/tasks.py), then
  N ``probity worker --queue classify --no-schedule`` processes work the queue; timed from the
  first prediction to an empty queue (worker start-up and model loading excluded), and from the
  workers' start;
  with ``--own-sessions`` each worker is started in a session of its own, as separate services
  (systemd units, machines) would be: Linux's autogroup scheduling gives one session's
  processes one share of a busy machine, so two workers started from one shell compete for it;
- ``processes``: ``probity classify-posts --processes N``, the process's wall time (spawning the
  N processes and loading the model in each included).

Each run records the load average before and after: the machine is shared. Results:
benchmarks/results/classify_workers.json (``--out``).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from benchmarks.pipeline_scale import PREFIX, ROOT, _child_env, _fresh_database, top_up_posts

RESULTS = ROOT / "benchmarks" / "results" / "classify_workers.json"
log = logging.getLogger("benchmarks.classify_workers")

PLAN_CHILD = """
from jobs.app import app, connector_for
from jobs.queue import ensure_schema
from jobs.tasks import plan_classify
from probity.settings import get_settings
url = get_settings().resolved_database_url
ensure_schema(url)
with app.replace_connector(connector_for(url)), app.open():
    print(plan_classify(timestamp=0))
"""


def _count(url: str, sql: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        value = connection.execute(text(sql)).scalar_one()
    engine.dispose()
    return int(value)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _db_active_seconds(url: str) -> float:
    """The database's statement time so far (pg_stat_database.active_time, all sessions)."""
    return (
        _count_float(
            url,
            "SELECT active_time FROM pg_stat_database WHERE datname = current_database()",
        )
        / 1000
    )


def _count_float(url: str, sql: str) -> float:
    engine = create_engine(url)
    with engine.connect() as connection:
        value = connection.execute(text(sql)).scalar_one()
    engine.dispose()
    return float(value or 0)


def run_jobs(
    url: str, env: dict[str, str], workers: int, own_sessions: bool = False
) -> dict[str, Any]:
    planned = subprocess.run(
        [sys.executable, "-c", PLAN_CHILD],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    jobs = int(planned.stdout.strip().splitlines()[-1])
    load_before = list(os.getloadavg())
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "cli", "worker", "--queue", "classify", "--no-schedule"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # Linux schedules a session's processes as one group (autogroup): on a busy machine
            # two workers of one session share one group's CPU, as two services would not
            start_new_session=own_sessions,
        )
        for _ in range(workers)
    ]
    first: float | None = None
    cpu_first = db_first = 0.0
    try:
        while True:
            time.sleep(0.25)
            if first is None and _count(url, "SELECT count(*) FROM predictions"):
                first = time.perf_counter()
                cpu_first = sum(_cpu_seconds(p.pid) for p in procs)
                db_first = _db_active_seconds(url)
            waiting = _count(
                url,
                "SELECT count(*) FROM procrastinate_jobs"
                " WHERE queue_name = 'classify' AND status IN ('todo', 'doing')",
            )
            if not waiting and first is not None:
                break
            if any(p.poll() is not None for p in procs):
                raise RuntimeError("a worker exited before the queue was empty")
        done = time.perf_counter()
        cpu = sum(_cpu_seconds(p.pid) for p in procs) - cpu_first
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
    time.sleep(1.5)  # a backend's statistics reach pg_stat_database when it exits, or later
    db_seconds = _db_active_seconds(url) - db_first
    classified = _count(url, "SELECT count(*) FROM predictions")
    seconds = done - (first or started)
    return {
        "way": "jobs",
        "workers": workers,
        "own_sessions": own_sessions,
        "jobs": jobs,
        "classified": classified,
        "seconds_first_prediction_to_empty_queue": round(seconds, 2),
        "seconds_from_worker_start": round(done - started, 2),
        "posts_per_second": round(classified / seconds, 1),
        # the workers' own CPU time over the same window, and the database's statement time:
        # flat per post from 1 to 2 workers means nothing serialises them
        "worker_cpu_ms_per_post": round(cpu / classified * 1000, 4),
        "database_active_ms_per_post": round(db_seconds / classified * 1000, 4),
        "load_average_before": load_before,
        "load_average_after": list(os.getloadavg()),
    }


def run_processes(url: str, env: dict[str, str], processes: int) -> dict[str, Any]:
    load_before = list(os.getloadavg())
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    db_before = _db_active_seconds(url)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cli", "classify-posts", "--processes", str(processes)],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    time.sleep(1.5)
    db_seconds = _db_active_seconds(url) - db_before
    classified = _count(url, "SELECT count(*) FROM predictions")
    return {
        "way": "processes",
        "workers": processes,
        "classified": classified,
        "seconds": round(seconds, 2),
        "posts_per_second": round(classified / seconds, 1),
        # every process's CPU time, start-up and model loading included
        "process_cpu_ms_per_post": round(cpu / classified * 1000, 4),
        "database_active_ms_per_post": round(db_seconds / classified * 1000, 4),
        "load_average_before": load_before,
        "load_average_after": list(os.getloadavg()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--from-database", required=True, help="a demo database (pipeline_scale)")
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--counts", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--ways", nargs="+", default=["jobs", "processes"])
    parser.add_argument(
        "--own-sessions",
        action="store_true",
        help="Start each worker in a session of its own (as separate services would run).",
    )
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    models_dir = args.models_dir or Path(tempfile.gettempdir()) / "probity-pipeline-models"
    backlog = f"{PREFIX}_backlog"
    posts = top_up_posts(
        _fresh_database(args.pg_url, backlog, template=args.from_database), args.posts
    )
    report: dict[str, Any] = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpu_count": os.cpu_count(),
        "from_database": args.from_database,
        "posts_in_database": posts,
        "runs": [],
    }
    for way in args.ways:
        for n in args.counts:
            url = _fresh_database(args.pg_url, f"{PREFIX}_backlog_run", template=backlog)
            with tempfile.TemporaryDirectory(prefix="probity-workers-") as tmp:
                env = _child_env(url, Path(tmp), models_dir)
                row = (
                    run_jobs(url, env, n, args.own_sessions)
                    if way == "jobs"
                    else run_processes(url, env, n)
                )
            log.info("%s", json.dumps(row))
            report["runs"].append(row)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    log.info("wrote %s", args.out)


if __name__ == "__main__":
    main()
