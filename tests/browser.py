"""A real browser for the web's tests: Playwright for Python driving Debian's Chromium
(`apt-get install chromium`). Playwright's own browser download cannot work where Spred is
built, so the browser is launched from its path (`SPRED_CHROMIUM`, else /usr/bin/chromium).

Without it the browser tests are skipped, and the run ends with one line saying how to get
them; with CI set they fail instead, as the PostgreSQL tests do (tests/conftest.py).
"""

from __future__ import annotations

import functools
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.async_api import Browser

CHROMIUM = Path(os.environ.get("SPRED_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
HOW = (
    "the web's browser tests need Chromium and Playwright: {why}; get them with "
    "apt-get install chromium chromium-driver (or set SPRED_CHROMIUM) and make install-dev"
)


@functools.cache
def browser_missing() -> str | None:
    """Why there is no browser to test with (None: there is), asked once a session."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return HOW.format(why="Playwright is not installed")
    if not os.access(CHROMIUM, os.X_OK):
        return HOW.format(why=f"no Chromium at {CHROMIUM}")
    return None


def summary_line() -> str | None:
    """The one line for the end of the run, when a browser test was skipped."""
    why = browser_missing.cache_info().currsize and browser_missing()
    return f"skipped: {why}" if why else None


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    why = browser_missing()
    if why and os.environ.get("CI"):
        pytest.fail(f"{why} (CI is set: the browser tests must run)")
    if why:
        pytest.skip(why)
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        try:
            # No sandbox: CI and the developers' machines run as root, where Chromium's
            # sandbox refuses to start; the pages under test are Spred's own.
            browser = await playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=["--no-sandbox"]
            )
        except Exception as exc:
            if os.environ.get("CI"):
                pytest.fail(f"Chromium at {CHROMIUM} did not start (CI is set): {exc}")
            pytest.skip(HOW.format(why=f"Chromium at {CHROMIUM} did not start ({exc})"))
        try:
            yield browser
        finally:
            await browser.close()


async def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A and AA rules and its best practices, run on the page as it is
    now; the violations, each with the nodes it found. The page's context must have had
    `AXE` added as an init script (it runs beside the page's Content-Security-Policy)."""
    return await page.evaluate(
        """async () => {
            const result = await axe.run(document, {
                runOnly: {type: "tag",
                          values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
            });
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.html + " :: " + n.failureSummary),
            }));
        }"""
    )
