"""API fixtures: the app on a committed database, keys per role, and flag fixture data.

Flags here stand in for the classifier's output (Prediction + Flag rows, status pending,
force from the account) so the API is tested without a trained model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from apifixtures import auth, create_flag
from fastapi.testclient import TestClient

from api.main import create_app
from probity import audit_queue, keys
from probity.db import get_engine, session_scope
from probity.models import KeyRole
from probity.settings import get_settings, reset_settings_cache


@pytest.fixture
def api_url(committed_database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PROBITY_DATABASE_URL", committed_database_url)
    reset_settings_cache()
    return committed_database_url


@pytest.fixture
def app(api_url: str):
    app = create_app(get_settings())
    yield app
    app.state.audit_chainer.stop()  # no chainer thread outlives its test


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def db(api_url: str) -> Callable[[], object]:
    """``with db() as session:`` a committing session on the app's database."""
    return lambda: session_scope(get_engine(api_url))


@pytest.fixture
def chained(api_url: str) -> Callable[[], int]:
    """Run the audit chainer now (as the server's chainer thread does shortly after a read):
    every staged event is chained; the number chained."""
    return lambda: audit_queue.chain_all(get_engine(api_url))


@pytest.fixture
def make_key(db) -> Callable[..., str]:
    def make(role: str, force_id: str | None = None, **kwargs: Any) -> str:
        with db() as session:
            return keys.create_key(session, KeyRole(role), force_id=force_id, **kwargs).key

    return make


@pytest.fixture
def headers(make_key) -> Callable[..., dict[str, str]]:
    return lambda role, force_id=None: auth(make_key(role, force_id))


@pytest.fixture
def make_flag(db) -> Callable[..., int]:
    def make(force_id: str | None, **kwargs: object) -> int:
        with db() as session:
            return create_flag(session, force_id, **kwargs).id

    return make


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The app under a real uvicorn server on 127.0.0.1, for tests that send concurrent requests."""
    import socket
    import threading
    import time

    import uvicorn

    from api.cli import server_config

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        server_config(app, "127.0.0.1", port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    app.state.audit_chainer.stop()  # lifespan is off here: end this app's chainer thread
