"""Debian's Chromium driven by Python Playwright, for the browser tests (never `playwright install`)."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
INSTALL_CHROMIUM = ("The browser tests drive Debian's Chromium, and `chromium` is not on PATH. Install it with "
                    "`apt-get update && apt-get install -y chromium` (never `playwright install`).")


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Chromium; a missing one is a failure that says how to install it."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(INSTALL_CHROMIUM, pytrace=False)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
