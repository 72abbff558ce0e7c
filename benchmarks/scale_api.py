"""The API half of the scale benchmark: a bounded loopback load on ``probity serve --workers N``
against the national-scale database ``benchmarks.scale_build`` made.

Every phase sends a fixed number of requests (no open-ended soak), so a run on two shared cores
takes a few minutes. Phases: the largest force's referral list (its own key) and the national
statistics at concurrency 1 and 10, the review queue filtered by a label, concurrent review
decisions (state changes: each appends to the audit chain), the largest force's CSV export
alone and four at once; then ``probity audit verify`` over the whole chain.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select, text

from benchmarks.api_load import run
from benchmarks.serving import serve
from probity import db, keys
from probity.models import Flag, FlagStatus, KeyRole, Referral, ReferralItem

log = logging.getLogger("scale")
ROOT = Path(__file__).resolve().parents[1]
Request = Callable[[httpx.Client], httpx.Response]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _server_processes(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    children = [int(p) for p in path.read_text().split()] if path.exists() else []
    workers = [c for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]
    return [pid, *workers]


@contextmanager
def server(
    url: str, workers: int, data_dir: Path, code_root: Path = ROOT
) -> Iterator[tuple[str, dict[str, Any]]]:
    """``probity serve --workers N`` in a subprocess; yields its base URL and start-up memory.

    ``code_root``: serve another checkout's code (a baseline) against the same database."""
    env = {"PROBITY_MAX_PAGE_SIZE": "200", "PYTHONPATH": str(code_root)}
    # a baseline from before --workers existed runs one process
    args = ("--workers", str(workers)) if workers > 1 else ()
    with serve(url, data_dir, args=args, env=env, cwd=code_root) as (base, proc):
        time.sleep(2)  # let every worker finish starting
        pids = _server_processes(proc.pid)
        yield base, {"processes": len(pids), "rss_mb": [_rss_mb(p) for p in pids], "pids": pids}


_TICKS = os.sysconf("SC_CLK_TCK")
SAMPLER = "probity-bench-sampler"


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (0 if it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime


def _database_backends(url: str) -> list[int]:
    with db.get_engine(url).connect() as conn:
        return list(
            conn.scalars(
                text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND application_name <> :sampler"
                ),
                {"sampler": SAMPLER},
            )
        )


@contextmanager
def cpu_used(url: str, server_pids: list[int]) -> Iterator[dict[str, float]]:
    """CPU seconds the server's processes and the database's backends spent during the block:
    a figure the machine's other load does not inflate (what two dedicated cores would spend).
    Backends that closed before the end are missed (the server's pools keep theirs open)."""
    spent = {"server_s": 0.0, "database_s": 0.0}
    before_server = {p: _cpu_seconds(p) for p in server_pids}
    backends = _database_backends(url)
    before_db = {p: _cpu_seconds(p) for p in backends}
    yield spent
    spent["server_s"] = sum(_cpu_seconds(p) - t for p, t in before_server.items())
    # backends still open at the end (a backend that closed meanwhile cannot be read any more)
    spent["database_s"] = sum(
        _cpu_seconds(p) - before_db.get(p, 0.0) for p in _database_backends(url)
    )


@contextmanager
def lock_waits(url: str) -> Iterator[dict[str, int]]:
    """Sample the benchmark database's active server processes every 20 ms: how many were
    running and how many were waiting for the audit chain's advisory lock."""
    counts = {"active": 0, "advisory_lock": 0}
    stop = threading.Event()
    engine = db.get_engine(url)

    def sample() -> None:
        with engine.connect() as conn:
            # named, so its own work is not counted as the server's (``cpu_used``)
            conn.execute(text("SELECT set_config('application_name', :n, false)"), {"n": SAMPLER})
            conn.commit()
            while not stop.wait(0.02):
                for state, wait_type in conn.execute(
                    text(
                        "SELECT state, wait_event FROM pg_stat_activity WHERE datname = "
                        "current_database() AND pid <> pg_backend_pid() AND state = 'active'"
                    )
                ):
                    counts["active"] += 1
                    counts["advisory_lock"] += wait_type == "advisory"
                conn.rollback()

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield counts
    finally:
        stop.set()
        thread.join()


