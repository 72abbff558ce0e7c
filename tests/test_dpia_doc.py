"""docs/dpia.md stays true: every control names code that exists and a test that exists, and the
retention table states the bundled schedule's periods."""

from __future__ import annotations

import re
from pathlib import Path

from probity import retention
from probity.settings import Settings

ROOT = Path(__file__).parents[1]
DPIA = (ROOT / "docs" / "dpia.md").read_text(encoding="utf-8")


def _controls() -> list[str]:
    table = DPIA.split("## 8. Controls", 1)[1].split("\n## ", 1)[0]
    return [line for line in table.splitlines() if re.match(r"\| C\d+ ", line)]


def test_every_control_links_to_tests_and_code_that_exist() -> None:
    rows = _controls()
    assert len(rows) >= 20
    linked = 0
    for row in rows:
        if "**Pending" in row:
            continue
        tests = re.findall(r"\[`(tests/[^`:]+)(?:::(\w+))?`\]", row)
        assert tests, f"control without a test: {row[:60]}"
        for path, name in tests:
            source = (ROOT / path).read_text(encoding="utf-8")
            assert not name or f"def {name}(" in source, f"{path}::{name} does not exist"
            linked += 1
        where = row.split("|")[3]
        for path in re.findall(r"`([a-z_/]+\.(?:py|toml))`", where):
            assert (ROOT / path).exists(), f"{path} named by {row[:10]} does not exist"
    assert linked >= 25


def test_the_retention_table_states_the_bundled_periods() -> None:
    schedule = retention.load_schedule(retention.DEFAULT_SCHEDULE)
    table = DPIA.split("### 2.7 Retention", 1)[1].split("\n## ", 1)[0]
    assert f"| {schedule['unflagged_posts'].days} days | capture |" in table
    assert f"| {schedule['dismissed_flags'].days} days | dismissal |" in table
    assert f"then {schedule['referred_items'].days // 365} years" in table
    assert f"| {schedule['raw_payloads'].days} days | capture |" in table
    assert f"| {schedule['prediction_explanations'].days} days | prediction |" in table
    assert f"| {schedule['export_files'].days} days | file written |" in table
    assert schedule["out_of_scope_accounts"].days == 0 and "| at once;" in table
    jobs = Settings()  # the job queue is kept out of the schedule: its periods are settings
    assert f"else {jobs.jobs_keep_hours // 24} days;" in table
    assert f"aborted: {jobs.jobs_failed_keep_hours // 24} days |" in table
