"""Force and national reports in the shape of HMIC's force reports: one self-contained HTML file.

``registers.pdf`` lays the same HTML out as a PDF (WeasyPrint), as HMIC published its reports.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from probity import __version__
from probity.forces import FORCES, get_force
from registers.charts import bar_chart
from registers.crosschecks import Finding, run_crosschecks
from registers.stats import STATUS_KEYS, StatsScope, compute_stats, suppress

_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "report_templates"),
    autoescape=select_autoescape(["html"]),
)


def report_charts(s: dict[str, Any]) -> dict[str, str]:
    """The report's charts, by name (the web UI's statistics page draws the same ones)."""
    inv = s["investigations"]
    return {
        "social_categories": bar_chart("Instances by category", s["social_media"]["by_category"]),
        "social_platforms": bar_chart(
            "Instances by platform", s["social_media"]["by_platform"] or {"none": 0}
        ),
        "disclosure_recipients": bar_chart(
            "Information disclosure: recipient", inv["information_disclosure"]["by_recipient"]
        ),
        "disclosure_status": bar_chart(
            "Information disclosure: outcome", inv["information_disclosure"]["by_status"]
        ),
        "gifts": bar_chart(
            "Gifts and hospitality",
            {
                "gratuities": s["gifts_hospitality"]["gratuities"],
                "hospitality": s["gifts_hospitality"]["hospitality"],
                "accepted": s["gifts_hospitality"]["accepted"],
                "declined": s["gifts_hospitality"]["declined"],
            },
        ),
        "interests": bar_chart(
            "Business-interest applications by status", s["business_interests"]["by_status"]
        ),
    }


def _period(date_from: date | None, date_to: date | None) -> str:
    fmt = "%-d %B %Y"
    if date_from and date_to:
        return f"{date_from:{fmt}} to {date_to:{fmt}}"
    if date_from:
        return f"from {date_from:{fmt}}"
    return f"up to {date_to:{fmt}}" if date_to else "all records"


def _render(
    title: str,
    scope_name: str,
    stats: dict[str, Any],
    findings: list[Finding],
    scope: StatsScope,
    published: bool,
    per_force: list[dict[str, Any]] | None = None,
) -> str:
    return _env.get_template("report.html").render(
        title=title,
        scope_name=scope_name,
        s=stats,
        charts=report_charts(stats),
        findings=findings,
        period=_period(scope.date_from, scope.date_to),
        published=published,
        status_keys=STATUS_KEYS,
        national=scope.force_id is None,
        per_force=per_force,
        version=__version__,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


def force_report(
    session: Session,
    force_id: str,
    date_from: date | None = None,
    date_to: date | None = None,
    published: bool = False,
) -> str:
    force = get_force(force_id)
    scope = StatsScope(force_id, date_from, date_to)
    stats = compute_stats(session, scope, published=published)
    findings = run_crosschecks(session, force_id=force_id, as_of=date_to)
    return _render(
        f"{force.name}: integrity and social media", force.name, stats, findings, scope, published
    )


def national_report(
    session: Session,
    date_from: date | None = None,
    date_to: date | None = None,
    published: bool = False,
) -> str:
    scope = StatsScope(None, date_from, date_to)
    stats = compute_stats(session, scope, published=published)
    findings = run_crosschecks(session, as_of=date_to)
    per_force = []
    for force in FORCES:
        fs = compute_stats(session, StatsScope(force.id, date_from, date_to))
        row = {
            "name": force.name,
            "investigations": fs["investigations"]["total"],
            "media_disclosure": fs["investigations"]["media_disclosure"]["total"],
            "register_entries": fs["gifts_hospitality"]["total"],
            "business_interests": fs["business_interests"]["total"],
            "social_instances": fs["social_media"]["instances"],
        }
        per_force.append(suppress(row) if published else row)
    return _render(
        "Police integrity in England and Wales: national thematic report",
        "the 44 forces",
        stats,
        findings,
        scope,
        published,
        per_force,
    )
