"""Editors review submissions on the web (issues 16 and 18), over real loopback HTTP: the
dashboard's queue links each waiting submission to its page, the page shows the draft
(escaped), and its three forms decide through the chat's own decision: the same letters to
the sharer, the same history, one winner of two editors (also two servers on one
PostgreSQL database). Refusals are pages, never a 500. The browser's view is in
test_web_browser.py."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.core import Core
from bot.i18n import say
from bot.messages import Incoming
from bot.server import CORE
from knowledge.records import Organisation, Submission, SubmissionState
from knowledge.store import StoreError
from tests.test_web_login import link_for
from tests.web_site import fill, web_site

PUBLIC = "http://spred.eksempel.dk"
ADMIN = "console:chef"
OTHER_ADMIN = "console:redaktoer"
LOCAL = "slack:ULOCAL"
SHARER = "slack:UDELER"
ODENSE = Organisation(id="slack:TODENSE", platform="slack", name="Odense Kommune", admins=(LOCAL,))
TITLE = "<script>alert(1)</script> Vagtplan på tværs af teams"
PROBLEM = "Vagter stod tomme, fordi teams ikke kunne låne af hinanden."
SUMMARY = "Teams deler én vagtplan og låner af hinanden, når nogen er syge."
METRIC = "Tomme vagter pr. måned"
CONTACT = "Dorte Deler"
DRAFT: dict[str, Any] = {
    "title": TITLE,
    "summary": SUMMARY,
    "problem": PROBLEM,
    "organization": "Odense Kommune",
    "results": [
        {"metric": METRIC, "before": 14, "after": 3.5, "unit": "vagter", "period": "2025",
         "source": "Vagtplanens egne tal"}
    ],
    "contacts": [{"name": CONTACT, "email": "dorte@odense.eksempel.dk", "role": "teamleder"}],
    "conditions": "En fælles vagtplan.",
}  # fmt: skip
SHARED = datetime(2026, 11, 1, 9, tzinfo=UTC)
CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


def _submission(id: str, *, org_id: str = ODENSE.id, **draft: Any) -> Submission:
    return Submission(
        id=id,
        sharer=SHARER,
        sharer_name="Dorte Deler",
        org_id=org_id,
        draft={**DRAFT, **draft},
        created_at=SHARED,
        updated_at=SHARED,
    )


async def _fill_submissions(core: Core) -> None:
    store = core.services.store
    await store.organisations.upsert(ODENSE)
    await store.submissions.upsert_many(
        [
            _submission("s-odense"),
            _submission("s-vejle", org_id="slack:TVEJLE", title="Vejles egen",
                        organization="Vejle"),
            _submission("s-uden-tal", title="Uden tal", results=[{"metric": METRIC}]),
            Submission(id="s-rettes", sharer=SHARER, sharer_name="Dorte Deler",
                       org_id=ODENSE.id, draft={"title": "Sendt tilbage"},
                       state=SubmissionState.CHANGES),
        ]
    )  # fmt: skip


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[TestServer]:
    data = tmp_path / "data"
    await fill(data)
    admins = frozenset({ADMIN, OTHER_ADMIN})
    async with web_site(data, admins=admins, public_url=PUBLIC) as server:
        await _fill_submissions(_core(server))
        yield server


def _core(server: TestServer) -> Core:
    return server.app[CORE]


class Editor:
    """A browser of someone logged in: cookies kept, the page's CSRF token at hand."""

    def __init__(self, server: TestServer, http: aiohttp.ClientSession) -> None:
        self.server = server
        self.http = http

    async def get(self, path: str) -> tuple[int, str]:
        async with self.http.get(path, allow_redirects=False) as response:
            return response.status, await response.text()

    async def csrf(self) -> str:
        _, page = await self.get("/dashboard")
        found = CSRF.search(page)
        assert found, page
        return found.group(1)

    async def post(
        self,
        ref: str,
        decision: str,
        note: str | None = None,
        *,
        csrf: str | None = None,
        seen: str | None = None,
    ) -> aiohttp.ClientResponse:
        form = {"csrf": await self.csrf() if csrf is None else csrf, "decision": decision}
        if note is not None:
            form["note"] = note
        if seen is not None:
            form["seen"] = seen
        async with self.http.post(
            f"/dashboard/submissions/{ref}", data=form, allow_redirects=False
        ) as response:
            await response.read()
            return response


