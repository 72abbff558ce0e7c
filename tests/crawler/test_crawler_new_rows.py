"""The posts INSERT reports which rows were new itself (RETURNING): exact counts on a first
crawl, on an overlapping re-crawl, for edits, and under concurrent crawlers of one account."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import func, select, update

from crawler.ingest import apply_posts
from probity.db import insert_new, session_scope
from probity.models import ExcludedAccount, Platform, PlatformAccount, Post, PostVersion

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _raw(n: int, text: str | None = None, edited: bool = False) -> dict[str, object]:
    raw: dict[str, object] = {
        "id": str(n),
        "uri": f"https://police.example/users/pc_new/statuses/{n}",
        "created_at": f"2026-11-{1 + n % 28:02d}T10:00:00Z",
        "content": f"<p>{text or f'Post number {n} from the beat'}</p>",
    }
    if edited:
        raw["edited_at"] = "2026-11-30T11:00:00Z"
    return raw


def _account(engine) -> int:
    with session_scope(engine) as session:
        account = PlatformAccount(
            platform=Platform.mastodon,
            platform_id="https://police.example/users/pc_new",
            handle="pc_new@police.example",
            self_identified=True,
        )
        session.add(account)
        session.flush()
        return account.id


def _apply(engine, account_id: int, raws: list[dict[str, object]]):
    with session_scope(engine) as session:
        account = session.get(PlatformAccount, account_id)
        assert account is not None
        return apply_posts(session, account, raws, source="test", now=NOW)


def _count(engine, model) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_new_posts_are_reported_by_the_insert_on_first_and_overlapping_crawls(crawl_engine):
    account_id = _account(crawl_engine)
    first = _apply(crawl_engine, account_id, [_raw(n) for n in range(5)])
    assert (first.new, first.edited) == (5, 0)
    assert len(first.seen) == 5
    # the next page overlaps the last one: 2 known posts, 3 new ones, one repeated on the page
    second = _apply(crawl_engine, account_id, [_raw(n) for n in (3, 4, 5, 6, 7, 7)])
    assert (second.new, second.edited) == (3, 0)
    assert second.seen == {f"https://police.example/users/pc_new/statuses/{n}" for n in range(3, 8)}
    assert _count(crawl_engine, Post) == 8


def test_a_known_post_with_new_text_is_a_version_not_a_new_post(crawl_engine):
    account_id = _account(crawl_engine)
    _apply(crawl_engine, account_id, [_raw(1), _raw(2)])
    with session_scope(crawl_engine) as session:  # deleted after capture, then seen again
        session.execute(update(Post).values(deleted_at=NOW))
    again = _apply(crawl_engine, account_id, [_raw(1, "Post number 1, edited"), _raw(2)])
    assert (again.new, again.edited) == (0, 1)
    with session_scope(crawl_engine) as session:
        versions = session.scalars(select(PostVersion)).all()
        assert [v.text for v in versions] == ["Post number 1, edited"]
        posts = session.scalars(select(Post).order_by(Post.id)).all()
        assert [p.text for p in posts] == [
            "Post number 1 from the beat",
            "Post number 2 from the beat",
        ]
        assert all(p.deleted_at is None and p.last_seen is not None for p in posts)
        assert posts[0].edited_at is not None and posts[1].edited_at is None
    # the same edited text once more: nothing new at all
    third = _apply(crawl_engine, account_id, [_raw(1, "Post number 1, edited")])
    assert (third.new, third.edited) == (0, 0)
    assert _count(crawl_engine, PostVersion) == 1


def test_concurrent_crawls_of_one_account_report_each_post_as_new_exactly_once(crawl_engine):
    account_id = _account(crawl_engine)
    pages = [[_raw(n) for n in range(start, start + 30)] for start in range(0, 60, 10)]
    reported: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(pages))

    def crawl(page: list[dict[str, object]]) -> None:
        try:
            barrier.wait()
            reported.append(_apply(crawl_engine, account_id, page).new)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=crawl, args=(page,)) for page in pages]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    stored = _count(crawl_engine, Post)
    assert stored == 80  # posts 0..79
    assert sum(reported) == stored  # overlapping pages: every post counted new by one crawl only


def test_insert_new_returns_only_the_rows_it_inserted(crawl_engine):
    row = {"platform": "x", "reason": "not police", "decided_at": NOW, "identifier_version": "t"}
    with session_scope(crawl_engine) as session:
        first = insert_new(
            session,
            ExcludedAccount,
            [{**row, "account_hash": h} for h in ("a", "b")],
            keys=["platform", "account_hash"],
            returning=["account_hash"],
        )
    with session_scope(crawl_engine) as session:
        second = insert_new(
            session,
            ExcludedAccount,
            [{**row, "account_hash": h} for h in ("b", "c", "d")],
            keys=["platform", "account_hash"],
            returning=["account_hash"],
        )
    assert sorted(r.account_hash for r in first) == ["a", "b"]
    assert sorted(r.account_hash for r in second) == ["c", "d"]
    assert _count(crawl_engine, ExcludedAccount) == 4
