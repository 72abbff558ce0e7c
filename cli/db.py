"""``probity db``: migrations."""

from __future__ import annotations

import typer

from probity import db

app = typer.Typer(help="Database migrations.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Create or migrate the configured database and load the forces reference data."""
    db.upgrade(revision=revision)


@app.command("current")
def current() -> None:
    """Print the database's current migration revision."""
    typer.echo(db.current_revision(db.get_engine()) or "none")
