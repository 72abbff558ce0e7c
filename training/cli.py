"""``probity train`` and ``probity evaluate``: thin wrappers over training.train and
training.evaluate."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import typer

from classifier import registry
from probity.db import session_scope

log = logging.getLogger(__name__)
app = typer.Typer()


@app.command("train")
def train(
    config: Path = typer.Option(..., "--config", exists=True, dir_okay=False, help="TOML training config."),
    include_reviewed: bool = typer.Option(False, "--include-reviewed",
                                          help="Add analysts' final decisions from the database."),
) -> None:
    """Train, evaluate and register a new model version (not active until `probity model activate`)."""
    from training.reviewed import reviewed_examples
    from training.train import train_from_config

    reviewed = None
    if include_reviewed:
        with session_scope() as session:
            reviewed = reviewed_examples(session)
    result = train_from_config(config, reviewed=reviewed)
    with session_scope() as session:
        registry.register(session, result.path)
    typer.echo(json.dumps({"version": result.version, "path": str(result.path),
                           "test_macro_f1": round(result.metrics["test"]["macro_f1"], 4),
                           "olid_test_macro_f1": result.metrics.get("olid", {}).get("test_macro_f1"),
                           "active": False}))
    log.info("registered %s; activate it with `probity model activate %s`", result.version, result.version)


@app.command("evaluate")
def evaluate(
    model: Path = typer.Option(..., "--model", exists=True, file_okay=False, help="Model folder."),
    data: Path = typer.Option(..., "--data", exists=True, dir_okay=False, help="JSONL: id, text, labels."),
) -> None:
    """Metrics of a saved model on a labelled JSONL file, as JSON on stdout."""
    from training.evaluate import evaluate_model_dir

    typer.echo(json.dumps(evaluate_model_dir(model, data), indent=2))
