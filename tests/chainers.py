"""Test plumbing: no audit chainer thread outlives the test that started it.

An app's chainer thread starts on the first request's ``wake`` and is stopped by the app's
lifespan (api/main.py). Tests that build an app without running its lifespan (``TestClient(app)``
outside ``with``, uvicorn with ``lifespan="off"``, schemathesis on the ASGI app) leave the
thread running; once the test database is dropped it logs "audit chainer pass failed" every
few seconds until the process exits. So every chainer woken during the session is recorded here,
and tests/conftest.py stops them after each test and before any test database is dropped.
The production chainer is unchanged: recording only wraps ``wake``.
"""

from __future__ import annotations

import weakref
from typing import Any

from probity.audit_chainer import Chainer

# a chainer whose thread runs stays referenced by its thread (the bound method it runs), so a
# weak set loses only chainers with no thread left to stop
_woken: weakref.WeakSet[Chainer] = weakref.WeakSet()


def record_wakes() -> None:
    """Wrap ``Chainer.wake`` once per process so that every chainer woken is recorded."""
    original: Any = Chainer.wake
    if getattr(original, "records_wakes", False):
        return

    def wake(self: Chainer) -> None:
        _woken.add(self)
        original(self)

    wake.records_wakes = True  # type: ignore[attr-defined]
    Chainer.wake = wake  # type: ignore[method-assign]


def stop_woken_chainers() -> int:
    """Stop (chain what is staged, end the thread) every chainer woken so far; how many."""
    chainers = list(_woken)
    for chainer in chainers:
        chainer.stop()
        _woken.discard(chainer)
    return len(chainers)
