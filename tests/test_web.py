"""The web's public pages over real loopback HTTP: the contract's `GET /`, `?q=` and
`/l/<id>`, escaping, headers, the rate limit (also across two servers on one database),
and what an anonymous visitor may not do. The browser's view is in test_web_browser.py."""

from __future__ import annotations

import re
import tomllib
from collections.abc import AsyncIterator
from fnmatch import fnmatch
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from adapters.web.pages import HEADERS
from bot.core import Core
from bot.i18n import say
from bot.limits import RateLimits
from knowledge.records import Adoption
from knowledge.store import Store
from tests.conftest import Clock
from tests.test_request_reads import whole_reads
from tests.web_site import (
    ADOPTER,
    DEMO_ID,
    DEMO_TITLE,
    HOSTILE_ID,
    OLD_ID,
    OTHER_ID,
    REPORTER,
    SECRET_UNIT,
    SPREAD,
    fill,
    spread,
    web_site,
)

LIMIT = 5


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[TestServer]:
    data = tmp_path / "data"
    await fill(data)
    environ = {"SPRED_WEB_QUESTIONS_PER_MINUTE": str(LIMIT)}
    async with web_site(data, environ=environ) as server:
        yield server


@pytest.fixture
async def spread_site(tmp_path: Path) -> AsyncIterator[TestServer]:
    """Solutions taken up over the year before the test clock's day (web_site.SPREAD)."""
    data = tmp_path / "data"
    await fill(data)
    await spread(data)
    async with web_site(data, clock=Clock()) as server:
        yield server


async def _get(
    server: TestServer, path: str, **headers: str
) -> tuple[int, aiohttp.typedefs.LooseHeaders, str]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(server.make_url(path), headers=headers) as response,
    ):
        return response.status, response.headers, await response.text()


