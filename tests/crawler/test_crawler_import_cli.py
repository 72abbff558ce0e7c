"""File import (JSONL, CSV with a column mapping) and the ``probity crawl`` command line."""

from __future__ import annotations

import json

import pytest
from crawl_helpers import crawl, expected_posts, in_scope_keys, stored_post_ids
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli import app
from crawler.evidence import account_hash
from crawler.imports import import_posts_file
from probity.errors import InputFileError
from probity.models import ExcludedAccount, Post

OFFICER = {"account_id": "fb-1", "handle": "pc.jones", "bio": "PC with Kent Police. Views my own."}
GARDENER = {"account_id": "fb-2", "handle": "green.fingers", "bio": "Gardener and cat person."}


def _rows():
    return [
        {
            **OFFICER,
            "post_id": "p1",
            "text": "Quiet night  in Maidstone.",
            "created_at": "2025-03-01T22:00:00Z",
        },
        {
            **OFFICER,
            "post_id": "p2",
            "text": "Shared this",
            "created_at": "2025-03-02T10:00:00Z",
            "is_repost": "yes",
        },
        {
            **OFFICER,
            "post_id": "p3",
            "text": "Agreed!",
            "created_at": "2025-03-03T10:00:00Z",
            "reply_to_id": "q9",
            "reply_to_author": "someone",
            "reply_to_text": "Hot take",
        },
        {
            **GARDENER,
            "post_id": "g1",
            "text": "Roses are up.",
            "created_at": "2025-03-01T08:00:00Z",
        },
    ]


def test_jsonl_import_keeps_in_scope_posts_and_only_a_hash_of_the_others(tmp_path, crawl_engine):
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in _rows()) + "\n")
    result = import_posts_file(path, platform="facebook", engine=crawl_engine)
    assert (result.accounts_in_scope, result.accounts_excluded, result.new_posts) == (1, 1, 3)
    with crawl_engine.connect() as conn:
        posts = {p.platform_id: p for p in conn.execute(select(Post))}
        hashes = set(conn.scalars(select(ExcludedAccount.account_hash)))
    assert set(posts) == {"p1", "p2", "p3"}
    assert posts["p2"].is_repost and posts["p2"].text == ""
    assert (
        posts["p3"].context[0]["relation"] == "reply"
        and posts["p3"].context[0]["is_account_holder"] is False
    )
    assert account_hash("facebook", "fb-2") in hashes
    again = import_posts_file(path, platform="facebook", engine=crawl_engine)
    assert again.new_posts == 0  # idempotent


def test_csv_import_with_a_column_mapping(tmp_path, crawl_engine):
    path = tmp_path / "export.csv"
    path.write_text(
        "user,name,about,id,body,when\n"
        "u1,pc.smith,PCSO for Essex Police,s1,First post,2025-01-01T09:00:00Z\n"
        "u1,pc.smith,PCSO for Essex Police,s2,Second post,2025-01-02T09:00:00+00:00\n"
    )
    mapping = {
        "account_id": "user",
        "handle": "name",
        "bio": "about",
        "post_id": "id",
        "text": "body",
        "created_at": "when",
    }
    result = import_posts_file(path, platform="other", column_map=mapping, engine=crawl_engine)
    assert result.new_posts == 2


def test_a_bad_file_is_rejected_whole_naming_row_and_column(tmp_path, crawl_engine):
    path = tmp_path / "export.csv"
    path.write_text(
        "user,name,id,body,when\n"
        "u1,pc.smith,s1,ok,2025-01-01T09:00:00Z\n"
        "u1,pc.smith,s2,,2025-01-02T09:00:00Z\n"
        "u1,pc.smith,s3,fine,yesterday\n"
    )
    mapping = {
        "account_id": "user",
        "handle": "name",
        "post_id": "id",
        "text": "body",
        "created_at": "when",
    }
    with pytest.raises(InputFileError) as info:
        import_posts_file(path, platform="other", column_map=mapping, engine=crawl_engine)
    message = str(info.value)
    assert "row 3, column 'body': missing field text" in message
    assert "row 4, column 'when'" in message and "yesterday" in message
    with crawl_engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Post)) == 0  # all or nothing


