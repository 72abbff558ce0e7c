"""The review workflow through the API: queue filters, claim, decisions, two-person rule."""

from apifixtures import create_flag

from probity.models import Platform, Post


def _ids(response):
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_queue_filters_by_force_label_score_platform_and_date(client, headers, db, make_flag):
    h = headers("analyst")
    a = make_flag("cumbria", labels=("offensive",), score=0.95)
    b = make_flag("cumbria", labels=("protocol",), score=0.55, platform=Platform.mastodon)
    other = make_flag("durham", labels=("offensive",), score=0.7)
    base = {"force_id": "cumbria"}
    assert _ids(client.get("/api/v1/flags", params=base, headers=h)) == [a, b]
    assert _ids(client.get("/api/v1/flags", params={**base, "label": "protocol"}, headers=h)) == [b]
    assert _ids(client.get("/api/v1/flags", params={**base, "min_score": 0.9}, headers=h)) == [a]
    assert _ids(
        client.get("/api/v1/flags", params={**base, "platform": "mastodon"}, headers=h)
    ) == [b]
    assert (
        _ids(
            client.get("/api/v1/flags", params={**base, "since": "2199-01-01T00:00:00"}, headers=h)
        )
        == []
    )
    # an analyst limited to one force sees only that force's flags, whatever they ask for
    limited = headers("analyst", "durham")
    assert _ids(client.get("/api/v1/flags", params=base, headers=limited)) == []
    assert other in _ids(client.get("/api/v1/flags", params={"page_size": 200}, headers=limited))
    assert client.get(f"/api/v1/flags/{a}", headers=limited).status_code == 404


def test_claim_then_confirm_refers_grouped_per_account(client, headers, db):
    h, h2 = headers("analyst"), headers("analyst")
    with db() as s:
        first = create_flag(s, "cleveland", labels=("offensive", "negativity"))
        acct = s.get(Post, first.post_id).account
        second = create_flag(
            s, "cleveland", labels=("protocol",), account=acct, text="Off duty, in uniform, drunk"
        )
        first_id, second_id = first.id, second.id
    assert client.post(f"/api/v1/flags/{first_id}/claim", headers=h).json()["status"] == "claimed"
    taken = client.post(
        f"/api/v1/flags/{first_id}/decisions", json={"action": "confirm"}, headers=h2
    )
    assert taken.status_code == 409 and "claimed by" in taken.json()["detail"]
    done = client.post(
        f"/api/v1/flags/{first_id}/decisions",
        json={"action": "confirm", "note": "clear"},
        headers=h,
    )
    assert done.status_code == 201, done.text
    assert done.json()["status"] == "confirmed"
    assert done.json()["decision"]["labels"] == ["negativity", "offensive"]
    changed = client.post(
        f"/api/v1/flags/{second_id}/decisions",
        json={"action": "change", "labels": ["government"], "note": "political"},
        headers=h2,
    )
    assert (
        changed.json()["referral_id"] == done.json()["referral_id"]
    )  # same account, same referral
    again = client.post(
        f"/api/v1/flags/{first_id}/decisions", json={"action": "dismiss"}, headers=h2
    )
    assert again.status_code == 409
    detail = client.get(f"/api/v1/referrals/{done.json()['referral_id']}", headers=h).json()
    assert [i["labels"] for i in detail["items"]] == [["negativity", "offensive"], ["government"]]
    assert detail["items"][1]["decisions"][0]["note"] == "political"


def test_dismiss_refers_nothing_and_history_is_kept(client, headers, make_flag):
    h = headers("analyst")
    flag = make_flag("dorset")
    out = client.post(
        f"/api/v1/flags/{flag}/decisions", json={"action": "dismiss", "note": "banter"}, headers=h
    )
    assert out.json()["status"] == "dismissed" and out.json()["referral_id"] is None
    detail = client.get(f"/api/v1/flags/{flag}", headers=h).json()
    assert [d["action"] for d in detail["decisions"]] == ["dismiss"] and detail[
        "referral_id"
    ] is None


