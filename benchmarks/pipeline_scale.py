"""Pipeline cost against scale on PostgreSQL (a benchmark, not a test).

    PYTHONPATH=. nice python benchmarks/pipeline_scale.py \\
        --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        [--scales 0.5 1 2 4] [--classify-posts 200000]

1. ``probity demo --no-serve`` at each scale, each in a fresh database and data folder, in a
   child process: the demo's own stage timings (discover and identify, crawl posts, classify)
   divided by the posts stored give seconds per 1,000 posts. Flat figures across scales mean
   linear costs; growing ones mean a per-page or per-batch cost grows with the table.
2. ``classify-posts`` end to end: a copy of the largest scale's database is topped up to
   ``--classify-posts`` posts (copies of its posts under new ids, SQL bulk insert, ANALYZE),
   its predictions and flags removed, and ``classify_posts`` run over all of it in a child
   process with the active model already loaded: posts/s counts selecting, language check,
   scoring, explanations, inserts and the per-batch commits.

The model is trained once (by the first demo) into a shared models folder and registered into
every later database, so no scale pays for training. Results go to
benchmarks/results/pipeline_scale.json (``--out`` to change); the load average is recorded
because the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.demo_ports import database_port_base

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "pipeline_scale.json"
# databases are named PREFIX_<scale>: a shared server must not see two runs use one name
PREFIX = os.environ.get("PIPELINE_BENCH_DB_PREFIX", "probity_pipeline")
log = logging.getLogger("benchmarks.pipeline_scale")


def _admin(pg_url: str, sql: str) -> None:
    engine = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(sql))
    engine.dispose()


def _database_url(pg_url: str, name: str) -> str:
    return make_url(pg_url).set(database=name).render_as_string(hide_password=False)


def _fresh_database(pg_url: str, name: str, template: str | None = None) -> str:
    _admin(pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(pg_url, f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return _database_url(pg_url, name)


def _scale_database(scale: float) -> str:
    return f"{PREFIX}_{str(scale).replace('.', '_')}"


def _port_base() -> int:
    # ports of its own: another demo on the machine must not answer this one's crawl
    return int(os.environ.get("PIPELINE_BENCH_PORT_BASE", "28701"))


def _child_env(
    database_url: str, data_dir: Path, models_dir: Path, port_base: int | None = None
) -> dict[str, str]:
    env = dict(os.environ)
    env |= {
        "PROBITY_DATABASE_URL": database_url,
        "PROBITY_DATA_DIR": str(data_dir),
        "PROBITY_MODELS_DIR": str(models_dir),
        "PROBITY_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        "PROBITY_DEMO_PORT_BASE": str(port_base or _port_base()),
    }
    env.setdefault("PROBITY_SHARED_DATA_DIR", str(ROOT.parent / "shared" / "data"))
    return env


def _register_trained(env: dict[str, str], models_dir: Path) -> None:
    """Register and activate the newest trained model in the (migrated) database of ``env``."""
    folders = sorted(p.parent for p in models_dir.glob("*/model.json"))
    if not folders:
        return  # the demo trains the default model
    code = (
        "import sys; from pathlib import Path; from probity import db; "
        "from classifier.registry import register, activate; db.upgrade(); "
        "s = db.session_factory()(); activate(s, register(s, Path(sys.argv[1])).version); "
        "s.commit()"
    )
    subprocess.run([sys.executable, "-c", code, str(folders[-1])], env=env, check=True)


def run_scale(pg_url: str, scale: float, models_dir: Path) -> dict[str, Any]:
    name = _scale_database(scale)
    url = _fresh_database(pg_url, name)
    with tempfile.TemporaryDirectory(prefix="probity-pipeline-") as tmp:
        env = _child_env(url, Path(tmp), models_dir)
        _register_trained(env, models_dir)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "cli", "demo", "--scale", str(scale), "--no-serve"],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        wall = time.perf_counter() - started
        board = json.loads((Path(tmp) / "scoreboard.json").read_text(encoding="utf-8"))
    engine = create_engine(url)
    with engine.connect() as connection:
        posts = connection.execute(text("SELECT count(*) FROM posts")).scalar_one()
        predictions = connection.execute(text("SELECT count(*) FROM predictions")).scalar_one()
    engine.dispose()
    stages = board["stage_seconds"]
    per_thousand = {
        stage: round(stages[stage] / posts * 1000, 3)
        for stage in ("discover and identify", "crawl posts", "classify")
        if stage in stages and posts
    }
    row = {
        "scale": scale,
        "database": name,
        "posts": posts,
        "predictions": predictions,
        "stage_seconds": stages,
        "seconds_per_1000_posts": per_thousand,
        "demo_wall_seconds": round(wall, 1),
        "load_average_after": list(os.getloadavg()),
    }
    log.info("scale %s: %s", scale, json.dumps(row))
    return row


CLASSIFY_CHILD = """
import json, resource, sys, time
from probity import db
from classifier.registry import resolve
from classifier.store import classify_posts
engine = db.get_engine()
with db.session_scope(engine) as session:
    loaded = resolve(session, None)
