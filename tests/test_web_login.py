"""The web's login and dashboard over real loopback HTTP (issue 18): one-time links from the
chat, the session cookie, idle expiry, logout with its CSRF token, who sees which rows, and
the CSV downloads. The browser's view is in test_web_browser.py."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from adapters.web.account import SESSION_COOKIE
from bot.core import Core
from bot.dashboard import Table, as_csv
from bot.roles import Role
from bot.server import CORE
from bot.web_login import IDLE, Logins, hashed, signing_key
from knowledge.records import Demand, Organisation, Submission
from knowledge.store import Store
from tests.conftest import Clock
from tests.test_request_reads import whole_reads
from tests.web_site import fill, web_site

PUBLIC = "http://spred.eksempel.dk"  # http: the test client sends no Secure cookie
ADMIN = "console:chef"
ODENSE = Organisation(
    id="slack:TODENSE", platform="slack", name="Odense Kommune", admins=("slack:ULOCAL",)
)
LINK = re.compile(re.escape(PUBLIC) + r"(/login/[A-Za-z0-9_-]+)")


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[TestServer]:
    data = tmp_path / "data"
    await fill(data)
    async with web_site(data, admins=frozenset({ADMIN}), public_url=PUBLIC) as server:
        core = server.app[CORE]
        store = core.services.store
        await store.organisations.upsert(ODENSE)
        asked = datetime(2026, 11, 1, 9, tzinfo=UTC)
        await store.demand.upsert_many(
            [
                Demand(id="d1", question="=HYPERLINK(ondt) i skolekøkkenet madspild",
                       asker="slack:UASK", org_id=ODENSE.id, asked_at=asked),
                Demand(id="d2", question="Hemmeligt spørgsmål fra Vejle om skole",
                       asker="slack:UVEJLE", org_id="slack:TVEJLE", asked_at=asked),
            ]
        )  # fmt: skip
        await store.submissions.upsert(
            Submission(id="s1", sharer="slack:UVEJLE", sharer_name="Vejles Deler",
                       org_id="slack:TVEJLE", draft={"title": "Vejles indsendte"})
        )  # fmt: skip
        yield server


def _core(server: TestServer) -> Core:
    return server.app[CORE]


async def link_for(server: TestServer, user: str, *, org_id: str = "", direct: bool = True) -> str:
    """The path of the login link `user` gets by writing `dashboard` to Spred."""
    from bot.messages import Incoming

    platform, _, user_id = user.partition(":")
    replies = await _core(server).handle(
        Incoming(platform=platform, user_id=user_id, org_id=org_id, text="dashboard",
                 direct=direct, conversation="d")
    )  # fmt: skip
    found = LINK.search(replies[0].text)
    assert found, replies[0].text
    return found.group(1)


def _client(server: TestServer) -> aiohttp.ClientSession:
    # unsafe: the cookie jar keeps cookies for 127.0.0.1 (an address, not a name)
    return aiohttp.ClientSession(
        base_url=str(server.make_url("/")), cookie_jar=aiohttp.CookieJar(unsafe=True)
    )


async def _logged_in(server: TestServer, http: aiohttp.ClientSession, user: str, **kw: str) -> None:
    path = await link_for(server, user, **kw)
    async with http.get(path, allow_redirects=False) as response:
        assert response.status == 303


async def test_a_link_logs_in_once_with_a_safe_cookie(site: TestServer) -> None:
    path = await link_for(site, ADMIN)
    async with _client(site) as http:
        async with http.get(path, allow_redirects=False) as response:
            assert response.status == 303
            assert response.headers["Location"].startswith("/dashboard")
            cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert "Secure" not in cookie  # served over http, and SPRED_PUBLIC_URL is http
        async with http.get("/dashboard") as response:
            assert response.status == 200
            assert "Efterspørgsel" in await response.text()
    # the same link again, in another browser: refused with a page saying what to do
    async with _client(site) as http, http.get(path) as response:
        assert response.status == 410
        assert "dashboard" in await response.text()
        assert SESSION_COOKIE not in response.cookies
    # the store knows the token only hashed
    token = path.rsplit("/", 1)[1]
    store = _core(site).services.store
    assert await store.login_links.get(token) is None
    assert await store.login_links.get(hashed(token)) is not None


async def test_the_cookie_is_secure_when_spred_is_served_over_https(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await fill(data)
    secure = "https://spred.eksempel.dk"
    async with web_site(data, admins=frozenset({ADMIN}), public_url=secure) as server:
        from bot.messages import Incoming

        said = await server.app[CORE].handle(
            Incoming(platform="console", user_id="chef", text="login", conversation="d")
        )
        path = said[0].text.rsplit(secure, 1)[1]
        async with _client(server) as http, http.get(path, allow_redirects=False) as response:
            assert response.status == 303
            assert "Secure" in response.headers["Set-Cookie"]


async def test_an_expired_or_unknown_link_is_refused(site: TestServer) -> None:
    path = await link_for(site, ADMIN)
    store = _core(site).services.store
    key = hashed(path.rsplit("/", 1)[1])
    link = await store.login_links.get(key)
    assert link is not None
    await store.login_links.upsert(
        replace(link, expires_at=link.expires_at - timedelta(minutes=11))
    )
    async with _client(site) as http:
        for wrong in (path, "/login/" + "A" * 43, "/login/kort"):
            async with http.get(wrong) as response:
                assert response.status == 410, wrong
                assert "10 minutter" in await response.text()


async def test_a_link_in_a_channel_or_without_a_public_url_is_not_given(
    site: TestServer, tmp_path: Path
) -> None:
    from bot.messages import Incoming

    said = await _core(site).handle(
        Incoming(platform="console", user_id="chef", text="log ind", direct=False, conversation="c")
    )
    assert "privat" in said[0].text
    assert "/login/" not in said[0].text
    data = tmp_path / "other"
    await fill(data)
    async with web_site(data, admins=frozenset({ADMIN})) as bare:
        said = await bare.app[CORE].handle(
            Incoming(platform="console", user_id="chef", text="login", conversation="d")
        )
        assert "SPRED_PUBLIC_URL" in said[0].text


async def test_logged_out_the_dashboard_and_its_csv_are_refused(site: TestServer) -> None:
    async with _client(site) as http:
        for path in ("/dashboard", "/dashboard/demand.csv", "/me"):
            async with http.get(path) as response:
                assert response.status == 401, path
                text = await response.text()
                assert "HYPERLINK" not in text
                assert "dashboard" in text  # how to log in


async def test_a_session_ends_after_eight_idle_hours(site: TestServer) -> None:
    async with _client(site) as http:
        await _logged_in(site, http, ADMIN)
        store = _core(site).services.store
        (session,) = await store.web_sessions.find(user=ADMIN)
        # seen just now: a page costs no write
        async with http.get("/dashboard") as response:
            assert response.status == 200
        assert await store.web_sessions.get(session.key) == session
        # seen 7 hours ago: still in, and marked seen now
        await store.web_sessions.upsert(
            replace(session, seen_at=session.seen_at - timedelta(hours=7))
        )
        async with http.get("/dashboard") as response:
            assert response.status == 200
        again = await store.web_sessions.get(session.key)
        assert again is not None
        assert again.seen_at > session.seen_at - timedelta(hours=7)
        await store.web_sessions.upsert(replace(again, seen_at=again.seen_at - IDLE))
        async with http.get("/dashboard") as response:
            assert response.status == 401
        assert await store.web_sessions.get(session.key) is None


async def test_logout_needs_the_csrf_token(site: TestServer) -> None:
    async with _client(site) as http:
        await _logged_in(site, http, ADMIN)
        async with http.post("/logout", data={"csrf": "falsk"}) as response:
            assert response.status == 403
        async with http.get("/dashboard") as response:
            page = await response.text()
            assert response.status == 200
        csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', page)
        assert csrf
        async with http.post("/logout", data={"csrf": csrf.group(1)}) as response:
            assert response.status == 200
        async with http.get("/dashboard") as response:
            assert response.status == 401
        assert await _core(site).services.store.web_sessions.find(user=ADMIN) == []


async def test_a_global_admin_sees_everything_and_a_local_admin_their_own(site: TestServer) -> None:
    async with _client(site) as http:
        await _logged_in(site, http, ADMIN)
        async with http.get("/dashboard") as response:
            page = await response.text()
        assert "Hemmeligt spørgsmål fra Vejle" in page
        assert "Vejles indsendte" in page
    async with _client(site) as http:
        await _logged_in(site, http, "slack:ULOCAL", org_id=ODENSE.id)
        async with http.get("/dashboard") as response:
            page = await response.text()
            assert response.status == 200
        assert "Odense Kommune" in page
        assert "HYPERLINK" in page  # their organisation's question
        assert "Hemmeligt spørgsmål fra Vejle" not in page
        assert "Vejles indsendte" not in page
        async with http.get("/dashboard/demand.csv") as response:
            assert "Hemmeligt" not in await response.text()


async def test_someone_not_an_admin_gets_their_own_page(site: TestServer) -> None:
    async with _client(site) as http:
        path = await link_for(site, "slack:UANYONE", org_id=ODENSE.id)
        async with http.get(path, allow_redirects=False) as response:
            assert response.headers["Location"].startswith("/me")
        async with http.get("/me") as response:
            assert response.status == 200
            assert "Din side" in await response.text()
        async with http.get("/dashboard") as response:
            assert response.status == 403
            assert "HYPERLINK" not in await response.text()
        async with http.get("/dashboard/demand.csv") as response:
            assert response.status == 403


async def test_a_csv_neutralises_formulas(site: TestServer) -> None:
    async with _client(site) as http:
        await _logged_in(site, http, ADMIN)
        async with http.get("/dashboard/demand.csv") as response:
            assert response.status == 200
            assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
            disposition = response.headers["Content-Disposition"]
            body = await response.text()
        assert disposition == 'attachment; filename="spred-demand.csv"'
        assert "'=HYPERLINK(ondt)" in body
        assert ",=HYPERLINK" not in body
        assert body.splitlines()[0].startswith("Emne,")
        async with http.get("/dashboard/findes-ikke.csv") as response:
            assert response.status == 404


async def test_no_token_reaches_the_access_log(
    site: TestServer, caplog: pytest.LogCaptureFixture
) -> None:
    path = await link_for(site, ADMIN)
    token = path.rsplit("/", 1)[1]
    with caplog.at_level(logging.INFO):
        async with _client(site) as http, http.get(path, allow_redirects=False) as response:
            assert response.status == 303
            session_id = response.cookies[SESSION_COOKIE].value
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/login/…" in logged  # the access log names the request, without its token
    assert token not in logged
    assert session_id not in logged


# --- the same rules in the core and the store, over every backend


async def test_two_processes_redeeming_one_link_open_one_session(
    store: Store, clock: Clock
) -> None:
    first = Logins(store=store, clock=clock)
    second = Logins(store=store, clock=clock)  # another server process on the same store
    token = await first.link(user=ADMIN, org_id="", language="da")
    opened = await asyncio.gather(*(logins.redeem(token) for logins in (first, second) * 3))
    assert len([o for o in opened if o is not None]) == 1
    assert len(await store.web_sessions.find(user=ADMIN)) == 1


async def test_two_instances_agree_on_the_signing_key(store: Store) -> None:
    keys = await asyncio.gather(*(signing_key(store, "") for _ in range(4)))
    assert len(set(keys)) == 1
    assert len(keys[0]) == 64
    assert await signing_key(store, "x" * 40) == b"x" * 40


async def test_the_dashboard_reads_no_whole_collection(core: Core) -> None:
    role = Role(user="console:admin", global_admin=True, organisation=None)
    with whole_reads(core.services.store) as read:
        board = await core.dashboard(role, language="da")
    assert read == []
    assert list(board.tables) == [
        "demand",
        "demand_trend",
        "answered",
        "spreading",
        "adoptions_by_month",
        "managers",
        "submissions",
        "confirmations",
    ]


def test_formula_like_cells_get_an_apostrophe() -> None:
    table = Table(
        name="t",
        title="T",
        columns=("=kolonne", "b"),
        rows=(("=1+1", "+4"), ("-2", "@SUM(A1)"), ("\tx", "\rx"), ("ok", -3)),
    )
    lines = as_csv(table).split("\r\n")
    assert lines[0] == "'=kolonne,b"
    assert lines[1] == "'=1+1,'+4"
    assert lines[2] == "'-2,'@SUM(A1)"
    assert lines[3] == "'\tx,\"'\rx\""
    assert lines[4] == "ok,-3"  # a number is a number


async def test_a_dashboard_kept_is_made_again_once_anything_it_read_changed(core: Core) -> None:
    role = Role(user="console:admin", global_admin=True, organisation=None)
    first = await core.dashboard(role, language="da")
    assert await core.dashboard(role, language="da") is first  # nothing changed: kept
    # another process (say) stores a question nobody could answer
    await core.services.store.demand.upsert(
        Demand(id="ny", question="sne og droner på kirkegården", asker="slack:U9")
    )
    again = await core.dashboard(role, language="da")
    assert again is not first
    assert [row[3] for row in again.tables["demand"].rows] == ["sne og droner på kirkegården"]
    english = await core.dashboard(role, language="en")
    assert english.tables["demand"].title == "Demand: open questions by topic"


async def test_expired_links_and_idle_sessions_are_pruned(store: Store, clock: Clock) -> None:
    logins = Logins(store=store, clock=clock)
    used = await logins.link(user=ADMIN, org_id="", language="da")
    opened = await logins.redeem(used)
    assert opened is not None
    await logins.link(user=ADMIN, org_id="", language="da")  # never used
    clock.advance(minutes=11)
    assert await logins.prune() == 2  # both links: expired
    assert len(await store.web_sessions.find(user=ADMIN)) == 1  # the session is not idle yet
    clock.advance(hours=8)
    assert await logins.prune() == 1
    assert await logins.session(opened.session_id) is None
