"""Proportionate looking (issue #15): each analyst's daily openings of records are counted, the
one that exceeds PROBITY_DAILY_VIEW_BUDGET raises exactly one alert event, and admins (only)
list the alerts, in the API and on a page."""

from __future__ import annotations

import threading

import httpx
import pytest
from apifixtures import auth, create_flag
from sqlalchemy import select

from api.main import create_app
from probity import audit as audit_log
from probity import audit_queue
from probity.models import AuditEvent, DailyViews
from probity.oversight import ALERT_ACTION
from probity.settings import get_settings, reset_settings_cache

BUDGET = 5
FORCE = "humberside"


def burst(base: str, path: str, headers: dict[str, str], n: int) -> list[int]:
    """``n`` GETs released together from a barrier, one thread each; their status codes."""
    barrier = threading.Barrier(n)
    codes: list[int] = [0] * n

    def run(i: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            barrier.wait()
            codes[i] = client.get(path, headers=headers).status_code

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return codes


@pytest.fixture
def app(api_url, monkeypatch):
    monkeypatch.setenv("PROBITY_DAILY_VIEW_BUDGET", str(BUDGET))
    reset_settings_cache()
    return create_app(get_settings())


def _alerts_for(db, prefix: str) -> list[AuditEvent]:
    with db() as session:
        # the chainer counts openings as it chains them: run it now
        audit_queue.chain_all(session.get_bind(), budget=BUDGET)
        return list(
            session.scalars(
                select(AuditEvent).where(
                    AuditEvent.action == ALERT_ACTION, AuditEvent.object_id == prefix
                )
            )
        )


def _views(db, prefix: str) -> int:
    with db() as session:
        audit_queue.chain_all(session.get_bind(), budget=BUDGET)
        return sum(session.scalars(select(DailyViews.views).where(DailyViews.actor == prefix)))


def test_the_opening_over_budget_raises_one_alert_that_admins_list(client, db, make_key):
    key = make_key("analyst")
    with db() as session:
        flags = [create_flag(session, FORCE).id for _ in range(BUDGET + 3)]
    h = auth(key)
    assert client.get("/api/v1/flags", headers=h, params={"force_id": FORCE}).status_code == 200
    for n, flag_id in enumerate(flags[: BUDGET + 1], start=1):
        assert client.get(f"/api/v1/flags/{flag_id}", headers=h).status_code == 200
        assert len(_alerts_for(db, _prefix(db, key))) == (1 if n > BUDGET else 0), n
    for flag_id in flags[BUDGET + 1 :]:
        client.get(f"/api/v1/flags/{flag_id}", headers=h)
    prefix = _prefix(db, key)
    (alert,) = _alerts_for(db, prefix)
    assert (alert.detail or {}).get("views") == BUDGET + 1
    assert (alert.detail or {}).get("budget") == BUDGET
    assert _views(db, prefix) == BUDGET + 3  # the queue page is not an opening

    admin = auth(make_key("admin"))
    listed = client.get("/api/v1/alerts", headers=admin).json()
    mine = [a for a in listed if a["actor"] == prefix]
    assert len(mine) == 1 and mine[0]["views"] == BUDGET + 3 and mine[0]["budget"] == BUDGET
    assert client.get("/api/v1/alerts", headers=h).status_code == 403
    client.post("/ui/login", data={"key": make_key("admin")}, follow_redirects=False)
    page = client.get("/ui/alerts").text
    assert f'data-actor="{prefix}"' in page
    client.cookies.clear()


def _prefix(db, key: str) -> str:
    from probity import keys

    with db() as session:
        record = keys.authenticate(session, key)
        assert record is not None
        return record.prefix


def test_force_users_reading_their_referrals_are_not_counted(client, db, make_key):
    from probity.models import FlagStatus
    from probity.referrals import add_to_referral

    with db() as session:
        flag = create_flag(session, FORCE)
        flag.transition(FlagStatus.confirmed)
        referral = add_to_referral(session, flag, ["offensive"])
    key = make_key("force", FORCE)
    for _ in range(BUDGET + 2):
        assert client.get(f"/api/v1/referrals/{referral}", headers=auth(key)).status_code == 200
    assert _views(db, _prefix(db, key)) == 0 and _alerts_for(db, _prefix(db, key)) == []


def test_concurrent_openings_count_every_view_and_alert_once(live_server, db, make_key):
    key = make_key("analyst")
    with db() as session:
        flag_id = create_flag(session, FORCE).id
    n = 3 * BUDGET
    assert burst(live_server, f"/api/v1/flags/{flag_id}", auth(key), n) == [200] * n
    prefix = _prefix(db, key)
    assert _views(db, prefix) == n
    (alert,) = _alerts_for(db, prefix)
    assert (alert.detail or {}).get("views") == BUDGET + 1
    with db() as session:
        assert audit_log.verify(session).ok
