"""Chromium for the page's browser tests: where it is, how it is started, a page in a
given locale (Accept-Language and navigator.language both follow it)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = Path(CHROMIUM).exists()
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


def page_for(
    browser: Any, url: str, locale: str = "en-GB", *, width: int = 1280, height: int = 900
) -> Any:
    """A new context (its own storage) and page in ``locale``, opened on ``url``."""
    context = browser.new_context(
        locale=locale, accept_downloads=True, viewport={"width": width, "height": height}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(url)
    return page


AXE = Path(__file__).parent / "axe" / "axe.min.js"


def axe_violations(page: Any) -> list[str]:
    """axe-core's violations on the page as it is now (WCAG 2.1 A and AA, and best
    practices), one line each: rule, impact, the elements and why.

    The script is evaluated through the DevTools protocol, not added as a <script>: the
    page's Content-Security-Policy (its own scripts only) stays as served."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate("() => { " + AXE.read_text(encoding="utf-8") + "\n}")
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, { resultTypes: ["violations"] });
            return result.violations.map((v) =>
                `${v.id} (${v.impact}): ` +
                v.nodes.map((n) => n.target.join(" ") + " - " + n.failureSummary).join(" | "));
        }"""
    )
    return list(found)
