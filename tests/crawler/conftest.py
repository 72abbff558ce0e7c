"""Crawler fixtures: a fresh migrated database per test (copied from a template), fake platforms
on 127.0.0.1, and a fake clock shared by transport and servers so no test waits for real."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from crawl_helpers import FakeClock
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from crawler.fake.apps import build_app
from crawler.fake.server import FakePlatform, Faults, serve
from crawler.fake.world import World, generate_world
from probity import db as probity_db

PG_URL = __import__("os").environ.get("PROBITY_TEST_DATABASE_URL", "")


@pytest.fixture(scope="session")
def crawl_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not PG_URL:
        path = tmp_path_factory.mktemp("crawl") / "template.db"
        url = f"sqlite:///{path}"
        probity_db.upgrade(url)
        probity_db.get_engine(url).dispose()
        yield url
        return
    name = f"probity_crawl_tmpl_{uuid.uuid4().hex[:8]}"
    admin = create_engine(
        make_url(PG_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = (
        make_url(PG_URL)
        .set(drivername="postgresql+psycopg", database=name)
        .render_as_string(hide_password=False)
    )
    probity_db.upgrade(url)
    probity_db.get_engine(url).dispose()
    probity_db.clear_engine_cache()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def crawl_url(
    crawl_template: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A fresh migrated database for one test; settings (and subprocesses) point at it."""
    if not PG_URL:
        path = tmp_path / "crawl.db"
        shutil.copy(make_url(crawl_template).database, path)  # type: ignore[arg-type]
        url = f"sqlite:///{path}"
        drop: Callable[[], None] = lambda: None
    else:
        name = f"probity_crawl_{uuid.uuid4().hex[:10]}"
        admin = create_engine(
            make_url(PG_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
        )
        template = make_url(crawl_template).database
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        url = (
            make_url(PG_URL)
            .set(drivername="postgresql+psycopg", database=name)
            .render_as_string(hide_password=False)
        )

        def drop() -> None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    monkeypatch.setenv("PROBITY_DATABASE_URL", url)
    monkeypatch.setenv("PROBITY_X_BEARER_TOKEN", "test-token")
    monkeypatch.setenv("PROBITY_CRAWL_BACKOFF_SECONDS", "1")
    from probity.settings import reset_settings_cache

    reset_settings_cache()
    yield url
    probity_db.get_engine(url).dispose()
    probity_db.clear_engine_cache()
    drop()


@pytest.fixture
def crawl_engine(crawl_url: str) -> Engine:
    return probity_db.get_engine(crawl_url)


@pytest.fixture
def world() -> World:
    # seed 5: every platform has in- and out-of-scope accounts, replies, quotes, reposts and a
    # reference to a deleted post among the in-scope ones
    return generate_world(seed=5, accounts=6, posts=(3, 22))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fake(clock: FakeClock) -> Callable[..., object]:
    """fake(platform, world, faults=None) → context manager yielding (state, base_url)."""

    @contextmanager
    def start(
        platform: str, world: World, faults: Faults | None = None
    ) -> Iterator[tuple[FakePlatform, str]]:
        state = FakePlatform(platform, world, faults or Faults(), clock=clock)
        with serve(build_app(state)) as url:
            yield state, url

    return start


@pytest.fixture(autouse=True)
def _x_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROBITY_X_BEARER_TOKEN", "test-token")
    from probity.settings import reset_settings_cache

    reset_settings_cache()
