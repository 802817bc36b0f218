"""The page as a marketing team uses it alone (issue 23), in Chromium over the sandbox:
a lasting address, region from the person, sheet and columns chosen on the page, the
account on the page, honest progress with Cancel, every word in her language, and a page
that fits a phone and passes axe-core.

Skipped, saying why, when /usr/bin/chromium is missing (``.ci/run`` installs it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qrbatch.web.thread import ServerThread
from tests.support.browser import CHROMIUM, HAVE_CHROMIUM, LAUNCH_ARGS, page_for

if not HAVE_CHROMIUM:  # pragma: no cover - CI installs it
    pytest.skip(
        "chromium is not installed (apt-get install -y chromium; .ci/run does it)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is a test dependency")
expect = sync_api.expect


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


def serve(state: Path, **options: Any) -> ServerThread:
    return ServerThread(endpoint="sandbox", state_dir=state, qps=50, **options)


# A lasting address ------------------------------------------------------------------


def test_after_a_restart_the_first_printed_address_still_opens_the_page(
    browser: Any, tmp_path: Path
) -> None:
    with serve(tmp_path / "state") as first:
        printed = first.url
    with serve(tmp_path / "state") as again:
        assert again.url.split("?")[1] == printed.split("?")[1]
        page = page_for(browser, again.url.split("?")[0] + "?" + printed.split("?")[1])
        expect(page.get_by_label("Spreadsheet")).to_be_visible()
        expect(page.locator("#signin")).to_be_hidden()
        # and the browser, restarted (a new tab on the bookmark without the token), too:
        page.goto(again.url.split("?")[0])
        expect(page.get_by_label("Spreadsheet")).to_be_visible()
    with serve(tmp_path / "state", new_token=True) as renewed:
        assert renewed.url != printed
        page = page_for(browser, renewed.url.split("?")[0] + "?" + printed.split("?")[1])
        expect(page.locator("#signin")).to_be_visible()


def test_a_team_server_signs_in_with_its_password_in_her_language(
    browser: Any, tmp_path: Path
) -> None:
    with serve(tmp_path / "state", password="rahasia tim") as server:
        page = page_for(browser, server.url.split("?")[0], locale="id-ID")
        expect(page.locator("#signin")).to_be_visible()
        expect(page.get_by_role("heading", name="Masuk")).to_be_visible()
        page.get_by_label("Kata sandi").fill("salah")
        page.get_by_role("button", name="Masuk").click()
        expect(page.locator("#signin-status")).to_have_text("Kata sandi itu salah. Coba lagi.")
        page.get_by_label("Kata sandi").fill("rahasia tim")
        page.get_by_role("button", name="Masuk").click()
        expect(page.get_by_label("Lembar kerja")).to_be_visible()
        expect(page.locator("#signin")).to_be_hidden()
