"""The web page in a real browser (Debian's chromium driven by Playwright), against the
in-process sandbox: what a person sees and clicks, end to end.

Skipped, saying why, when /usr/bin/chromium is missing (``.ci/run`` installs it).
"""

from __future__ import annotations

import asyncio
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from openpyxl import load_workbook

from qrbatch.web.thread import ServerThread
from tests.support.browser import CHROMIUM, LAUNCH_ARGS
from tests.support.printing import decode_pdf, read_zip
from tests.support.sheets import write_csv

if not Path(CHROMIUM).exists():  # pragma: no cover - CI installs it
    pytest.skip(
        "chromium is not installed (apt-get install -y chromium; .ci/run does it)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is a test dependency")
expect = sync_api.expect

GOOD = [
    ("6281234567890", "Halo, saya mau pesan"),
    ("6281298765432", "Info promo"),
    ("6591234567", "Hello from Singapore"),
    ("14155550123", "Order status"),
    ("+62 812-1111-2222", "Tanya harga"),
]
BAD = [
    ("08123456789", "no country code"),  # national number, no default region
    ("6281234567891", ""),  # empty message
    ("6281234567892", "x" * 141),  # over 140 characters
]
MAX_UPLOAD = 64 * 1024


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerThread]:
    with ServerThread(
        endpoint="sandbox", state_dir=tmp_path / "state", qps=50, max_upload=MAX_UPLOAD
    ) as running:
        yield running


def campaign(folder: Path) -> Path:
    """Good rows (sheet rows 2-6) then bad rows (sheet rows 7-9)."""
    return write_csv(
        folder / "Kampanye Mei.csv", [("PhoneNumber", "PrefilledMessage"), *GOOD, *BAD]
    )


def page_for(browser: object, url: str, locale: str = "en-GB") -> object:
    context = browser.new_context(locale=locale, accept_downloads=True)  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(url)
    return page


def test_check_create_and_download_every_good_row(
    browser: object, server: ServerThread, tmp_path: Path
) -> None:
    page = page_for(browser, server.url)
    page.get_by_label("Spreadsheet").set_input_files(campaign(tmp_path))
    expect(page.locator("#file-status")).to_contain_text("Kampanye Mei.csv")
    expect(page.locator("#file-status")).to_contain_text("is ready")

    page.get_by_role("button", name="Check").click()
    expect(page.locator("#check-summary")).to_have_text(
        re.compile(r"8 rows: 5 valid, 3 with a problem, 0 blank")
    )
    rows = page.locator("#problems tbody tr")
    expect(rows).to_have_count(3)
    assert rows.locator("td.num").all_inner_texts() == ["7", "8", "9"]
    # the page's Check asks the (sandbox) account which number each row is
    expect(rows.nth(0)).to_contain_text("not one of your account's WhatsApp numbers")
    expect(rows.nth(1)).to_contain_text("the message is empty")
    expect(rows.nth(2)).to_contain_text("140-character limit")

    page.get_by_role("button", name="Create QR codes").click()
    page.get_by_role("button", name="Create anyway").click()  # it asks: problems, or no Check
    expect(page.locator(".run .run-state")).to_have_text("Done.", timeout=30_000)
    expect(page.locator(".run .run-numbers")).to_contain_text("5 of 5 rows")
    bar = page.locator(".run .run-bar")
    assert bar.get_attribute("value") == bar.get_attribute("max") == "5"
    expect(page.locator('.run .run-counts [data-status="created"]')).to_contain_text("5 created")
    expect(page.locator('.run .run-counts [data-status="invalid"]')).to_contain_text("3 invalid")

    downloads = page.locator(".run .downloads")
    with page.expect_download() as info:
        downloads.get_by_role("link", name="Download PDF").click()
    info.value.save_as(tmp_path / "codes.pdf")
    with page.expect_download() as info:
        downloads.get_by_role("link", name="Download images (ZIP)").click()
    info.value.save_as(tmp_path / "codes.zip")
    with page.expect_download() as info:
        downloads.get_by_role("link", name="Download results").click()
    download = info.value
    assert download.suggested_filename == "Kampanye Mei.results.xlsx"
    saved = tmp_path / "downloaded.xlsx"
    download.save_as(saved)
    sheet = load_workbook(saved, read_only=True)["Results"]
    header, *body = [list(row) for row in sheet.iter_rows(values_only=True)]
    status, code = header.index("Status"), header.index("QrdlCode")
    assert [row[status] for row in body] == ["created"] * 5 + ["invalid"] * 3
    assert all(row[code] for row in body[:5])
    links = [row[header.index("DeepLinkUrl")] for row in body[:5]]
    printed, _ = decode_pdf(tmp_path / "codes.pdf")
    assert printed == links  # every good row on paper, once, in order
    manifest, _ = read_zip(tmp_path / "codes.zip")
    assert [m["deep_link"] for m in manifest] == links

    history = page.locator("#history tbody tr")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("Kampanye Mei.csv")
    expect(history.first.get_by_role("link", name="Download results")).to_be_visible()


