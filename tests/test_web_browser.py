"""The web's pages in a real browser (Chromium through Playwright, tests/browser.py): asking
with and without JavaScript, keyboard only, a solution's page reached by its link, the 404
page, a hostile title shown as text, axe-core on every page with no violations, and nothing
the Content-Security-Policy had to block. Screenshots of each page go to docs/screenshots/
(shown in the README)."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from bot.messages import Incoming
from bot.server import CORE
from knowledge.records import Demand, Submission
from knowledge.store import open_store
from tests.browser import AXE, axe_violations, chromium
from tests.conftest import Clock
from tests.test_web_review import DRAFT, METRIC, TITLE
from tests.web_site import DEMO_ID, DEMO_TITLE, HOSTILE_ID, HOSTILE_TITLE, fill, spread, web_site

SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
QUESTION = "ventetid på første besøg i hjemmeplejen"


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[TestServer]:
    await fill(tmp_path / "data")
    async with web_site(tmp_path / "data") as server:
        yield server


@pytest.fixture
async def spread_site(tmp_path: Path) -> AsyncIterator[TestServer]:
    """The site with a solution taken up over the year before the test clock's day."""
    await fill(tmp_path / "data")
    await spread(tmp_path / "data")
    async with web_site(tmp_path / "data", clock=Clock()) as server:
        yield server


class Visit:
    """A browser context on the site, recording what the browser complained about."""

    def __init__(self, context: Any, server: TestServer) -> None:
        self.context = context
        self.server = server
        self.problems: list[str] = []  # console errors: a blocked inline script, a 404 file
        self.dialogs: list[str] = []  # alert() would mean a script of someone else's ran

    async def page(self) -> Any:
        page = await self.context.new_page()
        page.on("console", lambda m: m.type == "error" and self.problems.append(m.text))
        page.on("pageerror", lambda e: self.problems.append(str(e)))
        page.on("dialog", lambda d: self.dialogs.append(d.message))
        return page

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    async with chromium() as opened:
        yield opened


async def _visit(browser: Any, site: TestServer, *, script: bool) -> Visit:
    context = await browser.new_context(
        java_script_enabled=script, viewport={"width": 1024, "height": 800}, locale="da-DK"
    )
    if script:
        await context.add_init_script(path=str(AXE))
    return Visit(context, site)