def _largest_force(url: str) -> tuple[str, int]:
    with db.session_scope(db.get_engine(url)) as session:
        row = session.execute(
            select(Referral.force_id, func.count())
            .join(ReferralItem, ReferralItem.referral_id == Referral.id)
            .group_by(Referral.force_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        return str(row[0]), int(row[1])


def _pending_flags(url: str, n: int) -> list[int]:
    with db.session_scope(db.get_engine(url)) as session:
        return list(
            session.scalars(
                select(Flag.id)
                .where(Flag.status == FlagStatus.pending, Flag.labels != [])
                .order_by(Flag.id.desc())
                .limit(n)
            )
        )


def _timed_export(client: httpx.Client, headers: dict[str, str]) -> tuple[float, int, int]:
    started = time.perf_counter()
    rows = 0
    with client.stream(
        "GET", "/api/v1/referrals/export", params={"format": "csv"}, headers=headers
    ) as response:
        for line in response.iter_lines():
            rows += 1 if line else 0
        status = response.status_code
    return time.perf_counter() - started, rows - 1, status  # less the header line


def api_phases(
    url: str, workers: int, data_dir: Path, quick: bool, code_root: Path = ROOT
) -> dict[str, Any]:
    force, force_rows = _largest_force(url)
    with db.session_scope(db.get_engine(url)) as session:
        force_key = keys.create_key(session, KeyRole.force, force_id=force, name="scale").key
        analyst_key = keys.create_key(session, KeyRole.analyst, name="scale").key
    f = {"Authorization": f"Bearer {force_key}"}
    a = {"Authorization": f"Bearer {analyst_key}"}
    scale = 0.25 if quick else 1.0
    n = lambda k: max(10, int(k * scale))
    decisions = iter(_pending_flags(url, n(300)))

    def decide(c: httpx.Client) -> httpx.Response:
        flag_id = next(decisions)
        return c.post(
            f"/api/v1/flags/{flag_id}/decisions",
            json={"action": "dismiss" if flag_id % 2 else "confirm"},
            headers=a,
        )

    endpoints: list[tuple[str, Request, int, int]] = [
        # name, request, requests at concurrency 1, requests at concurrency 10
        ("referral_list", lambda c: c.get("/api/v1/referrals", headers=f), n(200), n(500)),
        ("national_stats", lambda c: c.get("/api/v1/stats", headers=a), n(60), n(150)),
        (
            "queue_label_offensive",
            lambda c: c.get("/api/v1/flags", params={"label": "offensive"}, headers=a),
            n(100),
            n(200),
        ),
        ("national_referral_list", lambda c: c.get("/api/v1/referrals", headers=a), n(60), 0),
        ("decision", decide, n(50), n(250)),
    ]
    results: dict[str, Any] = {
        "workers": workers,
        "code": str(code_root),
        "force": force,
        "force_export_rows": force_rows,
        "runs": [],
    }
    with server(url, workers, data_dir, code_root) as (base, memory):
        pids = memory.pop("pids")
        results["server_memory"] = memory
        log.info("server up: %s", memory)
        with httpx.Client(base_url=base, timeout=300) as client:  # warm every worker's pool
            for _ in range(4 * workers):
                client.get("/api/v1/referrals", headers=f)
        for name, request, serial, loaded in endpoints:
            for concurrency, count in ((1, serial), (10, loaded)):
                if count == 0:
                    continue
                with cpu_used(url, pids) as cpu, lock_waits(url) as waits:
                    out = run(base, [request] * count, concurrency)
                share = waits["advisory_lock"] / waits["active"] if waits["active"] else 0.0
                out["audit_lock_wait_share"] = round(share, 3)
                # CPU per request: server processes and database backends (the chainer's and
                # the lock sampler's work included)
                out["server_cpu_ms_per_request"] = round(1000 * cpu["server_s"] / count, 1)
                out["database_cpu_ms_per_request"] = round(1000 * cpu["database_s"] / count, 1)
                results["runs"].append({"endpoint": name, **out})
                log.info("%s c=%d: %s", name, concurrency, out)
        with cpu_used(url, pids) as cpu, httpx.Client(base_url=base, timeout=600) as client:
            exports = [_timed_export(client, f) for _ in range(2 if quick else 3)]
        results["export_alone"] = [
            {"seconds": round(s, 2), "rows": r, "status": st} for s, r, st in exports
        ]
        results["export_alone_cpu_s_each"] = {
            "server": round(cpu["server_s"] / len(exports), 2),
            "database": round(cpu["database_s"] / len(exports), 2),
        }
        log.info("export alone: %s", results["export_alone"])
        together: list[tuple[float, int, int]] = []
        lock = threading.Lock()

        def one() -> None:
            with httpx.Client(base_url=base, timeout=600) as client:
                out = _timed_export(client, f)
            with lock:
                together.append(out)

        threads = [threading.Thread(target=one) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        results["export_four_at_once"] = [
            {"seconds": round(s, 2), "rows": r, "status": st} for s, r, st in together
        ]
        log.info("exports four at once: %s", results["export_four_at_once"])
    verify = subprocess.run(
        [sys.executable, "-m", "cli", "audit", "verify"],
        cwd=ROOT,
        env={**os.environ, "PROBITY_DATABASE_URL": url, "PROBITY_LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        check=False,
    )
    results["audit_verify"] = (
        json.loads(verify.stdout) if verify.stdout.strip() else {"error": verify.stderr[-500:]}
    )
    results["server_errors"] = sum(
        v for r in results["runs"] for k, v in r["statuses"].items() if k.startswith("5")
    )
    return results