def test_decision_body_is_validated(client, headers, make_flag):
    h = headers("analyst")
    flag = make_flag("dorset")
    bad = client.post(f"/api/v1/flags/{flag}/decisions", json={"action": "change"}, headers=h)
    assert bad.status_code == 422
    bad = client.post(
        f"/api/v1/flags/{flag}/decisions", json={"action": "change", "labels": ["rude"]}, headers=h
    )
    assert bad.status_code == 422
    unknown = client.post(
        f"/api/v1/flags/{flag}/decisions", json={"action": "dismiss", "force_id": "kent"}, headers=h
    )
    assert unknown.status_code == 422 and unknown.json()["message"] == "unknown field(s): force_id"


def test_two_person_rule_needs_two_agreeing_analysts(client, headers, make_flag, monkeypatch):
    from fastapi.testclient import TestClient

    from api.main import create_app
    from probity.settings import get_settings, reset_settings_cache

    monkeypatch.setenv("PROBITY_TWO_PERSON_RULE", "true")
    reset_settings_cache()
    c = TestClient(create_app(get_settings()))
    a, b, third = headers("analyst"), headers("analyst"), headers("analyst")
    flag = make_flag("essex", labels=("offensive",))
    first = c.post(f"/api/v1/flags/{flag}/decisions", json={"action": "confirm"}, headers=a).json()
    assert first["status"] == "awaiting_second" and first["referral_id"] is None
    assert (
        c.post(f"/api/v1/flags/{flag}/decisions", json={"action": "confirm"}, headers=a).status_code
        == 409
    )
    disagree = c.post(
        f"/api/v1/flags/{flag}/decisions",
        json={"action": "change", "labels": ["protocol"]},
        headers=b,
    )
    assert disagree.json()["status"] == "pending"  # they disagree: back to the queue
    c.post(
        f"/api/v1/flags/{flag}/decisions",
        json={"action": "change", "labels": ["protocol"]},
        headers=third,
    )
    agreed = c.post(
        f"/api/v1/flags/{flag}/decisions",
        json={"action": "change", "labels": ["protocol"]},
        headers=b,
    )
    assert agreed.json()["status"] == "confirmed" and agreed.json()["referral_id"] is not None
    history = c.get(f"/api/v1/flags/{flag}", headers=a).json()["decisions"]
    assert len(history) == 4


def test_out_of_range_input_is_a_422_not_a_server_error(client, headers):
    h = headers("analyst")
    assert (
        client.get("/api/v1/flags", params={"since": "2999-01-01T00:00:00"}, headers=h).status_code
        == 422
    )
    assert (
        client.get("/api/v1/flags", params={"force_id": "ke\x00nt"}, headers=h).status_code == 422
    )
    assert client.get(f"/api/v1/flags/{2**40}", headers=h).status_code == 422


def test_expired_and_revoked_keys_are_refused(client, make_key, headers):
    from datetime import UTC, datetime, timedelta

    from apifixtures import auth

    expired = make_key("analyst", expires_at=datetime.now(UTC) - timedelta(seconds=1))
    assert client.get("/api/v1/whoami", headers=auth(expired)).status_code == 401
    admin = headers("admin")
    created = client.post(
        "/api/v1/keys",
        json={"role": "force", "force_id": "kent", "name": "Kent PSD"},
        headers=admin,
    )
    assert created.status_code == 201
    new = created.json()
    assert new["key"].startswith(new["prefix"] + "_")
    assert client.get("/api/v1/whoami", headers=auth(new["key"])).json()["force_id"] == "kent"
    listed = client.get("/api/v1/keys", headers=admin).text
    assert new["prefix"] in listed and new["key"] not in listed
    assert client.post(f"/api/v1/keys/{new['prefix']}/revoke", headers=admin).json()["revoked_at"]
    assert client.get("/api/v1/whoami", headers=auth(new["key"])).status_code == 401
    bad = client.post("/api/v1/keys", json={"role": "force"}, headers=admin)
    assert bad.status_code == 400 and "needs --force" in bad.json()["detail"]


def test_probity_serve_is_registered():
    from typer.testing import CliRunner

    from cli import app as cli

    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0 and "--port" in result.output and "--host" in result.output
