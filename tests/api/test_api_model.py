"""The queue in calibrated-risk order, and GET /api/v1/model with the audit recall estimate."""

from __future__ import annotations

from apifixtures import _model_version, create_flag
from sqlalchemy import update

from probity.models import Flag, FlagStatus, ModelVersion


def _ids(response):
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]], response.json().get("next_page_token")


def test_queue_is_ordered_by_risk_highest_first_across_pages(client, headers, db):
    h = headers("analyst")
    risks = [0.2, 0.9, 0.5, 0.9, 0.05]
    with db() as session:
        ids = []
        for r in risks:
            flag = create_flag(session, "dyfed-powys", score=0.6)
            flag.risk = r
            ids.append(flag.id)
    expected = [ids[1], ids[3], ids[2], ids[0], ids[4]]  # ties by id
    seen, token = [], None
    while True:
        params = {
            "force_id": "dyfed-powys",
            "page_size": 2,
            **({"page_token": token} if token else {}),
        }
        page, token = _ids(client.get("/api/v1/flags", params=params, headers=h))
        seen += page
        if not token:
            break
    assert seen == expected
    first = client.get("/api/v1/flags", params={"force_id": "dyfed-powys"}, headers=h).json()[
        "items"
    ][0]
    assert (first["risk"], first["reason"], first["language"]) == (0.9, "model", None)


def test_model_route_reports_the_active_version_and_audit_recall(client, headers, db):
    h = headers("analyst")
    assert client.get("/api/v1/model", headers=h).status_code == 404  # nothing active yet
    with db() as session:
        version = _model_version(session)
        version.active = True
        version.metrics = {
            "test": {"macro_f1": 0.85},
            "real_text": {"project_test_recall_any": 0.9},
        }
        # 20 model flags, 15 confirmed; 40 audit flags decided, 2 confirmed (misses)
        for i in range(20):
            f = create_flag(session, "gwent")
            f.status = FlagStatus.confirmed if i < 15 else FlagStatus.dismissed
        for i in range(40):
            f = create_flag(session, "gwent", labels=())
            f.reason, f.labels = "audit", []
            f.status = FlagStatus.confirmed if i < 2 else FlagStatus.dismissed
    try:
        response = client.get("/api/v1/model", headers=h)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["version"] == "fixture-v1" and body["card"]["test_macro_f1"] == 0.85
        est = body["audit_recall_estimate"]
        assert est["audit_decided"] >= 40 and est["audit_confirmed"] >= 2
        assert (
            est["recall"] is not None
            and 0 < est["interval_95"][0] <= est["recall"] <= est["interval_95"][1] <= 1
        )
        assert client.get("/api/v1/model", headers=headers("researcher")).status_code == 403
    finally:
        with db() as session:
            session.execute(update(ModelVersion).values(active=False))
            session.execute(
                update(Flag).where(Flag.force_id == "gwent").values(status=FlagStatus.dismissed)
            )
