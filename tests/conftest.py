"""Fixtures: a real database per test session (SQLite file, or a fresh PostgreSQL database when
PROBITY_TEST_DATABASE_URL points at a server), migrated with Alembic; each test runs in a
transaction that is rolled back afterwards.

Under CI=true an unreachable PostgreSQL is a failure, never a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from chainers import record_wakes, stop_woken_chainers
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from probity import db as probity_db
from probity.settings import reset_settings_cache

PG_URL = os.environ.get("PROBITY_TEST_DATABASE_URL", "")
record_wakes()  # apps built without their lifespan leave chainer threads: tests stop them
# the fitted identification recall stage is cached across test sessions (it takes 13-19 s to fit;
# the key covers the training files and the code, so a change never reads a stale one)
os.environ.setdefault(
    "PROBITY_RECALL_STAGE_CACHE_DIR",
    str(Path(__file__).resolve().parent.parent / ".pytest_cache" / "probity-recall-stage"),
)


def _pg_admin_engine() -> Engine:
    url = make_url(PG_URL).set(drivername="postgresql+psycopg")
    return create_engine(url, isolation_level="AUTOCOMMIT")


def _new_database_url(tmp_dir: Path) -> tuple[str, Callable[[], None]]:
    """An empty database and a function that removes it."""
    if not PG_URL:
        path = tmp_dir / f"probity-{uuid.uuid4().hex[:8]}.db"
        return f"sqlite:///{path}", lambda: None
    name = f"probity_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_engine()
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any connection failure is fatal here
        pytest.exit(f"PostgreSQL at {PG_URL} is not usable: {exc}", returncode=3)
    url = make_url(PG_URL).set(drivername="postgresql+psycopg", database=name)

    def drop() -> None:
        stop_woken_chainers()  # a chainer left running would fail on the dropped database
        probity_db.clear_engine_cache()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def engine_name() -> str:
    return "postgresql" if PG_URL else "sqlite"


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test reads the developer's .env or writes into the working tree's data folder."""
    monkeypatch.setenv("PROBITY_ENV", "test")
    monkeypatch.setenv("PROBITY_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("PROBITY_DATABASE_URL", raising=False)
    reset_settings_cache()
    yield
    reset_settings_cache()


@pytest.fixture(autouse=True)
def _no_chainer_outlives_its_test() -> Iterator[None]:
    """Stop the audit chainer threads this test's apps started (an app's lifespan would, but
    many tests build apps without running it): none keeps chaining into later tests."""
    yield
    stop_woken_chainers()


@pytest.fixture
def fresh_database_url(tmp_path: Path) -> Iterator[str]:
    """An empty, unmigrated database on the engine under test, removed afterwards."""
    url, drop = _new_database_url(tmp_path)
    yield url
    probity_db.clear_engine_cache()
    drop()


def _migrated_database(tmp_dir: Path) -> Iterator[str]:
    url, drop = _new_database_url(tmp_dir)
    probity_db.upgrade(url)
    yield url
    probity_db.get_engine(url).dispose()
    drop()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One migrated database shared by the session (tests roll back their changes)."""
    yield from _migrated_database(tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="session")
def committed_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second migrated database for tests that must commit (a server in a thread, the audit
    chain): their rows stay out of ``database_url``, whose tests expect rolled-back state."""
    yield from _migrated_database(tmp_path_factory.mktemp("committed-db"))


@pytest.fixture(scope="session")
def database_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], str]]:
    """Make extra databases (migrated unless ``migrate=False``); all are dropped at the end."""
    drops: list[Callable[[], None]] = []

    def make(migrate: bool = True) -> str:
        url, drop = _new_database_url(tmp_path_factory.mktemp("db"))
        drops.append(drop)
        if migrate:
            probity_db.upgrade(url)
        return url

    yield make
    for drop in drops:
        probity_db.clear_engine_cache()
        drop()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Engine:
    return probity_db.get_engine(database_url)


@pytest.fixture
def db_session(engine: Engine) -> Iterator[Session]:
    """A session whose every change, commits included, is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def use_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point settings (and so the CLI and the app) at the session database."""
    monkeypatch.setenv("PROBITY_DATABASE_URL", database_url)
    reset_settings_cache()
    return database_url
