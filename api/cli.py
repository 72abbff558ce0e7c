"""``probity serve``: run the API and the analysts' web UI."""

from __future__ import annotations

import logging
from typing import Any

import typer
import uvicorn

from api.main import create_app

# Request lines and headers up to 1 MiB reach the app, which answers an over-long query string
# with a clear 414 (uvicorn's own limit would close the connection with a bare 400).
H11_MAX_HEAD_BYTES = 1024 * 1024


def server_config(app: Any, host: str, port: int, **kwargs: Any) -> uvicorn.Config:
    """The uvicorn configuration ``probity serve`` uses (tests and the benchmark use it too)."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http="h11",
        h11_max_incomplete_event_size=H11_MAX_HEAD_BYTES,
        proxy_headers=False,
        **kwargs,
    )


log = logging.getLogger(__name__)


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
) -> None:
    """Serve the API (/api/v1, docs at /api/docs) and the web UI (/ui)."""
    log.info("serving Probity on http://%s:%d/ui/ (API at /api/v1)", host, port)
    uvicorn.Server(server_config(create_app(), host, port, log_level="info")).run()