@pytest.fixture
async def editor(site: TestServer) -> AsyncIterator[Editor]:
    async with _logged_in(site, ADMIN) as logged:
        yield logged


class _logged_in:
    def __init__(self, server: TestServer, user: str, org_id: str = "") -> None:
        self.server, self.user, self.org_id = server, user, org_id

    async def __aenter__(self) -> Editor:
        self.http = aiohttp.ClientSession(
            base_url=str(self.server.make_url("/")), cookie_jar=aiohttp.CookieJar(unsafe=True)
        )
        path = await link_for(self.server, self.user, org_id=self.org_id)
        async with self.http.get(path, allow_redirects=False) as response:
            assert response.status == 303
        return Editor(self.server, self.http)

    async def __aexit__(self, *_: object) -> None:
        await self.http.close()


async def _state(server: TestServer, ref: str) -> SubmissionState:
    stored = await _core(server).services.store.submissions.get(ref)
    assert stored is not None
    return stored.state


async def _letters(server: TestServer) -> list[dict[str, Any]]:
    return [
        dict(letter.reply) for letter in await _core(server).services.store.outbox.find(to=SHARER)
    ]


# --- the queue and the page


async def test_the_queue_links_each_waiting_submission_to_its_review_page(
    editor: Editor,
) -> None:
    status, page = await editor.get("/dashboard")
    assert status == 200
    assert '<a href="/dashboard/submissions/s-odense?lang=da">&lt;script&gt;' in page
    assert '<a href="/dashboard/submissions/s-vejle?lang=da">Vejles egen</a>' in page
    assert "Sendt tilbage" in page  # back with the sharer: listed, not to review
    assert "/dashboard/submissions/s-rettes" not in page
    assert "<script>alert" not in page


async def test_the_page_shows_the_draft_as_its_solution_would_look_escaped(
    editor: Editor,
) -> None:
    async with editor.http.get("/dashboard/submissions/s-odense") as response:
        assert response.status == 200
        headers = response.headers
        page = await response.text()
    assert headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "<script>alert" not in page
    assert '<h1 id="h-title">&lt;script&gt;alert(1)&lt;/script&gt; Vagtplan' in page
    for shown in (PROBLEM, SUMMARY, METRIC, "14", "3,5", "vagter", "Vagtplanens egne tal",
                  CONTACT, "teamleder", "Odense Kommune", "Dorte Deler", "En fælles vagtplan",
                  "pilot"):  # fmt: skip
        assert shown in page, shown
    assert len(CSRF.findall(page)) == 4  # three decisions and the logout
    for decision in ("publish", "changes", "reject"):
        assert f'name="decision" value="{decision}"' in page
    assert "Udgiv" in page
    assert "Bed om ændringer" in page
    assert "Afvis" in page
    assert '<label for="note-changes">Hvad skal ændres i' in page
    status, english = await editor.get("/dashboard/submissions/s-odense?lang=en")
    assert status == 200
    assert "Ask for changes" in english
    assert "Submitted solution" in english
    assert "3.5" in english


async def test_unknown_and_another_organisations_submissions_are_not_found(
    site: TestServer, editor: Editor
) -> None:
    status, page = await editor.get("/dashboard/submissions/findes-ikke")
    assert status == 404
    assert say("da", "web_not_found") in page
    async with _logged_in(site, LOCAL, org_id=ODENSE.id) as local:
        assert (await local.get("/dashboard/submissions/s-odense"))[0] == 200
        status, theirs = await local.get("/dashboard/submissions/s-vejle")
        assert status == 404
        assert "Vejle" not in theirs  # nothing says it exists
        unknown = (await local.get("/dashboard/submissions/findes-ikke"))[1]
        assert theirs.replace("s-vejle", "findes-ikke") == unknown  # the same page
        response = await local.post("s-vejle", "reject", "Nej")
        assert response.status == 404
    assert await _state(site, "s-vejle") is SubmissionState.WAITING
    assert await _letters(site) == []


