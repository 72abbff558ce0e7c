"""Referrals for forces: keyset pagination with bound tokens, evidence, outcomes, exports."""

import csv
import io
import json

import pytest


@pytest.fixture
def referred(client, headers, make_flag):
    """Refer ``n`` flags of ``force`` (one account each) and return the referral ids."""
    analyst = headers("analyst")

    def refer(force, n=1, **kwargs):
        ids = []
        for _ in range(n):
            flag = make_flag(force, **kwargs)
            out = client.post(
                f"/api/v1/flags/{flag}/decisions", json={"action": "confirm"}, headers=analyst
            )
            ids.append(out.json()["referral_id"])
        return ids

    return refer


def test_keyset_pages_walk_everything_once_and_tokens_are_bound(client, headers, referred):
    ids = referred("gwent", 5)
    h = headers("force", "gwent")
    seen, token = [], None
    while True:
        params = {"page_size": 2, **({"page_token": token} if token else {})}
        body = client.get("/api/v1/referrals", params=params, headers=h).json()
        seen += [r["id"] for r in body["items"]]
        token = body["next_page_token"]
        if token is None:
            break
    assert seen == ids
    first = client.get("/api/v1/referrals", params={"page_size": 2}, headers=h).json()[
        "next_page_token"
    ]
    # same token, other filters; other force; tampered; garbage: all 400
    assert (
        client.get(
            "/api/v1/referrals", params={"page_size": 3, "page_token": first}, headers=h
        ).status_code
        == 400
    )
    other = headers("force", "hampshire")
    assert (
        client.get(
            "/api/v1/referrals", params={"page_size": 2, "page_token": first}, headers=other
        ).status_code
        == 400
    )
    assert (
        client.get(
            "/api/v1/referrals", params={"page_size": 2, "page_token": first[:-2] + "xx"}, headers=h
        ).status_code
        == 400
    )
    assert (
        client.get("/api/v1/referrals", params={"page_token": "%%%"}, headers=h).status_code == 400
    )


def test_page_size_is_capped(client, headers, referred, monkeypatch):
    from fastapi.testclient import TestClient

    from api.main import create_app
    from probity.settings import get_settings, reset_settings_cache

    referred("lancashire", 3)
    monkeypatch.setenv("PROBITY_MAX_PAGE_SIZE", "2")
    reset_settings_cache()
    c = TestClient(create_app(get_settings()))
    body = c.get(
        "/api/v1/referrals", params={"page_size": 10_000}, headers=headers("force", "lancashire")
    ).json()
    assert len(body["items"]) == 2 and body["next_page_token"]


def test_referral_evidence_outcome_and_force_only_actions(client, headers, referred):
    (rid,) = referred("kent")
    force = headers("force", "kent")
    detail = client.get(f"/api/v1/referrals/{rid}", headers=force).json()
    item = detail["items"][0]
    assert item["post"]["url"].startswith("https://") and len(item["post"]["sha256"]) == 64
    assert item["post"]["captured_at"] and item["post"]["context"][0]["relation"] == "reply"
    assert (
        item["model"]["explanation"]["offensive"][0]["text"] == "scum"
        and item["decisions"][0]["action"] == "confirm"
    )
    assert detail["account"]["handle"].endswith(".bsky.social")
    assert (
        client.post(f"/api/v1/referrals/{rid}/acknowledge", headers=headers("analyst")).status_code
        == 403
    )
    assert (
        client.post(f"/api/v1/referrals/{rid}/acknowledge", headers=force).json()["status"]
        == "acknowledged"
    )
    assert client.post(f"/api/v1/referrals/{rid}/acknowledge", headers=force).status_code == 409
    bad = client.post(f"/api/v1/referrals/{rid}/outcome", json={"outcome": "sacked"}, headers=force)
    assert bad.status_code == 422
    done = client.post(
        f"/api/v1/referrals/{rid}/outcome",
        json={"outcome": "written_warning", "note": "meeting held"},
        headers=force,
    ).json()
    assert done["status"] == "closed" and done["outcome"] == "written_warning"
    closed = client.get(
        "/api/v1/referrals", params={"outcome": "written_warning"}, headers=force
    ).json()
    assert [r["id"] for r in closed["items"]] == [rid]


def test_exports_stream_only_the_callers_force(client, headers, referred):
    mine = referred("merseyside", 2, text='=HYPERLINK("http://evil") they are scum')
    referred("norfolk", 1)
    h = headers("force", "merseyside")
    lines = client.get(
        "/api/v1/referrals/export", params={"format": "jsonl"}, headers=h
    ).text.splitlines()
    rows = [json.loads(line) for line in lines]
    assert sorted({r["referral_id"] for r in rows}) == mine and {r["force_id"] for r in rows} == {
        "merseyside"
    }
    response = client.get("/api/v1/referrals/export", params={"format": "csv"}, headers=h)
    assert response.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.text)))
    assert len(table) == 2 and table[0]["post_text"].startswith("'=")  # no formula injection
    assert len(table[0]["post_sha256"]) == 64


