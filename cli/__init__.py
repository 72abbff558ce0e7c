"""The ``probity`` command. Each command is a thin wrapper over a plain, typed function."""

from __future__ import annotations

import logging
import sys

import typer

from crawler import cli as crawl_cli
from demo import cli as demo_cli
from classifier import cli as classifier_cli
from api import cli as api_cli
from crawler.identify import cli as identify_cli
from cli import db as db_cli
from cli import forces as forces_cli
from cli import keys as keys_cli
from probity.errors import ProbityError
from registers import cli as integrity_cli
from probity.logs import setup_logging
from probity.settings import get_settings
from training import cli as training_cli

app = typer.Typer(help="Probity: integrity checks for police Professional Standards Departments.",
                  no_args_is_help=True, pretty_exceptions_enable=False)


@app.callback()
def _root(verbose: bool = typer.Option(False, "--verbose", "-v", help="Debug logging.")) -> None:
    setup_logging("DEBUG" if verbose else get_settings().log_level)


app.add_typer(db_cli.app, name="db")
app.command("forces")(forces_cli.forces)
app.add_typer(keys_cli.app, name="keys")
app.add_typer(crawl_cli.app, name="crawl")
app.add_typer(integrity_cli.sample_app, name="sample")
app.add_typer(integrity_cli.registers_app, name="registers")
app.add_typer(integrity_cli.report_app, name="report")
app.command("demo")(demo_cli.demo)
app.add_typer(classifier_cli.app)  # classify, classify-posts, model …
app.add_typer(training_cli.app)  # train, evaluate
app.command("serve")(api_cli.serve)
app.command("identify")(identify_cli.identify_command)
app.command("identify-score")(identify_cli.score_command)


def main() -> None:
    try:
        app()
    except ProbityError as exc:
        logging.getLogger("probity").error("%s", exc)
        sys.exit(2)
