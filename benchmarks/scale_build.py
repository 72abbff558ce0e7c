"""Build (once) the national-scale PostgreSQL database the scale benchmark measures.

Everything is generated inside PostgreSQL with ``INSERT … SELECT … generate_series`` (no Python
row loop), in the demo's shapes: accounts spread over the 44 forces by workforce size
(``registers.sample.figures.FORCE_WEIGHTS``), 70% on X, roles split as the demo splits them
(officers 55%, staff 33%, PCSOs 5%, specials 5%, volunteers 2%), a flag on one post in ten with
the demo's label mix, one decision per decided flag, and one referral per account holding its
confirmed flags.

The database is built once and reused: a row in ``scale_meta`` records the shape it was built
with; a run with the same shape only migrates (new indexes) and reuses it, ``--rebuild`` drops it.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

from probity import db
from registers.sample.apportion import apportion
from registers.sample.figures import FORCE_WEIGHTS

log = logging.getLogger("scale")


@dataclass(frozen=True)
class Shape:
    posts: int = 1_000_000
    flags: int = 100_000
    referrals: int = 20_000
    accounts: int = 25_013  # coprime with 10, so "one post in ten" spreads over every account

    @property
    def key(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


# The demo's label mix (132 / 119 / 76 / 36 offensive / protocol / negativity / government),
# as combinations a model flag carries.
LABEL_SETS = (
    '["offensive"]',
    '["offensive"]',
    '["protocol"]',
    '["protocol"]',
    '["negativity"]',
    '["offensive", "negativity"]',
    '["protocol", "government"]',
    '["government"]',
    '["offensive", "protocol"]',
    '["negativity"]',
)


def database_url(admin_url: str, name: str) -> str:
    return (
        make_url(admin_url)
        .set(drivername="postgresql+psycopg", database=name)
        .render_as_string(hide_password=False)
    )


def ensure_database(admin_url: str, name: str, shape: Shape, rebuild: bool) -> tuple[str, bool]:
    """The database's URL, and whether it was (re)built now rather than reused."""
    admin = create_engine(
        make_url(admin_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as conn:
            exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if exists and rebuild:
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
                exists = None
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    url = database_url(admin_url, name)
    db.upgrade(url)  # a reused database gains any index added since it was built
    engine = db.get_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS scale_meta (shape TEXT NOT NULL)"))
        built = conn.scalar(text("SELECT shape FROM scale_meta"))
    if built == shape.key:
        log.info("reusing %s (built with %s)", name, built)
        return url, False
    if built is not None:
        raise SystemExit(f"{name} was built with another shape ({built}): pass --rebuild")
    started = time.perf_counter()
    with engine.begin() as conn:
        _load(conn, shape)
        conn.execute(text("INSERT INTO scale_meta VALUES (:s)"), {"s": shape.key})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    log.info("built %s in %.0f s", name, time.perf_counter() - started)
    return url, True


def _step(conn: Connection, what: str, sql: str, **params: object) -> None:
    started = time.perf_counter()
    result = conn.execute(text(sql), params)
    log.info("  %s: %s rows in %.1f s", what, result.rowcount, time.perf_counter() - started)


def _load(conn: Connection, shape: Shape) -> None:
    log.info("bulk-loading %s", shape)
    shares = apportion(shape.accounts, FORCE_WEIGHTS, minimum=1)
    lo = 0
    ranges = []
    for force_id in sorted(shares, key=lambda f: -shares[f]):
        ranges.append({"f": force_id, "lo": lo, "hi": lo + shares[force_id]})
        lo += shares[force_id]
    conn.execute(text("CREATE TEMP TABLE force_ranges (force_id TEXT, lo INT, hi INT)"))
    conn.execute(text("INSERT INTO force_ranges VALUES (:f, :lo, :hi)"), ranges)
    # accounts: n in [0, accounts); the force whose range holds n
    _step(
        conn,
        "accounts",
        """
        INSERT INTO platform_accounts (platform, platform_id, handle, display_name, bio, url,
            source, captured_at, first_seen, last_seen, protected, self_identified, role,
            role_evidence, force_id, confidence, identified_at, identifier_version,
            discovered_via)
        SELECT p.platform, 'scale-' || n, 'officer' || n, 'PC Scale ' || n,
            'Serving officer. Views my own.', 'https://example.invalid/u/' || n, 'scale',
            now() - interval '400 days', now() - (n % 700) * interval '1 day', now(), false,
            true, r.role, 'PC', fr.force_id, 0.95, now() - interval '300 days', 'scale', 'graph'
        FROM generate_series(0, :accounts - 1) AS n
        JOIN force_ranges fr ON n >= fr.lo AND n < fr.hi
        CROSS JOIN LATERAL (SELECT CASE WHEN n % 10 < 7 THEN 'x'
            WHEN n % 10 < 9 THEN 'bluesky' ELSE 'mastodon' END AS platform) p
        CROSS JOIN LATERAL (SELECT CASE WHEN n % 100 < 55 THEN 'officer'
            WHEN n % 100 < 88 THEN 'staff' WHEN n % 100 < 93 THEN 'pcso'
            WHEN n % 100 < 98 THEN 'special' ELSE 'volunteer' END AS role) r
        ORDER BY n
        """,
        accounts=shape.accounts,
    )
    first_account = conn.scalar(text("SELECT min(id) FROM platform_accounts"))
    # posts: g in [0, posts); account g % accounts, so an account's posts interleave
    _step(
        conn,
        "posts",
        """
        INSERT INTO posts (platform, platform_id, account_id, text, text_sha256,
            content_warning, url, created_at, captured_at, last_seen, is_repost, reference_only)
        SELECT a.platform, 'scale-post-' || g, a.id,
            'Post ' || g || ': another long shift on the streets of the county tonight, '
                || 'stay safe out there everyone #police',
            md5(g::text) || md5('p' || g::text), '', 'https://example.invalid/p/' || g,
            now() - (g % 900) * interval '1 day' - (g % 86400) * interval '1 second',
            now() - (g % 800) * interval '1 day', now(), g % 17 = 0, false
        FROM generate_series(0, :posts - 1) AS g
        JOIN platform_accounts a ON a.id = :first + g % :accounts
        """,
        posts=shape.posts,
        first=first_account,
        accounts=shape.accounts,
    )
    first_post = conn.scalar(text("SELECT min(id) FROM posts"))
    # flags: one post in ten. j % 10: 0-3 confirmed (referred below), 4-6 dismissed, 7-8 pending,
    # 9 awaiting a second analyst. Reasons: 1 in 20 an audit sample, 1 in 50 unscored.
    _step(
        conn,
        "flags",
        """
        INSERT INTO flags (post_id, force_id, labels, max_score, risk, reason, language, status,
            version, created_at, updated_at)
        SELECT p.id, a.force_id,
            CASE WHEN reason = 'model' THEN (CAST(:sets AS jsonb) ->> ((j * 7 + j / 10) % 10)::int)::jsonb
                ELSE '[]'::jsonb END,
            ((j * 7919) % 1000) / 1000.0, ((j * 104729) % 100000) / 100000.0, reason,
            CASE WHEN reason = 'unscored' THEN 'cy' END,
            CASE WHEN j % 10 < 4 THEN 'confirmed' WHEN j % 10 < 7 THEN 'dismissed'
                WHEN j % 10 < 9 THEN 'pending' ELSE 'awaiting_second' END,
            CASE WHEN j % 10 < 7 THEN 2 ELSE 1 END, p.captured_at, p.captured_at
        FROM generate_series(0::bigint, :flags - 1) AS j
        CROSS JOIN LATERAL (SELECT CASE WHEN j % 20 = 19 THEN 'audit'
            WHEN j % 50 = 11 THEN 'unscored' ELSE 'model' END AS reason) r
        JOIN posts p ON p.id = :first + j * (:posts / :flags) + 3
        JOIN platform_accounts a ON a.id = p.account_id
        """,
        sets=json.dumps([json.loads(s) for s in LABEL_SETS]),
        flags=shape.flags,
        posts=shape.posts,
        first=first_post,
    )
    # an audit flag or an unscored one has no labels to confirm: those are dismissed
    conn.execute(
        text(
            "UPDATE flags SET status = 'dismissed' WHERE status = 'confirmed' "
            "AND labels = '[]'::jsonb"
        )
    )
    # referrals: the first ``referrals`` accounts (by id) with a confirmed flag, one each
    _step(
        conn,
        "referrals",
        """
        INSERT INTO referrals (force_id, account_id, status, outcome, outcome_note, created_at,
            acknowledged_at, outcome_at, version)
        SELECT a.force_id, a.id,
            CASE WHEN a.id % 3 = 0 THEN 'open' WHEN a.id % 3 = 1 THEN 'acknowledged'
                ELSE 'closed' END,
            CASE WHEN a.id % 3 = 2 THEN (ARRAY['no_further_action', 'management_advice',
                'written_warning', 'gross_misconduct_hearing', 'referred_to_iopc',
                'other'])[1 + a.id % 6] END,
            '', now() - (a.id % 300) * interval '1 day',
            CASE WHEN a.id % 3 > 0 THEN now() - (a.id % 300) * interval '1 day'
                + interval '2 days' END,
            CASE WHEN a.id % 3 = 2 THEN now() - (a.id % 300) * interval '1 day'
                + interval '20 days' END,
            1 + a.id % 3
        FROM platform_accounts a
        WHERE a.id IN (
            SELECT DISTINCT p.account_id FROM flags f JOIN posts p ON p.id = f.post_id
            WHERE f.status = 'confirmed' ORDER BY p.account_id LIMIT :referrals)
        ORDER BY a.id
        """,
        referrals=shape.referrals,
    )
    _step(
        conn,
        "referral items",
        """
        INSERT INTO referral_items (referral_id, flag_id, labels, added_at)
        SELECT r.id, f.id, f.labels, r.created_at
        FROM referrals r JOIN posts p ON p.account_id = r.account_id
        JOIN flags f ON f.post_id = p.id AND f.status = 'confirmed'
        ORDER BY r.id, f.id
        """,
    )
    # a referral ranks by its riskiest flag (what add_to_referral keeps)
    _step(
        conn,
        "referral risk",
        "UPDATE referrals SET risk = (SELECT max(f.risk) FROM referral_items i "
        "JOIN flags f ON f.id = i.flag_id WHERE i.referral_id = referrals.id)",
    )
    # confirmed flags of accounts beyond the first ``referrals`` were not referred: dismissed
    conn.execute(
        text(
            "UPDATE flags SET status = 'dismissed' WHERE status = 'confirmed' AND id NOT IN "
            "(SELECT flag_id FROM referral_items)"
        )
    )
    _step(
        conn,
        "decisions",
        """
        INSERT INTO review_decisions (flag_id, reviewer, action, labels, note, decided_at)
        SELECT f.id, 'pb_scale' || (f.id % 7),
            CASE WHEN f.status = 'confirmed' THEN 'confirm'
                WHEN f.status = 'dismissed' THEN 'dismiss' ELSE 'confirm' END,
            CASE WHEN f.status = 'dismissed' THEN '[]'::jsonb ELSE f.labels END,
            '', f.created_at + interval '1 day'
        FROM flags f WHERE f.status IN ('confirmed', 'dismissed', 'awaiting_second')
        ORDER BY f.id
        """,
    )
