"""The readable summary of a subject access export: one self-contained HTML page.

Written for the person who asked, not for a developer: what Probity concluded about them and
why, what it collected, what people decided, and who looked. The JSON beside it has every row.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path
from typing import Any

from probity.subject import SubjectExport

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
    "color:#111;line-height:1.45}table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}"
    "th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left;vertical-align:top}"
    "th{background:#eee}.muted{color:#444}"
)
INTRO = (
    "Probity looks for public posts of people who say they serve in a police force of England "
    "and Wales, so that the force's professional standards department can review posts that may "
    "breach the standards of professional behaviour. Every row is in the JSON file beside this page."
)
VERDICT_FIELDS = (
    ("platform", "Platform"),
    ("handle", "Handle"),
    ("self_identified", "Said to be serving police officer or staff"),
    ("force_id", "Force"),
    ("role", "Role"),
    ("role_evidence", "Words the role was read from"),
    ("confidence", "Confidence"),
    ("evidence", "Evidence"),
    ("identified_at", "Identified"),
    ("left_scope_at", "Left scope"),
    ("left_scope_reason", "Why"),
    ("profile_removed_at", "Profile removed"),
    ("rectified_at", "Verdict corrected"),
)


def _cell(value: Any) -> str:
    if value is None or value == "":
        return '<span class="muted">—</span>'
    if isinstance(value, list | dict):
        return escape(", ".join(map(str, value)) if isinstance(value, list) else str(value))
    return escape(str(value))


def _table(rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> str:
    if not rows:
        return '<p class="muted">None held.</p>'
    head = "".join(f"<th scope='col'>{escape(label)}</th>" for _, label in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(row.get(key))}</td>" for key, _ in columns) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _post_text(row: dict[str, Any]) -> str:
    if row.get("text_removed_at"):
        return f"(words removed under the retention schedule on {row['text_removed_at'][:10]})"
    return str(row.get("text", ""))


def render_html(export: SubjectExport) -> str:
    t = export.tables
    accounts = "".join(
        _table(
            [{"f": label, "v": account.get(key)} for key, label in VERDICT_FIELDS],
            [("f", "Field"), ("v", "Value")],
        )
        for account in t.get("platform_accounts", [])
    )
    posts = [{**p, "shown": _post_text(p)} for p in t.get("posts", [])]
    counts = [{"table": k, "rows": v} for k, v in export.counts().items()]
    sections = [
        f"<h1>What Probity holds about {escape(export.platform)}:{escape(export.handle)}</h1>",
        f"<p>Generated {escape(export.generated_at.isoformat())}. {INTRO}</p>",
        "<h2>The verdict about your account</h2>",
        accounts,
        "<h2>Corrections to the verdict</h2>",
        _table(
            t.get("verdict_rectifications", []),
            [
                ("recorded_at", "When"),
                ("field", "Field"),
                ("old_value", "Was"),
                ("new_value", "Now"),
                ("reason", "Why"),
            ],
        ),
        "<h2>Posts collected</h2>",
        _table(
            posts,
            [
                ("created_at", "Posted"),
                ("captured_at", "Collected"),
                ("url", "Link"),
                ("shown", "Words"),
                ("deleted_at", "Deleted by you"),
            ],
        ),
        "<h2>Later versions of posts</h2>",
        _table(t.get("post_versions", []), [("seen_at", "Seen"), ("text", "Words")]),
        "<h2>What the classifier said</h2>",
        _table(
            t.get("predictions", []),
            [
                ("post_id", "Post"),
                ("created_at", "When"),
                ("labels", "Labels"),
                ("scores", "Scores"),
            ],
        ),
        "<h2>Posts put in front of an analyst</h2>",
        _table(
            t.get("flags", []),
            [
                ("post_id", "Post"),
                ("created_at", "When"),
                ("labels", "Proposed labels"),
                ("status", "Status"),
            ],
        ),
        "<h2>Analysts' decisions</h2>",
        _table(
            t.get("review_decisions", []),
            [
                ("decided_at", "When"),
                ("action", "Decision"),
                ("labels", "Labels"),
                ("note", "Note"),
            ],
        ),
        "<h2>Referrals to your force and their outcome</h2>",
        _table(
            t.get("referrals", []),
            [
                ("created_at", "Referred"),
                ("force_id", "Force"),
                ("status", "Status"),
                ("outcome", "Outcome"),
                ("outcome_at", "Outcome recorded"),
            ],
        ),
        "<h2>Who looked at or changed this data</h2>",
        _table(
            t.get("audit_events", []),
            [
                ("at", "When"),
                ("actor", "Who (key)"),
                ("role", "Role"),
                ("action", "What"),
                ("purpose", "Purpose"),
            ],
        ),
        "<h2>Rows held, by table</h2>",
        _table(counts, [("table", "Table"), ("rows", "Rows")]),
    ]
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Subject access: {escape(export.platform)}:{escape(export.handle)}</title>"
        f"<style>{STYLE}</style></head><body><main>{''.join(sections)}</main></body></html>"
    )


def write_export(export: SubjectExport, out_dir: Path) -> tuple[Path, Path]:
    """The JSON and the HTML summary, side by side in ``out_dir`` (created if missing).

    Under $PROBITY_DATA_DIR/exports (the default) the retention schedule deletes them after the
    ``export_files`` period."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = export.generated_at.strftime("%Y%m%dT%H%M%SZ")
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", export.handle)[:80]
    base = f"subject-{export.platform}-{safe}-{stamp}"  # handles have dots: no with_suffix
    json_path, html_path = out_dir / f"{base}.json", out_dir / f"{base}.html"
    json_path.write_text(export.to_json(), encoding="utf-8")
    html_path.write_text(render_html(export), encoding="utf-8")
    return json_path, html_path