async def test_logged_out_and_not_an_admin_are_refused_and_nothing_is_decided(
    site: TestServer,
) -> None:
    async with aiohttp.ClientSession(base_url=str(site.make_url("/"))) as http:
        for method in ("GET", "POST"):
            async with http.request(
                method, "/dashboard/submissions/s-odense", data={"decision": "publish"}
            ) as response:
                assert response.status == 401, method
                page = await response.text()
            assert say("da", "web_login_needed_title") in page
            assert PROBLEM not in page
    async with _logged_in(site, "slack:UANDEN", org_id=ODENSE.id) as someone:
        status, page = await someone.get("/dashboard/submissions/s-odense")
        assert status == 403
        assert say("da", "web_not_admin_title") in page
        assert PROBLEM not in page
        csrf = CSRF.search(page)
        assert csrf
        response = await someone.post("s-odense", "publish", csrf=csrf.group(1))
        assert response.status == 403
    assert await _state(site, "s-odense") is SubmissionState.WAITING


async def test_a_form_without_its_csrf_token_or_with_an_unknown_decision_decides_nothing(
    site: TestServer, editor: Editor
) -> None:
    response = await editor.post("s-odense", "publish", csrf="f" * 64)
    assert response.status == 403
    response = await editor.post("s-odense", "udgiv-alt")
    assert response.status == 400
    assert await _state(site, "s-odense") is SubmissionState.WAITING
    assert await _letters(site) == []


# --- deciding: the chat's decision


async def test_publishing_on_the_web_publishes_tells_the_sharer_and_keeps_history(
    site: TestServer, editor: Editor
) -> None:
    response = await editor.post("s-odense", "publish")
    assert response.status == 303
    assert response.headers["Location"] == "/dashboard?lang=da&decided=s-odense#decided"
    status, page = await editor.get(response.headers["Location"])
    assert status == 200
    store = _core(site).services.store
    stored = await store.submissions.get("s-odense")
    assert stored is not None
    assert stored.state is SubmissionState.PUBLISHED
    assert stored.decided_by == ADMIN
    assert 'role="status">“&lt;script&gt;alert(1)&lt;/script&gt; Vagtplan' in page
    assert f"er udgivet (id: {stored.solution_id})" in page
    solution = await store.solutions.get(stored.solution_id)
    assert solution is not None
    assert solution.title == TITLE
    [version] = await store.solution_versions.find(solution_id=solution.id)
    assert (version.action, version.by) == ("publish", ADMIN)
    [letter] = await _letters(site)
    assert letter["text"] == say("da", "share_published", title=TITLE)
    # the page of the solution is public now, and the queue no longer links it
    async with editor.http.get(f"/l/{solution.id}") as public:
        assert public.status == 200
    assert "/dashboard/submissions/s-odense" not in page


async def test_asking_for_changes_and_rejecting_send_the_sharer_the_note(
    site: TestServer, editor: Editor
) -> None:
    response = await editor.post("s-odense", "changes", "  Tilføj hvor tallene kommer fra.  ")
    assert response.status == 303
    _, page = await editor.get(response.headers["Location"])
    assert say("da", "review_sent_back", title="X").split("X")[1] in page  # ” er sendt tilbage…
    response = await editor.post("s-vejle", "reject", "Findes allerede.")
    assert response.status == 303
    _, page = await editor.get(response.headers["Location"])
    assert "er afvist, og den, der delte den, har fået din begrundelse" in page
    assert await _state(site, "s-odense") is SubmissionState.CHANGES
    assert await _state(site, "s-vejle") is SubmissionState.REJECTED
    changes, rejected = await _letters(site)
    assert changes["text"] == say("da", "share_changes", title=TITLE,
                                  note="Tilføj hvor tallene kommer fra.")  # fmt: skip
    assert [a["label"] for a in changes["actions"]] == ["Ret og send igen"]
    assert rejected["text"] == say("da", "share_rejected", title="Vejles egen",
                                   note="Findes allerede.")  # fmt: skip


