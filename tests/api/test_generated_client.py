"""A real client: generated from the served /api/v1/openapi.json by openapi-python-client, then used
as a force's integrity team would (the README's ten lines): pull the force's referrals with the
force's key, page through them, and record an outcome."""

from __future__ import annotations

import collections
import importlib
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from apifixtures import create_flag
from test_api_browser import _free_port

from probity.models import FlagStatus
from probity.referrals import add_to_referral

FORCE_A, FORCE_B = "dorset", "devon-and-cornwall"
GENERATOR = Path(sys.executable).parent / "openapi-python-client"
README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


@pytest.fixture
def live(app) -> Iterator[str]:
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_operation_ids_are_unique_function_names(client):
    spec = client.get("/api/v1/openapi.json").json()
    ids = [op["operationId"] for path in spec["paths"].values() for op in path.values()]
    assert [i for i, n in collections.Counter(ids).items() if n > 1] == []
    assert {"list_referrals", "record_outcome", "get_referral"} <= set(ids)


def _referrals(db, force: str, n: int) -> list[int]:
    out = []
    with db() as session:
        for _ in range(n):
            flag = create_flag(session, force)
            flag.transition(FlagStatus.confirmed)
            out.append(add_to_referral(session, flag, list(flag.labels)))
    return out


def test_generated_client_pages_a_forces_referrals_and_records_an_outcome(
    live, db, make_key, tmp_path
):
    mine, theirs = _referrals(db, FORCE_A, 5), _referrals(db, FORCE_B, 2)
    printed: list[tuple[object, ...]] = []
    spec = tmp_path / "openapi.json"
    spec.write_bytes(httpx.get(f"{live}/api/v1/openapi.json").content)
    config = tmp_path / "config.yaml"
    config.write_text("post_hooks: []\n")  # no formatter run; names as the README shows them
    out = tmp_path / "generated"
    run = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(spec),
            "--config",
            str(config),
            "--output-path",
            str(out),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    sys.path.insert(0, str(out))
    try:
        probity_api_client = importlib.import_module("probity_api_client")
        list_referrals = importlib.import_module("probity_api_client.api.referrals.list_referrals")
        record_outcome = importlib.import_module("probity_api_client.api.referrals.record_outcome")
        models = importlib.import_module("probity_api_client.models")

        # What the README shows a force's integrity team:
        client = probity_api_client.AuthenticatedClient(
            base_url=live, token=make_key("force", FORCE_A)
        )
        seen, token, pages = [], None, 0
        while True:
            page = list_referrals.sync(
                client=client, page_size=2, **({"page_token": token} if token else {})
            )
            assert isinstance(page, models.PageReferralSummary), page
            seen += [r.id for r in page.items]
            pages += 1
            token = page.next_page_token if isinstance(page.next_page_token, str) else None
            if token is None:
                break
        assert set(mine) <= set(seen) and not set(theirs) & set(seen)
        assert pages >= 3 and len(seen) == len(set(seen))  # five or more referrals, two a page
        done = record_outcome.sync(
            referral_id=mine[0],
            client=client,
            body=models.OutcomeIn(
                outcome=models.ReferralOutcome.MANAGEMENT_ADVICE, note="Spoken to by line manager"
            ),
        )
        assert isinstance(done, models.ReferralSummary), done
        assert done.id == mine[0] and done.outcome == models.ReferralOutcome.MANAGEMENT_ADVICE
        # another force's referral does not exist for this key: the generated client gets the 404
        refused = record_outcome.sync_detailed(
            referral_id=theirs[0],
            client=client,
            body=models.OutcomeIn(outcome=models.ReferralOutcome.OTHER),
        )
        assert refused.status_code == 404
        # and the README's own lines, run as written against this server
        snippet = (
            README.split("### A force's integrity team", 1)[1]
            .split("```python\n", 1)[1]
            .split("```", 1)[0]
        )
        assert len(snippet.strip().splitlines()) <= 13
        exec(  # noqa: S102 -- runs the README snippet exactly as written
            compile(snippet.replace("https://PROBITY", live), "README.md", "exec"),
            {"FORCE_KEY": make_key("force", FORCE_A), "print": lambda *a: printed.append(a)},
        )
        assert {a[0] for a in printed} == set(seen)
    finally:
        sys.path.remove(str(out))
        for name in [
            m
            for m in sys.modules
            if m == "probity_api_client" or m.startswith("probity_api_client.")
        ]:
            del sys.modules[name]
    check = httpx.get(
        f"{live}/api/v1/referrals/{mine[0]}",
        headers={"Authorization": f"Bearer {make_key('force', FORCE_A)}"},
    ).json()
    assert (
        check["outcome"] == "management_advice"
        and check["outcome_note"] == "Spoken to by line manager"
    )
