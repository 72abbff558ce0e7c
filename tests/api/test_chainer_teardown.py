"""The tests' plumbing (tests/chainers.py) stops the chainer of an app built without its
lifespan, which nothing else would stop: left running, it fails on the dropped test database."""

from __future__ import annotations

import threading

from chainers import stop_woken_chainers
from fastapi.testclient import TestClient

from api.main import create_app
from probity.audit_chainer import CHAINER_THREAD
from probity.settings import get_settings


def _chainer_threads() -> int:
    return sum(thread.name == CHAINER_THREAD for thread in threading.enumerate())


def test_a_chainer_started_without_the_lifespan_is_stopped_by_the_plumbing(api_url: str) -> None:
    stop_woken_chainers()  # none left by an earlier test (the autouse fixture stops them anyway)
    before = _chainer_threads()
    client = TestClient(create_app(get_settings()))  # no `with`: the lifespan never runs
    assert client.get("/api/v1/flags").status_code == 401  # a refusal is staged: the chainer wakes
    assert _chainer_threads() == before + 1
    assert stop_woken_chainers() == 1
    assert _chainer_threads() == before
