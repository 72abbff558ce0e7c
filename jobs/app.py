"""The Procrastinate app every task is registered on, and the connector for a database URL.

PostgreSQL holds the queue (no other service to run). The embedded SQLite default has no queue
Procrastinate can use, so there the same tasks run in process on an in-memory queue
(``probity run``). The module-level ``app`` takes its connector from the settings when first
imported, so Procrastinate's own CLI works too: ``procrastinate --app=jobs.app.app …``.
"""

from __future__ import annotations

import procrastinate
from procrastinate.testing import InMemoryConnector
from sqlalchemy.engine import make_url

from probity.settings import get_settings


def is_postgresql(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL as psycopg's connection string (no ``+driver``)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def connector_for(url: str) -> procrastinate.BaseConnector:
    """PostgreSQL: the shared queue. Anything else: an in-process queue (lost at exit)."""
    if is_postgresql(url):
        return procrastinate.PsycopgConnector(conninfo=libpq_url(url))
    return InMemoryConnector()


app = procrastinate.App(
    connector=connector_for(get_settings().resolved_database_url),
    import_paths=["jobs.tasks"],
)
