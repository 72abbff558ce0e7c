"""``probity subject``: subject access exports and rectification of identification verdicts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from probity import audit, subject
from probity.db import session_scope
from probity.retention import exports_dir
from probity.subject_html import write_export

app = typer.Typer(help="Subject rights: access and rectification.", no_args_is_help=True)
AccountOption = Annotated[
    str, typer.Option("--account", help="PLATFORM:HANDLE, e.g. bluesky:pc.bsky.social")
]


@app.command("export")
def export(
    account: AccountOption,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Folder for the files (default: $PROBITY_DATA_DIR/exports/subject)."
        ),
    ] = None,
) -> None:
    """Write everything held about an account as JSON plus a readable HTML summary."""
    platform, handle = subject.parse_account(account)
    with session_scope() as session:
        result = subject.export_subject(session, platform, handle)
        json_path, html_path = write_export(result, out or exports_dir() / "subject")
        audit.record_cli(
            session,
            "subject.export",
            object_type="platform_account",
            object_id=",".join(str(i) for i in sorted(result.ids("platform_accounts"))),
            detail={"counts": result.counts()},
            purpose="subject access request (UK GDPR art. 15)",
        )
    typer.echo(json.dumps({"json": str(json_path), "html": str(html_path), **result.counts()}))


@app.command("rectify")
def rectify(
    account: AccountOption,
    reason: Annotated[str, typer.Option("--reason", help="What was wrong, and how you know.")],
    serving: Annotated[
        bool | None,
        typer.Option("--serving/--not-serving", help="Whether the person serves in a force."),
    ] = None,
    force: Annotated[str | None, typer.Option("--force", help="The right force id.")] = None,
    role: Annotated[
        str | None, typer.Option("--role", help="officer, special, pcso, staff or volunteer.")
    ] = None,
) -> None:
    """Record that a verdict (serving, force, role) was wrong; correct the account or purge it."""
    platform, handle = subject.parse_account(account)
    results = []
    with session_scope() as session:
        for found in subject.find_accounts(session, platform, handle):
            result = subject.rectify(
                session,
                found.id,
                analyst=audit.cli_actor(),
                reason=reason,
                serving=serving,
                force_id=force,
                role=role,
            )
            subject.audit_rectification(session, result, actor=audit.cli_actor(), role="operator")
            results.append(result)
    for result in results:
        typer.echo(
            json.dumps(
                {
                    "account_id": result.account_id,
                    "changes": result.changes,
                    "purged": result.purged,
                    "purge_waits_for_referrals": result.purge_waits_for,
                    "referrals_to_review": result.referrals_to_review,
                }
            )
        )
