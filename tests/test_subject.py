"""Subject access and rectification: the export holds one row of every table keyed to an account
or a post (the list comes from the schema's foreign keys, so a new table cannot be forgotten),
nothing of anyone else; a wrong verdict is corrected, or the account purged."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from lawfulworld import T0, account, flag, post, refer
from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from cli import app
from probity import audit, db, retention, subject
from probity.errors import NotFoundError, ProbityError
from probity.models import (
    AuditEvent,
    Base,
    Flag,
    FlagStatus,
    PlatformAccount,
    Post,
    RawItem,
    Referral,
    ReferralStatus,
    Role,
    VerdictRectification,
)
from probity.settings import reset_settings_cache


def keyed_tables() -> set[str]:
    """Written apart from probity.subject: every table with a foreign key that leads, in any
    number of steps, to an account or a post."""
    keyed = {"platform_accounts", "posts"}
    while True:
        more = {
            t.name
            for t in Base.metadata.sorted_tables
            if any(fk.column.table.name in keyed for fk in t.foreign_keys)
        }
        if more <= keyed:
            return keyed
        keyed |= more


@pytest.fixture
def session(database_factory: Callable[[], str]) -> Iterator[Session]:
    with db.session_factory(db.get_engine(database_factory()))() as s:
        yield s


def seed_person(session: Session, force: str) -> dict[str, set[int]]:
    """One account with a row in every keyed table; returns the ids seeded, by table."""
    owner = account(session, force)
    posted = post(session, owner, "Words of a post", raw_item=True)
    decided = flag(session, posted, FlagStatus.confirmed, note="looked at it")
    referral = refer(session, decided)
    other_post = post(session, owner, "Another post")
    session.add(
        RawItem(
            platform=owner.platform,
            item_type="profile",
            platform_id=owner.platform_id,
            payload={"bio": owner.bio},
            payload_sha256="p" + owner.platform_id[-10:],
            captured_at=T0,
            account_key=owner.platform_id,
        )
    )
    session.flush()
    subject.rectify(session, owner.id, analyst="pb_analyst", reason="is a PCSO", role="pcso")
    read = audit.record(
        session, actor="pb_a", role="analyst", action="flags.read", object_type="flag",
        object_id=decided.id,
    )  # fmt: skip
    listed = audit.record(
        session, actor="pb_a", role="analyst", action="flags.list", object_type="flag",
        object_id="", detail=audit.list_detail([decided.id + 1000, decided.id]),
    )  # fmt: skip
    session.commit()

    def ids(model: Any, *where: Any) -> set[int]:
        return set(session.scalars(select(model.id).where(*where)))

    seeded = {
        "platform_accounts": {owner.id},
        "posts": {posted.id, other_post.id},
        "referrals": {referral.id},
        "verdict_rectifications": ids(
            VerdictRectification, VerdictRectification.account_id == owner.id
        ),
        "raw_items": ids(RawItem, RawItem.account_key == owner.platform_id),
        "audit_events": {read.id, listed.id},
    }
    # the rest (posts' versions, predictions, flags, decisions, referral items): whatever the
    # seeding made under this person's rows, parents first
    for table in Base.metadata.sorted_tables:
        if table.name in seeded or table.name not in keyed_tables():
            continue
        keyed = [fk for fk in table.foreign_keys if fk.column.table.name in seeded]
        assert keyed, f"{table.name}: seeded before its parents"
        clauses = [table.c[fk.parent.name].in_(seeded[fk.column.table.name]) for fk in keyed]
        seeded[table.name] = set(session.scalars(select(table.c.id).where(or_(*clauses))))
    return seeded


def test_the_export_holds_every_keyed_table_and_no_one_else(session: Session) -> None:
    mine = seed_person(session, "kent")
    theirs = seed_person(session, "essex")
    # every keyed table (and the two keyed by value) has a row for the person: none forgotten
    assert set(subject.subject_tables()) == keyed_tables()
    expected_tables = keyed_tables() | set(subject.VALUE_KEYED)
    assert set(mine) == expected_tables
    assert all(mine[name] for name in expected_tables), {n: mine[n] for n in expected_tables}
    handle = session.get(PlatformAccount, min(mine["platform_accounts"]))
    assert handle is not None
    export = subject.export_subject(session, "bluesky", handle.handle.upper())
    assert set(export.tables) == expected_tables
    for name in expected_tables:
        assert export.ids(name) == mine[name], name
        assert not export.ids(name) & theirs[name], name
    document = json.loads(export.to_json())
    assert document["counts"]["posts"] == 2
    assert "Words of a post" in export.to_json()


def test_cli_writes_json_and_html_and_audits_the_export(
    database_factory: Callable[[], str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = database_factory()
    monkeypatch.setenv("PROBITY_DATABASE_URL", url)
    reset_settings_cache()
    with db.session_factory(db.get_engine(url))() as s:
        seed_person(s, "kent")
        owner = s.scalars(select(PlatformAccount)).one()
        handle = owner.handle
    result = CliRunner().invoke(
        app, ["subject", "export", "--account", f"bluesky:@{handle}", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    written = json.loads(result.stdout)
    assert Path(written["json"]).name.startswith(f"subject-bluesky-{handle}-")
    assert Path(written["html"]).with_suffix(".json") == Path(written["json"])
    assert json.loads(Path(written["json"]).read_text())["counts"]["posts"] == 2
    page = Path(written["html"]).read_text()
    assert "Words of a post" in page and "pcso" in page and "flags.read" in page
    missing = CliRunner().invoke(app, ["subject", "export", "--account", "bluesky:nobody"])
    assert missing.exit_code != 0
    with db.session_factory(db.get_engine(url))() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "subject.export")).one()
        assert event.object_id == str(owner.id) and event.detail
        assert event.detail["counts"]["posts"] == 2
        assert audit.verify(s).ok


def test_rectifying_force_and_role_moves_undecided_flags_and_survives_reidentification(
    session: Session,
) -> None:
    owner = account(session, "kent")
    waiting = flag(session, post(session, owner, "Pending words"), FlagStatus.pending)
    decided = flag(session, post(session, owner, "Dismissed words"), FlagStatus.dismissed)
    session.commit()
    result = subject.rectify(
        session, owner.id, analyst="pb_x", reason="bio says Essex", force_id="essex", role="staff"
    )
    subject.audit_rectification(session, result, actor="pb_x", role="analyst")
    session.commit()
    assert {c["field"] for c in result.changes} == {"force_id", "role"}
    session.expire_all()
    assert (owner.force_id, owner.role) == ("essex", Role.staff)
    assert session.get(Flag, waiting.id).force_id == "essex"  # type: ignore[union-attr]
    assert session.get(Flag, decided.id).force_id == "kent"  # type: ignore[union-attr]
    # the identifier reads the old bio again: the analyst's correction is kept
    owner.force_id, owner.role = "kent", Role.officer
    subject.reapply_rectifications(session, owner.id)
    assert (owner.force_id, owner.role) == ("essex", Role.staff)
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "subject.rectify")).one()
    assert event.detail and {c["field"] for c in event.detail["changes"]} == {"force_id", "role"}
    with pytest.raises(ProbityError, match="reason"):
        subject.rectify(session, owner.id, analyst="pb_x", reason=" ", role="staff")
    with pytest.raises(ProbityError, match="force id"):
        subject.rectify(session, owner.id, analyst="pb_x", reason="x", force_id="gotham")


def test_not_serving_purges_beyond_the_verdict_at_once_or_when_the_referral_closes(
    session: Session,
) -> None:
    plain = account(session, "kent")
    plain_post = post(session, plain, "Namesake words", raw_item=True).id
    flag(session, post(session, plain, "Flagged namesake words"), FlagStatus.pending)
    referred = account(session, "kent")
    referred_post = post(session, referred, "Referred words")
    referral = refer(session, flag(session, referred_post, FlagStatus.confirmed))
    other_post = post(session, referred, "Other words").id
    session.commit()
    now = subject.rectify(session, plain.id, analyst="pb_x", reason="a namesake", serving=False)
    assert now.purged == {"accounts": 1, "posts": 2, "raw_items": 1}
    later = subject.rectify(session, referred.id, analyst="pb_x", reason="retired", serving=False)
    assert later.purged is None and later.purge_waits_for == [referral.id]
    session.commit()
    session.expire_all()
    assert session.get(Post, plain_post) is None
    assert (plain.bio, plain.self_identified, plain.force_id) == ("", False, "kent")
    assert session.get(Post, other_post) is not None  # waits for the open referral
    # the force closes the referral; the next scheduled run purges what is beyond the verdict
    closed = session.get(Referral, referral.id)
    assert closed is not None and referred.left_scope_at is not None
    closed.status, closed.outcome_at = ReferralStatus.closed, referred.left_scope_at
    session.commit()
    days = retention.load_schedule()["out_of_scope_accounts"].days
    report = retention.run_retention(session, None, referred.left_scope_at + timedelta(days=days))
    assert report.by_class()["out_of_scope_accounts"] == 1
    session.expire_all()
    assert session.get(Post, other_post) is None
    assert session.get(Post, referred_post.id) is not None  # the force's record, own class
    assert audit.verify(session).ok
    with pytest.raises(NotFoundError):
        subject.find_accounts(session, "bluesky", "nobody.example")


@pytest.mark.parametrize(
    ("value", "says"),
    [("bad:someone", "unknown platform 'bad'"), ("bluesky", "expected PLATFORM:HANDLE")],
)
def test_a_malformed_account_is_refused_with_its_reason(value: str, says: str) -> None:
    with pytest.raises(ProbityError, match=says):
        subject.parse_account(value)
    assert subject.parse_account("Bluesky:@PC.Bsky.Social") == ("bluesky", "PC.Bsky.Social")