def _text(html: str) -> str:
    """What a reader sees: tags out, entities as they are."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def test_the_home_page_says_what_spred_is_and_has_a_labelled_question_box(
    site: TestServer,
) -> None:
    status, headers, html = await _get(site, "/")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert '<html lang="da">' in html
    assert say("da", "web_intro") in html
    assert '<label for="q">Dit spørgsmål</label>' in html
    assert '<form class="ask" action="/" method="get"' in html
    for landmark in ("<header", "<main", "<footer", 'class="skip" href="#main"'):
        assert landmark in html
    # no inline script or style anywhere: the policy would block it
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert "style=" not in html
    assert "<style" not in html


async def test_every_web_response_carries_the_security_headers(site: TestServer) -> None:
    paths = ("/", "/?q=ventetid", "/ask?q=ventetid", f"/l/{DEMO_ID}", "/l/findes-ikke")
    for path in (*paths, "/static/web/spred.css", "/static/web/findes-ikke.js"):
        _, headers, _ = await _get(site, path)
        for name, value in HEADERS.items():
            assert headers.get(name) == value, (path, name)
    _, headers, _ = await _get(site, "/healthz")  # not a page: left as it was
    assert "Content-Security-Policy" not in headers
    _, headers, _ = await _get(site, "/")
    assert "script-src 'self';" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


async def test_a_question_in_the_address_is_answered_with_the_matches_titles(
    site: TestServer,
) -> None:
    status, headers, html = await _get(site, "/?q=ventetid+på+første+besøg+i+hjemmeplejen")
    assert status == 200
    assert DEMO_TITLE in html
    assert f'href="/l/{DEMO_ID}?lang=da"' in html
    text = _text(html)
    assert "Ventetid fra henvendelse til første besøg: 4,8 → 0,9 dage" in text
    assert "Aarhus Kommune" in text
    # contacting a colleague needs a person: said, not offered as a button
    assert "Log ind via Slack eller Teams for at bruge “Kontakt" in text
    assert "<button" not in html.split("</form>", 1)[1]
    assert "spred_visitor=" in headers.get("Set-Cookie", "")


async def test_the_fragment_endpoint_answers_the_same(site: TestServer) -> None:
    status, _, html = await _get(site, "/ask?q=ventetid+på+første+besøg+i+hjemmeplejen")
    assert status == 200
    assert html.lstrip().startswith('<article class="exchange">')
    assert DEMO_TITLE in html
    assert "<html" not in html


async def test_english_by_the_browser_or_the_switch(site: TestServer) -> None:
    _, _, by_browser = await _get(site, "/", **{"Accept-Language": "en-GB,en;q=0.9,da;q=0.5"})
    assert '<html lang="en">' in by_browser
    assert "Your question" in by_browser
    _, _, danish_first = await _get(site, "/", **{"Accept-Language": "da,en;q=0.8"})
    assert '<html lang="da">' in danish_first
    _, _, switched = await _get(site, "/?lang=en", **{"Accept-Language": "da"})
    assert '<html lang="en">' in switched
    assert 'href="/?lang=da"' in switched  # and back
    _, _, answered = await _get(site, "/?q=how+do+we+cut+waiting+times+in+home+care&lang=en")
    assert '<div class="reply" lang="en">' in answered


async def test_what_people_and_solutions_wrote_is_shown_as_text(site: TestServer) -> None:
    _, _, answer = await _get(site, "/?q=madspild+i+skolekøkkenet")
    _, _, page = await _get(site, f"/l/{HOSTILE_ID}")
    for html in (answer, page):
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<b>og</b>" not in html
    _, _, asked = await _get(site, "/?q=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E+madspild")
    assert "<img src=x" not in asked
    assert "&lt;img src=x onerror=alert(1)&gt;" in asked


async def test_a_solution_page_shows_what_the_solution_publishes(site: TestServer) -> None:
    status, _, html = await _get(site, f"/l/{DEMO_ID}")
    assert status == 200
    text = _text(html)
    assert f"<h1>{DEMO_TITLE}</h1>" in html
    # the chart, with its numbers said for those who cannot see it
    assert '<svg role="img" aria-labelledby="chart-1"' in html
    assert "Ventetid fra henvendelse til første besøg: før 4,8, efter 0,9 dage" in html
    assert "Før 4,8 Efter 0,9 Enhed dage Periode 2022–2023" in text
    assert "Kilde Kommunens egen opgørelse af visitationsdata" in text
    # who uses it: the organisation and its stage, never who reported it
    assert f"Bruger den {ADOPTER} (siden marts 2026)" in text
    assert REPORTER not in html
    assert "Hjemmeplejen Nord" not in html
    assert "mailto:" in html


async def test_an_unknown_solution_is_a_404_page_with_a_search_box(site: TestServer) -> None:
    for path in ("/l/findes-ikke", "/l/%3Cscript%3E", "/l/" + "x" * 300, "/l/UPPER_case"):
        status, headers, html = await _get(site, path)
        assert status == 404, path
        assert headers["Content-Type"].startswith("text/html")
        assert say("da", "web_not_found_title") in html
        assert '<form class="ask" action="/"' in html


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("", say("da", "empty")),
        ("+++", say("da", "empty")),
        ("a" * 5000, say("da", "web_too_long", length=5000, most=1000)),
        ("%00%01%1b%1b", say("da", "empty")),
        ("%ff%fe", ""),  # not UTF-8: read as what it decodes to, answered
        ("7", say("da", "bare_number", number="7")),
    ],
)
async def test_odd_input_gets_a_clear_message_never_a_failure(
    site: TestServer, query: str, said: str
) -> None:
    status, _, html = await _get(site, f"/?q={query}")
    assert status == 200
    assert "\x00" not in html
    assert "\x1b" not in html
    assert say("da", "internal_error") not in html
    if said:
        assert said in html


async def test_commands_that_act_as_a_person_need_a_login(site: TestServer) -> None:
    for question in ("del en løsning", "glem mig", f"hvem bruger {DEMO_TITLE}", "tilføj"):
        status, _, html = await _get(site, f"/?q={question}")
        assert status == 200
        assert say("da", "web_needs_login") in html, question
        assert REPORTER not in html


async def test_an_answer_offers_a_visitor_no_follow(site: TestServer) -> None:
    # In chat this answer offers *Følg ældrepleje* (tests/test_follow.py); a visitor is
    # anonymous, no digest could reach them, so neither the button nor the line to type it.
    _, _, html = await _get(site, "/?q=hvordan+får+vi+ventetiden+ned+i+hjemmeplejen")
    assert DEMO_TITLE in html
    assert "Hjalp ikke" in html  # the answer's own button, shown as needing a login
    assert "Følg" not in html
    assert "følg ældrepleje" not in html


async def test_more_answers_follow_as_a_link(site: TestServer) -> None:
    _, _, first = await _get(site, "/?q=hjemmepleje")
    more = re.search(r'<a href="(/\?q=[^"]+more=3)" data-more>', first)
    assert more is not None
    status, _, html = await _get(site, more.group(1).replace("&amp;", "&"))
    assert status == 200
    assert "card" in html


async def test_static_files_are_served_with_their_types(site: TestServer) -> None:
    status, headers, css = await _get(site, "/static/web/spred.css")
    assert (status, headers["Content-Type"]) == (200, "text/css")
    assert ":focus-visible" in css
    status, headers, script = await _get(site, "/static/web/spred.js")
    assert status == 200
    assert headers["Content-Type"] in ("application/javascript", "text/javascript")
    assert "fetch(" in script
    status, _, _ = await _get(site, "/static/web/../templates/home.html")
    assert status in (403, 404)


async def test_too_many_questions_get_a_clear_429_page(site: TestServer) -> None:
    for i in range(LIMIT):
        status, _, _ = await _get(site, f"/?q=ventetid+{i}")
        assert status == 200, i
    status, headers, html = await _get(site, "/?q=ventetid+igen")
    assert status == 429
    assert headers["Retry-After"] == "60"
    assert say("da", "web_too_many") in html
    status, _, fragment = await _get(site, "/ask?q=ventetid")
    assert status == 429
    assert say("da", "web_too_many") in fragment
    # reading is not limited
    status, _, _ = await _get(site, f"/l/{DEMO_ID}")
    assert status == 200
    status, _, _ = await _get(site, "/")
    assert status == 200


async def test_the_limit_holds_across_two_servers_on_one_database(
    tmp_path: Path, database_url: str
) -> None:
    await fill(tmp_path / "unused", database=database_url)
    environ = {"SPRED_WEB_QUESTIONS_PER_MINUTE": "4"}
    async with (
        web_site(tmp_path / "a", environ=environ, database=database_url) as one,
        web_site(tmp_path / "b", environ=environ, database=database_url) as two,
    ):
        statuses = [(await _get(server, "/?q=ventetid"))[0] for server in (one, two) * 3]
    assert statuses == [200, 200, 200, 200, 429, 429]


async def test_rate_limits_count_per_client_and_minute_and_are_forgotten(
    store: Store, clock: Clock
) -> None:
    limits = RateLimits(store=store, clock=clock)
    assert [await limits.admit("10.0.0.1", limit=2) for _ in range(4)] == [
        True,
        True,
        False,
        False,
    ]
    assert await limits.admit("10.0.0.2", limit=2)  # another client counts on its own
    stored = await store.rate_limits.all()
    assert "10.0.0.1" not in str([r.to_dict() for r in stored])  # hashed, never the address
    clock.advance(minutes=1, seconds=1)
    assert await limits.admit("10.0.0.1", limit=2)  # a new minute
    assert await limits.prune() == 2  # the last minute's two clients
    assert len(await store.rate_limits.all()) == 1


async def test_a_solution_page_and_a_rate_count_read_no_whole_collection(core: Core) -> None:
    with whole_reads(core.services.store) as read:
        page = await core.solution_page("hurtig-opstart-i-hjemmeplejen", language="da")
        assert await core.limits.admit("10.0.0.1", limit=3)
        assert await core.solution_page("findes-ikke", language="da") is None
    assert page is not None
    assert page.card.title == "Opstartsteam sikrer hjemmehjælp inden for et døgn"
    assert read == []


def test_every_template_and_static_file_ships_in_the_package() -> None:
    root = Path(__file__).resolve().parents[1]
    with (root / "pyproject.toml").open("rb") as f:
        patterns = tomllib.load(f)["tool"]["setuptools"]["package-data"]["adapters"]
    files = [
        str(p.relative_to(root / "adapters"))
        for p in (root / "adapters" / "web").rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc")
    ]
    assert "web/static/spred.js" in files
    assert [f for f in files if not any(fnmatch(f, pattern) for pattern in patterns)] == []


async def test_a_store_out_of_reach_is_an_apology_never_a_500(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await fill(data)
    async with web_site(data) as server:
        data.rename(tmp_path / "elsewhere")  # a volume unmounted under the running server
        status, _, html = await _get(server, "/?q=ventetid+i+hjemmeplejen")
        page_status, _, page = await _get(server, f"/l/{DEMO_ID}")
        (tmp_path / "elsewhere").rename(data)
    assert status == 200
    assert say("da", "internal_error") in html
    # a data directory gone reads as one without that solution: said, never a traceback
    assert page_status == 404
    assert "Traceback" not in page


async def test_a_solution_the_store_fails_to_read_is_a_503_page(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await fill(data)
    async with web_site(data) as server:
        solutions = data / "solutions.json"
        solutions.rename(tmp_path / "kept.json")
        solutions.mkdir()  # a file the store can no longer read
        status, _, page = await _get(server, f"/l/{DEMO_ID}")
        solutions.rmdir()
        (tmp_path / "kept.json").rename(solutions)
    assert status == 503
    assert "Traceback" not in page


async def test_a_solution_page_in_english(site: TestServer) -> None:
    status, _, html = await _get(site, f"/l/{DEMO_ID}?lang=en")
    assert status == 200
    assert '<html lang="en">' in html
    text = _text(html)
    assert "Result before and after" in text
    assert "Before 4.8 After 0.9 Unit dage" in text  # English decimals; the unit as written
    assert f"Using it {ADOPTER} (since March 2026)" in text


def _over_time(html: str) -> str:
    """The text of a solution page's table of its users over time."""
    table = re.search(r'<table class="data" id="t-users_by_month">.*?</table>', html, re.S)
    assert table is not None
    return _text(table.group(0)).strip()


