"""Driving the web console in Debian's Chromium with Playwright: launching it, signing a tab in,
collecting console errors, and checking a page with axe-core.

Playwright cannot download its own browsers here, so it drives the system ``chromium``
(``make chromium`` installs it). axe-core is the copy in the console's node_modules, evaluated
through the DevTools protocol, which the console's CSP (no inline scripts) does not block.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, ViewportSize

REPO = Path(__file__).resolve().parents[2]
CONSOLE_INDEX = REPO / "console" / "dist" / "index.html"
AXE_SCRIPT = REPO / "console" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}
SESSION_KEY = "triggers.apiKey"  # where the console keeps the key (console/src/lib/session.ts)
BLOCKING_IMPACTS = {"serious", "critical"}


def launch_chromium(playwright: Playwright) -> Browser:
    if not CONSOLE_INDEX.is_file():
        pytest.fail("the console is not built: `make console` builds it (make test does)")
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is not installed: `make chromium` installs Debian's package (make test does)")
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)


@dataclass
class ConsoleTab:
    """One browser tab on the console, remembering every console error and uncaught exception it saw."""

    page: Page
    base_url: str
    errors: list[str] = field(default_factory=list)

    def record(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"{message.text} ({message.location.get('url', '')})")

    def sign_in_quietly(self, key: str, path: str = "/events") -> None:
        """Puts ``key`` where the sign-in form would, without going through the form."""
        self.page.goto("/sign-in")
        self.page.evaluate("([name, key]) => sessionStorage.setItem(name, key)", [SESSION_KEY, key])
        self.page.goto(path)

    def session_key(self) -> str | None:
        key: str | None = self.page.evaluate("(name) => sessionStorage.getItem(name)", SESSION_KEY)
        return key

    def forgive_errors(self, pattern: str) -> None:
        """Drops errors a test caused on purpose (e.g. the browser logging a 403 for a wrong key)."""
        self.errors[:] = [error for error in self.errors if not re.search(pattern, error)]

    def axe_violations(self) -> list[str]:
        """Serious and critical axe-core findings on the page as it is now."""
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.evaluate(AXE_SCRIPT.read_text())
        # Colours mid-transition (a button turning from its busy shade to its own) are not the page's
        # colours: wait for every finite transition or animation first (spinners run forever).
        self.page.evaluate(
            """async () => await Promise.all(document.getAnimations()
                .filter((animation) => animation.effect?.getComputedTiming().endTime !== Infinity)
                .map((animation) => animation.finished.catch(() => null)))"""
        )
        violations: list[dict[str, Any]] = self.page.evaluate(
            "async () => (await axe.run(document, { resultTypes: ['violations'] })).violations"
        )
        return [
            f"{violation['impact']} {violation['id']}: {violation['help']} at "
            + json.dumps([node["target"] for node in violation["nodes"]])
            for violation in violations
            if violation["impact"] in BLOCKING_IMPACTS
        ]

    def horizontal_overflow(self) -> int:
        """How many CSS pixels the page is wider than the viewport (0: no horizontal scroll)."""
        overflow: int = self.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        return overflow

    def assert_accessible_and_fits(self) -> None:
        violations = self.axe_violations()
        assert violations == [], f"{self.page.url}: {violations}"
        assert self.horizontal_overflow() <= 0, f"{self.page.url} scrolls sideways"


@contextmanager
def console_tab(browser: Browser, base_url: str, viewport: ViewportSize = DESKTOP) -> Iterator[ConsoleTab]:
    """A tab in a fresh browser context (its own sessionStorage); fails if the page logged an error."""
    context = browser.new_context(base_url=base_url, viewport=viewport)
    page = context.new_page()
    tab = ConsoleTab(page, base_url)
    page.on("console", tab.record)
    page.on("pageerror", lambda error: tab.errors.append(f"uncaught: {error}"))
    try:
        yield tab
    finally:
        context.close()
    assert tab.errors == [], f"the console logged errors: {tab.errors}"