def test_researcher_export_is_pseudonymised(client, headers, make_flag):
    analyst = headers("analyst")
    text = "@sgt_smith see https://example.org/x they are scum"
    flag = make_flag("norfolk", text=text)
    client.post(f"/api/v1/flags/{flag}/decisions", json={"action": "confirm"}, headers=analyst)
    researcher = headers("researcher")
    assert client.get("/api/v1/referrals", headers=researcher).status_code == 403
    body = client.get("/api/v1/exports/training.jsonl", headers=researcher).text
    rows = [json.loads(line) for line in body.splitlines()]
    row = next(
        r for r in rows if r["text"].endswith("they are scum") and r["text"].startswith("@user")
    )
    assert row["text"] == "@user see <url> they are scum"
    assert row["decision"] == "confirmed" and row["labels"] == ["offensive"]
    assert "bsky" not in body and "did:plc" not in body and "https://" not in body
    assert row["account"].startswith("acc_") and len(row["account"]) == 24


def test_unknown_query_fields_are_rejected_and_bodies_capped(client, headers):
    h = headers("force", "kent")
    r = client.get("/api/v1/referrals", params={"force": "durham"}, headers=h)
    assert r.status_code == 422 and "force" in r.json()["message"]
    big = client.post(
        "/api/v1/referrals/1/outcome",
        content=b"{" + b" " * 70_000 + b"}",
        headers={**h, "Content-Type": "application/json"},
    )
    assert big.status_code == 413


def test_outcomes_are_counted_for_statistics(client, headers, referred, db):
    from probity.referrals import outcome_counts

    ids = referred("wiltshire", 2)
    force = headers("force", "wiltshire")
    client.post(
        f"/api/v1/referrals/{ids[0]}/outcome", json={"outcome": "referred_to_iopc"}, headers=force
    )
    with db() as session:
        assert outcome_counts(session, "wiltshire") == {"referred_to_iopc": 1, "open": 1}


def test_streamed_oversized_body_without_length_is_refused(client, headers):
    def chunks():
        yield b'{"outcome": "other", "note": "'
        for _ in range(100):
            yield b"x" * 1024
        yield b'"}'

    r = client.post(
        "/api/v1/referrals/1/outcome",
        content=chunks(),
        headers={**headers("force", "kent"), "Content-Type": "application/json"},
    )
    assert r.status_code == 413, r.text


def test_referrals_list_riskiest_first_by_their_riskiest_flag(client, db, headers):
    """A referral ranks by the highest risk among its flags, including flags added later."""
    from apifixtures import create_flag

    from probity.models import Flag, PlatformAccount, Post

    analyst = headers("analyst")

    def confirm(flag_id):
        out = client.post(
            f"/api/v1/flags/{flag_id}/decisions", json={"action": "confirm"}, headers=analyst
        )
        assert out.status_code == 201
        return out.json()["referral_id"]

    with db() as session:
        low = create_flag(session, "warwickshire", score=0.2).id
        mid = create_flag(session, "warwickshire", score=0.5).id
    low_referral, mid_referral = confirm(low), confirm(mid)
    h = headers("force", "warwickshire")
    ids = [r["id"] for r in client.get("/api/v1/referrals", headers=h).json()["items"]]
    assert ids.index(mid_referral) < ids.index(low_referral)
    with db() as session:  # a riskier post of the low referral's account
        account_id = session.get_one(Post, session.get_one(Flag, low).post_id).account_id
        account = session.get_one(PlatformAccount, account_id)
        high = create_flag(session, "warwickshire", score=0.9, account=account).id
    assert confirm(high) == low_referral
    ids = [r["id"] for r in client.get("/api/v1/referrals", headers=h).json()["items"]]
    assert ids.index(low_referral) < ids.index(mid_referral)


def test_exports_carry_edits_and_deletion_after_capture(client, headers, referred, db):
    from sqlalchemy import select

    from crawler.evidence import text_sha256
    from probity.models import Flag, Post, PostVersion, ReferralItem, utcnow

    [rid] = referred("gwent", 1)
    later = "=Edited after capture, nothing to see"
    with db() as session:
        flag_id = session.scalar(
            select(ReferralItem.flag_id).where(ReferralItem.referral_id == rid)
        )
        post = session.get(Post, session.get(Flag, flag_id).post_id)
        first = (post.text, post.text_sha256)
        session.add(PostVersion(post_id=post.id, text=later, text_sha256=text_sha256(later)))
        post.deleted_at = utcnow()
    response = client.get(
        "/api/v1/referrals/export", params={"format": "csv"}, headers=headers("force", "gwent")
    )
    rows = list(csv.DictReader(io.StringIO(response.text)))  # the database is the module's
    [row] = [r for r in rows if r["referral_id"] == str(rid)]
    assert all(r["post_versions"] == "0" for r in rows if r is not row)
    assert (row["post_text"], row["post_sha256"]) == first  # the first capture stays the evidence
    assert row["post_versions"] == "1" and row["post_deleted_at"]
    assert row["post_last_version_text"] == "'" + later  # no formula injection here either
    assert row["post_last_version_sha256"] == text_sha256(later)
