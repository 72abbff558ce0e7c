"""``probity classify``, ``probity classify-posts`` and ``probity model …`` (list, activate;
``ensure-default`` is added by training.cli, since it trains). Thin wrappers over
classifier.files, classifier.store and classifier.registry."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import typer

from classifier import registry
from classifier.files import classify_file
from classifier.parallel import classify_posts_parallel
from classifier.store import classify_posts
from classifier.versions import classify_versions
from probity.db import session_scope

log = logging.getLogger(__name__)
app = typer.Typer()
model_app = typer.Typer(
    help="Classifier model versions: list, activate (and roll back), ensure a default.",
    no_args_is_help=True,
)
app.add_typer(model_app, name="model")


@app.command("classify")
def classify(
    in_path: Path = typer.Option(
        ..., "--in", exists=True, dir_okay=False, help="JSONL: id and text per line."
    ),
    out_path: Path = typer.Option(
        ..., "--out", dir_okay=False, help="JSONL: id, labels, scores, model_version."
    ),
    model: str | None = typer.Option(
        None, "--model", help="Model folder or version (default: the active one)."
    ),
    explanations: bool = typer.Option(
        False, "--explain", help="Add the words that drove each label."
    ),
) -> None:
    """Classify posts from a JSONL file."""
    if model is not None and (Path(model) / "model.json").exists():
        loaded = registry.resolve(None, model)
    else:
        with session_scope() as session:
            loaded = registry.resolve(session, model)
    stats = classify_file(in_path, out_path, loaded, with_explanations=explanations)
    log.info(
        "wrote %d post(s) (%d unscored: another language) with %s into %s; %d skipped",
        stats.written,
        stats.unscored,
        loaded.version,
        out_path,
        len(stats.failed),
    )


@app.command("classify-posts")
def classify_stored(
    model: str | None = typer.Option(
        None, "--model", help="Version or folder (default: the active one)."
    ),
    limit: int | None = typer.Option(None, min=1, help="Classify at most this many posts."),
    processes: int = typer.Option(
        1,
        "--processes",
        "-p",
        min=1,
        help="Share the posts between this many processes (PostgreSQL; not with --limit).",
    ),
) -> None:
    """Classify stored posts (and edited posts' later versions) not yet classified by this
    version; flag those with labels."""
    if processes > 1 and limit is not None:
        raise typer.BadParameter("--limit takes one process: leave out --processes")
    with session_scope() as session:
        loaded = registry.resolve(session, model)
    if processes > 1:
        stats = classify_posts_parallel(loaded, processes)
    with session_scope() as session:
        if processes == 1:
            stats = classify_posts(session, loaded, limit=limit)
        edits = classify_versions(session, loaded)
    typer.echo(
        json.dumps(
            {
                "model_version": loaded.version,
                "classified": stats.classified,
                "flagged": stats.flagged,
                "audit": stats.audit,
                "unscored": stats.unscored,
                "skipped": stats.failed + edits.failed,
                "edited_versions_classified": edits.classified,
                "edited_versions_flagged": edits.flagged,
            }
        )
    )


@model_app.command("list")
def list_models() -> None:
    """Registered versions (JSON lines), the active one marked."""
    with session_scope() as session:
        for v in registry.list_versions(session):
            typer.echo(
                json.dumps(
                    {
                        "version": v.version,
                        "kind": v.kind,
                        "active": v.active,
                        "test_macro_f1": v.metrics.get("test", {}).get("macro_f1"),
                        "created_at": v.created_at.isoformat(timespec="seconds"),
                        "path": v.path,
                    }
                )
            )


@model_app.command("activate")
def activate(
    version: str = typer.Argument(..., help="A registered version; an older one rolls back."),
) -> None:
    """Make VERSION the active model (the only way a version becomes active)."""
    with session_scope() as session:
        registry.activate(session, version)
    typer.echo(f"active model: {version}")
