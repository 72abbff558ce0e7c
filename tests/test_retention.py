"""The retention schedule: each class goes on its day and not before, open referrals are never
touched, runs are idempotent and safe to interrupt, and the audit chain still verifies."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from lawfulworld import T0, World, build
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from probity import audit, db, purge, retention
from probity.errors import ConfigurationError
from probity.models import (
    AuditEvent,
    Flag,
    PlatformAccount,
    Post,
    PostVersion,
    Prediction,
    RawItem,
    Referral,
    ReferralStatus,
    ReviewDecision,
    Role,
    utcnow,
)
from probity.settings import get_settings

# Short periods so one test walks the whole schedule; leicestershire states its own period.
DAYS = {
    "unflagged_posts": 10,
    "dismissed_flags": 20,
    "referred_items": 30,
    "out_of_scope_accounts": 5,
    "raw_payloads": 3,
    "prediction_explanations": 7,
    "export_files": 2,
}
FORCE_DAYS = {"leicestershire": 40}


@pytest.fixture
def session(database_factory: Callable[[], str]) -> Iterator[Session]:
    """A database of its own: the engine commits per class, as it does in production."""
    with db.session_factory(db.get_engine(database_factory()))() as s:
        yield s


def schedule(**days: int) -> retention.Schedule:
    data = {
        "classes": {
            name: {
                "days": days.get(name, d),
                **({"force_days": FORCE_DAYS} if name == "referred_items" else {}),
            }
            for name, d in DAYS.items()
        }
    }
    return retention.parse_schedule(data, "test")


def export_file() -> Path:
    path = get_settings().data_dir / "exports" / "subject" / "old.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}")
    os.utime(path, (T0.timestamp(), T0.timestamp()))
    return path


T = TypeVar("T")


def one(session: Session, model: type[T], ident: int) -> T:
    row = session.get(model, ident)
    assert row is not None, (model, ident)
    return row


def count_events(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def words_removed(session: Session, post: Post) -> bool:
    session.refresh(post)
    return post.text_removed_at is not None


def state(session: Session, w: World, export: Path) -> dict[str, bool]:
    """For each class, whether its rows of the world are gone (True) or still whole (False)."""
    session.expire_all()
    left = one(session, PlatformAccount, w.accounts["left"].id)
    assert left is not None
    dismissed_notes = session.scalars(
        select(ReviewDecision.note).where(ReviewDecision.flag_id == w.flags["dismissed"].id)
    ).all()
    return {
        "unflagged_posts": words_removed(session, w.posts["unflagged"]),
        "dismissed_flags": words_removed(session, w.posts["dismissed"]) and dismissed_notes == [""],
        "referred_items": words_removed(session, w.posts["closed_default"]),
        "referred_items_force": words_removed(session, w.posts["closed_force"]),
        "out_of_scope_accounts": left.profile_removed_at is not None
        and left.bio == ""
        and session.get(Post, w.post_ids["left"]) is None,
        "raw_payloads": session.scalar(
            select(func.count())
            .select_from(RawItem)
            .where(RawItem.platform_id == w.posts["unflagged"].platform_id)
        )
        == 0,
        "prediction_explanations": session.scalar(
            select(Prediction.explanation).where(Prediction.post_id == w.posts["dismissed"].id)
        )
        is None,
        "export_files": not export.exists(),
    }


def untouched_while_open(session: Session, w: World) -> None:
    """The open referral's post, payload and explanation, and the pending flag's, are whole."""
    session.expire_all()
    for name in ("open_referral", "pending"):
        post = session.get(Post, w.posts[name].id)
        assert post is not None and post.text and post.text_removed_at is None, name
        assert session.scalar(
            select(Prediction.explanation).where(Prediction.post_id == post.id)
        ), name
    assert session.scalar(
        select(func.count())
        .select_from(RawItem)
        .where(RawItem.platform_id == w.posts["open_referral"].platform_id)
    )
    assert one(session, Post, w.posts["open_referral"].id).raw is not None


def test_each_class_goes_on_its_day_and_not_before(session: Session) -> None:
    w = build(session)
    # an access event about data that the schedule will remove: it must survive, and verify
    audit.record(
        session,
        actor="pb_analyst",
        role="analyst",
        action="flags.read",
        object_type="flag",
        object_id=w.flags["dismissed"].id,
    )
    session.commit()
    export = export_file()
    sched = schedule()
    due_day = {**DAYS, "referred_items_force": FORCE_DAYS["leicestershire"]}
    before_events = count_events(session)
    runs = 0
    for day in range(42):
        report = retention.run_retention(session, sched, (T0 + timedelta(days=day)).date())
        runs += 1
        now = state(session, w, export)
        for name, gone in now.items():
            assert gone == (day >= due_day[name]), (name, day)
        counts = report.by_class()
        for name in DAYS:
            days = [due_day[name]] + (
                [FORCE_DAYS["leicestershire"]] if name == "referred_items" else []
            )
            # something is removed exactly on the due day(s), nothing on any other day
            assert (counts[name] > 0) == (day in days), (name, day, counts)
        untouched_while_open(session, w)
    # the force closes the open referral on day 41: kept for the default period from then on
    referral = one(session, Referral, w.referrals["open"].id)
    referral.status, referral.outcome_at = ReferralStatus.closed, T0 + timedelta(days=41)
    session.commit()
    closed_day = 41 + DAYS["referred_items"]
    for day in (closed_day - 1, closed_day):
        report = retention.run_retention(session, sched, (T0 + timedelta(days=day)).date())
        runs += 1
        assert words_removed(session, w.posts["open_referral"]) == (day == closed_day)
        assert report.by_class()["referred_items"] == (1 if day == closed_day else 0)
    # the verdict of the account that left scope stays; the referred posts' decisions stay
    left = one(session, PlatformAccount, w.accounts["left"].id)
    assert (left.force_id, left.role, left.handle) == (
        "wiltshire",
        Role.officer,
        w.accounts["left"].handle,
    )
    assert one(session, Flag, w.flags["closed_force"].id).status.value == "confirmed"
    assert one(session, Referral, w.referrals["closed_force"].id).outcome_note == ""
    versions = session.scalars(
        select(PostVersion.text).where(PostVersion.post_id == w.posts["unflagged"].id)
    ).all()
    assert versions == [""]
    # one audit event per class per run, none removed, and the keyed chain still verifies
    assert count_events(session) - before_events == runs * len(DAYS)
    reads = session.scalars(select(AuditEvent.object_id).where(AuditEvent.action == "flags.read"))
    assert list(reads) == [str(w.flags["dismissed"].id)]
    assert audit.verify(session).ok


def test_dry_run_counts_what_a_run_removes_and_changes_nothing(session: Session) -> None:
    w = build(session)
    export_file()
    sched = schedule()
    day = (T0 + timedelta(days=45)).date()
    dry = retention.run_retention(session, sched, day, dry_run=True)
    assert dry.total > 0
    assert one(session, Post, w.posts["unflagged"].id).text == "Lovely day on patrol"
    real = retention.run_retention(session, sched, day)
    assert real.by_class() == dry.by_class()
    # counted by hand from the world: each class after the ones before it; an absent payload or
    # explanation (JSON null, as the ORM writes None) is nothing to remove
    assert real.by_class() == {
        "unflagged_posts": 2,  # the unflagged post, and the post of the account that left
        "dismissed_flags": 1,
        "referred_items": 2,  # both closed referrals (30 days, and leicestershire's 40)
        "out_of_scope_accounts": 1,
        "raw_payloads": 2,  # one raw item, the pending post's payload; open referral kept
        "prediction_explanations": 0,  # already removed with the words, or kept (undecided)
        "export_files": 1,
    }
    again = retention.run_retention(session, sched, day)
    assert again.total == 0  # idempotent: nothing is due twice
    assert audit.verify(session).ok


def test_killed_half_way_the_class_in_progress_rolls_back_and_a_rerun_finishes(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = build(session)
    sched = schedule()
    day = (T0 + timedelta(days=45)).date()
    expected = retention.run_retention(session, sched, day, dry_run=True).by_class()

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # the process is stopped while the class is being written

    original = purge.purge_account
    monkeypatch.setattr(purge, "purge_account", crash)
    with pytest.raises(KeyboardInterrupt):
        retention.run_retention(session, sched, day)
    session.expire_all()
    # classes before the crash are done and audited; the crashed class left no trace
    assert one(session, Post, w.posts["unflagged"].id).text_removed_at is not None
    assert one(session, PlatformAccount, w.accounts["left"].id).profile_removed_at is None
    done = set(
        session.scalars(
            select(AuditEvent.object_id).where(
                AuditEvent.action.like("retention.%"), AuditEvent.action != "retention.dry_run"
            )
        )
    )
    assert done == {"unflagged_posts", "dismissed_flags", "referred_items"}
    monkeypatch.setattr(purge, "purge_account", original)
    rerun = retention.run_retention(session, sched, day).by_class()
    assert rerun["out_of_scope_accounts"] == expected["out_of_scope_accounts"] == 1
    assert rerun["unflagged_posts"] == 0  # already done before the crash
    assert audit.verify(session).ok


def test_the_bundled_schedule_loads_and_bad_schedules_say_what_is_wrong(tmp_path: Path) -> None:
    default = retention.load_schedule()
    assert set(default.rules) == set(retention.CLASSES)
    assert all(rule.description for rule in default.rules.values())
    bad = tmp_path / "s.toml"
    bad.write_text('[classes.unflagged_posts]\ndays = "ninety"\n')
    with pytest.raises(ConfigurationError, match="missing"):
        retention.load_schedule(bad)
    data: dict[str, Any] = {"classes": {name: {"days": 1} for name in retention.CLASSES}}
    data["classes"]["dismissed_flags"]["days"] = -1
    with pytest.raises(ConfigurationError, match=r"dismissed_flags.*whole number"):
        retention.parse_schedule(data, "s.toml")
    data["classes"]["dismissed_flags"]["days"] = 1
    data["classes"]["referred_items"]["force_days"] = {"atlantis": 3}
    with pytest.raises(ConfigurationError, match="not a force id: atlantis"):
        retention.parse_schedule(data, "s.toml")


def test_cutoff_counts_whole_days() -> None:
    # a row from 1 January (any hour) is due from 31 January with a 30-day period
    jan31 = retention.as_datetime((T0 + timedelta(days=30)).date())
    assert retention.cutoff(jan31, 30) == T0.replace(day=2, hour=0)
    assert T0 < retention.cutoff(jan31, 30)
    assert not T0 < retention.cutoff(jan31 - timedelta(days=1), 30)
    assert retention.cutoff(utcnow(), 0) > utcnow()


def test_posts_whose_words_were_removed_never_reach_retraining(session: Session) -> None:
    from training.reviewed import decided_posts

    w = build(session)
    session.commit()
    assert f"reviewed-{w.post_ids['dismissed']}" in {row["id"] for row in decided_posts(session)}
    retention.run_retention(session, schedule(), (T0 + timedelta(days=45)).date())
    rows = decided_posts(session)
    assert f"reviewed-{w.post_ids['dismissed']}" not in {row["id"] for row in rows}
    assert all(row["text"] for row in rows)


def test_cli_prints_each_class_and_audits_only_real_runs(
    database_factory: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from cli import app
    from probity.settings import reset_settings_cache

    url = database_factory()
    monkeypatch.setenv("PROBITY_DATABASE_URL", url)
    reset_settings_cache()
    with db.session_factory(db.get_engine(url))() as s:
        w = build(s)
        s.commit()
    day = (T0 + timedelta(days=100)).date().isoformat()
    dry = CliRunner().invoke(app, ["retention", "run", "--dry-run", "--as-of", day])
    assert dry.exit_code == 0, dry.output
    lines = dry.stdout.splitlines()
    assert lines[0].startswith(f"retention as of {day}: would remove ")
    assert [line.split()[0] for line in lines[1:]] == list(retention.CLASSES)
    real = CliRunner().invoke(app, ["retention", "run", "--as-of", day, "--json"])
    assert real.exit_code == 0, real.output
    counts = {k: v["removed"] for k, v in json.loads(real.stdout)["classes"].items()}
    # the bundled schedule on day 100: unflagged posts (90 days) go, dismissed flags (180) stay
    assert counts["unflagged_posts"] == 2 and counts["dismissed_flags"] == 0
    with db.session_factory(db.get_engine(url))() as s:
        assert one(s, Post, w.post_ids["unflagged"]).text == ""
        actions = list(s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
        assert actions == ["retention.dry_run", *(f"retention.{c}" for c in retention.CLASSES)]
        assert audit.verify(s).ok
    bad = CliRunner().invoke(app, ["retention", "run", "--as-of", "31/01/2026"])
    assert bad.exit_code != 0