def test_import_refuses_urls_that_are_not_http(tmp_path, crawl_engine):
    """Imported URLs become links in the UI: javascript:, data: and relative URLs are refused."""
    rows = _rows()[:3]
    rows[0] = {**rows[0], "post_url": "javascript:alert(document.cookie)"}
    rows[1] = {**rows[1], "account_url": "data:text/html,<script>alert(1)</script>"}
    rows[2] = {**rows[2], "post_url": "//evil.example/p3"}
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    with pytest.raises(InputFileError) as info:
        import_posts_file(path, platform="facebook", engine=crawl_engine)
    message = str(info.value)
    assert "row 1, column 'post_url': post_url must be an http:// or https:// URL" in message
    assert "row 2, column 'account_url'" in message and "row 3, column 'post_url'" in message
    with crawl_engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Post)) == 0  # all or nothing
    good = _rows()[:1]
    good[0] = {**good[0], "post_url": "https://www.facebook.com/pc.jones/posts/1"}
    path.write_text(json.dumps(good[0]) + "\n")
    assert import_posts_file(path, platform="facebook", engine=crawl_engine).new_posts == 1


def test_import_refuses_platforms_that_have_an_api(tmp_path, crawl_engine):
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps(_rows()[0]) + "\n")
    with pytest.raises(InputFileError, match="has an API source"):
        import_posts_file(path, platform="x", engine=crawl_engine)


def test_cli_crawl_posts_prints_a_summary_and_stores_posts(world, fake, clock, crawl_engine):
    with fake("bluesky", world) as (_state, url):
        crawl("discover", "bluesky", url, crawl_engine, clock, world)
        result = CliRunner().invoke(
            app, ["crawl", "posts", "--platform", "bluesky", "--base-url", url, "--page-size", "5"]
        )
    assert result.exit_code == 0, result.output
    keys = in_scope_keys(crawl_engine, "bluesky")
    assert set(stored_post_ids(crawl_engine, "bluesky")) == expected_posts(world, "bluesky", keys)
    assert result.stdout == ""  # stdout stays clean for data; the summary goes to stderr


def test_cli_discover_on_x_without_handles_is_a_clear_error(world, fake, crawl_engine):
    with fake("x", world) as (_, url):
        result = CliRunner().invoke(
            app, ["crawl", "discover", "--platform", "x", "--base-url", url]
        )
    assert result.exit_code != 0
    assert "--handles" in str(result.exception)


def test_cli_remap(world, fake, clock, crawl_engine):
    with fake("x", world) as (_, url):
        for step in ("discover", "accounts", "posts"):
            crawl(step, "x", url, crawl_engine, clock, world if step == "discover" else None)
    before = sorted(stored_post_ids(crawl_engine, "x"))
    result = CliRunner().invoke(app, ["crawl", "remap", "--platform", "x"])
    assert result.exit_code == 0, result.output
    assert sorted(stored_post_ids(crawl_engine, "x")) == before


def test_cli_import_leaves_an_audit_event(tmp_path, crawl_engine):
    from probity import audit
    from probity.db import session_scope
    from probity.models import AuditEvent

    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in _rows()) + "\n")
    result = CliRunner().invoke(app, ["crawl", "import", str(path), "--platform", "facebook"])
    assert result.exit_code == 0, result.output
    with session_scope(crawl_engine) as session:
        events = list(
            session.scalars(select(AuditEvent).where(AuditEvent.action == "crawl.import"))
        )
        assert audit.verify(session).ok
    assert (
        len(events) == 1
        and events[0].actor.startswith("cli:")
        and events[0].object_id == "export.jsonl"
    )
    assert (events[0].detail or {})["new_posts"] == 3
