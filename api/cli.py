"""``probity serve``: run the API and the analysts' web UI."""

from __future__ import annotations

import logging

import typer
import uvicorn

from api.main import create_app

log = logging.getLogger(__name__)


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
) -> None:
    """Serve the API (/api/v1, docs at /api/docs) and the web UI (/ui)."""
    log.info("serving Probity on http://%s:%d/ui/ (API at /api/v1)", host, port)
    uvicorn.run(create_app(), host=host, port=port, log_level="info", proxy_headers=False)
