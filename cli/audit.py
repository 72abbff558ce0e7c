"""``probity audit``: verify the keyed chain and anchor its head outside the database."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer

from probity import audit, audit_queue
from probity.db import session_scope

app = typer.Typer(help="The audit log: verify the chain, anchor its head.", no_args_is_help=True)
log = logging.getLogger(__name__)
AnchorsOption = Annotated[
    Path | None,
    typer.Option(
        "--anchors",
        help="Anchor file written by 'probity audit anchor --out': each head must still be there.",
    ),
]
OutOption = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="Append the anchor line to this file (keep it off the database server, or file it elsewhere).",
    ),
]


@app.command("verify")
def verify(anchors: AnchorsOption = None) -> None:
    """Recompute the whole chain with PROBITY_AUDIT_KEY; check anchored heads. Exit 1 if anything fails.

    Prints one JSON object on stdout: ok, checked, first_bad_id, reason, anchor_problems, and
    queue: the staged reads not yet chained (pending, oldest) and any that fail their MAC."""
    anchor_list = (
        audit.read_anchors(anchors.read_text(encoding="utf-8").splitlines()) if anchors else []
    )
    with session_scope() as session:
        report = audit.verify(session)
        queue = audit_queue.verify_queue(session)
        problems = audit.check_anchors(session, anchor_list)
        if queue.bad_ids:
            problems.append(
                f"{len(queue.bad_ids)} staged event(s) no longer match their MAC or their chained "
                f"event (ids {queue.bad_ids[:20]}): edited"
            )
        head = audit.head(session)
        if head.count < max((a.count for a in anchor_list), default=0):
            problems.append(
                f"the log holds {head.count} events, fewer than the {max(a.count for a in anchor_list)} "
                "anchored: events were removed"
            )
        ok = report.ok and not problems
        audit.record_cli(
            session,
            "audit.verify",
            object_type="audit_events",
            detail={
                "ok": ok,
                "checked": report.checked,
                "anchors": len(anchor_list),
                "pending": queue.pending,
            },
        )
    typer.echo(
        json.dumps(
            {
                "ok": ok,
                "checked": report.checked,
                "first_bad_id": report.first_bad_id,
                "reason": report.reason,
                "anchor_problems": problems,
                "queue": queue.as_dict(),
            }
        )
    )
    if not ok:
        log.error("audit chain does not verify: %s", report.reason or "; ".join(problems))
        raise typer.Exit(1)


@app.command("anchor")
def anchor(out: OutOption = None) -> None:
    """Print the chain's head (id, hash, time, count) as one JSON line, and append it to --out.
    Staged reads are chained first, so the anchor covers them."""
    with session_scope() as session:
        while audit_queue.chain_pending(session):
            pass
        audit.record_cli(
            session,
            "audit.anchor",
            object_type="audit_events",
            detail={"out": str(out) if out else None},
        )
        session.flush()
        head = audit.head(session)
    line = head.line()
    if out is not None:
        with out.open("a", encoding="utf-8") as handle:  # append-only by use: earlier anchors stay
            handle.write(line + "\n")
    typer.echo(line)
