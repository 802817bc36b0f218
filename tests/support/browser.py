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
