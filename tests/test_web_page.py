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
from tests.support.browser import CHROMIUM, HAVE_CHROMIUM, LAUNCH_ARGS, axe_violations, page_for
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
        expect(page.get_by_label("Password")).to_be_hidden()  # no password: the address
        page.get_by_label("Address from qrbatch serve").fill(renewed.url)
        page.get_by_role("button", name="Open").click()  # pasted: signed in
        expect(page.get_by_label("Spreadsheet")).to_be_visible()


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
    expect(page.locator("#sheet-reading")).to_contain_text(
        "Pilih Kolom telepon di bawah: judul kolom lembar ini tidak menyebutkannya."
    )
    expect(page.get_by_label("Kolom label")).to_have_value("Nama Toko")  # a store's name
    page.get_by_role("button", name="Periksa").click()  # before the phone column: say so
    expect(page.locator("#check-summary")).to_have_text(
        "Pilih Kolom telepon dulu: kolom yang berisi nomor WhatsApp."
    )
    expect(page.get_by_label("Kolom telepon")).to_be_focused()
    expect(page.locator("#preview tbody tr")).to_have_count(3)
    expect(page.locator("#preview thead")).to_contain_text("Kontak Toko")
    expect(page.get_by_label("Kolom pesan")).to_have_value("Isi Pesan")  # a known name
    expect(page.get_by_label("Kolom telepon")).to_have_value("")  # not guessed: chosen
    page.get_by_label("Kolom telepon").select_option("Kontak Toko")
    page.get_by_role("button", name="Periksa").click()
    expect(page.locator("#check-summary")).to_contain_text("3 baris: 3 valid, 0 bermasalah")
    expect(page.locator("#check-shared")).to_have_text("")  # three numbers, three codes
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
        expect(page.locator("#check-summary")).to_contain_text("Pilih Kolom telepon dulu")
        assert no_english(page.locator("#check-summary").inner_text()) == []
        page.get_by_label("Kolom telepon").select_option("Kontak")
        page.get_by_role("button", name="Periksa").click()
        expect(page.locator("#problems tbody tr")).to_have_count(3)
        first = page.locator("#problems tbody tr").first
        expect(first.locator("td").first).to_have_text("2a")  # row 2, its first text cell
        expect(first).to_contain_text("perbaiki nomornya")  # Indonesia is chosen already
        expect(page.locator("#problems")).not_to_contain_text("atau pilih Negara bawaan")
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


# The account on the page ------------------------------------------------------------------


