"""Engine, sessions, migrations and the idempotent upsert every ingest goes through."""

from __future__ import annotations

import itertools
import logging
import threading
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from probity.forces import FORCES
from probity.models import Base, ForceRow
from probity.settings import get_settings

if TYPE_CHECKING:  # alembic is imported when a migration runs, not with every engine
    from alembic.config import Config

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

        _add_writer_queue(engine)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True, **kwargs)


_WRITER_QUEUES: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_HOLDS_QUEUE = "probity_holds_writer_queue"


def _add_writer_queue(engine: Engine) -> None:
    """Threads of one process wait for SQLite's write lock on a Python lock instead.

    SQLite's busy handler polls with sleeps of up to 100 ms, so under 20 concurrent writers an
    unlucky one keeps losing and waits seconds; a blocking lock hands the database over at once.
    Writers in other processes still meet ``busy_timeout``. Released when the transaction ends.
    """
    _WRITER_QUEUES[engine] = threading.Lock()

    def release(conn: Any, *_: Any) -> None:
        info = conn.info if hasattr(conn, "info") else None
        if info is not None and info.pop(_HOLDS_QUEUE, False):
            _WRITER_QUEUES[engine].release()

    event.listen(engine, "commit", release)
    event.listen(engine, "rollback", release)

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi: Any, record: Any) -> None:  # a connection returned mid-transaction
        if record.info.pop(_HOLDS_QUEUE, False):
            _WRITER_QUEUES[engine].release()


def get_engine(url: str | None = None) -> Engine:
    """The shared engine for ``url`` (default: the configured database, resolved on each call)."""
    return _engine_for(url or get_settings().resolved_database_url)


@lru_cache(maxsize=16)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def clear_engine_cache() -> None:
    """Forget the cached engines (after the configured database changes, as in tests)."""
    _engine_for.cache_clear()


# Older spelling, kept for callers that still use it.
get_engine.cache_clear = _engine_for.cache_clear  # type: ignore[attr-defined]


def lock_for_write(session: Session) -> None:
    """Make the session's transaction a serialised write transaction, before it reads what it
    will change.

    SQLite (pysqlite's default mode) runs SELECTs outside any transaction and opens a deferred
    one at the first write, so a read-then-write (the audit chain's head, a flag's status) can
    interleave with another writer's. ``BEGIN IMMEDIATE`` takes the database's write lock now,
    waiting up to ``busy_timeout``; every read after it sees the latest committed state. If the
    transaction has already written it holds that lock, so there is nothing to do.
    PostgreSQL serialises per object instead (``SELECT … FOR UPDATE``, advisory locks): no-op.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    session.flush()  # pending writes first: they open (and then hold) the write transaction
    connection = session.connection()
    dbapi = connection.connection.dbapi_connection
    if dbapi is not None and not dbapi.in_transaction:
        queue = _WRITER_QUEUES.get(connection.engine)
        if queue is not None and not connection.info.get(_HOLDS_QUEUE):
            queue.acquire()
            connection.info[_HOLDS_QUEUE] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            if connection.info.pop(_HOLDS_QUEUE, False) and queue is not None:
                queue.release()
            raise


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
    if dialect not in ("postgresql", "sqlite"):
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
        columns = (
            update_columns if update_columns is not None else [c for c in first if c not in keys]
        )
        stmt = _upsert_statement(dialect, table, tuple(keys), tuple(columns))
        # one cached statement run executemany-style (psycopg pipelines it; sqlite3 loops in C)
        for batch in batched(itertools.chain([first], rows), size):
            session.execute(stmt, batch)
            total += len(batch)
    return total


@lru_cache(maxsize=256)
def _upsert_statement(
    dialect: str, table: Any, keys: tuple[str, ...], columns: tuple[str, ...]
) -> Any:
    """One statement object per (table, keys, updated columns), built once per process: a
    crawl runs the same few upserts for every page, and rebuilding them costs a cache-key walk
    (and, for a new object, a compile) each time."""
    stmt: Any = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    if columns:
        return stmt.on_conflict_do_update(
            index_elements=list(keys), set_={c: stmt.excluded[c] for c in columns}
        )
    return stmt.on_conflict_do_nothing(index_elements=list(keys))


@lru_cache(maxsize=64)
def _insert_new_statement(
    dialect: str, table: Any, keys: tuple[str, ...], returning: tuple[str, ...]
) -> Any:
    stmt: Any = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return stmt.on_conflict_do_nothing(index_elements=list(keys)).returning(
        *(table.c[name] for name in returning)
    )


def insert_new(
    session: Session,
    model: type[Base],
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    returning: Sequence[str],
    batch_size: int = UPSERT_BATCH,
) -> list[Any]:
    """INSERT … ON CONFLICT (keys) DO NOTHING RETURNING ``returning``: the rows this statement
    actually inserted, and only those (a row another transaction inserted first is not
    reported), on both engines (SQLite ≥ 3.35 has RETURNING).

    This replaces "which of these do we already have?" before an insert: one statement instead
    of two, and exact under concurrent writers, whose rows simply do not come back.
    """
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"insert_new is not implemented for {dialect}")
    if not rows:
        return []
    if session.autoflush:
        session.flush()
    table: Any = model.__table__
    stmt = _insert_new_statement(dialect, table, tuple(keys), tuple(returning))
    size = max(1, min(batch_size, MAX_PARAMETERS // max(1, len(rows[0]))))
    inserted: list[Any] = []
    for batch in batched(rows, size):
        inserted += session.execute(stmt, batch).all()
    return inserted


def analyze(session: Session, *tables: str) -> None:
    """Refresh the planner's statistics of ``tables`` after a bulk load (PostgreSQL).

    Autovacuum's ANALYZE lags a bulk load by a minute or more; until it runs, plans made for an
    empty table (a sequential scan looks free) are kept for a table of a million rows. SQLite
    plans from its indexes without statistics here, so this does nothing there.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        if table not in Base.metadata.tables:
            raise ValueError(f"unknown table: {table}")
        session.execute(text(f'ANALYZE "{table}"'))


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Migrate the database to ``revision`` and synchronise the forces reference table."""
    from alembic import command

    url = url or get_settings().resolved_database_url
    engine = get_engine(url)
    with engine.begin() as connection:
        cfg = alembic_config(url)
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)
    if revision == "head":
        with session_scope(engine) as session:
            sync_forces(session)
    log.info(
        "database at %s is at %s", make_url(url).render_as_string(hide_password=True), revision
    )


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def sync_forces(session: Session) -> None:
    """Make the forces table equal the reference data (idempotent)."""
    rows = [
        {
            "id": f.id,
            "name": f.name,
            "territorial": f.territorial,
            "aliases": [*f.abbreviations, *f.aliases],
            "handles": list(f.handles),
        }
        for f in FORCES
    ]
    upsert(session, ForceRow, rows, keys=["id"])


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())