def test_without_the_token_the_page_only_says_where_to_get_it(
    browser: object, server: ServerThread
) -> None:
    base = server.url.split("?")[0]
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(15_000)
    for address in (base, base + "?token=wrong"):
        page.goto(address)
        expect(page.locator("#signin")).to_be_visible()
        expect(page.locator("#signin")).to_contain_text("open the address qrbatch serve printed")
        expect(page.get_by_label("Spreadsheet")).to_be_hidden()
    response = page.goto(base + "api/runs")
    assert response is not None and response.status == 401
    expect(page.locator("body")).to_contain_text("open the address it printed")


def test_indonesian_browser_gets_indonesian_page_and_can_switch(
    browser: object, server: ServerThread, tmp_path: Path
) -> None:
    page = page_for(browser, server.url, locale="id-ID")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_label("Lembar kerja")).to_be_visible()
    expect(page.get_by_role("button", name="Periksa")).to_be_visible()
    expect(page.get_by_role("button", name="Buat kode QR")).to_be_visible()
    expect(page.get_by_role("heading", name="Proses sebelumnya")).to_be_visible()

    page.get_by_label("Lembar kerja").set_input_files(campaign(tmp_path))
    expect(page.locator("#file-status")).to_contain_text("siap")
    page.get_by_role("button", name="Periksa").click()
    # the Indonesian page reads 08… numbers as Indonesian ones: only the two bad messages
    expect(page.locator("#check-summary")).to_contain_text("8 baris: 6 valid, 2 bermasalah")
    expect(page.locator("#problems")).to_contain_text("pesan kosong")
    expect(page.locator("#problems thead")).to_contain_text("Yang perlu dilakukan")

    page.get_by_role("link", name="English").click()
    expect(page.get_by_label("Spreadsheet")).to_be_visible()
    expect(page.get_by_role("button", name="Create QR codes")).to_be_visible()


def test_refuses_a_non_spreadsheet_and_an_oversized_file(
    browser: object, server: ServerThread, tmp_path: Path
) -> None:
    page = page_for(browser, server.url)
    status = page.locator("#file-status")
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    page.get_by_label("Spreadsheet").set_input_files(photo)
    expect(status).to_have_text(re.compile(r"“photo\.png” is not a spreadsheet"))
    expect(page.get_by_role("button", name="Create QR codes")).to_be_disabled()

    renamed = tmp_path / "fake.xlsx"
    renamed.write_bytes(b"MZ this is a program, not a workbook")
    page.get_by_label("Spreadsheet").set_input_files(renamed)
    expect(status).to_have_text(re.compile(r"“fake\.xlsx” does not hold what its extension says"))

    big = tmp_path / "big.csv"
    big.write_text("PhoneNumber,PrefilledMessage\n" + "6281234567890,hello\n" * 5000)
    page.get_by_label("Spreadsheet").set_input_files(big)
    expect(status).to_have_text(re.compile(r"“big\.csv” is too big \(.+\): .+ up to 64 KB"))
    expect(page.get_by_role("button", name="Check")).to_be_disabled()


def test_a_dropped_file_is_uploaded(browser: object, server: ServerThread) -> None:
    # bypass_csp only so the test can build the DataTransfer; the page itself runs as served
    context = browser.new_context(bypass_csp=True)  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(server.url)
    dropped = page.evaluate_handle(
        """(text) => {
            const data = new DataTransfer();
            data.items.add(new File([text], "dropped.csv", { type: "text/csv" }));
            return data;
        }""",
        "PhoneNumber,PrefilledMessage\n6281234567890,Halo\n",
    )
    page.dispatch_event("#drop", "drop", {"dataTransfer": dropped})
    expect(page.locator("#file-status")).to_contain_text("dropped.csv (")
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#check-summary")).to_contain_text("1 row: 1 valid")


