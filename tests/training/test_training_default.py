"""ensure-default (moved from the classifier's registry into training, issue #11)."""

from __future__ import annotations

from classifier import registry
from training.config import REPO_ROOT
from training.default import ensure_default


def test_ensure_default_trains_and_activates_only_when_nothing_is_active(
    db_session, tmp_path, monkeypatch
):
    monkeypatch.setenv("PROBITY_SHARED_DATA_DIR", str(tmp_path / "absent"))
    tiny = REPO_ROOT / "training" / "configs" / "tiny.toml"
    first = ensure_default(db_session, config=tiny)
    assert first.active and first.version.startswith("tiny-")
    assert ensure_default(db_session, config=tiny).id == first.id  # no second training
    assert len(registry.list_versions(db_session)) == 1
