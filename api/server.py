"""The server process ``probity serve`` becomes: it imports the application and nothing else.

``probity serve`` replaces itself (``exec``) with ``python -m api.server``, so the process that
serves, and each worker it starts, holds only what serving needs: FastAPI, SQLAlchemy, the
templates. The CLI's other commands (the classifier's scikit-learn, the crawler, WeasyPrint for
PDF reports) are never loaded into it. ``--workers N`` runs N processes on one socket (uvicorn's
supervisor, which restarts a worker that dies); each has its own database pool.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import socket
import sys
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from probity.logs import setup_logging
from probity.settings import get_settings

log = logging.getLogger(__name__)


class NoDelayH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with Nagle's algorithm off on every connection.

    asyncio turns Nagle off only for sockets whose ``proto`` is ``IPPROTO_TCP``; uvicorn's
    listening socket is made with ``proto`` 0, and so are the connections it accepts. With
    Nagle on, an answer's body (written after its headers) waits for the client's delayed
    acknowledgement of the headers: 40 ms on Linux, added to every request (measured: ``GET
    /api/v1/health`` took 42–44 ms, curl or httpx alike)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        no_delay(transport.get_extra_info("socket"))
        super().connection_made(transport)


def no_delay(sock: Any) -> None:
    """Turn Nagle's algorithm off on a TCP connection (``sock`` may be asyncio's socket wrapper,
    or None for a transport without one)."""
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:  # not a TCP socket after all: nothing to turn off
            pass


APP_FACTORY = "api.main:create_app"
# Request lines and headers up to 1 MiB reach the app, which answers an over-long query string
# with a clear 414 (uvicorn's own limit would close the connection with a bare 400).
H11_MAX_HEAD_BYTES = 1024 * 1024


def server_config(app: Any, host: str, port: int, **kwargs: Any) -> uvicorn.Config:
    """The uvicorn configuration ``probity serve`` uses (tests and the benchmarks use it too)."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=NoDelayH11Protocol,
        h11_max_incomplete_event_size=H11_MAX_HEAD_BYTES,
        proxy_headers=False,
        **kwargs,
    )


def run(host: str, port: int, workers: int) -> None:
    log.info(
        "serving Probity on http://%s:%d/ui/ (API at /api/v1) with %d worker process%s",
        host,
        port,
        workers,
        "es" if workers > 1 else "",
    )
    # the same settings as server_config; uvicorn.run starts the supervisor when workers > 1
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        http=NoDelayH11Protocol,
        h11_max_incomplete_event_size=H11_MAX_HEAD_BYTES,
        proxy_headers=False,
        log_level="info",
    )


def exec_argv(host: str, port: int, workers: int) -> list[str]:
    """The command line ``probity serve`` replaces itself with."""
    return [
        sys.executable,
        "-m",
        "api.server",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="probity serve", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    if not 1 <= args.workers <= 64:
        parser.error("--workers must be between 1 and 64")
    setup_logging(get_settings().log_level)
    run(args.host, args.port, args.workers)


if __name__ == "__main__":
    main()