async def test_an_empty_or_too_long_note_is_said_on_its_field_keeping_what_was_typed(
    site: TestServer, editor: Editor
) -> None:
    response = await editor.post("s-odense", "changes", "   ")
    assert response.status == 422
    async with editor.http.post(
        "/dashboard/submissions/s-odense",
        data={"csrf": await editor.csrf(), "decision": "reject", "note": ""},
    ) as posted:
        assert posted.status == 422
        page = await posted.text()
    error = say("da", "review_note_invalid", limit=1000)
    assert f'<p id="note-reject-error" class="error"><strong>Fejl:</strong> {error}</p>' in page
    assert 'aria-invalid="true" aria-describedby="note-reject-error"' in page
    assert 'id="note-changes-error"' not in page  # the other form is untouched
    long = "<b>for</b> lang " * 100  # 1,600 characters
    async with editor.http.post(
        "/dashboard/submissions/s-odense",
        data={"csrf": await editor.csrf(), "decision": "changes", "note": long},
    ) as posted:
        assert posted.status == 422
        page = await posted.text()
    assert "&lt;b&gt;for&lt;/b&gt; lang " * 100 + "</textarea>" in page
    assert 'id="note-changes-error"' in page
    assert await _state(site, "s-odense") is SubmissionState.WAITING
    assert await _letters(site) == []


async def test_a_draft_import_would_refuse_is_shown_again_with_what_it_lacks(
    site: TestServer, editor: Editor
) -> None:
    async with editor.http.post(
        "/dashboard/submissions/s-uden-tal",
        data={"csrf": await editor.csrf(), "decision": "publish"},
        allow_redirects=False,
    ) as posted:
        assert posted.status == 422
        page = await posted.text()
    assert say("da", "web_review_refused") in page
    assert "Løsningen mangler noget, før den kan udgives:" in page
    assert say("da", "need_number_form") in page
    assert "Uden tal" in page  # the draft, as it was
    assert 'name="decision" value="changes"' in page  # the editor can ask for the figure
    assert await _state(site, "s-uden-tal") is SubmissionState.WAITING
    assert await _letters(site) == []


async def test_a_second_decision_gets_a_page_saying_it_was_decided_already(
    site: TestServer, editor: Editor
) -> None:
    assert (await editor.post("s-odense", "publish")).status == 303
    async with editor.http.post(
        "/dashboard/submissions/s-odense",
        data={"csrf": await editor.csrf(), "decision": "reject", "note": "Nej"},
    ) as again:
        assert again.status == 409
        page = await again.text()
    assert "er allerede afgjort: udgivet." in page
    assert say("da", "web_review_by_you") in page
    status, page = await editor.get("/dashboard/submissions/s-odense")
    assert status == 409
    assert say("da", "web_review_decided_title") in page
    # another editor, and a decision taken in the chat: the same rule, the same page
    await _core(site).handle(
        Incoming(platform="console", user_id="redaktoer", text="", action="review_publish",
                 payload={"submission": "s-vejle"}, conversation="d")
    )  # fmt: skip
    assert await _state(site, "s-vejle") is SubmissionState.PUBLISHED
    status, page = await editor.get("/dashboard/submissions/s-vejle")
    assert status == 409
    assert say("da", "web_review_by_other") in page
    assert len(await _letters(site)) == 2  # one for each publication, none for the refusals


async def test_two_editors_deciding_at_once_one_wins(site: TestServer, editor: Editor) -> None:
    async with _logged_in(site, OTHER_ADMIN) as other:
        tokens = [await editor.csrf(), await other.csrf()]
        responses = await asyncio.gather(
            editor.post("s-odense", "publish", csrf=tokens[0]),
            other.post("s-odense", "reject", "Nej tak", csrf=tokens[1]),
        )
    assert sorted(r.status for r in responses) == [303, 409]
    assert len(await _letters(site)) == 1


