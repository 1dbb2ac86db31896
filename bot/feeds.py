"""`GET /feeds/<topic>.atom`: an Atom 1.0 feed per topic (knowledge/topics.py) that a union's or
a network's newsletter tool reads (issue 17): solutions new in Spred or changed, and each
organisation that tries, uses or adapted one, newest first, at most MAX_ENTRIES.

A request's path: the topic is found among the solutions the server already holds (its
matcher), and the store is asked only for those solutions' records by their ids (`find`),
never for a whole collection. The feed is public, so it holds only what Spred shows everyone
(README, "What Spred shares"): no questions, nobody's name but a solution's contact.

Each entry's id is a UUID made from the record it tells of, so it stays the same however
often the feed is read; an adoption that moves from trying to using is the same entry,
updated. A reader may ask again with If-None-Match or If-Modified-Since and get 304.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from aiohttp import web

from bot.cards import USING, solution_link
from bot.config import Settings
from bot.i18n import listed, place, say
from bot.newsletter import Records, Subject, Unknown, covered, known_subject, records_of
from bot.render_text import quoted, result_text
from knowledge.kb import KnowledgeBase
from knowledge.records import Stage
from knowledge.solutions import Solution
from knowledge.store import StoreError
from knowledge.topics import MAX_TOPIC

ATOM = "http://www.w3.org/2005/Atom"
_XML = "http://www.w3.org/XML/1998/namespace"
CONTENT_TYPE = "application/atom+xml"
MAX_ENTRIES = 50
SUFFIX = ".atom"
# Entry ids: UUIDs in a namespace of Spred's own, from what each entry tells of.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://spred.invalid/feeds")
# A feed that tells of nothing dated yet is as old as can be: its time never moves.
_NEVER = datetime(1970, 1, 1, tzinfo=UTC)
# What XML 1.0 cannot hold (control characters, lone surrogates): dropped from any text.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
ET.register_namespace("", ATOM)  # the feed's elements unprefixed, as readers expect
_STAGE_TITLE = {Stage.PILOTING: "feed_piloting", Stage.ADOPTED: "feed_adopted"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    id: str
    title: str
    updated: datetime
    content: str  # plain text, one line a paragraph
    link: str = ""


def mount(
    app: web.Application,
    *,
    knowledge: web.AppKey[KnowledgeBase],
    settings: web.AppKey[Settings],
) -> None:
    """The feeds' route on the server (bot/server.py), given where the app keeps its
    knowledge base and settings."""

    async def handler(request: web.Request) -> web.StreamResponse:
        return await feed(request, kb=request.app[knowledge], settings=request.app[settings])

    app.router.add_get("/feeds/{name}", handler)


async def feed(
    request: web.Request, *, kb: KnowledgeBase, settings: Settings
) -> web.StreamResponse:
    language = settings.language
    name = request.match_info.get("name", "")
    if not name.endswith(SUFFIX) or len(name) > MAX_TOPIC + len(SUFFIX):
        return _plain(404, say(language, "feed_how"))
    typed = _NOT_XML.sub("", name.removesuffix(SUFFIX))
    # The topics are made once per change of the index; which solutions a topic covers
    # folds each one's values: on a thread, over a copy the index may change meanwhile.
    subject = known_subject(typed, kb.topics())
    published = list(kb.matcher.published())
    solutions = await asyncio.to_thread(_covered, subject, published)
    if isinstance(subject, Unknown):
        lines = [say(language, "feed_unknown", topic=quoted(typed)[:100])]
        if subject.meant:
            options = listed(
                language, [f"/feeds/{m}{SUFFIX}" for m in subject.meant], joined_by="or"
            )
            lines.append(say(language, "feed_meant", options=options))
        lines.append(say(language, "feed_how"))
        return _plain(404, "\n".join(lines))
    try:
        records = await records_of(kb.store, solutions)
    except StoreError:
        return _plain(503, say(language, "feed_unavailable"))
    told = entries(solutions, records, language=language, public_url=settings.public_url)
    found = sorted(told, key=lambda e: (e.updated, e.id), reverse=True)[:MAX_ENTRIES]
    updated = max((e.updated for e in found), default=_NEVER).replace(microsecond=0)
    self_url = (
        f"{settings.public_url}{request.rel_url.raw_path}"
        if settings.public_url
        else str(request.url.with_query(None))
    )
    body = atom(subject, found, updated=updated, self_url=self_url, language=language)
    headers = {
        "ETag": f'"{hashlib.sha256(body).hexdigest()[:32]}"',
        "Last-Modified": format_datetime(updated, usegmt=True),
        "Cache-Control": "public, max-age=300",
    }
    if _unchanged(request, etag=headers["ETag"], updated=updated):
        return web.Response(status=304, headers=headers)
    return web.Response(body=body, content_type=CONTENT_TYPE, charset="utf-8", headers=headers)


def _covered(subject: Subject | Unknown, published: list[Solution]) -> list[Solution]:
    return covered(subject, published) if isinstance(subject, Subject) else []


def _unchanged(request: web.Request, *, etag: str, updated: datetime) -> bool:
    """A conditional GET the reader's copy answers (If-None-Match wins, as RFC 9110 says)."""
    asked = request.headers.get("If-None-Match")
    if asked is not None:
        return etag in {tag.strip() for tag in asked.split(",")} or asked.strip() == "*"
    since = request.if_modified_since  # None when absent or not a date
    return since is not None and updated <= since


