"""Register import at scale: wall time and peak memory of importing a generated gifts CSV.

For each engine (SQLite file, PostgreSQL) a fresh migrated database gets:
  * the import of ``--rows`` rows (default 1,000,000), then a re-import of the same file (every
    row unchanged), then the import of a tenth of the rows into another fresh database: peak RSS
    that does not grow with the file is what "bounded memory" means;
  * the write path compared on ``--compare-rows`` rows (default 50,000): the importer's staging
    table (COPY on PostgreSQL) and set-based merge, against batched upserts of the same parsed
    rows, run executemany-style and as 1,000-row multi-row VALUES statements.

Each measurement runs in a child process (``--child``) so its peak RSS (getrusage) is its own.
Results go to benchmarks/results/register_import.json. Run (PostgreSQL on 127.0.0.1):

    PYTHONPATH=. nice -n 10 python benchmarks/register_import.py \\
        --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from probity import db
from probity.forces import FORCE_IDS
from probity.models import GiftHospitality
from registers import importer
from registers.reader import read_rows

log = logging.getLogger("benchmarks.register_import")
RESULTS = Path(__file__).parent / "results" / "register_import.json"
HEADER = (
    "force,entry_ref,entry_date,recipient_role,recipient_rank,chief_officer,offeror,offeror_type,kind,"
    "description,value,accepted,reason"
)
KEYS = ["force_id", "entry_ref"]


def write_gifts(path: Path, rows: int, seed: int = 12) -> None:
    """A plausible gifts register: every force, varied values, quoted commas, some empty cells."""
    rng = random.Random(seed)
    forces = sorted(FORCE_IDS)
    start = date(2010, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER + "\n")
        for i in range(rows):
            day = start + timedelta(days=rng.randrange(3650))
            value = f'"{rng.randrange(1, 5000):,}.{rng.randrange(100):02d}"' if i % 7 else "£25.00"
            out.write(
                f"{forces[i % len(forces)]},GH-{i:07d},{day.isoformat()},Police Officer,"
                f"{'Sergeant' if i % 3 else ''},{'yes' if i % 50 == 0 else 'no'},"
                f'"Supplier {rng.randrange(5000)}, Ltd",{("business", "public", "partner_agency")[i % 3]},'
                f"{('hospitality', 'gratuity')[i % 2]},event {i % 97},{value},"
                f"{'accepted' if i % 4 else 'declined'},{'policy' if i % 4 == 0 else ''}\n"
            )


def write_gifts_xlsx(csv_path: Path, path: Path) -> None:
    """The same rows as an XLSX workbook (written in openpyxl's streaming write-only mode)."""
    import csv

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    with csv_path.open(encoding="utf-8", newline="") as source:
        for row in csv.reader(source):
            sheet.append(row)
    book.save(path)


# --- child: one measurement in its own process ---------------------------------------------------


def _parsed(path: Path) -> Iterator[dict[str, Any]]:
    """The importer's own parsing, as dicts, for the upsert variants."""
    template = importer.get_template("gifts")
    rows = read_rows(path)
    header = importer._header(template, rows, str(path), None)
    problems = importer._Problems()
    names = [c.attribute for c in template.columns]
    for entry in importer._entries(template, header, rows, problems, None):
        yield dict(zip(names, entry[1:], strict=True))
    assert problems.total == 0, problems.shown


def _values_upsert(session: Any, rows: Iterator[dict[str, Any]], per_statement: int = 1000) -> int:
    """Multi-row VALUES: one INSERT … VALUES (…), (…) … ON CONFLICT per 1,000 rows."""
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[
        session.get_bind().dialect.name
    ]
    total = 0
    for batch in db.batched(rows, per_statement):
        stmt: Any = insert(GiftHospitality).values(batch)
        stmt = stmt.on_conflict_do_update(
            index_elements=KEYS, set_={c: stmt.excluded[c] for c in batch[0] if c not in KEYS}
        )
        session.execute(stmt)
        total += len(batch)
    return total


def child(url: str, path: Path, method: str) -> dict[str, Any]:
    engine = db.make_engine(url)
    started = time.perf_counter()
    with db.session_scope(engine) as session:
        if method == "staging":
            summary = importer.import_register(session, "gifts", path)
            result: dict[str, Any] = {
                "rows": summary.rows,
                "inserted": summary.inserted,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
            }
        elif method == "executemany":
            result = {"rows": db.upsert(session, GiftHospitality, _parsed(path), keys=KEYS)}
        else:
            result = {"rows": _values_upsert(session, _parsed(path))}
    seconds = time.perf_counter() - started
    with engine.connect() as connection:
        stored = connection.scalar(select(func.count()).select_from(GiftHospitality))
    engine.dispose()
    return {
        **result,
        "stored": stored,
        "seconds": round(seconds, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


# --- parent ---------------------------------------------------------------------------------


class Databases:
    """Fresh migrated databases on one engine, dropped at the end."""

    def __init__(self, engine: str, folder: Path, pg_url: str | None):
        self.engine, self.folder, self.pg_url = engine, folder, pg_url
        self.made: list[str] = []

    def new(self) -> str:
        if self.engine == "sqlite":
            url = f"sqlite:///{self.folder / f'bench-{uuid.uuid4().hex[:8]}.db'}"
        else:
            assert self.pg_url
            name = f"probity_bench_{uuid.uuid4().hex[:10]}"
            admin = create_engine(
                make_url(self.pg_url).set(drivername="postgresql+psycopg"),
                isolation_level="AUTOCOMMIT",
            )
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            url = (
                make_url(self.pg_url)
                .set(drivername="postgresql+psycopg", database=name)
                .render_as_string(hide_password=False)
            )
        db.upgrade(url)
        db.get_engine(url).dispose()
        self.made.append(url)
        return url

    def drop_all(self) -> None:
        if self.engine != "postgresql":
            return
        admin = create_engine(
            make_url(self.pg_url or "").set(drivername="postgresql+psycopg"),
            isolation_level="AUTOCOMMIT",
        )
        with admin.connect() as connection:
            for url in self.made:
                connection.execute(
                    text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
                )
        admin.dispose()


def measure(url: str, path: Path, method: str = "staging") -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", url, str(path), method],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    log.info("%s %s %s: %s", make_url(url).get_backend_name(), method, path.name, result)
    return result


def baseline_rss() -> float:
    """Peak RSS of a child that only imports the same modules (the floor the figures sit on)."""
    code = (
        "import resource, benchmarks.register_import; "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    return round(float(out.stdout.strip()), 1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--compare-rows", type=int, default=50_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument(
        "--xlsx-rows",
        type=int,
        default=100_000,
        help="also import this many rows (and a tenth) as XLSX on the first engine; 0 skips",
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get(
            "PROBITY_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--child", nargs=3, metavar=("URL", "CSV", "METHOD"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]), args.child[2])))
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "rows": args.rows,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared), Python {platform.python_version()}",
        "baseline_peak_rss_mib": baseline_rss(),
        "engines": {},
    }
    with tempfile.TemporaryDirectory(prefix="probity-bench-") as tmp:
        folder = Path(tmp)
        files = {}
        for rows in sorted({args.rows, args.rows // 10, args.compare_rows}):
            files[rows] = folder / f"gifts-{rows}.csv"
            write_gifts(files[rows], rows)
        results["csv_mib"] = round(files[args.rows].stat().st_size / 2**20, 1)
        for engine in args.engines.split(","):
            databases = Databases(engine, folder, args.pg_url)
            try:
                url = databases.new()
                entry = {
                    "import": measure(url, files[args.rows]),
                    "reimport": measure(url, files[args.rows]),
                    "import_tenth": measure(databases.new(), files[args.rows // 10]),
                    "compare": {},
                }
                for method in ("staging", "executemany", "values"):
                    entry["compare"][method] = measure(
                        databases.new(), files[args.compare_rows], method
                    )
                if args.xlsx_rows and engine == args.engines.split(",")[0]:
                    entry["xlsx"] = {}
                    for rows in (args.xlsx_rows, args.xlsx_rows // 10):
                        xlsx = folder / f"gifts-{rows}.xlsx"
                        write_gifts(folder / "for-xlsx.csv", rows)
                        write_gifts_xlsx(folder / "for-xlsx.csv", xlsx)
                        entry["xlsx"][str(rows)] = {
                            "xlsx_mib": round(xlsx.stat().st_size / 2**20, 1),
                            **measure(databases.new(), xlsx),
                        }
                results["engines"][engine] = entry
            finally:
                databases.drop_all()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
