"""`GET /feeds/<topic>.atom` over real loopback HTTP (bot/feeds.py): valid Atom 1.0 with stable
entry ids, conditional GET, a short 404 naming near matches, and hostile paths 4xx, never 500."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.config import Settings
from bot.server import build_app
from knowledge.store import open_store
from tests.test_newsletter import ASKERS, HOSTILE, stored_area

A = "{http://www.w3.org/2005/Atom}"
PUBLIC = "https://spred.eksempel.dk"


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[TestServer, aiohttp.ClientSession]]:
    data = tmp_path / "data"
    store = await open_store(data)
    await stored_area(store, at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    await store.close()
    app = build_app(Settings(data_dir=data, public_url=PUBLIC), environ={"SPRED_TEAMS": "off"})
    server = TestServer(app, host="127.0.0.1")
    async with server, aiohttp.ClientSession() as http:
        yield server, http


async def test_a_topics_feed_is_atom_with_stable_entries_and_conditional_get(
    served: tuple[TestServer, aiohttp.ClientSession],
) -> None:
    server, http = served
    url = server.make_url("/feeds/%C3%86ldrepleje.atom")  # "Ældrepleje", folded to the topic
    async with http.get(url) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
        body = await response.read()
        etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
    root = ET.fromstring(body)
    assert root.tag == f"{A}feed"
    assert root.findtext(f"{A}title") == "Spred: ældrepleje"
    assert root.findtext(f"{A}updated") == "2026-10-30T09:00:00Z"  # the newest entry's
    assert root.findtext(f"{A}id", "").startswith("urn:uuid:")
    [self_link] = root.findall(f"{A}link")
    assert (self_link.get("rel"), self_link.get("href")) == (
        "self", f"{PUBLIC}/feeds/%C3%86ldrepleje.atom"
    )  # fmt: skip
    assert root.findtext(f"{A}author/{A}name") == "Spred"
    entries = root.findall(f"{A}entry")
    titles = [e.findtext(f"{A}title") for e in entries]
    # Newest first: the new solution and Aarhus using its own (3 days back; a feed tells of
    # every organisation using it), then Odense's adaptation (4), Odense (5), …
    assert set(titles[:2]) == {
        f"Ny i Spred: {HOSTILE}",
        "Aarhus Kommune bruger “Opstartsteam i hjemmeplejen”",
    }
    assert titles[2:4] == [
        "Tilpasset i Vest i Odense Kommune: “Opstartsteam i hjemmeplejen”",
        "Odense Kommune bruger “Opstartsteam i hjemmeplejen”",
    ]
    assert "Vejle Kommune prøver “Opstartsteam i hjemmeplejen”" in titles
    assert not any("Horsens" in t for t in titles)  # only interested
    assert [t for t in titles if "Udgået" in t] == []  # retired
    assert [t for t in titles if "dagtilbud" in t] == []  # another topic
    for entry in entries:
        assert entry.findtext(f"{A}id", "").startswith("urn:uuid:")
        assert entry.findtext(f"{A}updated", "").endswith("Z")
        [link] = entry.findall(f"{A}link")
        assert link.get("href", "").startswith(f"{PUBLIC}/l/")
        content = entry.find(f"{A}content")
        assert content is not None
        assert content.get("type") == "html"
    hostile = entries[0].findtext(f"{A}content", "")
    assert "<p>Et &lt;b&gt;resumé&lt;/b&gt;</p>" in hostile  # text, escaped inside its HTML
    text = body.decode()
    assert "<script>" not in text
    for asker, name in ASKERS.items():
        assert asker not in text
        assert name not in text
    assert "Navn a-" not in text  # who reported an adoption
    assert "nattevagter" not in text  # questions are for newsletters, never a public feed

    async with http.get(url) as again:
        assert await again.read() == body  # the same ids, the same bytes
    async with http.get(url, headers={"If-None-Match": etag}) as cached:
        assert cached.status == 304
    async with http.get(url, headers={"If-Modified-Since": modified}) as cached:
        assert cached.status == 304
    async with http.get(url, headers={"If-None-Match": '"other"'}) as changed:
        assert changed.status == 200

    async with http.get(server.make_url("/feeds/opstart.atom")) as one:  # one solution
        entries = ET.fromstring(await one.read()).findall(f"{A}entry")
        # Not a period's news but its latest: stored, used in Vejle, Odense, Aarhus and
        # Randers (long ago), and both adaptations; Horsens only showed interest.
        assert len(entries) == 7


async def test_an_unknown_topic_is_a_short_404_naming_near_matches(
    served: tuple[TestServer, aiohttp.ClientSession],
) -> None:
    server, http = served
    async with http.get(server.make_url("/feeds/aeldreplej.atom")) as response:
        assert response.status == 404
        assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
        said = await response.text()
    assert said.splitlines() == [
        "Spred har intet emne, der hedder “aeldreplej”.",
        "Mente du /feeds/ældrepleje.atom?",
        "Et emne er et område, en faggruppe, et tag, en organisation eller en løsning, fx "
        "/feeds/ældrepleje.atom.",
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/ældrepleje",  # no .atom
        "/feeds/ældrepleje.rss",
        "/feeds/.atom",
        "/feeds/" + "a" * 300 + ".atom",
        "/feeds/" + "å" * 3000 + ".atom",
        "/feeds/..%2F..%2Fhealthz.atom",
        "/feeds/%2e%2e/healthz.atom",
        "/feeds/%00.atom",
        "/feeds/%ED%A0%80.atom",  # a lone surrogate, as UTF-8 bytes
        "/feeds/%FF%FE.atom",  # not UTF-8
        "/feeds/%E2%80%AEeje.atom",  # right-to-left override
        "/feeds/a%CC%8A%CC%8A%CC%8A.atom",  # combining rings
        "/feeds/%F0%9F%98%80.atom",  # an emoji
        "/feeds/<script>.atom",
        "/feeds/ældrepleje.atom/x",
    ],
)
async def test_hostile_paths_are_4xx_never_500(
    served: tuple[TestServer, aiohttp.ClientSession], path: str
) -> None:
    server, http = served
    async with http.get(server.make_url(path)) as response:
        assert 400 <= response.status < 500, (path, response.status)
        # What was typed may be echoed, but only as plain text no browser reads as a page.
        assert response.content_type == "text/plain"
        text = await response.text(errors="replace")
    assert "Traceback" not in text
