"""``probity retention run``: apply the retention schedule (a thin wrapper over
``probity.retention.run_retention``, which the daily periodic job calls too)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from probity import audit, retention
from probity.db import session_scope

app = typer.Typer(help="The retention schedule: remove what is due.", no_args_is_help=True)


@app.command("run")
def run(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what is due; change nothing.")
    ] = False,
    as_of: Annotated[
        datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Apply the schedule as on DATE (UTC)."),
    ] = None,
    schedule: Annotated[
        Path | None,
        typer.Option("--schedule", help="A schedule file (default: PROBITY_RETENTION_SCHEDULE)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")] = False,
) -> None:
    """Remove, class by class, what the schedule says is due; print the count per class.

    Safe to run any number of times and to interrupt: each class commits with its audit event."""
    rules = retention.load_schedule(schedule)
    with session_scope() as session:
        report = retention.run_retention(
            session, rules, as_of.date() if as_of else None, dry_run, actor=audit.cli_actor()
        )
    if as_json:
        typer.echo(json.dumps(report.as_dict()))
        return
    for line in report.lines():
        typer.echo(line)