async def test_a_solution_page_shows_its_users_stage_by_stage_over_time(
    spread_site: TestServer,
) -> None:
    status, _, html = await _get(spread_site, f"/l/{DEMO_ID}")
    assert status == 200
    # the twelve months up to the clock's (November 2026), each organisation in the month of
    # its latest step in Copenhagen; Ringsted's (November 2025) is older, another solution's
    # adoptions in the same months are not this one's
    assert _over_time(html) == (
        "Måned Interesseret Prøver Nye brugere "
        "december 2025 0 0 0 januar 2026 2 0 0 februar 2026 0 1 0 marts 2026 0 0 1 "
        "april 2026 0 0 0 maj 2026 0 0 0 juni 2026 0 1 1 juli 2026 0 0 0 "
        "august 2026 0 0 0 september 2026 0 0 0 oktober 2026 1 0 0 november 2026 0 0 0"
    )
    # the chart, named by what it shows, its numbers said in its accessible name
    assert '<svg role="img" aria-labelledby="chart-users"' in html
    assert (
        f'<title id="chart-users">Stablet søjlediagram: organisationer, der nåede hvert trin '
        f"med {DEMO_TITLE}, pr. måned de seneste 12 måneder: 3 blev interesserede, 2 begyndte "
        "at prøve, 2 tog den i brug. Tallene står i tabellen under.</title>"
    ) in html
    chart = re.search(r'<svg role="img" aria-labelledby="chart-users".*?</svg>', html, re.S)
    assert chart is not None
    assert chart.group(0).count("<rect ") == 6  # a segment per stage reached in a month
    text = _text(html)
    assert "Prøver den Herning Kommune (siden februar 2026) Viborg Kommune" in text
    assert "Over tid: organisationer pr. trin og måned" in text
    # organisations and counts, never who reported a stage or in which unit
    assert REPORTER not in html
    assert SECRET_UNIT not in html


