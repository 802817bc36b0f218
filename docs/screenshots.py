"""Pictures of the web page (``qrbatch serve``) as a marketing team in Jakarta uses it, in
Bahasa Indonesia, for the README and docs/web.md.

    python docs/screenshots.py            # writes docs/images/web-*.png

Serves the page over a sandbox on 127.0.0.1 (a throwaway state folder, no key in the
environment: the key is saved on the page's Account panel, as a person would), drives
Debian's chromium with Playwright (``apt-get install chromium``; ``pip install -e
'.[test]'``) and saves one small picture per step, of the part of the page that step is
about. Nothing leaves this computer; no test needs these pictures.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from openpyxl import Workbook
from playwright.sync_api import Locator, expect, sync_playwright

from qrbatch.sandbox import DEMO_KEY_ID, DEMO_KEY_SECRET, Sandbox, SandboxConfig, SandboxThread
from qrbatch.web.thread import ServerThread

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo: the tests' helpers
from tests.support.browser import CHROMIUM, LAUNCH_ARGS  # noqa: E402 - the tests' own browser

DOCS = Path(__file__).resolve().parent
STORES = ["Jakarta", "Bandung", "Surabaya", "Medan", "Makassar", "Denpasar"]
NUMBERS = ["0812-3456-7890", "0812 9876 5432"]  # the sandbox account's, as written at home


def campaign(folder: Path, good: int) -> Path:
    """A workbook as a team writes it: its own column names, a notes sheet first, numbers
    without the country code, then three rows with a problem each."""
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Catatan"
    notes.append(["Kampanye 12.12", "tim pemasaran"])
    sheet = book.create_sheet("Kontak")
    sheet.append(["Nama Toko", "Kontak Toko", "Isi Pesan"])
    for i in range(good):
        store = STORES[i % len(STORES)]
        sheet.append([f"Toko {store} {i + 1}", NUMBERS[i % 2], f"Halo {store}! Promo 12.12 #{i}"])
    sheet.append(["Toko Bogor", "0812 3456", "Halo! Saya mau pesan"])
    sheet.append(["Toko Depok", NUMBERS[0], ""])
    sheet.append(["Toko Bekasi", NUMBERS[1], "Promo " * 30])
    book.active = 0
    path = folder / "Kampanye Harbolnas.xlsx"
    book.save(path)
    return path


def shoot(part: Locator, name: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"web-{name}.png"
    part.screenshot(path=str(target))
    print(f"wrote {target} ({target.stat().st_size // 1024} KB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DOCS / "images", help="picture folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        os.environ["HOME"] = temp  # no profile file of this computer's user on the page
        with (
            SandboxThread(Sandbox(config=SandboxConfig(qps=200))) as sandbox,
            ServerThread(
                endpoint=sandbox.url, state_dir=Path(temp) / "state", qps=4, env={}
            ) as server,
            sync_playwright() as playwright,
        ):
            take(playwright, server.url, campaign(Path(temp), good=22), args.out)


def take(playwright: object, url: str, sheet: Path, out: Path) -> None:
    browser = playwright.chromium.launch(  # type: ignore[attr-defined]
        executable_path=CHROMIUM, args=LAUNCH_ARGS
    )
    page = browser.new_page(locale="id-ID", viewport={"width": 900, "height": 800})
    page.set_default_timeout(60_000)
    expect.set_options(timeout=60_000)
    page.goto(url)

    page.get_by_label("AccessKey ID").fill(DEMO_KEY_ID)
    page.get_by_label("AccessKey Secret").fill(DEMO_KEY_SECRET)
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("#numbers tbody tr").first).to_be_visible()
    shoot(page.locator("#step-account"), "1-account", out)

    page.get_by_label("Lembar kerja").set_input_files(sheet)
    expect(page.locator("#sheet-box")).to_be_visible()
    page.get_by_label("Kolom telepon").select_option("Kontak Toko")
    page.get_by_label("Kolom label").select_option("Nama Toko")
    shoot(page.locator("#step-file"), "2-columns", out)

    page.get_by_role("button", name="Periksa").click()
    expect(page.locator("#problems tbody tr")).to_have_count(3)
    shoot(page.locator("#step-check"), "3-check", out)

    page.get_by_role("button", name="Buat kode QR").click()
    shoot(page.locator("#confirm"), "4-confirm", out)
    page.get_by_role("button", name="Tetap buat").click()
    run = page.locator(".run")
    expect(run.locator(".run-numbers")).to_contain_text("sisa waktu")
    while float(run.locator(".run-bar").get_attribute("value") or 0) < 8:
        page.wait_for_timeout(200)  # the page's CSP forbids wait_for_function's eval
    shoot(run, "5-progress", out)
    expect(run.locator(".downloads")).to_be_visible()
    shoot(run, "6-done", out)

    phone = browser.new_page(locale="id-ID", viewport={"width": 390, "height": 780})
    phone.goto(url)
    expect(phone.get_by_label("Lembar kerja")).to_be_visible()
    phone.screenshot(path=str(out / "web-7-phone.png"))
    print(f"wrote {out / 'web-7-phone.png'}")
    browser.close()


if __name__ == "__main__":
    main()
