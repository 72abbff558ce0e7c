"""Latency of the review API under load, and the audit chain after it (loopback only).

For each engine: a fresh database is seeded with flags and referrals, ``probity serve`` runs in
a subprocess on 127.0.0.1, and fixed numbers of requests are sent by client threads:

- concurrency 1: ``--serial`` requests to each of the referral list (a force key), the queue
  (a national analyst) and a decision (each on its own pending flag);
- concurrency 20: ``--load`` requests in all, split the same three ways (default 2,000).

It reports p50/p95/p99 latency per endpoint and concurrency, the count of 5xx answers and the
output of ``probity audit verify`` afterwards, and writes ``benchmarks/results/api_load-ENGINE.json``.

Run: ``PYTHONPATH=. python benchmarks/api_load.py --engine sqlite``
     ``PYTHONPATH=. python benchmarks/api_load.py --engine postgresql [--pg-url URL]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.serving import serve
from probity import db, keys
from probity.models import Flag, FlagStatus, KeyRole, Platform, PlatformAccount, Post
from probity.referrals import add_to_referral

log = logging.getLogger("api_load")
RESULTS = Path(__file__).parent / "results"
FORCE = "west-yorkshire"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextmanager
def database(engine: str, pg_url: str, tmp: Path) -> Iterator[str]:
    if engine == "sqlite":
        yield f"sqlite:///{tmp / 'load.db'}"
        return
    name = f"probity_load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(
        make_url(pg_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield (
            make_url(pg_url)
            .set(drivername="postgresql+psycopg", database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        db.get_engine.cache_clear()  # type: ignore[attr-defined]
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seed(url: str, pending: int, referred: int) -> tuple[dict[str, str], list[int]]:
    """Keys, ``pending`` flags to decide and ``referred`` confirmed flags in referrals."""
    db.upgrade(url)
    engine = db.get_engine(url)
    flag_ids: list[int] = []
    with db.session_scope(engine) as session:
        made = {
            "analyst": keys.create_key(session, KeyRole.analyst).key,
            "force": keys.create_key(session, KeyRole.force, force_id=FORCE).key,
        }
        for n in range(pending + referred):
            tag = uuid.uuid4().hex[:10]
            account = PlatformAccount(
                platform=Platform.bluesky,
                platform_id=f"did:plc:{tag}",
                handle=f"officer{tag}.bsky.social",
                display_name=f"PC Load {n}",
                url=f"https://bsky.app/profile/{tag}",
                self_identified=True,
                force_id=FORCE,
            )
            session.add(account)
            session.flush()
            body = f"Load-test post {n}: they are all scum"
            post = Post(
                platform=Platform.bluesky,
                platform_id=f"at://{tag}/post/{n}",
                account_id=account.id,
                text=body,
                text_sha256=hashlib.sha256(body.encode()).hexdigest(),
                url=f"https://bsky.app/profile/{tag}/post/{n}",
                created_at=datetime.now(UTC) - timedelta(days=1),
            )
            session.add(post)
            session.flush()
            flag = Flag(post_id=post.id, force_id=FORCE, labels=["offensive"], max_score=0.9)
            session.add(flag)
            session.flush()
            if n < referred:
                flag.transition(FlagStatus.confirmed)
                add_to_referral(session, flag, ["offensive"])
            else:
                flag_ids.append(flag.id)
    engine.dispose()
    return made, flag_ids


@contextmanager
def server(url: str, data_dir: Path) -> Iterator[str]:
    with serve(url, data_dir) as (base, _):
        yield base


def run(
    base: str, requests: list[Callable[[httpx.Client], httpx.Response]], concurrency: int
) -> dict[str, Any]:
    """Send ``requests`` with ``concurrency`` threads; latencies in ms and status counts."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    queue = list(enumerate(requests))

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=120) as client:
            while True:
                with lock:
                    if not queue:
                        return
                    _, make = queue.pop(0)
                start = time.perf_counter()
                response = make(client)
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    latencies.append(elapsed)
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "requests": len(latencies),
        "concurrency": concurrency,
        "p50_ms": round(q[49], 1),
        "p95_ms": round(q[94], 1),
        "p99_ms": round(q[98], 1),
        "requests_per_s": round(len(latencies) / wall, 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("PROBITY_BENCH_PG_URL", PG_DEFAULT),
        help="an administrative URL on 127.0.0.1; a scratch database is created and dropped",
    )
    parser.add_argument(
        "--serial", type=int, default=100, help="requests per endpoint at concurrency 1"
    )
    parser.add_argument("--load", type=int, default=2000, help="requests in all at concurrency 20")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if args.engine == "postgresql" and make_url(args.pg_url).host not in (
        "127.0.0.1",
        "localhost",
        "::1",
    ):
        parser.error("loopback only: --pg-url must point at 127.0.0.1")

    decisions_needed = args.serial + len(range(2, args.load, 3))
    with tempfile.TemporaryDirectory() as tmp, database(args.engine, args.pg_url, Path(tmp)) as url:
        made, flags = seed(url, pending=decisions_needed, referred=300)
        force = {"Authorization": f"Bearer {made['force']}"}
        analyst = {"Authorization": f"Bearer {made['analyst']}"}
        pending = iter(flags)

        def referral_list(c: httpx.Client) -> httpx.Response:
            return c.get("/api/v1/referrals", params={"page_size": 50}, headers=force)

        def queue(c: httpx.Client) -> httpx.Response:
            return c.get(
                "/api/v1/flags", params={"force_id": FORCE, "page_size": 50}, headers=analyst
            )

        def decision_maker() -> Callable[[httpx.Client], httpx.Response]:
            flag_id = next(pending)
            action = "confirm" if flag_id % 2 else "dismiss"
            return lambda c: c.post(
                f"/api/v1/flags/{flag_id}/decisions", json={"action": action}, headers=analyst
            )

        results: dict[str, Any] = {
            "engine": args.engine,
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "cpu_count": os.cpu_count(),
            "runs": [],
        }
        with server(url, Path(tmp)) as base:
            for name, make in (
                ("referral_list", lambda: referral_list),
                ("queue", lambda: queue),
                ("decision", decision_maker),
            ):
                out = run(base, [make() for _ in range(args.serial)], 1)
                results["runs"].append({"endpoint": name, **out})
                log.info("%s c=1: %s", name, out)
            # the three kinds interleaved, so they overlap in time
            kinds = [("referral_list", referral_list), ("queue", queue), ("decision", None)]
            mixed = [
                (kind, r or decision_maker())
                for n in range(args.load)
                for kind, r in [kinds[n % 3]]
            ]
            timed: dict[str, list[float]] = {k: [] for k, _ in kinds}
            statuses: dict[str, dict[int, int]] = {k: {} for k, _ in kinds}
            tally = threading.Lock()

            def wrap(
                kind: str, r: Callable[[httpx.Client], httpx.Response]
            ) -> Callable[[httpx.Client], httpx.Response]:
                def call(c: httpx.Client) -> httpx.Response:
                    start = time.perf_counter()
                    response = r(c)
                    with tally:  # the client threads share these counters
                        timed[kind].append((time.perf_counter() - start) * 1000)
                        statuses[kind][response.status_code] = (
                            statuses[kind].get(response.status_code, 0) + 1
                        )
                    return response

                return call

            total = run(base, [wrap(kind, r) for kind, r in mixed], 20)
            log.info("all c=20: %s", total)
            for kind, values in timed.items():
                q = statistics.quantiles(values, n=100, method="inclusive")
                results["runs"].append(
                    {
                        "endpoint": kind,
                        "requests": len(values),
                        "concurrency": 20,
                        "p50_ms": round(q[49], 1),
                        "p95_ms": round(q[94], 1),
                        "p99_ms": round(q[98], 1),
                        "statuses": {str(k): v for k, v in sorted(statuses[kind].items())},
                    }
                )
            results["load_total"] = total
        env = {
            **os.environ,
            "PROBITY_DATABASE_URL": url,
            "PROBITY_DATA_DIR": tmp,
            "PROBITY_LOG_LEVEL": "WARNING",
        }
        verify = subprocess.run(
            [sys.executable, "-m", "cli", "audit", "verify"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        results["audit_verify"] = (
            json.loads(verify.stdout) if verify.stdout.strip() else {"error": verify.stderr}
        )
        results["server_errors"] = sum(
            v for run_ in results["runs"] for k, v in run_["statuses"].items() if k.startswith("5")
        )
    log.info("audit verify: %s", results["audit_verify"])
    path: Path = args.out or RESULTS / f"api_load-{args.engine}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    sys.stdout.write(json.dumps(results) + "\n")


if __name__ == "__main__":
    main()
