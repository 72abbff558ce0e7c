"""``probity forces``: the 44 forces reference data."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from probity.forces import FORCES


def forces(as_json: bool = typer.Option(False, "--json", help="Print a JSON list.")) -> None:
    """List the 44 forces of England and Wales with their data.police.uk ids."""
    if as_json:
        typer.echo(json.dumps([f.as_dict() for f in FORCES], indent=2))
        return
    table = Table("id", "name", "abbreviations", "handles")
    for f in FORCES:
        table.add_row(
            f.id, f.name, ", ".join(f.abbreviations), ", ".join("@" + h for h in f.handles)
        )
    Console().print(table)
