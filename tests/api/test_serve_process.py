"""``probity serve`` runs in a process that holds only what serving needs, with N workers.

The probe imports the server entry point and builds the app in a fresh interpreter; the second
test starts the real command and reads the serving processes' memory maps (Linux), so a heavy
library that slipped back in through any import chain shows up as a mapped extension module.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
# Serving never trains, scores or renders PDFs: none of these belongs in a server process.
NOT_FOR_SERVING = ("sklearn", "scipy", "numpy", "torch", "transformers", "spacy", "weasyprint")


def test_the_server_entry_point_and_the_app_import_no_model_or_pdf_library() -> None:
    probe = (
        "import sys\nimport api.server\nfrom api.main import create_app\ncreate_app()\n"
        f"print(' '.join(m for m in {NOT_FOR_SERVING!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == []


def _workers(pid: int) -> list[int]:
    """Worker processes of the supervisor ``pid`` (not multiprocessing's resource tracker)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    children = [int(p) for p in path.read_text().split()] if path.exists() else []
    return [c for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def _mapped_libraries(pid: int) -> str:
    return Path(f"/proc/{pid}/maps").read_text()


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc (Linux)")
def test_probity_serve_workers_run_without_the_cli_s_heavy_imports(database_url: str) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PROBITY_DATABASE_URL": database_url, "PROBITY_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--port", str(port), "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).is_success:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, "probity serve exited"
            assert time.monotonic() < deadline, "probity serve did not answer"
            time.sleep(0.2)
        # the command replaced itself with the server entry point: same process id
        cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes().split(b"\0")
        assert b"api.server" in cmdline
        workers = _workers(proc.pid)
        deadline = time.monotonic() + 30
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
            workers = _workers(proc.pid)
        assert len(workers) == 2
        for pid in (proc.pid, *workers):
            maps = _mapped_libraries(pid)
            assert not [name for name in NOT_FOR_SERVING if f"/{name}/" in maps], pid
        # every worker answers: several requests, all served
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            assert all(client.get("/api/v1/health").is_success for _ in range(10))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def test_served_connections_turn_nagle_off() -> None:
    """uvicorn makes its listening socket with ``proto`` 0, so asyncio leaves Nagle on for the
    connections it accepts (an answer's body then waits ~40 ms for a delayed ACK); the
    protocol ``probity serve`` uses turns it off on each connection."""
    import socket

    from api.server import NoDelayH11Protocol, no_delay, server_config

    assert server_config(object(), "127.0.0.1", 0).http is NoDelayH11Protocol
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:  # as uvicorn binds it
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        with socket.create_connection(listener.getsockname()) as _client:
            accepted, _ = listener.accept()
            with accepted:
                assert accepted.proto == 0  # what asyncio checks before setting TCP_NODELAY
                assert not accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
                no_delay(accepted)
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
