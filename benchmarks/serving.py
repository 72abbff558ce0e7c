"""Start ``probity serve`` in a subprocess for a benchmark and wait until it answers: the one
start-and-wait-for-health loop ``api_load`` and ``scale_api`` share."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(
    url: str,
    data_dir: Path,
    *,
    args: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    start_timeout: float = 120.0,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``python -m cli serve --host 127.0.0.1 --port P *args`` against ``url``; yields the base
    URL (once ``/api/v1/health`` answers 200) and the process. Its stderr goes to
    ``data_dir/server.log`` (a file: a full pipe would block the server); a server that exits or
    never answers raises with the log's tail. Terminated on exit."""
    port = free_port()
    environment = {
        **os.environ,
        "PROBITY_DATABASE_URL": url,
        "PROBITY_DATA_DIR": str(data_dir),
        "PROBITY_LOG_LEVEL": "WARNING",
        "PROBITY_ENV": "development",
        **(env or {}),
    }
    command = [sys.executable, "-m", "cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    errors = (data_dir / "server.log").open("w+", encoding="utf-8")
    proc = subprocess.Popen(
        [*command, *args],
        cwd=cwd,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=errors,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                errors.seek(0)
                raise RuntimeError(f"the server did not start: {errors.read()[-2000:]}")
            time.sleep(0.2)
        yield base, proc
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        errors.close()