async def _accessible(page: Any, shot: str) -> None:
    """No axe-core violations; the page saved as docs/screenshots/<shot>.png."""
    assert await axe_violations(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"), full_page=True)


async def test_asking_without_javascript_is_a_form_and_an_answer_page(
    browser: Any, site: TestServer
) -> None:
    visit = await _visit(browser, site, script=False)
    page = await visit.page()
    await page.goto(visit.url("/"))
    await page.get_by_label("Dit spørgsmål").fill(QUESTION)
    async with page.expect_navigation():
        await page.get_by_role("button", name="Spørg").click()
    assert "/?q=" in page.url
    assert await page.get_by_role("link", name=DEMO_TITLE, exact=True).count() == 1
    assert await page.input_value("#q") == QUESTION
    assert visit.problems == []


async def test_asking_with_javascript_is_a_chat_kept_on_one_page(
    browser: Any, site: TestServer
) -> None:
    visit = await _visit(browser, site, script=True)
    page = await visit.page()
    await page.goto(visit.url("/"))
    await _accessible(page, "home")
    # keyboard only: the skip link comes first, then the question box and the answer
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.className") == "skip"
    await page.keyboard.press("Enter")
    await page.focus("#q")
    await page.keyboard.type(QUESTION)
    await page.keyboard.press("Enter")
    first = page.locator(".exchange").first
    await first.get_by_role("link", name=DEMO_TITLE, exact=True).wait_for()
    assert page.url.split("#")[0] == visit.url("/")  # no page load: the answer came in
    assert await page.evaluate("document.activeElement.id") == "q"  # ready for the next
    await page.keyboard.type("madspild i skolekøkkenet")
    await page.keyboard.press("Enter")
    await page.locator(".exchange").nth(1).locator("h3").first.wait_for()
    assert await page.locator(".exchange").count() == 2
    assert await page.locator(".exchange").nth(1).get_by_text(HOSTILE_TITLE).count() == 1
    await _accessible(page, "chat")
    # "Vis flere" under the first answer asks again into the chat, too
    await first.get_by_role("link", name="Vis flere").click()
    await page.locator(".exchange").nth(2).locator("h3").first.wait_for()
    assert page.url.split("#")[0] == visit.url("/")
    assert visit.problems == []
    assert visit.dialogs == []


async def test_an_answer_links_to_the_solutions_page(browser: Any, spread_site: TestServer) -> None:
    visit = await _visit(browser, spread_site, script=True)
    page = await visit.page()
    await page.goto(visit.url(f"/?q={QUESTION}"))
    await _accessible(page, "answer")
    async with page.expect_navigation():
        await page.get_by_role("link", name=DEMO_TITLE, exact=True).click()
    assert f"/l/{DEMO_ID}" in page.url
    assert await page.locator("h1").inner_text() == DEMO_TITLE
    chart = page.get_by_role("img", name="Ventetid fra henvendelse til første besøg: før 4,8")
    assert await chart.count() == 1
    assert await page.get_by_role("heading", name="Hvem bruger den").count() == 1
    # who took it up over the last 12 months: a chart named by its numbers, and its table
    name = (
        "Stablet søjlediagram: organisationer, der nåede hvert trin med "
        f"{DEMO_TITLE}, pr. måned de seneste 12 måneder: 3 blev interesserede, 2 begyndte at "
        "prøve, 2 tog den i brug. Tallene står i tabellen under."
    )
    assert await page.get_by_role("img", name=name, exact=True).count() == 1
    over_time = page.get_by_role("region", name="Over tid: organisationer pr. trin og måned")
    assert await over_time.get_by_role("row").count() == 13  # the months and the header
    june = over_time.get_by_role("row", name="juni 2026 0 1 1")
    assert await june.count() == 1
    await _accessible(page, "solution")
    assert visit.problems == []


async def test_an_unknown_solution_shows_the_404_page(browser: Any, site: TestServer) -> None:
    visit = await _visit(browser, site, script=True)
    page = await visit.page()
    response = await page.goto(visit.url("/l/findes-ikke"))
    assert response is not None
    assert response.status == 404
    assert await page.get_by_label("Dit spørgsmål").count() == 1
    await _accessible(page, "not-found")
    visit.problems = [p for p in visit.problems if "404" not in p]  # the page's own status
    assert visit.problems == []


async def test_a_hostile_title_is_shown_as_text_and_runs_nothing(
    browser: Any, site: TestServer
) -> None:
    visit = await _visit(browser, site, script=True)
    page = await visit.page()
    await page.goto(visit.url(f"/l/{HOSTILE_ID}"))
    assert await page.locator("h1").inner_text() == HOSTILE_TITLE
    assert await page.locator("main script").count() == 0
    await _accessible(page, "hostile-title")
    assert visit.dialogs == []
    assert visit.problems == []


# --- logging in and the dashboard (issue 18)

ADMIN = "console:chef"
LOGIN_LINK = re.compile(r"https?://\S+(/login/[A-Za-z0-9_-]{43})")


@pytest.fixture
async def admin_site(tmp_path: Path) -> AsyncIterator[TestServer]:
    data = tmp_path / "data"
    await fill(data)
    store = await open_store(data)
    try:  # something to show: demand, and a new user this month
        await store.demand.upsert(
            Demand(id="d1", question="=1+1 hvordan rydder vi sne med droner", asker="slack:U1")
        )
    finally:
        await store.close()
    async with web_site(data, admins=frozenset({ADMIN}), public_url="http://127.0.0.1") as server:
        yield server


async def _link_from_spred_chat(data: Path, server: TestServer) -> str:
    """The path of the link the real `spred chat` prints for `dashboard`, run as a process
    on the data the server serves."""
    environ = {
        **os.environ,
        "SPRED_ADMINS": ADMIN,
        "SPRED_PUBLIC_URL": str(server.make_url("")).rstrip("/"),
        "SPRED_DATA": str(data),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "chat", "--user", "chef",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env=environ,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(b"dashboard\n"), timeout=120)
    found = LOGIN_LINK.search(out.decode())
    assert found, (out.decode(), err.decode())
    return found.group(1)


async def test_logging_in_through_spred_chat_shows_the_dashboard(
    browser: Any, admin_site: TestServer, tmp_path: Path
) -> None:
    visit = await _visit(browser, admin_site, script=True)
    page = await visit.page()
    # logged out: refused, with the way in
    response = await page.goto(visit.url("/dashboard"))
    assert response is not None
    assert response.status == 401
    assert await page.get_by_text("dashboard").count() >= 1
    await _accessible(page, "login-needed")
    path = await _link_from_spred_chat(tmp_path / "data", admin_site)
    await page.goto(visit.url(path))
    assert page.url.split("?")[0] == visit.url("/dashboard")
    assert await page.get_by_role("heading", name="Dashboard", exact=True).count() == 1
    chart = page.get_by_role("img", name=re.compile("Stablet søjlediagram: organisationer"))
    assert await chart.count() == 1
    assert await page.get_by_role("cell", name="=1+1 hvordan rydder vi sne med droner").count() == 1
    await _accessible(page, "dashboard")
    async with page.expect_download() as caught:
        await page.get_by_role("link", name="Hent som CSV: Efterspørgsel").click()
    download = await caught.value
    assert download.suggested_filename == "spred-demand.csv"
    saved = tmp_path / "demand.csv"
    await download.save_as(saved)
    assert "'=1+1 hvordan rydder vi sne" in saved.read_text(encoding="utf-8")
    # the link again: used
    response = await page.goto(visit.url(path))
    assert response is not None
    assert response.status == 410
    await _accessible(page, "login-used")
    # log out with the form: the dashboard refuses again
    await page.goto(visit.url("/dashboard"))
    async with page.expect_navigation():
        await page.get_by_role("button", name="Log ud").click()
    await _accessible(page, "logged-out")
    response = await page.goto(visit.url("/dashboard"))
    assert response is not None
    assert response.status == 401
    visit.problems = [p for p in visit.problems if "401" not in p and "410" not in p]
    assert visit.problems == []


async def test_someone_not_an_admin_sees_their_own_page(
    browser: Any, admin_site: TestServer
) -> None:
    replies = await admin_site.app[CORE].handle(
        Incoming(platform="console", user_id="anna", text="log ind", conversation="d")
    )
    found = LOGIN_LINK.search(replies[0].text)
    assert found, replies[0].text
    visit = await _visit(browser, admin_site, script=True)
    page = await visit.page()
    await page.goto(visit.url(found.group(1)))
    assert page.url.split("?")[0] == visit.url("/me")
    assert await page.get_by_role("heading", name="Din side").count() == 1
    await _accessible(page, "own-page")
    response = await page.goto(visit.url("/dashboard"))
    assert response is not None
    assert response.status == 403
    assert await page.get_by_text("=1+1").count() == 0
    await _accessible(page, "not-admin")
    visit.problems = [p for p in visit.problems if "403" not in p]
    assert visit.problems == []


# --- an editor reviews a submission (issues 16 and 18)


async def test_an_editor_reviews_a_submission_and_publishes_it(
    browser: Any, admin_site: TestServer
) -> None:
    core = admin_site.app[CORE]
    await core.services.store.submissions.upsert(
        Submission(id="s1", sharer="slack:UDELER", sharer_name="Dorte Deler", draft=DRAFT)
    )
    replies = await core.handle(
        Incoming(platform="console", user_id="chef", text="log ind", conversation="d")
    )
    found = LOGIN_LINK.search(replies[0].text)
    assert found, replies[0].text
    visit = await _visit(browser, admin_site, script=True)
    page = await visit.page()
    await page.goto(visit.url(found.group(1)))
    async with page.expect_navigation():
        await page.get_by_role("link", name=TITLE).click()
    assert page.url.split("?")[0] == visit.url("/dashboard/submissions/s1")
    assert await page.locator("h1").inner_text() == TITLE  # the script tag shown as text
    assert await page.get_by_role("img", name=re.compile(METRIC)).count() == 1
    assert await page.get_by_role("textbox", name=re.compile("Hvad skal ændres")).count() == 1
    await _accessible(page, "review")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Udgiv").click()
    assert page.url.split("?")[0] == visit.url("/dashboard")
    notice = page.get_by_role("status")
    assert "er udgivet" in await notice.inner_text()
    await _accessible(page, "review-published")
    assert await page.get_by_role("link", name=TITLE).count() == 0  # no longer waiting
    assert visit.dialogs == []
    assert visit.problems == []
