"""``probity sample``, ``probity registers`` and ``probity report`` commands."""

from __future__ import annotations

import enum
import json
import logging
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from probity import audit
from probity.db import session_scope
from probity.forces import FORCE_IDS
from registers.crosschecks import run_crosschecks
from registers.importer import import_register
from registers.pdf import html_to_pdf
from registers.report import force_report, national_report
from registers.sample import load_sample
from registers.stats import StatsScope, compute_stats, to_csv
from registers.templates import TEMPLATES, get_template

log = logging.getLogger(__name__)
NATIONAL_REPORT = Path("reports/national.html")
sample_app = typer.Typer(
    help="The reference data return (HMIC 2011/12 figures).", no_args_is_help=True
)
registers_app = typer.Typer(help="Integrity registers: import and templates.", no_args_is_help=True)
report_app = typer.Typer(help="Statistics, cross-checks and force reports.", no_args_is_help=True)


class Format(str, enum.Enum):
    json = "json"
    csv = "csv"


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date in YYYY-MM-DD form", param_hint=option
        ) from None


def _force(value: str | None) -> str | None:
    if value is not None and value not in FORCE_IDS:
        raise typer.BadParameter(
            f"unknown force {value!r}; `probity forces` lists the 44 ids", param_hint="--force"
        )
    return value


@sample_app.command("load")
def sample_load(
    seed: int = typer.Option(
        2012, help="Generator seed (the published figures hold for any seed)."
    ),
) -> None:
    """Load the deterministic sample data set for all 44 forces into the configured database."""
    with session_scope() as session:
        summary = load_sample(session, seed=seed)
    log.info(
        "loaded %d investigations, %d register entries, %d business interests, %d contracts, "
        "%d profiles with %d instances",
        summary.investigations,
        summary.gifts,
        summary.interests,
        summary.contracts,
        summary.accounts,
        summary.instances,
    )


@registers_app.command("import")
def registers_import(
    register: Annotated[str, typer.Argument(help=f"One of: {', '.join(TEMPLATES)}.")],
    path: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="CSV (UTF-8) or XLSX file.")
    ],
    force: str | None = typer.Option(
        None, help="Import for this force only; fills a missing force column."
    ),
) -> None:
    """Import a register file: every row valid, or nothing imported."""
    try:
        get_template(register)
    except KeyError as exc:
        raise typer.BadParameter(str(exc.args[0]), param_hint="REGISTER") from None
    with session_scope() as session:
        summary = import_register(session, register, path, force_id=_force(force))
        audit.record_cli(
            session,
            "registers.import",
            object_type=register,
            object_id=path.name,
            force_id=_force(force),
            detail={"rows": summary.rows, "inserted": summary.inserted, "updated": summary.updated},
        )
    log.info(
        "%s: %d rows (%d new, %d updated, %d unchanged)",
        register,
        summary.rows,
        summary.inserted,
        summary.updated,
        summary.unchanged,
    )


@registers_app.command("template")
def registers_template(
    register: str = typer.Argument(..., help=f"One of: {', '.join(TEMPLATES)}."),
) -> None:
    """Print the CSV header row of a register's import template."""
    typer.echo(",".join(get_template(register).column_names))


@report_app.command("stats")
def report_stats(
    national: bool = typer.Option(False, "--national", help="All 44 forces."),
    force: str | None = typer.Option(None, "--force", help="One force id."),
    date_from: str | None = typer.Option(None, "--from", help="First day, YYYY-MM-DD."),
    date_to: str | None = typer.Option(None, "--to", help="Last day, YYYY-MM-DD."),
    fmt: Annotated[Format, typer.Option("--format")] = Format.json,
    published: bool = typer.Option(
        False, "--published", help="Suppress counts 1–4 as '<5' for publication."
    ),
) -> None:
    """Print the figures of an HMIC report for one force or nationally."""
    if national == (force is not None):
        raise typer.BadParameter("give exactly one of --national or --force ID")
    scope = StatsScope(_force(force), _date(date_from, "--from"), _date(date_to, "--to"))
    with session_scope() as session:
        stats = compute_stats(session, scope, published=published)
        audit.record_cli(
            session,
            "report.stats",
            object_type="report",
            object_id=force or "national",
            force_id=_force(force),
            detail={"from": date_from, "to": date_to, "published": published},
        )
    typer.echo(
        json.dumps(stats, indent=2) if fmt is Format.json else to_csv(stats), nl=fmt is Format.json
    )


@report_app.command("crosschecks")
def report_crosschecks(
    force: str | None = typer.Option(None, "--force"),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Judge review dates as at this day (default today)."
    ),
) -> None:
    """Print cross-check findings as JSON lines, each with the rows that raised it."""
    with session_scope() as session:
        count = 0
        for finding in run_crosschecks(
            session, force_id=_force(force), as_of=_date(as_of, "--as-of")
        ):
            typer.echo(json.dumps(finding.as_dict()))
            count += 1
        audit.record_cli(
            session,
            "report.crosschecks",
            object_type="report",
            object_id=force or "national",
            force_id=_force(force),
            detail={"as_of": as_of, "findings": count},
        )


def _write_report(html: str, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".pdf":  # the same HTML, laid out as A4 pages
        out.write_bytes(html_to_pdf(html))
    else:
        out.write_text(html, encoding="utf-8")
    log.info("wrote %s", out)


@report_app.command("force")
def report_force(
    force: str = typer.Argument(..., help="Force id."),
    date_from: str | None = typer.Option(None, "--from"),
    date_to: str | None = typer.Option(None, "--to"),
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Default: reports/<force>.html; a .pdf name writes a PDF."),
    ] = None,
    published: bool = typer.Option(False, "--published"),
) -> None:
    """Write a self-contained HTML (or, with --out NAME.pdf, PDF) force report."""
    with session_scope() as session:
        html = force_report(
            session,
            _force(force) or force,
            _date(date_from, "--from"),
            _date(date_to, "--to"),
            published=published,
        )
        audit.record_cli(
            session,
            "report.force",
            object_type="report",
            object_id=force,
            force_id=_force(force),
            detail={"from": date_from, "to": date_to, "published": published},
        )
    _write_report(html, out or Path("reports") / f"{force}.html")


@report_app.command("national")
def report_national(
    date_from: str | None = typer.Option(None, "--from"),
    date_to: str | None = typer.Option(None, "--to"),
    out: Annotated[Path, typer.Option("--out", help="A .pdf name writes a PDF.")] = NATIONAL_REPORT,
    published: bool = typer.Option(False, "--published"),
) -> None:
    """Write the national thematic report (all 44 forces) as self-contained HTML."""
    with session_scope() as session:
        html = national_report(
            session, _date(date_from, "--from"), _date(date_to, "--to"), published=published
        )
        audit.record_cli(
            session,
            "report.national",
            object_type="report",
            object_id="national",
            detail={"from": date_from, "to": date_to, "published": published},
        )
    _write_report(html, out)