async def test_two_servers_on_one_database_decide_a_submission_once(
    tmp_path: Path, database_url: str
) -> None:
    await fill(tmp_path / "unused", database=database_url)
    admins = frozenset({ADMIN, OTHER_ADMIN})
    async with (
        web_site(tmp_path / "a", database=database_url, admins=admins, public_url=PUBLIC) as one,
        web_site(tmp_path / "b", database=database_url, admins=admins, public_url=PUBLIC) as two,
    ):
        await _fill_submissions(_core(one))
        async with _logged_in(one, ADMIN) as first, _logged_in(two, OTHER_ADMIN) as second:
            tokens = [await first.csrf(), await second.csrf()]
            responses = await asyncio.gather(
                first.post("s-odense", "publish", csrf=tokens[0]),
                second.post("s-odense", "changes", "Mere om kilden", csrf=tokens[1]),
            )
        assert sorted(r.status for r in responses) == [303, 409]
        store = _core(two).services.store
        stored = await store.submissions.get("s-odense")
        assert stored is not None
        assert stored.decided_by in (ADMIN, OTHER_ADMIN)
        assert len(await store.outbox.find(to=SHARER)) == 1
        published = [s for s in await store.solutions.find(limit=None) if s.title == TITLE]
        assert len(published) == (1 if stored.state is SubmissionState.PUBLISHED else 0)


SEEN = re.compile(r'name="seen" value="([^"]+)"')


async def test_a_draft_sent_again_since_the_page_was_read_is_not_decided_unseen(
    site: TestServer, editor: Editor
) -> None:
    _, page = await editor.get("/dashboard/submissions/s-odense")
    assert SEEN.findall(page) == [SHARED.isoformat()] * 3  # the version shown, in each form
    # meanwhile the sharer sends a new version (as *Ret og send igen* does)
    store = _core(site).services.store
    stored = await store.submissions.get("s-odense")
    assert stored is not None
    await store.submissions.upsert(
        replace(stored, draft={**DRAFT, "title": "Ny udgave"}, updated_at=datetime.now(UTC))
    )
    old = SHARED.isoformat()
    response = await editor.post("s-odense", "publish", seen=old)
    assert response.status == 422
    assert await _state(site, "s-odense") is SubmissionState.WAITING
    async with editor.http.post(
        "/dashboard/submissions/s-odense",
        data={
            "csrf": await editor.csrf(),
            "decision": "changes",
            "note": "Skriv perioden",
            "seen": old,
        },
    ) as response:
        refused = await response.text()
    assert response.status == 422
    assert "er sendt igen, siden du så den" in refused
    assert "Ny udgave" in refused  # the new version, to read before deciding
    assert ">Skriv perioden</textarea>" in refused  # what was typed, kept
    assert await _state(site, "s-odense") is SubmissionState.WAITING
    assert await _letters(site) == []
    # read again, it is decided
    _, fresh = await editor.get("/dashboard/submissions/s-odense")
    [new] = set(SEEN.findall(fresh))
    response = await editor.post("s-odense", "publish", seen=new)
    assert response.status == 303
    assert await _state(site, "s-odense") is SubmissionState.PUBLISHED


async def test_a_store_out_of_reach_is_a_page_saying_so_on_every_account_page(
    site: TestServer, editor: Editor, monkeypatch: pytest.MonkeyPatch
) -> None:
    csrf = await editor.csrf()
    store = _core(site).services.store

    async def failing(*_: object, **__: object) -> None:
        raise StoreError("the database at 127.0.0.1:5432/test is out of reach")

    for method in ("get", "find", "version"):  # the dashboard kept asks its version first
        monkeypatch.setattr(store.submissions, method, failing)
    for path in ("/dashboard", "/dashboard/submissions/s-odense", "/dashboard/submissions.csv"):
        async with editor.http.get(path) as response:
            page = await response.text()
            assert (response.status, response.headers["Retry-After"]) == (503, "30"), path
        assert "Traceback" not in page
    response = await editor.post("s-odense", "publish", csrf=csrf)
    assert response.status == 503