class CookieCatcher:
    """Another program on this computer: an aiohttp server on another loopback port that
    keeps every Cookie header a browser sends it."""

    def __init__(self) -> None:
        self.cookies: list[str] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def _catch(self, request: web.Request) -> web.Response:
        self.cookies.append(request.headers.get("Cookie", ""))
        return web.Response(text="caught", content_type="text/html")

    async def _start(self) -> str:
        app = web.Application()
        app.router.add_get("/{tail:.*}", self._catch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        return f"http://127.0.0.1:{self._runner.addresses[0][1]}/"

    def __enter__(self) -> CookieCatcher:
        self._thread.start()
        self.url = asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._runner is not None
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


def status_of(url: str, headers: dict[str, str]) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_cookies_sent_to_another_local_port_grant_nothing(
    browser: object, server: ServerThread, tmp_path: Path
) -> None:
    page = page_for(browser, server.url)
    token = server.url.split("token=")[1]
    # the person uses the page: upload, check, create, download, change the language
    page.get_by_label("Spreadsheet").set_input_files(campaign(tmp_path))
    expect(page.locator("#file-status")).to_contain_text("is ready")
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#check-summary")).to_contain_text("8 rows")
    page.get_by_role("button", name="Create QR codes").click()
    page.get_by_role("button", name="Create anyway").click()  # it asks: problems, or no Check
    expect(page.locator(".run .run-state")).to_have_text("Done.", timeout=30_000)
    with page.expect_download() as info:
        page.locator(".run .downloads").get_by_role("link", name="Download results").click()
    assert info.value.failure() is None
    page.get_by_role("link", name="Bahasa Indonesia").click()
    expect(page.get_by_label("Lembar kerja")).to_be_visible()
    expect(page.locator("#history tbody tr")).to_have_count(1)  # still signed in

    with CookieCatcher() as catcher:
        page.goto(catcher.url)  # one click on a link to another local port
        expect(page.locator("body")).to_have_text("caught")
    sent = catcher.cookies
    assert sent and all(token not in cookie for cookie in sent)
    base = server.url.split("?")[0]
    for cookie in [c for c in sent if c]:
        assert status_of(base + "api/runs", {"Cookie": cookie}) == 401
        assert status_of(base + "api/about", {"Cookie": cookie}) == 401


def test_the_address_bar_loses_the_token_and_the_page_keeps_working(
    browser: object, server: ServerThread
) -> None:
    token = server.url.split("token=")[1]
    page = page_for(browser, server.url + "&lang=id")
    expect(page.get_by_label("Lembar kerja")).to_be_visible()
    expect(page.locator("#credentials")).not_to_be_empty()  # an API call with the token
    assert token not in page.url
    assert page.url.endswith("/?lang=id")
    assert page.context.cookies() == [] or all(  # type: ignore[attr-defined]
        token not in c["value"]
        for c in page.context.cookies()  # type: ignore[attr-defined]
    )
    page.reload()  # the browser keeps its access (localStorage), the address stays clean
    expect(page.locator("#signin")).to_be_hidden()
    expect(page.get_by_role("heading", name="Proses sebelumnya")).to_be_visible()
    assert token not in page.url


def test_a_download_link_opens_its_file_once(
    browser: object, server: ServerThread, tmp_path: Path
) -> None:
    page = page_for(browser, server.url)
    page.get_by_label("Spreadsheet").set_input_files(campaign(tmp_path))
    expect(page.locator("#file-status")).to_contain_text("is ready")
    page.get_by_role("button", name="Create QR codes").click()
    page.get_by_role("button", name="Create anyway").click()  # it asks: problems, or no Check
    expect(page.locator(".run .run-state")).to_have_text("Done.", timeout=30_000)
    with page.expect_download() as info:
        page.locator(".run .downloads").get_by_role("link", name="Download PDF").click()
    download = info.value
    download.save_as(tmp_path / "once.pdf")
    assert (tmp_path / "once.pdf").read_bytes().startswith(b"%PDF")
    token = server.url.split("token=")[1]
    assert "/download/" in download.url and token not in download.url
    assert status_of(download.url, {}) == 404  # used: nothing a second time
    with page.expect_download() as again:  # the page mints a new link each click
        page.locator(".run .downloads").get_by_role("link", name="Download PDF").click()
    assert again.value.url != download.url
