"""``probity demo``: the README's main job."""

from __future__ import annotations

import logging

import typer
import uvicorn

from api.main import create_app
from demo.run import run_demo
from demo.scoreboard import render

log = logging.getLogger(__name__)


def demo(
    seed: int = typer.Option(2026, help="Seed of the simulated world."),
    scale: float = typer.Option(
        1.0, min=0.01, max=4.0, help="World size: 1.0 ≈ 1,600 serving accounts."
    ),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="Serve the API and UI at the end."),
    host: str = typer.Option("127.0.0.1", help="Address to serve on."),
    port: int = typer.Option(8000, help="Port to serve on."),
) -> None:
    """Run the whole pipeline on a simulated world, print demo keys and the scoreboard, then serve."""
    result = run_demo(seed, scale)
    typer.echo("\nDemo keys (shown once; earlier demo keys are revoked):")
    for name, key in result.keys.items():
        typer.echo(f"  {name:<28} {key}")
    typer.echo("\nScoreboard (also at GET /api/v1/scoreboard):")
    for line in render(result.scoreboard):
        typer.echo(f"  {line}")
    typer.echo("\nRetention dry run (nothing removed; `probity retention run` applies it):")
    for line in result.retention:
        typer.echo(f"  {line}")
    if not serve:
        return
    typer.echo(f"\nReview UI:  http://{host}:{port}/ui/   (sign in with a key above)")
    typer.echo(f"API docs:   http://{host}:{port}/api/docs\nPress Ctrl+C to stop.")
    uvicorn.run(create_app(), host=host, port=port, log_level="warning")
