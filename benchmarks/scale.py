"""National scale on PostgreSQL: 1,000,000 posts, 100,000 flags and 20,000 referrals over the
44 forces, then a bounded loopback load on the API (``probity serve --workers N``).

The database is bulk-loaded in SQL once (about three minutes on two cores) and reused by later
runs: it is named ``--db`` (default ``probity_scale``) and records the shape it was built with;
``--rebuild`` drops and rebuilds it. Each run only migrates it (new indexes) before measuring.

Run (from the repository root, PostgreSQL on 127.0.0.1)::

    PYTHONPATH=. python benchmarks/scale.py api [--workers 2] [--quick] [--rebuild]

It writes ``benchmarks/results/scale_api.json`` and prints the table docs/scale.md quotes.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from benchmarks.scale_api import api_phases
from benchmarks.scale_build import Shape, ensure_database

log = logging.getLogger("scale")
RESULTS = Path(__file__).parent / "results"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def table(results: dict[str, Any]) -> str:
    lines = [
        (
            "| endpoint | concurrency | requests | p50 ms | p95 ms | p99 ms | req/s | statuses "
            "| waiting on the audit lock | CPU ms per request: server / database |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results["runs"]:
        lines.append(
            f"| {r['endpoint']} | {r['concurrency']} | {r['requests']} | {r['p50_ms']} | "
            f"{r['p95_ms']} | {r['p99_ms']} | {r['requests_per_s']} | "
            f"{', '.join(f'{k}: {v}' for k, v in r['statuses'].items())} | "
            f"{r['audit_lock_wait_share']:.0%} | "
            f"{r.get('server_cpu_ms_per_request', '—')} / {r.get('database_cpu_ms_per_request', '—')} |"
        )
    for name in ("export_alone", "export_four_at_once"):
        runs = results[name]
        lines.append(
            f"| CSV export ({results['force']}, {runs[0]['rows']} rows), "
            f"{'alone' if name == 'export_alone' else 'four at once'} | "
            f"{1 if name == 'export_alone' else 4} | {len(runs)} | "
            f"seconds: {', '.join(str(r['seconds']) for r in runs)} | | | | | | |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("part", choices=("api", "build"), help="build only, or build + API load")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("PROBITY_BENCH_PG_URL", PG_DEFAULT),
        help="an administrative URL on 127.0.0.1 (the benchmark database is created beside it)",
    )
    parser.add_argument("--db", default="probity_scale", help="the benchmark database's name")
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the database")
    parser.add_argument("--workers", type=int, default=2, help="probity serve --workers")
    parser.add_argument("--quick", action="store_true", help="a quarter of the requests")
    parser.add_argument("--out", type=Path, default=RESULTS / "scale_api.json")
    parser.add_argument(
        "--code-root",
        type=Path,
        default=Path(__file__).resolve().parents[1],
        help="serve this checkout's code instead (a baseline, e.g. a worktree of an older commit)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    for noisy in ("httpx", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if make_url(args.pg_url).host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("loopback only: --pg-url must point at 127.0.0.1")
    shape = Shape()
    url, built = ensure_database(args.pg_url, args.db, shape, args.rebuild)
    if args.part == "build":
        return
    load_before = os.getloadavg()  # the machine's other work, next to the figures
    with tempfile.TemporaryDirectory() as tmp:
        results = api_phases(url, args.workers, Path(tmp), args.quick, args.code_root.resolve())
    results["load_average"] = {"before": load_before, "after": os.getloadavg()}
    results = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "shape": json.loads(shape.key),
        "database_built_this_run": built,
        **results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    sys.stdout.write(table(results) + "\n")


if __name__ == "__main__":
    main()
