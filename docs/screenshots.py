"""Screenshots of each step of the web page (``qrbatch serve``), for docs/web.md.

    python docs/screenshots.py            # writes docs/web-*.png

Serves the page over the in-process sandbox with a throwaway state directory, drives
Debian's chromium with Playwright (``apt-get install chromium``; ``pip install -e
'.[test]'``) and saves one picture per step. Nothing leaves this computer.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

from qrbatch.web.thread import ServerThread

DOCS = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CITIES = ["Jakarta", "Bandung", "Surabaya", "Medan", "Makassar", "Denpasar"]


def campaign(folder: Path, good: int) -> Path:
    """A campaign sheet: ``good`` sendable rows, then three with a problem each."""
    path = folder / "Kampanye Harbolnas.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Store", "PhoneNumber", "PrefilledMessage"])
        for i in range(good):
            city = CITIES[i % len(CITIES)]
            writer.writerow([f"{city} {i + 1}", f"628123456{i:04d}", f"Halo {city}! Promo 12.12"])
        writer.writerow(["Bogor", "0812 3456 789", "Halo! Saya mau pesan"])
        writer.writerow(["Depok", "6281234569999", ""])
        writer.writerow(["Bekasi", "6281234568888", "Promo " * 30])
    return path


def shoot(page: Page, name: str, out: Path) -> None:
    page.screenshot(path=str(out / f"web-{name}.png"), full_page=True)
    print(f"wrote {out / f'web-{name}.png'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DOCS, help="folder for the pictures")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as temp,
        ServerThread(endpoint="sandbox", state_dir=Path(temp) / "state", qps=4) as server,
        sync_playwright() as playwright,
    ):
        sheet = campaign(Path(temp), good=24)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page(locale="en-GB", viewport={"width": 1000, "height": 800})
        page.set_default_timeout(60_000)
        expect.set_options(timeout=60_000)
        page.goto(server.url)
        shoot(page, "1-start", args.out)

        page.get_by_label("Spreadsheet").set_input_files(sheet)
        expect(page.locator("#file-status")).to_contain_text("is ready")
        page.get_by_role("button", name="Check").click()
        expect(page.locator("#problems tbody tr")).to_have_count(3)
        shoot(page, "2-check", args.out)

        page.get_by_label("Label column").select_option("Store")
        page.get_by_role("button", name="Create QR codes").click()
        expect(page.locator("#run-numbers")).to_contain_text("time left")
        while float(page.locator("#run-bar").get_attribute("value") or 0) < 8:
            page.wait_for_timeout(200)  # the page's CSP forbids wait_for_function's eval
        shoot(page, "3-progress", args.out)

        expect(page.locator("#run-state")).to_have_text("Done.")
        shoot(page, "4-done", args.out)

        page.get_by_label("Spreadsheet").set_input_files(
            {"name": "logo.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n"}
        )
        expect(page.locator("#file-status")).to_contain_text("not a spreadsheet")
        shoot(page, "5-refused", args.out)

        indonesian = browser.new_page(locale="id-ID", viewport={"width": 1000, "height": 800})
        indonesian.goto(server.url)
        indonesian.get_by_label("Lembar kerja").set_input_files(sheet)
        expect(indonesian.locator("#file-status")).to_contain_text("siap")
        indonesian.get_by_role("button", name="Periksa").click()
        expect(indonesian.locator("#problems tbody tr")).to_have_count(3)
        shoot(indonesian, "6-indonesian", args.out)
        browser.close()


if __name__ == "__main__":
    main()
