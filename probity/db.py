"""Engine, sessions, migrations and the idempotent upsert every ingest goes through."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from probity.models import Base, ForceRow

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
UPSERT_BATCH = 1000  # rows per statement
MAX_PARAMETERS = 30_000  # per statement: under PostgreSQL's 65,535 and SQLite's 32,766
T = TypeVar("T")


def make_engine(url: str, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")  # the server reads while a crawl writes
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True, **kwargs)


def get_engine(url: str | None = None) -> Engine:
    """The shared engine for ``url`` (default: the configured database, resolved on each call)."""
    from probity.settings import get_settings

    return _engine_for(url or get_settings().resolved_database_url)


@lru_cache(maxsize=16)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


get_engine.cache_clear = _engine_for.cache_clear  # type: ignore[attr-defined]


def session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    return sessionmaker(bind=engine or get_engine(), expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def batched(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of at most ``size`` items, consuming ``rows`` lazily."""
    batch: list[T] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def upsert(
    session: Session,
    model: type[Base],
    rows: Iterable[dict[str, Any]],
    keys: Sequence[str],
    update: Iterable[str] | None = None,
    batch_size: int = UPSERT_BATCH,
) -> int:
    """INSERT … ON CONFLICT (keys) DO UPDATE/NOTHING, with the same behaviour on both engines.

    ``update`` names the columns to refresh on conflict; None means every non-key column given,
    an empty list means leave existing rows untouched. ``rows`` may be any iterable (a generator
    streams): they go in batches of at most ``batch_size`` rows and MAX_PARAMETERS values per
    statement, so no statement outgrows either engine's limits. Returns the number of rows given.
    """
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is None:
        raise NotImplementedError(f"upsert is not implemented for {dialect}")
    table: Any = model.__table__
    if session.autoflush:
        # a Core statement on the table skips the ORM's autoflush; rows may refer to pending objects
        session.flush()
    update_columns = list(update) if update is not None else None
    total = 0
    rows = iter(rows)
    for first in rows:
        width = max(1, len(first))
        size = max(1, min(batch_size, MAX_PARAMETERS // width))
        columns = update_columns if update_columns is not None else [c for c in first if c not in keys]
        stmt: Any = insert(table)
        if columns:
            stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_={c: stmt.excluded[c] for c in columns})
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
        # one cached statement run executemany-style (psycopg pipelines it; sqlite3 loops in C)
        for batch in batched(itertools.chain([first], rows), size):
            session.execute(stmt, batch)
            total += len(batch)
    return total


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Migrate the database to ``revision`` and synchronise the forces reference table."""
    from alembic import command

    from probity.settings import get_settings

    url = url or get_settings().resolved_database_url
    engine = get_engine(url)
    with engine.begin() as connection:
        cfg = alembic_config(url)
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)
    if revision == "head":
        with session_scope(engine) as session:
            sync_forces(session)
    log.info("database at %s is at %s", make_url(url).render_as_string(hide_password=True), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def sync_forces(session: Session) -> None:
    """Make the forces table equal the reference data (idempotent)."""
    from probity.forces import FORCES

    rows = [
        {"id": f.id, "name": f.name, "territorial": f.territorial,
         "aliases": [*f.abbreviations, *f.aliases], "handles": list(f.handles)}
        for f in FORCES
    ]
    upsert(session, ForceRow, rows, keys=["id"])


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())