def _plain(status: int, text: str) -> web.Response:
    return web.Response(
        status=status,
        text=text + "\n",
        content_type="text/plain",
        charset="utf-8",
        headers={"X-Content-Type-Options": "nosniff"},
    )


def entries(
    solutions: Sequence[Solution], records: Records, *, language: str, public_url: str
) -> Iterable[Entry]:
    """One entry per change to each solution, and per place that tries, uses or adapted
    one: organisations and units only, never who reported it."""
    by_id = {s.id: s for s in solutions}
    decimal = "." if language == "en" else ","
    for version in records.versions:
        s = by_id.get(version.solution_id)
        if s is None:
            continue
        key = {"confirm": "feed_confirmed"}.get(version.action, "feed_changed")
        if version.previous is None:
            key = "feed_new"
        yield Entry(
            id=_id("version", version.id),
            title=say(language, key, title=s.title),
            updated=version.at,
            content="\n".join(_about(s, decimal)),
            link=solution_link(public_url, s.id),
        )
    for adoption in records.adoptions:
        s = by_id.get(adoption.solution_id)
        if s is None or adoption.stage not in USING or not adoption.organization:
            continue
        where = place(language, adoption.organization, adoption.unit)
        moments = [m for m in (adoption.updated_at, adoption.measured_at) if m is not None]
        yield Entry(
            id=_id("adoption", adoption.id),
            title=say(language, _STAGE_TITLE[adoption.stage], place=where, title=s.title),
            updated=max(moments),
            content="\n".join(_about(s, decimal)),
            link=solution_link(public_url, s.id),
        )
    for adaptation in records.adaptations:
        s = by_id.get(adaptation.solution_id)
        if s is None:
            continue
        where = place(language, adaptation.organization, adaptation.unit)
        yield Entry(
            id=_id("adaptation", adaptation.id),
            title=say(language, "feed_adapted", place=where, title=s.title),
            updated=adaptation.created_at,
            content="\n".join(
                [
                    say(language, "adaptation_line", place=where, text=adaptation.text),
                    *_about(s, decimal),
                ]
            ),
            link=solution_link(public_url, s.id),
        )


def _about(solution: Solution, decimal: str) -> list[str]:
    contact = solution.contacts[0]
    who = ", ".join(p for p in (contact.name, contact.role, contact.email) if p)
    origin = ", ".join(p for p in (solution.organization, solution.unit) if p)
    return [solution.summary, result_text(solution.key_result, decimal=decimal), origin, who]


def _id(kind: str, key: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{kind}:{key}')}"


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def atom(
    subject: Subject,
    found: Sequence[Entry],
    *,
    updated: datetime,
    self_url: str,
    language: str,
) -> bytes:
    """The feed as Atom 1.0 (RFC 4287); ElementTree escapes every text and attribute."""

    def add(parent: ET.Element, tag: str, text: str = "", **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        if text:
            element.text = _NOT_XML.sub("", text)
        return element

    root = ET.Element(f"{{{ATOM}}}feed", {f"{{{_XML}}}lang": language})
    topic = subject.topic
    add(root, "id", _id("feed", topic.key if topic is not None else subject.name))
    add(root, "title", say(language, "feed_title", name=subject.name))
    add(root, "subtitle", say(language, "feed_subtitle", name=subject.name))
    add(root, "updated", _when(updated))
    add(root, "link", rel="self", type=CONTENT_TYPE, href=_NOT_XML.sub("", self_url))
    add(add(root, "author"), "name", "Spred")
    add(root, "generator", "Spred")
    for entry in found:
        element = add(root, "entry")
        add(element, "id", entry.id)
        add(element, "title", entry.title)
        add(element, "updated", _when(entry.updated))
        if entry.link:
            add(element, "link", rel="alternate", type="text/html", href=entry.link)
        paragraphs = "".join(f"<p>{_html(line)}</p>" for line in entry.content.split("\n") if line)
        add(element, "content", paragraphs, type="html")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _html(text: str) -> str:
    """Text inside the entry's HTML content: escaped once here as HTML, and once more by
    ElementTree as XML, as `type="html"` content is."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