def test_the_account_panel_saves_a_key_pair_and_a_run_uses_it(
    browser: Any, tmp_path: Path, sandbox_thread: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qrbatch.sandbox import DEMO_KEY_ID, DEMO_KEY_SECRET

    monkeypatch.setenv("HOME", str(tmp_path))
    state = tmp_path / "state"
    sheet = write_csv(
        tmp_path / "c.csv", [("PhoneNumber", "PrefilledMessage"), ("6281234567890", "Halo")]
    )
    with serve(state, endpoint=sandbox_thread.url, env={}) as server:
        page = page_for(browser, server.url)
        expect(page.locator("#credentials")).to_contain_text("enter the account's AccessKey")
        page.get_by_label("AccessKey ID").fill(DEMO_KEY_ID)
        page.get_by_label("AccessKey Secret").fill(DEMO_KEY_SECRET)
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#account-status")).to_contain_text("Saved. The account has")
        number = page.locator("#numbers tbody tr", has_text="+6281234567890")
        expect(number).to_contain_text("Demo Store 7890")  # its business name
        expect(number).to_contain_text("CONNECTED")  # and status
        expect(page.get_by_label("AccessKey Secret")).to_have_value("")  # never shown again
        expect(page.locator("#credentials")).to_contain_text("saved on this page")
        assert DEMO_KEY_SECRET not in page.content()

        page.get_by_label("Spreadsheet").set_input_files(sheet)
        page.get_by_role("button", name="Check").click()
        expect(page.locator("#check-summary")).to_contain_text("1 row: 1 valid")
        page.get_by_role("button", name="Create QR codes").click()
        expect(page.locator(".run .run-outcome")).to_have_text(
            "1 of the sheet's 1 row got a code.", timeout=30_000
        )
    saved = state / "credentials.ini"
    assert oct(saved.stat().st_mode & 0o777) == "0o600"
    assert "[qrbatch-page]" in saved.read_text()
    assert sandbox_thread.sandbox.world.accounts["demo"].created == 1  # made with that key


def test_a_key_from_the_environment_wins_and_is_shown_as_such(
    browser: Any, tmp_path: Path, sandbox_thread: Any
) -> None:
    env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI-from-env", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "s"}
    with serve(tmp_path / "state", endpoint=sandbox_thread.url, env=env) as server:
        page = page_for(browser, server.url)
        expect(page.locator("#account-in-use")).to_contain_text("from the environment variables")
        expect(page.locator("#account-form")).to_be_hidden()


# Cancel --------------------------------------------------------------------------------


def test_cancel_stops_a_run_within_the_calls_in_flight(
    browser: Any, tmp_path: Path, sandbox_thread: Any
) -> None:
    from qrbatch.sandbox import DEMO_KEY_ID, DEMO_KEY_SECRET

    env = {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": DEMO_KEY_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": DEMO_KEY_SECRET,
    }
    rows = [("PhoneNumber", "PrefilledMessage")] + [
        ("6281234567890", f"Pesan nomor {i}") for i in range(60)
    ]
    sheet = write_csv(tmp_path / "panjang.csv", rows)
    with serve(tmp_path / "state", endpoint=sandbox_thread.url, env=env, qps=4) as server:
        page = page_for(browser, server.url, locale="id-ID")
        page.get_by_label("Lembar kerja").set_input_files(sheet)
        expect(page.locator("#file-status")).to_contain_text("siap")
        page.get_by_role("button", name="Buat kode QR").click()
        page.get_by_role("button", name="Tetap buat").click()  # not checked: it asks
        run = page.locator(".run")
        expect(run.locator(".run-numbers")).to_contain_text(re.compile(r"^[1-9]\d* dari 60"))
        run.get_by_role("button", name="Batalkan").click()
        expect(run.locator(".run-state")).to_have_text("Dibatalkan.", timeout=15_000)
        expect(run.locator(".run-outcome")).to_contain_text("belum dikirim")
        expect(run.locator(".run-cancel")).to_be_hidden()
        made = int(run.locator('[data-status="created"] strong').inner_text())
    assert 0 < made < 60
    # nothing was sent after the calls in flight settled: the service made what the page counts
    assert sandbox_thread.sandbox.world.accounts["demo"].created == made


# Fits and reads everywhere ----------------------------------------------------------------


def luminance(rgb: str) -> float:
    red, green, blue = (int(v) / 255 for v in re.findall(r"\d+", rgb)[:3])

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def fits(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(("locale", "width"), [("id-ID", 390), ("en-GB", 1280)])
def test_each_step_fits_the_screen_and_axe_finds_no_violation(
    browser: Any, server: ServerThread, tmp_path: Path, locale: str, width: int
) -> None:
    indonesian = locale == "id-ID"
    words = {
        "file": "Lembar kerja" if indonesian else "Spreadsheet",
        "phone": "Kolom telepon" if indonesian else "Phone column",
        "check": "Periksa" if indonesian else "Check",
        "create": "Buat kode QR" if indonesian else "Create QR codes",
        "anyway": "Tetap buat" if indonesian else "Create anyway",
    }
    sheet = write_xlsx(
        tmp_path / "Kontak.xlsx",
        [
            ("Kontak Toko", "Isi Pesan", "Nama Toko"),
            ("081234567890", "Halo", "Jakarta"),
            ("0811", "", "Rusak"),
        ],
    )
    page = page_for(browser, server.url.split("?")[0], locale=locale, width=width)
    expect(page.locator("#signin")).to_be_visible()
    assert axe_violations(page) == []  # the sign-in page
    fits(page, width)
    page.goto(server.url)
    expect(page.get_by_label(words["file"])).to_be_visible()
    page.locator("#help summary").click()
    assert axe_violations(page) == []
    fits(page, width)
    page.get_by_label(words["file"]).set_input_files(sheet)
    page.get_by_label(words["phone"]).select_option("Kontak Toko")
    assert axe_violations(page) == []  # sheet, columns and preview
    fits(page, width)
    page.get_by_role("button", name=words["check"]).click()
    expect(page.locator("#problems tbody tr")).to_have_count(1)
    assert axe_violations(page) == []
    fits(page, width)
    page.get_by_role("button", name=words["create"]).click()
    expect(page.get_by_role("button", name=words["anyway"])).to_be_focused()
    assert axe_violations(page) == []  # the question before sending
    page.get_by_role("button", name=words["anyway"]).click()
    expect(page.locator(".run .downloads")).to_be_visible(timeout=30_000)
    expect(page.locator(".run .run-outcome")).to_have_class(re.compile(r"\bwarn\b"))
    assert axe_violations(page) == []  # the outcome and downloads
    fits(page, width)


def test_the_focus_ring_is_seen_on_the_page_and_on_green(
    browser: Any, server: ServerThread
) -> None:
    page = page_for(browser, server.url)
    page.locator("#help summary").focus()
    page.keyboard.press("Tab")  # keyboard focus: :focus-visible
    ring = page.evaluate("() => getComputedStyle(document.activeElement).outlineColor")
    assert contrast(ring, "rgb(255, 255, 255)") >= 3  # against the page
    accent = page.evaluate(
        "() => getComputedStyle(document.querySelector('#create')).backgroundColor"
    )
    assert contrast(ring, accent) >= 3 or contrast("rgb(255, 255, 255)", accent) >= 3
    assert contrast("rgb(255, 255, 255)", accent) >= 4.5  # white words on the green buttons


def test_switching_language_keeps_the_file_the_columns_the_options_and_the_check(
    browser: Any, server: ServerThread, tmp_path: Path
) -> None:
    sheet = write_xlsx(
        tmp_path / "Kontak.xlsx",
        [("Kontak Toko", "Isi Pesan"), ("081234567890", "Halo"), ("0811", "")],
    )
    page = page_for(browser, server.url, locale="id-ID")
    page.get_by_label("Lembar kerja").set_input_files(sheet)
    page.get_by_label("Kolom telepon").select_option("Kontak Toko")
    page.get_by_label("Jenis gambar").select_option("SVG")
    page.get_by_role("button", name="Periksa").click()
    expect(page.locator("#check-summary")).to_contain_text("2 baris: 1 valid, 1 bermasalah")
    page.get_by_role("link", name="English").click()
    expect(page.locator("#file-status")).to_contain_text("Kontak.xlsx (")
    expect(page.get_by_label("Phone column")).to_have_value("Kontak Toko")
    expect(page.get_by_label("Image type")).to_have_value("SVG")
    expect(page.get_by_label("Default region")).to_have_value("ID")
    expect(page.locator("#check-summary")).to_contain_text("2 rows: 1 valid, 1 with a problem")
    expect(page.locator("#problems")).to_contain_text("the phone number is not valid")
    # the server's own words follow the page's language, not the browser's (id-ID)
    expect(page.locator("#endpoint")).to_contain_text("sandbox (simulated codes")
    expect(page.locator("#credentials")).to_contain_text("demo key (no account needed)")
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#problems tbody")).to_contain_text("is too short for a phone number")


def test_the_sample_sheet_and_the_help_are_in_the_page_language(
    browser: Any, server: ServerThread, tmp_path: Path
) -> None:
    page = page_for(browser, server.url, locale="id-ID")
    page.get_by_text("Bantuan: yang dibutuhkan").click()
    expect(page.locator("#help")).to_contain_text("nomor WhatsApp bisnis akun Anda")
    with page.expect_download() as info:
        page.get_by_role("link", name="Unduh contoh lembar kerja").click()
    saved = tmp_path / "contoh.csv"
    info.value.save_as(saved)
    assert info.value.suggested_filename == "contoh-qrbatch.csv"
    # the sample is a sheet the page takes as it is, with no option touched
    page.get_by_label("Lembar kerja").set_input_files(saved)
    page.get_by_role("button", name="Periksa").click()
    expect(page.locator("#check-summary")).to_contain_text("2 baris: 2 valid, 0 bermasalah")


def test_a_second_run_gets_its_own_panel_and_the_first_stays_in_view(
    browser: Any, tmp_path: Path
) -> None:
    with serve(tmp_path / "state", qps=5) as server:
        page = page_for(browser, server.url)
        for name in ("Pertama.csv", "Kedua.csv"):
            rows = [("PhoneNumber", "PrefilledMessage")]
            rows += [("6281234567890", f"{name} {i}") for i in range(6)]
            page.get_by_label("Spreadsheet").set_input_files(write_csv(tmp_path / name, rows))
            expect(page.locator("#file-status")).to_contain_text("is ready")
            page.get_by_role("button", name="Create QR codes").click()
            page.get_by_role("button", name="Create anyway").click()
        panels = page.locator(".run")
        expect(panels).to_have_count(2)
        expect(panels.nth(0).locator(".run-name")).to_have_text("Kedua.csv")
        expect(panels.nth(1).locator(".run-name")).to_have_text("Pertama.csv")
        for panel in (panels.nth(0), panels.nth(1)):
            expect(panel.locator(".run-outcome")).to_have_text(
                "6 of the sheet's 6 rows got a code.", timeout=30_000
            )


def test_progress_counts_the_numbers_checked_before_any_code_is_made(
    browser: Any, tmp_path: Path
) -> None:
    rows = [("Nomor WhatsApp", "Pesan")] + [(f"0812345678{n:02d}", "Halo") for n in range(10)]
    with serve(tmp_path / "state", qps=2) as server:  # one List per number: 5 s of listing
        page = page_for(browser, server.url, locale="id-ID")
        page.get_by_label("Lembar kerja").set_input_files(write_csv(tmp_path / "t.csv", rows))
        page.get_by_role("button", name="Buat kode QR").click()
        page.get_by_role("button", name="Tetap buat").click()
        state = page.locator(".run .run-state")
        expect(state).to_contain_text(
            re.compile(r"Memeriksa kode yang sudah ada: \d+ dari 10 nomor")
        )
        expect(page.locator(".run .run-bar")).to_have_attribute("max", "10")


def test_rows_sharing_a_code_are_named_before_and_counted_after(
    browser: Any, server: ServerThread, tmp_path: Path
) -> None:
    rows = [("Nomor WhatsApp", "Pesan", "Nama Toko")]
    rows += [(f"0812345678{n:02d}", "Halo", f"Toko {n}") for n in range(3)]
    rows += [("081234567800", "Halo", "Toko Plastik Jaya")]  # row 5: row 2's number, message
    page = page_for(browser, server.url, locale="id-ID")
    page.get_by_label("Lembar kerja").set_input_files(write_csv(tmp_path / "t.csv", rows))
    page.get_by_role("button", name="Periksa").click()
    expect(page.locator("#check-shared")).to_have_text(
        "Baris 2 dan 5 meminta nomor dan pesan yang sama: baris-baris itu akan memakai kode "
        "yang sama."
    )
    page.get_by_role("button", name="Buat kode QR").click()
    expect(page.locator(".run .run-outcome")).to_have_text(
        "4 dari 4 baris lembar kerja mendapat kode. Semuanya memakai 3 kode berbeda: baris "
        "dengan nomor dan pesan yang sama berbagi satu kode.",
        timeout=30_000,
    )


def test_small_things_a_person_notices_in_indonesian(
    browser: Any, server: ServerThread, tmp_path: Path
) -> None:
    errors: list[str] = []
    page = page_for(browser, "about:blank", locale="id-ID")
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(server.url)
    expect(page.get_by_text("paling besar 25,0 MB")).to_be_visible()  # the Indonesian comma
    page.wait_for_load_state("networkidle")
    assert errors == []  # no 401 (nor anything else) on a normal load
    rows = [*NATIONAL, ("08ab-cdef-ghij", "Halo")]
    page.get_by_label("Lembar kerja").set_input_files(write_csv(tmp_path / "t.csv", rows))
    note = page.get_by_label("Teks di bawah setiap kode di PDF")
    fits = note.evaluate(
        """(input) => {
            const style = getComputedStyle(input);
            const context = document.createElement("canvas").getContext("2d");
            context.font = `${style.fontSize} ${style.fontFamily}`;
            const room = input.clientWidth - parseFloat(style.paddingLeft)
                - parseFloat(style.paddingRight);
            return context.measureText(input.placeholder).width <= room;
        }"""
    )
    assert fits  # the example line is not cut off
    page.set_viewport_size({"width": 390, "height": 800})
    page.get_by_role("button", name="Periksa").click()
    detail = page.locator("#problems tbody td.detail").first
    expect(detail).to_contain_text("08ab-cdef-ghij")
    assert page.locator("html").get_attribute("lang") == "id"
    assert detail.evaluate("(cell) => getComputedStyle(cell).hyphens") == "auto"
