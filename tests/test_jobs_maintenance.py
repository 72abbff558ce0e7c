"""The scheduled maintenance units (jobs/maintenance.py): audit anchoring and report building."""

from __future__ import annotations

import json

from jobs.maintenance import anchor_audit_chain, anchor_file, build_report
from probity import audit
from probity.db import get_engine, session_scope
from probity.settings import reset_settings_cache


def test_anchoring_appends_the_chain_head_and_reports_are_written(
    database_factory, monkeypatch, tmp_path
):
    url = database_factory()
    monkeypatch.setenv("PROBITY_DATABASE_URL", url)
    monkeypatch.setenv("PROBITY_AUDIT_ANCHOR_FILE", str(tmp_path / "anchors" / "a.jsonl"))
    reset_settings_cache()

    first, second = anchor_audit_chain(), anchor_audit_chain()
    lines = anchor_file().read_text(encoding="utf-8").splitlines()
    assert lines == [first, second]  # appended, the earlier anchor kept
    heads = [json.loads(line) for line in lines]
    assert heads[1]["count"] == heads[0]["count"] + 1  # each run is itself an audited event
    with session_scope(get_engine(url)) as session:
        anchors = audit.read_anchors(lines)
        assert audit.check_anchors(session, anchors) == []  # both heads verify against the chain

    national = build_report(None, tmp_path / "reports")
    force = build_report("metropolitan", tmp_path / "reports")
    assert national.name == "national.html" and "<html" in national.read_text(encoding="utf-8")
    assert force.name == "metropolitan.html" and force.stat().st_size > 1000
