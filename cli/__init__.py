"""The ``probity`` command. Each command is a thin wrapper over a plain, typed function.

The CLI is the top surface: it may import every layer (docs/architecture.md). Three commands
are loaded only when they run (``_DEFERRED``): ``demo``, ``identify`` and ``identify-score``
import the self-identification pipeline, hence spaCy and with it torch (seconds and hundreds of
MB). ``probity serve`` therefore starts without them; tests/test_cli_startup.py holds this.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

import typer
import typer.main

# typer vendors click (typer._click) and types its groups with it, so a subclass must too.
from typer._click import Command, Context
from typer.core import TyperGroup

from api import cli as api_cli
from classifier import cli as classifier_cli
from cli import audit as audit_cli
from cli import db as db_cli
from cli import forces as forces_cli
from cli import keys as keys_cli
from cli import retention as retention_cli
from cli import subject as subject_cli
from crawler import cli as crawl_cli
from jobs import cli as jobs_cli
from probity.errors import ProbityError
from probity.logs import setup_logging
from probity.settings import get_settings
from registers import cli as integrity_cli
from training import cli as training_cli


def _command(name: str, function: Callable[..., Any]) -> Command:
    single = typer.Typer()
    single.command(name)(function)
    return typer.main.get_command(single)


# The imports below are deferred on purpose (see the module docstring); they point down the
# layers like every other import here, and import-linter reads them.
def _demo() -> Command:
    from demo import cli as demo_cli

    return _command("demo", demo_cli.demo)


def _identify() -> Command:
    from crawler.identify import cli as identify_cli

    return _command("identify", identify_cli.identify_command)


def _identify_score() -> Command:
    from crawler.identify import cli as identify_cli

    return _command("identify-score", identify_cli.score_command)


_DEFERRED: dict[str, Callable[[], Command]] = {
    "demo": _demo,
    "identify": _identify,
    "identify-score": _identify_score,
}


class _Root(TyperGroup):
    """The root group: registered commands plus the deferred ones, loaded on first use."""

    def list_commands(self, ctx: Context) -> list[str]:
        return [*super().list_commands(ctx), *_DEFERRED]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        if cmd_name in _DEFERRED and cmd_name not in self.commands:
            self.commands[cmd_name] = _DEFERRED[cmd_name]()
        return super().get_command(ctx, cmd_name)


app = typer.Typer(
    cls=_Root,
    help="Probity: integrity checks for police Professional Standards Departments.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(verbose: bool = typer.Option(False, "--verbose", "-v", help="Debug logging.")) -> None:
    setup_logging("DEBUG" if verbose else get_settings().log_level)


app.add_typer(db_cli.app, name="db")
app.command("forces")(forces_cli.forces)
app.add_typer(keys_cli.app, name="keys")
app.add_typer(audit_cli.app, name="audit")
app.add_typer(retention_cli.app, name="retention")
app.add_typer(subject_cli.app, name="subject")
app.add_typer(crawl_cli.app, name="crawl")
app.add_typer(integrity_cli.sample_app, name="sample")
app.add_typer(integrity_cli.registers_app, name="registers")
app.add_typer(integrity_cli.report_app, name="report")
app.add_typer(classifier_cli.app)  # classify, classify-posts, model …
app.add_typer(training_cli.app)  # train, evaluate
app.command("serve")(api_cli.serve)
app.command("worker")(jobs_cli.worker)
app.command("run")(jobs_cli.run)


def main() -> None:
    try:
        app()
    except ProbityError as exc:
        logging.getLogger("probity").error("%s", exc)
        sys.exit(2)