async def test_the_users_over_time_in_english(spread_site: TestServer) -> None:
    _, _, html = await _get(spread_site, f"/l/{DEMO_ID}?lang=en")
    assert _over_time(html).startswith(
        "Month Interested Trying New users "
        "December 2025 0 0 0 January 2026 2 0 0 February 2026 0 1 0 March 2026 0 0 1 "
    )
    assert "Over time: organisations per stage and month" in _text(html)
    assert "3 became interested, 2 started trying, 2 took it into use." in html


async def test_each_solution_counts_only_its_own_users(spread_site: TestServer) -> None:
    _, _, html = await _get(spread_site, f"/l/{OTHER_ID}")
    assert _over_time(html) == (
        "Måned Interesseret Prøver Nye brugere "
        "december 2025 0 0 0 januar 2026 1 0 0 februar 2026 0 0 0 marts 2026 0 0 1 "
        "april 2026 0 0 0 maj 2026 0 0 0 juni 2026 0 0 0 juli 2026 0 0 0 "
        "august 2026 0 0 0 september 2026 0 0 0 oktober 2026 0 0 0 november 2026 0 0 0"
    )
    assert "1 blev interesserede, 0 begyndte at prøve, 1 tog den i brug." in html


async def test_a_solution_taken_up_only_long_ago_says_so_without_a_chart(
    spread_site: TestServer,
) -> None:
    _, _, html = await _get(spread_site, f"/l/{OLD_ID}")
    text = _text(html)
    assert "Prøver den Greve Kommune (siden oktober 2025)" in text
    assert "Over tid: organisationer pr. trin og måned" in text
    assert say("da", "web_users_none_lately") in text
    assert "chart-users" not in html
    assert "t-users_by_month" not in html
    # a solution nobody has taken up says that once, with nothing over time
    _, _, none = await _get(spread_site, f"/l/{HOSTILE_ID}")
    assert say("da", "web_no_users") in none
    assert "Over tid" not in none
    assert say("da", "web_users_none_lately") not in none


async def test_a_solutions_users_over_time_are_summed_by_every_store(core: Core) -> None:
    """The store's sum, not the adoptions read one by one: the same months on each backend."""
    await core.services.store.adoptions.upsert_many(
        [
            Adoption(id=f"o{n}", solution_id=solution_id, user=f"slack:UO{n}",
                     organization=organisation, stage=stage, updated_at=moment)
            for n, (solution_id, organisation, stage, moment) in enumerate(SPREAD)
        ]
    )  # fmt: skip
    with whole_reads(core.services.store) as read:
        page = await core.solution_page(DEMO_ID, language="en")
        old = await core.solution_page(OLD_ID, language="en")
    assert read == []
    assert page is not None
    assert old is not None
    assert [(m.label, m.stages) for m in page.months if sum(m.stages)] == [
        ("2026-01", (2, 0, 0)),
        ("2026-02", (0, 1, 0)),
        ("2026-06", (0, 1, 1)),
        ("2026-10", (1, 0, 0)),
    ]
    assert [m.label for m in page.months][::11] == ["2025-12", "2026-11"]
    assert page.over_time is not None
    assert page.over_time.rows[1] == ("January 2026", 2, 0, 0)
    assert old.months == ()
    assert old.over_time is None
