"""End to end in headless Chromium (Debian's package, driven by Playwright): an analyst reviews a
flag with the keyboard and confirms it; that force's user sees the referral; another force's
user does not."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FORCE_A, FORCE_B = "thames-valley", "sussex"

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(app) -> Iterator[str]:
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
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


def sign_in(page, base: str, key: str) -> None:
    page.goto(f"{base}/ui/login")
    page.fill("#key", key)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/ui/login" not in page.url, page.content()


def test_review_confirm_and_force_scoped_referrals(server, browser, make_key, make_flag):
    flag = make_flag(
        FORCE_A, labels=("offensive",), text="Those protesters are scum, lock them all up"
    )
    analyst, force_a, force_b = (
        make_key("analyst"),
        make_key("force", FORCE_A),
        make_key("force", FORCE_B),
    )

    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, server, analyst)
    assert "/ui/queue" in page.url
    page.goto(f"{server}/ui/queue?force_id={FORCE_A}")
    row = page.locator(f'tr[data-flag-id="{flag}"]')
    assert row.count() == 1
    # keyboard: move to the row and open it
    index = page.locator("tbody tr[data-href]").evaluate_all(
        f"rows => rows.findIndex(r => r.dataset.flagId === '{flag}')"
    )
    for _ in range(index + 1):
        page.keyboard.press("j")
    assert "selected" in (row.get_attribute("class") or "")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/ui/flags/{flag}")
    assert (
        page.locator("blockquote[data-testid=post-text] mark.ev-offensive").inner_text() == "scum"
    )
    with page.expect_navigation():
        page.keyboard.press("x")  # claim
    assert "claimed" in page.locator("h1 .status").inner_text()
    page.keyboard.press("n")
    page.keyboard.type("Derogatory about the public; refer.")
    page.locator("body").click(position={"x": 5, "y": 5})  # leave the textarea so shortcuts apply
    page.keyboard.press("c")  # confirm
    page.wait_for_url("**/ui/queue?decided=*")
    assert f"Decision recorded for flag {flag}" in page.locator("[role=status]").inner_text()
    page.goto(f"{server}/ui/flags/{flag}")
    assert "confirmed" in page.locator("h1 .status").inner_text()
    assert "Derogatory about the public" in page.locator("[data-testid=history]").inner_text()
    referral_href = page.locator("a[href^='/ui/referrals/']").last.get_attribute("href")
    context.close()

    context = browser.new_context()
    page = context.new_page()
    sign_in(page, server, force_a)
    assert page.url.endswith("/ui/referrals")
    listed = page.locator(f"a[href='{referral_href}']")
    assert listed.count() == 1
    with page.expect_download() as download:
        page.click("a.button:has-text('Export CSV')")
    assert "Those protesters are scum" in Path(download.value.path()).read_text()
    listed.click()
    page.wait_for_url(f"**{referral_href}")
    assert "Those protesters are" in page.locator(".evidence blockquote").first.inner_text()
    context.close()

    context = browser.new_context()
    page = context.new_page()
    sign_in(page, server, force_b)
    assert page.locator(f"a[href='{referral_href}']").count() == 0
    page.goto(f"{server}{referral_href}")
    assert page.locator("h1").inner_text() == "404"
    context.close()