loaded.model.predict_proba(["warm up: lookup tables built on first use"])  # once per process
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
started, cpu_started = time.perf_counter(), cpu()
with db.session_scope(engine) as session:
    stats = classify_posts(session, loaded)
seconds, cpu_seconds = time.perf_counter() - started, cpu() - cpu_started
print(json.dumps({"classified": stats.classified, "flagged": stats.flagged,
                  "audit": stats.audit, "unscored": stats.unscored, "seconds": seconds,
                  "cpu_seconds": cpu_seconds}))
"""


CRAWL_CHILD = """
import json, os, resource, sys, time
os.environ.setdefault("PROBITY_X_BEARER_TOKEN", "demo-fake-x-token")  # as the demo does
from contextlib import ExitStack
from sqlalchemy import text
from crawler.run import run_crawl
from demo.run import PLATFORMS, start_platforms
from demo.simulation import build_world
from probity import db
from probity.settings import get_settings

def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime

def db_active_ms(engine):
    with engine.connect() as connection:
        return connection.execute(text(
            "SELECT active_time FROM pg_stat_database WHERE datname = current_database()"
        )).scalar_one()

seed, scale = int(sys.argv[1]), float(sys.argv[2])
engine = db.get_engine()
sim = build_world(seed, scale)
with ExitStack() as stack:
    urls = start_platforms(sim, stack, get_settings().demo_port_base)
    time.sleep(1)  # let pg_stat_database catch up with the reset before reading it
    active = db_active_ms(engine)
    started, cpu_started = time.perf_counter(), cpu()
    for platform in PLATFORMS:
        run_crawl("posts", platform, base_url=urls[platform])
    seconds, cpu_seconds = time.perf_counter() - started, cpu() - cpu_started
    time.sleep(1)
    active = db_active_ms(engine) - active
with engine.connect() as connection:
    posts = connection.execute(text("SELECT count(*) FROM posts WHERE NOT reference_only")).scalar_one()
print(json.dumps({"posts": posts, "seconds": seconds, "cpu_seconds": cpu_seconds,
                  "database_active_seconds": active / 1000}))
