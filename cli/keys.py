"""``probity keys``: create, list and revoke API keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import typer
from rich.console import Console
from rich.table import Table

from probity import audit, keys
from probity.db import session_scope
from probity.models import KeyRole

app = typer.Typer(help="API keys (only hashes are stored).", no_args_is_help=True)


@app.command("create")
def create(
    role: KeyRole = typer.Option(..., help="admin, analyst, force or researcher."),
    force: str | None = typer.Option(
        None, help="Force id (required for 'force', optional for 'analyst')."
    ),
    name: str = typer.Option("", help="Who or what the key is for."),
    expires_in_days: int | None = typer.Option(None, min=1, help="Expire after this many days."),
) -> None:
    """Create a key and print it alone on stdout. It cannot be shown again."""
    expires = datetime.now(UTC) + timedelta(days=expires_in_days) if expires_in_days else None
    with session_scope() as session:
        new = keys.create_key(session, role, force_id=force, name=name, expires_at=expires)
        audit.record_cli(
            session,
            "keys.create",
            object_type="api_key",
            object_id=new.record.prefix,
            detail={"role": role.value, "force_id": force, "name": name},
        )
    typer.echo(new.key)


@app.command("list")
def list_() -> None:
    """List keys by prefix (never the keys themselves)."""
    table = Table("prefix", "role", "force", "name", "created", "expires", "revoked")
    with session_scope() as session:
        listed = keys.list_keys(session)
        audit.record_cli(
            session,
            "keys.list",
            object_type="api_key",
            detail=audit.list_detail([k.id for k in listed]),
        )
        for k in listed:
            table.add_row(
                k.prefix,
                k.role.value,
                k.force_id or "-",
                k.name,
                f"{k.created_at:%Y-%m-%d}",
                f"{k.expires_at:%Y-%m-%d}" if k.expires_at else "-",
                f"{k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "-",
            )
    Console().print(table)


@app.command("revoke")
def revoke(prefix: str = typer.Argument(..., help="The key's prefix, e.g. pb_1a2b3c4d.")) -> None:
    """Revoke a key at once; requests with it are refused from now on."""
    with session_scope() as session:
        keys.revoke_key(session, prefix)
        audit.record_cli(session, "keys.revoke", object_type="api_key", object_id=prefix)
    typer.echo(f"revoked {prefix}")
