"""Every UI page in headless Chromium (Debian's package, driven by Playwright), on the reference
data return plus a few flags: each renders, axe-core finds no serious or critical violation,
the main actions are reachable with the keyboard, the offline API docs render with every other
host blocked, and the README's screenshots are written (docs/screenshots/).

One browser, one server and one page load per page keep this lean on a small shared machine.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from apifixtures import create_flag
from test_api_browser import CHROMIUM, CHROMIUM_ARGS, _free_port, sign_in
from uidayfixtures import load_reference_return, new_key

from api.main import create_app
from probity.db import get_engine, session_scope
from probity.models import FlagStatus
from probity.referrals import add_to_referral
from probity.settings import Settings

pytestmark = pytest.mark.slow
FORCE = "wiltshire"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def world(database_factory) -> dict[str, object]:
    url = database_factory()
    load_reference_return(url)
    with session_scope(get_engine(url)) as session:
        for text, labels, score in (
            (
                "Another 12-hour shift with no meal break, the bosses don't care about us",
                ("negativity",),
                0.62,
            ),
            (
                "Vote for the only party that backs the police. Polls open at 7am!",
                ("government",),
                0.83,
            ),
            ("Photos from tonight's job at the scene, names and all", ("protocol",), 0.71),
        ):
            create_flag(session, FORCE, labels=labels, text=text, score=score)
        flag = create_flag(session, FORCE, text="Those protesters are scum, lock them all up")
        referred = create_flag(
            session,
            FORCE,
            labels=("offensive", "protocol"),
            text="Off to the scum-filled estate again, body cam off as usual",
        )
        referred.transition(FlagStatus.confirmed)
        referral = add_to_referral(session, referred, list(referred.labels))
        ids = {"flag": flag.id, "referral": referral}
    return {
        "url": url,
        **ids,
        "analyst": new_key(url, "analyst"),
        "force": new_key(url, "force", FORCE),
        "researcher": new_key(url, "researcher"),
    }


@pytest.fixture(scope="module")
def base(world) -> Iterator[str]:
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(Settings(database_url=str(world["url"]))),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
        )
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


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: './run test' installs Debian's chromium package (as root)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class Checker:
    """Loads pages in one context with other hosts blocked, and runs axe-core on each."""

    def __init__(self, browser, base: str):
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.base = base
        self.outside: list[str] = []
        # bypass_csp: the pages forbid injected scripts, and axe-core is one
        self.context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
        self.context.route("**/*", self._only_loopback)
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.problems: list[str] = []
        self.checked: list[str] = []

    def _only_loopback(self, route) -> None:
        host = urlparse(route.request.url).hostname
        if host == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def visit(self, path: str, expect_h1: str | None = None, status: int = 200) -> None:
        response = self.page.goto(f"{self.base}{path}")
        assert response is not None and response.status == status, (
            path,
            response and response.status,
        )
        if expect_h1 is not None:
            assert expect_h1 in self.page.locator("h1").first.inner_text(), path
        self.audit(path)

    def audit(self, label: str) -> None:
        results = self.axe.run(self.page)
        self.checked.append(label)
        for v in results.response["violations"]:
            if v["impact"] in BLOCKING:
                targets = "; ".join(", ".join(map(str, n["target"])) for n in v["nodes"][:5])
                self.problems.append(f"{label}: {v['impact']} {v['id']} ({v['help']}): {targets}")

    def tab_to(self, selector: str, presses: int = 60) -> None:
        """Tab from the top of the page until ``selector`` has the focus."""
        self.page.locator("body").focus()
        self.page.evaluate("document.activeElement && document.activeElement.blur()")
        for _ in range(presses):
            self.page.keyboard.press("Tab")
            if self.page.evaluate(
                "s => document.activeElement && document.activeElement.matches(s)", selector
            ):
                return
        raise AssertionError(f"{selector} not reachable by Tab on {self.page.url}")

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.evaluate(
            "document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)"
        )
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)

    def sign_in(self, key: str) -> None:
        self.context.clear_cookies()
        sign_in(self.page, self.base, key)


def test_every_page_renders_is_accessible_and_keyboard_reachable(browser, base, world):
    c = Checker(browser, base)
    try:
        c.visit("/ui/login", "Sign in")
        c.tab_to("#key")
        c.sign_in(str(world["analyst"]))
        # the review queue, a flag, the referrals (analyst)
        c.visit(f"/ui/queue?force_id={FORCE}", "Review queue")
        c.tab_to(f"a[href='/ui/flags/{world['flag']}']")
        c.tab_to("header button.signout")
        c.shot("queue")
        # the checker itself: the old sign-out button (white on the default light grey) must fail
        c.page.add_style_tag(content="header button.signout { background: #efefef !important; }")
        found = len(c.problems)
        c.audit("queue, old sign-out style")
        assert any("color-contrast" in p and "signout" in p for p in c.problems[found:]), (
            c.problems[found:]
        )
        del c.problems[found:]
        c.visit(f"/ui/flags/{world['flag']}", f"Flag #{world['flag']}")
        c.tab_to("#claim-form button")
        c.tab_to("#decision-form button[value=confirm]")
        c.tab_to("#decision-form button[value=dismiss]")
        c.shot("flag")
        c.visit(f"/ui/queue?force_id={FORCE}&status=confirmed&order=oldest", "Review queue")
        c.visit("/ui/referrals", "Referrals")
        # registers, statistics, cross-checks, reports, model
        c.visit("/ui/registers", "Integrity registers")
        for register in ("gifts", "interests", "contracts", "investigations"):
            c.visit(f"/ui/registers/{register}?force_id={FORCE}")
        c.tab_to("a[href^='/ui/registers/investigations/']")
        c.page.keyboard.press("Enter")
        c.page.wait_for_url("**/ui/registers/investigations/*")
        c.audit("register row")
        c.visit("/ui/stats", "Statistics")
        c.visit(f"/ui/stats?force_id={FORCE}&date_from=2011-09-01&date_to=2012-05-31", "Statistics")
        c.visit(f"/ui/crosschecks?force_id={FORCE}", "Cross-checks")
        c.visit("/ui/crosschecks", "Cross-checks")
        c.visit(f"/ui/reports?force_id={FORCE}", "Reports")
        c.tab_to("[data-testid=force-report-links] a[href^='/ui/reports/force.pdf']")
        c.visit(
            "/ui/reports/national?date_from=2011-09-01&date_to=2012-05-31",
            "national thematic report",
        )
        c.visit("/ui/model", "Classifier model")
        c.visit("/ui/flags/987654321", "404", status=404)  # the error page
        # a force's integrity team
        c.sign_in(str(world["force"]))
        c.visit("/ui/referrals", "Referrals")
        c.visit("/ui/registers/import", "Import a register file")
        c.tab_to("input[type=file]")
        c.tab_to("form[enctype] button[type=submit]")
        c.page.set_input_files(
            "input[type=file]",
            files=[
                {
                    "name": "gifts.csv",
                    "mimeType": "text/csv",
                    "buffer": b"force,entry_ref\nwiltshire,G-1\n",
                }
            ],
        )
        with c.page.expect_navigation():
            c.page.click("form[enctype] button[type=submit]")
        assert "nothing was stored" in c.page.locator("[data-testid=import-errors]").inner_text()
        c.audit("import errors")
        c.visit(f"/ui/referrals/{world['referral']}")
        c.tab_to("form[action$='/outcome'] button, form[action$='/acknowledge'] button")
        c.shot("referral")
        c.visit("/ui/reports/force?date_from=2011-09-01&date_to=2012-05-31", "Wiltshire")
        c.shot("force-report")
        c.sign_in(str(world["researcher"]))
        c.visit("/ui/", "Researcher exports")
    finally:
        c.context.close()
    assert not c.problems, "\n".join(c.problems)
    assert len(c.checked) >= 25


def test_api_docs_render_with_every_other_host_blocked(browser, base):
    outside: list[str] = []

    def only_loopback(route) -> None:
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context = browser.new_context()  # the pages' own CSP applies here
    context.route("**/*", only_loopback)
    page = context.new_page()
    try:
        page.goto(f"{base}/api/docs")
        page.wait_for_selector(".swagger-ui .info .title", timeout=30_000)
        assert "Probity API" in page.inner_text(".swagger-ui .info .title")
        assert page.locator(".opblock").count() >= 20  # one per operation, drawn from openapi.json
        page.goto(f"{base}/api/redoc")
        page.wait_for_selector("h1:has-text('Probity API')", timeout=30_000)
        assert page.locator("[data-section-id^='operation/']").count() >= 20
    finally:
        context.close()
    assert outside == [], outside