"""


def run_crawl_only(pg_url: str, scale: float, models_dir: Path) -> dict[str, Any]:
    """The post crawl alone, again, on a copy of the scale's demo database with its posts
    removed (accounts and discovery kept): wall time, the crawling process's CPU time (crawler
    and fake platforms) and the database's own statement time, each per 1,000 posts. The fake
    platforms listen on the ports the database was built with (its accounts' URLs)."""
    source = _scale_database(scale)
    port_base = database_port_base(_database_url(pg_url, source))
    if port_base != _port_base():
        log.info(
            "%s was built on port base %d: crawling there, not on %d",
            source,
            port_base,
            _port_base(),
        )
    url = _fresh_database(pg_url, f"{source}_crawl", template=source)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("TRUNCATE posts CASCADE"))
        connection.execute(text("DELETE FROM raw_items WHERE item_type = 'post'"))
        connection.execute(text("DELETE FROM crawl_checkpoints WHERE scope = 'posts'"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
        connection.execute(text("SELECT pg_stat_reset()"))
    engine.dispose()
    with tempfile.TemporaryDirectory(prefix="probity-pipeline-") as tmp:
        env = _child_env(url, Path(tmp), models_dir, port_base)
        done = subprocess.run(
            [sys.executable, "-c", CRAWL_CHILD, "2026", str(scale)],
            env=env,
            cwd=ROOT,
            check=False,
            capture_output=True,
            text=True,
        )
    if done.returncode:
        raise RuntimeError(f"crawl at scale {scale} failed: {done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if not result["posts"]:
        raise RuntimeError(f"the crawl at scale {scale} collected no post: nothing to measure")
    per_thousand = 1000 / result["posts"]
    row = {
        "scale": scale,
        "demo_port_base": port_base,
        "posts": result["posts"],
        "seconds": round(result["seconds"], 1),
        "seconds_per_1000_posts": round(result["seconds"] * per_thousand, 3),
        "cpu_seconds_per_1000_posts": round(result["cpu_seconds"] * per_thousand, 3),
        "database_seconds_per_1000_posts": round(
            result["database_active_seconds"] * per_thousand, 3
        ),
        "load_average_after": list(os.getloadavg()),
    }
    log.info("crawl only, scale %s: %s", scale, json.dumps(row))
    return row


def top_up_posts(url: str, target: int) -> int:
    """Copy the database's own posts under new platform ids until it holds ``target`` posts."""
    engine = create_engine(url)
    with engine.begin() as connection:
        # the demo's reference data return refers to some flags: it goes with them
        connection.execute(text("TRUNCATE flags, predictions CASCADE"))
        base = connection.execute(text("SELECT max(id) FROM posts")).scalar_one()
        have = connection.execute(text("SELECT count(*) FROM posts")).scalar_one()
        round_ = 0
        while have < target:
            round_ += 1
            connection.execute(
                text(
                    "INSERT INTO posts (platform, platform_id, account_id, text, text_sha256,"
                    " content_warning, url, created_at, captured_at, last_seen, is_repost,"
                    " context, raw, edited_at, previous_text_sha256, deleted_at, reference_only)"
                    " SELECT platform, platform_id || '#copy' || :round, account_id, text,"
                    " text_sha256, content_warning, url, created_at, captured_at, last_seen,"
                    " is_repost, context, NULL, edited_at, previous_text_sha256, deleted_at,"
                    " reference_only"
                    " FROM posts WHERE id <= :base ORDER BY id LIMIT :n"
                ),
                {"round": round_, "base": base, "n": target - have},
            )
            have = connection.execute(text("SELECT count(*) FROM posts")).scalar_one()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return int(have)


def run_classify(pg_url: str, template: str, posts: int, models_dir: Path) -> dict[str, Any]:
    url = _fresh_database(pg_url, f"{PREFIX}_classify", template=template)
    total = top_up_posts(url, posts)
    with tempfile.TemporaryDirectory(prefix="probity-pipeline-") as tmp:
        env = _child_env(url, Path(tmp), models_dir)
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", CLASSIFY_CHILD],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - started
    result = json.loads(done.stdout.strip().splitlines()[-1])
    row = {
        "posts_in_database": total,
        **result,
        "seconds": round(result["seconds"], 2),
        "posts_per_second": round(result["classified"] / result["seconds"], 1),
        # the classifying process's own CPU time: what it does per post whatever the load
        # (the database server's work runs on the other core and is not in it)
        "cpu_seconds": round(result["cpu_seconds"], 2),
        "posts_per_cpu_second": round(result["classified"] / result["cpu_seconds"], 1),
        "process_wall_seconds": round(wall, 1),
        "seconds_per_1000_posts": round(result["seconds"] / max(result["classified"], 1) * 1000, 3),
        "cpu_seconds_per_1000_posts": round(
            result["cpu_seconds"] / max(result["classified"], 1) * 1000, 3
        ),
        "load_average_after": list(os.getloadavg()),
    }
    log.info("classify-posts: %s", json.dumps(row))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--scales", type=float, nargs="+", default=[0.5, 1, 2, 4])
    parser.add_argument("--classify-posts", type=int, default=200_000)
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument(
        "--crawl-only",
        action="store_true",
        help="Only the post crawl again, on the demo databases an earlier run left (on the "
        "demo ports each was built with, read from its accounts).",
    )
    parser.add_argument(
        "--classify-from",
        default=None,
        help="Only the classify-posts measurement, from this demo database (from an earlier run).",
    )
    parser.add_argument(
        "--classify-scales",
        action="store_true",
        help="Only classify-posts again over each scale's demo posts (an earlier run's databases).",
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    models_dir = args.models_dir or Path(tempfile.gettempdir()) / "probity-pipeline-models"
    models_dir.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpu_count": os.cpu_count(),
        "load_average_at_start": list(os.getloadavg()),
        "python": platform.python_version(),
        "engine": "postgresql",
        "scales": [],
    }
    if args.crawl_only:
        report["crawl_only"] = [run_crawl_only(args.pg_url, s, models_dir) for s in args.scales]
    if args.classify_scales:
        # each scale's own posts (no top-up), predictions and flags removed, one process
        report["classify_only"] = [
            {"scale": s, **run_classify(args.pg_url, _scale_database(s), 0, models_dir)}
            for s in args.scales
        ]
        args.crawl_only = True  # nothing else this run
    for scale in [] if args.classify_from or args.crawl_only else args.scales:
        report["scales"].append(run_scale(args.pg_url, scale, models_dir))
    if args.classify_posts and not args.crawl_only:
        largest = args.classify_from or max(report["scales"], key=lambda r: r["scale"])["database"]
        report["classify_posts"] = run_classify(
            args.pg_url, largest, args.classify_posts, models_dir
        )
    report["load_average_at_end"] = list(os.getloadavg())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    log.info("wrote %s", args.out)


if __name__ == "__main__":
    main()
