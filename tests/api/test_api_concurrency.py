"""Concurrent state changes against a real server (uvicorn on 127.0.0.1, threads as clients).

Every request of a burst waits at a barrier so they arrive together. The invariants: no 500;
a decided flag was decided once; a dismissed flag is in no referral a force can read; one claim
and one outcome win, the rest get 409 with the current state; the audit chain still verifies.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
from apifixtures import create_flag
from sqlalchemy import func, select

from probity import audit as audit_log
from probity import audit_queue
from probity.models import AuditEvent, AuditStaged, Flag, FlagStatus, ReferralItem
from probity.referrals import add_to_referral

FORCE = "north-yorkshire"


def burst(base: str, requests: list[tuple[str, str, dict[str, str], Any]]) -> list[httpx.Response]:
    """Send all requests at once, one thread each; return the responses in order."""
    barrier = threading.Barrier(len(requests))
    out: list[httpx.Response | BaseException] = [RuntimeError("not run")] * len(requests)

    def run(i: int, method: str, path: str, headers: dict[str, str], body: Any) -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            barrier.wait()
            try:
                out[i] = client.request(method, path, headers=headers, json=body)
            except BaseException as exc:  # noqa: BLE001 - reported below
                out[i] = exc

    threads = [threading.Thread(target=run, args=(i, *r)) for i, r in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for r in out:
        if isinstance(r, BaseException):
            raise r
    return out  # type: ignore[return-value]


def test_concurrent_confirm_and_dismiss_never_refer_a_dismissed_flag(live_server, db, headers):
    analysts = [headers("analyst"), headers("analyst")]
    force_key = headers("force", FORCE)
    with db() as session:
        flags = [create_flag(session, FORCE).id for _ in range(6)]
    for flag_id in flags:
        requests = [
            (
                "POST",
                f"/api/v1/flags/{flag_id}/decisions",
                analysts[i % 2],
                {"action": "confirm" if i % 2 else "dismiss"},
            )
            for i in range(10)
        ]
        responses = burst(live_server, requests)
        codes = sorted(r.status_code for r in responses)
        assert codes == [201] + [409] * 9, [r.text for r in responses]
        winner = next(r.json() for r in responses if r.status_code == 201)
        for lost in (r.json() for r in responses if r.status_code == 409):
            assert (
                lost["current"]["status"] == winner["status"]
                and lost["current"]["flag_id"] == flag_id
            )
        with db() as session:
            flag = session.get(Flag, flag_id)
            items = session.scalar(
                select(func.count())
                .select_from(ReferralItem)
                .where(ReferralItem.flag_id == flag_id)
            )
            decisions = len(flag.decisions)
            assert flag.status.value == winner["status"]
        assert decisions == 1
        assert items == (1 if flag.status is FlagStatus.confirmed else 0)
        # what the force itself can read
        export = httpx.get(
            f"{live_server}/api/v1/referrals/export?format=jsonl", headers=force_key, timeout=60
        )
        referred = {line.split('"flag_id": ')[1].split(",")[0] for line in export.text.splitlines()}
        assert (str(flag_id) in referred) == (flag.status is FlagStatus.confirmed)


def test_concurrent_claims_have_exactly_one_winner(live_server, db, headers):
    analysts = [headers("analyst") for _ in range(10)]
    with db() as session:
        flag_id = create_flag(session, FORCE).id
    responses = burst(
        live_server, [("POST", f"/api/v1/flags/{flag_id}/claim", h, None) for h in analysts]
    )
    assert sorted(r.status_code for r in responses) == [200] + [409] * 9, [
        r.text for r in responses
    ]
    winner = next(r.json() for r in responses if r.status_code == 200)
    assert all(
        r.json()["current"]["claimed_by"] == winner["claimed_by"]
        for r in responses
        if r.status_code == 409
    )
    with db() as session:
        assert session.get(Flag, flag_id).claimed_by == winner["claimed_by"]


def _referral(db: Callable[[], Any]) -> int:
    with db() as session:
        flag = create_flag(session, FORCE)
        flag.transition(FlagStatus.confirmed)
        return add_to_referral(session, flag, ["offensive"])


def test_concurrent_outcomes_one_accepted_others_409_unless_current_version(
    live_server, db, headers
):
    force_keys = [headers("force", FORCE) for _ in range(8)]
    referral_id = _referral(db)
    outcomes = ["no_further_action", "management_advice", "written_warning", "referred_to_iopc"] * 2
    responses = burst(
        live_server,
        [
            ("POST", f"/api/v1/referrals/{referral_id}/outcome", h, {"outcome": o})
            for h, o in zip(force_keys, outcomes, strict=True)
        ],
    )
    assert sorted(r.status_code for r in responses) == [200] + [409] * 7, [
        r.text for r in responses
    ]
    winner = next(r.json() for r in responses if r.status_code == 200)
    current = next(r.json()["current"] for r in responses if r.status_code == 409)
    assert current["outcome"] == winner["outcome"] and current["version"] == winner["version"]
    # a correction names the version it saw: of two with the same version, one wins
    fix = [
        (
            "POST",
            f"/api/v1/referrals/{referral_id}/outcome",
            h,
            {"outcome": "other", "note": f"correction {i}", "expected_version": winner["version"]},
        )
        for i, h in enumerate(force_keys[:2])
    ]
    fixed = burst(live_server, fix)
    assert sorted(r.status_code for r in fixed) == [200, 409]
    assert next(r.json() for r in fixed if r.status_code == 200)["version"] == winner["version"] + 1


def test_chain_verifies_after_a_bounded_concurrent_load(live_server, db, headers):
    """300 mixed requests, 20 at a time (the benchmark runs 2,000): no 500, no fork."""
    analyst, force_key = headers("analyst"), headers("force", FORCE)
    with db() as session:
        flags = [create_flag(session, FORCE).id for _ in range(40)]
    _referral(db)
    plan: list[tuple[str, str, dict[str, str], Any]] = []
    for i in range(300):
        kind = i % 3
        if kind == 0:
            plan.append(("GET", "/api/v1/referrals", force_key, None))
        elif kind == 1:
            plan.append(("GET", f"/api/v1/flags?force_id={FORCE}", analyst, None))
        else:
            plan.append(
                (
                    "POST",
                    f"/api/v1/flags/{flags[i % 40]}/decisions",
                    analyst,
                    {"action": "dismiss" if i % 2 else "confirm"},
                )
            )
    codes: list[int] = []
    for start in range(0, len(plan), 20):
        codes += [r.status_code for r in burst(live_server, plan[start : start + 20])]
    assert 500 not in codes and set(codes) <= {200, 201, 409}
    with db() as session:
        report = audit_log.verify(session)
        forks = session.scalar(
            select(func.count()).select_from(
                select(AuditEvent.prev_hash)
                .group_by(AuditEvent.prev_hash)
                .having(func.count() > 1)
                .subquery()
            )
        )
    assert report.ok, report
    assert forks == 0


def test_concurrent_reads_each_leave_one_committed_event(live_server, db, headers):
    """Reads stage their event without a lock: 40 list requests, 20 at a time, leave exactly 40
    staged events, each committed before its answer arrived; the server's chainer then chains
    all 40 (no test code runs it), once each, and the chain verifies."""
    analyst = headers("analyst")
    with db() as session:
        for _ in range(3):
            create_flag(session, FORCE)
    path = f"/api/v1/flags?force_id={FORCE}"

    def staged() -> set[int]:
        with db() as session:
            return set(
                session.scalars(select(AuditStaged.id).where(AuditStaged.action == "flags.list"))
            )

    def chained(ids: set[int]) -> int:
        with db() as session:
            return (
                session.scalar(
                    select(func.count())
                    .select_from(AuditEvent)
                    .where(AuditEvent.staged_id.in_(ids))
                )
                or 0
            )

    before = staged()
    codes: list[int] = []
    for _ in range(2):
        codes += [r.status_code for r in burst(live_server, [("GET", path, analyst, None)] * 20)]
        assert len(staged() - before) == len(codes)  # every answered read is already durable
    assert codes == [200] * 40
    mine = staged() - before
    deadline = time.monotonic() + 30
    while chained(mine) < len(mine) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert chained(mine) == 40
    with db() as session:
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.staged_id.in_(mine))))
        assert sorted(e.staged_id for e in events) == sorted(mine)  # each once
        assert {e.action for e in events} == {"flags.list"}
        assert audit_log.verify(session).ok
        assert audit_queue.verify_queue(session).ok
