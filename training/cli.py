"""``probity train``, ``probity evaluate`` and ``probity model ensure-default``: thin wrappers
over training.train, training.evaluate and training.default."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import typer

from classifier import registry
from classifier.cli import model_app
from probity.db import session_scope
from training.default import ensure_default as ensure_default_model
from training.evaluate import evaluate_model_dir
from training.reviewed import reviewed_examples
from training.train import train_from_config

log = logging.getLogger(__name__)
app = typer.Typer()


@app.command("train")
def train(
    config: Path = typer.Option(
        ..., "--config", exists=True, dir_okay=False, help="TOML training config."
    ),
    include_reviewed: bool = typer.Option(
        False, "--include-reviewed", help="Add analysts' final decisions from the database."
    ),
) -> None:
    """Train, evaluate and register a new model version (not active until `probity model activate`)."""
    reviewed = None
    if include_reviewed:
        with session_scope() as session:
            reviewed = reviewed_examples(session)
    result = train_from_config(config, reviewed=reviewed)
    with session_scope() as session:
        registry.register(session, result.path)
    typer.echo(
        json.dumps(
            {
                "version": result.version,
                "path": str(result.path),
                "test_macro_f1": round(result.metrics["test"]["macro_f1"], 4),
                "olid_test_macro_f1": result.metrics.get("olid", {}).get("test_macro_f1"),
                "active": False,
            }
        )
    )
    log.info(
        "registered %s; activate it with `probity model activate %s`",
        result.version,
        result.version,
    )


@app.command("evaluate")
def evaluate(
    model: Path = typer.Option(..., "--model", exists=True, file_okay=False, help="Model folder."),
    data: Path | None = typer.Option(
        None,
        "--data",
        exists=True,
        dir_okay=False,
        help="JSONL: id, text, labels (default: the real-text evaluation only).",
    ),
) -> None:
    """Metrics of a saved model, as JSON on stdout: the real-text block (flag rates on held-out
    real everyday posts, recall on the project test positives, queue precision at 1% and 3%
    prevalence) and, with --data, the metrics on a labelled JSONL file."""
    typer.echo(json.dumps(evaluate_model_dir(model, data), indent=2))


# The model group belongs to the classifier's CLI; ensure-default trains, so it is registered
# from here (training may import the classifier, never the reverse).
@model_app.command("ensure-default")
def ensure_default() -> None:
    """Keep the active model, or train the default, register and activate it (about a minute)."""
    with session_scope() as session:
        row = ensure_default_model(session)
        typer.echo(f"active model: {row.version}")
