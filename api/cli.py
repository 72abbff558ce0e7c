"""``probity serve``: run the API and the analysts' web UI."""

from __future__ import annotations

import logging
import os

import typer

# Kept importable from here: tests and the benchmarks build their servers with it.
from api.server import H11_MAX_HEAD_BYTES, exec_argv, server_config

__all__ = ["H11_MAX_HEAD_BYTES", "serve", "server_config"]
log = logging.getLogger(__name__)


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
    workers: int = typer.Option(
        1, min=1, max=64, help="Server processes sharing the port (about one per CPU core)."
    ),
) -> None:
    """Serve the API (/api/v1, docs at /api/docs) and the web UI (/ui)."""
    argv = exec_argv(host, port, workers)
    # A fresh interpreter that imports only the application (api.server): the CLI has loaded
    # every command's dependencies (scikit-learn, the crawler, WeasyPrint), which serving never
    # needs. Same process id, so a supervisor (systemd) follows it.
    os.execv(argv[0], argv)
