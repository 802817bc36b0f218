"""The page as a marketing team uses it alone (issue 23), in Chromium over the sandbox:
a lasting address, region from the person, sheet and columns chosen on the page, the
account on the page, honest progress with Cancel, every word in her language, and a page
that fits a phone and passes axe-core.

Skipped, saying why, when /usr/bin/chromium is missing (``.ci/run`` installs it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qrbatch.web.thread import ServerThread
from tests.support.browser import CHROMIUM, HAVE_CHROMIUM, LAUNCH_ARGS, page_for
from tests.support.sheets import write_csv, write_xlsx

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
    return ServerThread(**{"endpoint": "sandbox", "state_dir": state, "qps": 50, **options})


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


# Region from the person, sheet and columns on the page ---------------------------------

NATIONAL = [
    ("Nomor WhatsApp", "Pesan"),
    ("081234567890", "Halo, saya mau pesan"),
    ("0812-9876-5432", "Ada promo hari ini?"),
    ("0813 1111 2222", "Tanya harga"),
]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerThread]:
    with serve(tmp_path / "state") as running:
        yield running


def test_an_indonesian_browser_checks_08_numbers_without_touching_any_option(
    browser: Any, server: ServerThread, tmp_path: Path
) -> None:
    page = page_for(browser, server.url, locale="id-ID")
    expect(page.get_by_label("Negara bawaan")).to_have_value("ID")
    expect(page.get_by_label("Negara bawaan").locator("option:checked")).to_have_text("Indonesia")
    page.get_by_label("Lembar kerja").set_input_files(write_csv(tmp_path / "toko.csv", NATIONAL))
    expect(page.get_by_label("Kolom telepon")).to_have_value("Nomor WhatsApp")
    page.get_by_role("button", name="Periksa").click()
    expect(page.locator("#check-summary")).to_have_text(
        "3 baris: 3 valid, 0 bermasalah, 0 kosong. Semua baris dapat dikirim."
    )
    expect(page.locator("#check-title")).to_be_focused()  # focus follows the result
    expect(page.locator("#announce")).to_contain_text("3 valid")  # and a screen reader hears it


def test_an_english_browser_in_singapore_starts_from_singapore(
    browser: Any, server: ServerThread
) -> None:
    page = page_for(browser, server.url, locale="en-SG")
    expect(page.get_by_label("Default region")).to_have_value("SG")
    page = page_for(browser, server.url, locale="en")
    expect(page.get_by_label("Default region")).to_have_value("")  # no guess without a country


def test_a_kontak_toko_sheet_is_usable_by_choosing_its_columns(
    browser: Any, server: ServerThread, tmp_path: Path
) -> None:
    workbook = write_xlsx(
        tmp_path / "Toko.xlsx",
        [("Kontak Toko", "Isi Pesan", "Nama Toko"), *[(p, m, "Toko") for p, m in NATIONAL[1:]]],
        title="Daftar",
    )
    page = page_for(browser, server.url, locale="id-ID")
    page.get_by_label("Lembar kerja").set_input_files(workbook)
    expect(page.locator("#sheet-reading")).to_contain_text("Membaca lembar “Daftar” dari Toko.xlsx")
    expect(page.locator("#sheet-reading")).to_contain_text("Pilih kolom telepon")
    expect(page.locator("#preview tbody tr")).to_have_count(3)
    expect(page.locator("#preview thead")).to_contain_text("Kontak Toko")
    expect(page.get_by_label("Kolom pesan")).to_have_value("Isi Pesan")  # a known name
    expect(page.get_by_label("Kolom telepon")).to_have_value("")  # not guessed: chosen
    page.get_by_label("Kolom telepon").select_option("Kontak Toko")
    page.get_by_label("Kolom label").select_option("Nama Toko")
    page.get_by_role("button", name="Periksa").click()
    expect(page.locator("#check-summary")).to_contain_text("3 baris: 3 valid, 0 bermasalah")
    page.get_by_role("button", name="Buat kode QR").click()  # checked, no problem: no question
    run = page.locator(".run")
    expect(run.locator(".run-title")).to_be_focused()
    expect(run.locator(".run-sheet")).to_have_text("Lembar “Daftar”")
    expect(run.locator(".run-outcome")).to_have_text(
        "3 dari 3 baris lembar kerja mendapat kode.", timeout=30_000
    )
    expect(run.locator(".run-outcome")).to_have_class(re.compile(r"\bok\b"))
    expect(page.locator("#announce")).to_contain_text("3 dari 3 baris")
    assert page.title().startswith("Selesai: Toko.xlsx")


def test_a_workbook_with_two_sheets_names_the_one_it_reads_and_offers_the_other(
    browser: Any, server: ServerThread, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Catatan"
    notes.append(["dibuat oleh", "tim pemasaran"])
    contacts = book.create_sheet("Kontak")
    for row in [("PhoneNumber", "PrefilledMessage"), ("6281234567890", "Halo")]:
        contacts.append(list(row))
    book.save(tmp_path / "dua.xlsx")
    page = page_for(browser, server.url)
    page.get_by_label("Spreadsheet").set_input_files(tmp_path / "dua.xlsx")
    expect(page.locator("#sheet-reading")).to_have_text("Reading sheet “Kontak” of dua.xlsx.")
    sheets = page.get_by_role("combobox", name=re.compile(r"^Sheet\b"))
    expect(sheets.locator("option")).to_have_text(["Catatan", "Kontak"])
    sheets.select_option("Catatan")
    expect(page.locator("#sheet-reading")).to_contain_text("Reading sheet “Catatan”")
    expect(page.locator("#preview thead")).to_contain_text("dibuat oleh")


# Every word in her language ---------------------------------------------------------------

ENGLISH = re.compile(
    r"\b(the|is|are|not|with|please|column|row|rows|file|sheet|found|pass|choose|this|"
    r"that|was|could|number|numbers|error|failed|invalid)\b",
    re.IGNORECASE,
)
FLAG = re.compile(r"(?<![\w-])--[a-z]")


def no_english(text: str) -> list[str]:
    """Lines of ``text`` with a command-line flag or an English word."""
    return [line for line in text.splitlines() if FLAG.search(line) or ENGLISH.search(line)]


def test_the_indonesian_page_after_a_bad_check_and_a_failed_run_has_no_flag_nor_english(
    browser: Any, tmp_path: Path, sandbox_thread: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # no profile files of the person running tests
    bad = write_csv(
        tmp_path / "buruk.csv",
        [
            ("Kontak", "Catatan", "Isi Pesan"),
            ("0811", "a", "Halo"),
            ("081234567890", "b", ""),
            ("081234567890", "c", "x" * 141),
            ("+62 812-9999-0000", "d", "Halo"),
        ],
    )
    with serve(tmp_path / "state", endpoint=sandbox_thread.url, env={}) as server:
        page = page_for(browser, server.url, locale="id-ID")
        page.get_by_label("Lembar kerja").set_input_files(bad)
        expect(page.locator("#sheet-box")).to_be_visible()
        page.get_by_role("button", name="Periksa").click()  # no phone column chosen
        expect(page.locator("#check-summary")).to_contain_text("Berkas ini tidak dapat dipakai")
        assert no_english(page.locator("#check-summary").inner_text()) == []
        page.get_by_label("Kolom telepon").select_option("Kontak")
        page.get_by_role("button", name="Periksa").click()
        expect(page.locator("#problems tbody tr")).to_have_count(3)
        # a wrong key, saved on the Account panel, makes the run fail on the account
        page.get_by_label("AccessKey ID").fill("LTAI-wrong-key")
        page.get_by_label("AccessKey Secret").fill("wrong-secret")
        page.get_by_role("button", name="Simpan").click()
        expect(page.locator("#account-status")).to_contain_text("Tersimpan, tetapi")
        page.get_by_role("button", name="Buat kode QR").click()
        page.get_by_role("button", name="Tetap buat").click()
        expect(page.locator(".run .run-state")).to_have_class(re.compile("error"), timeout=30_000)
        shown = page.locator("main").inner_text()
        for sample in (page.locator("#check-summary"), page.locator(".run .run-state")):
            assert sample.inner_text()
        assert no_english(shown) == [], no_english(shown)
        assert "--" not in shown
