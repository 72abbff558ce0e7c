from apifixtures import auth


def test_health_is_public_and_whoami_needs_a_key(client, make_key):
    assert client.get("/api/v1/health").json() == {"status": "ok"}
    assert client.get("/api/v1/whoami").status_code == 401
    key = make_key("force", "kent")
    body = client.get("/api/v1/whoami", headers=auth(key)).json()
    assert body["role"] == "force" and body["force_id"] == "kent" and key.startswith(body["prefix"])
