"""A roadshow as a calendar file (RFC 5545), served at GET /roadshows/<id>.ics (bot/server.py)
and linked from the answer to *Jeg kommer*: every calendar (Outlook, Google, Apple) opens a
link, where a file attached in Slack or Teams would need each platform's own upload.

Times are written in UTC (`...Z`), which every calendar shows in its own zone, so no
VTIMEZONE is needed. The file names no person: the solution, when, where and the
organiser's invitation, which anyone invited may pass on.
"""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from bot.roadshows import LENGTH
from knowledge.records import Roadshow
from knowledge.store import Store, StoreError

SUFFIX = ".ics"
LINE = 75  # octets a content line holds before it is folded


def escape(text: str) -> str:
    """A TEXT value as RFC 5545 3.3.11 writes it."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """A content line folded at LINE octets (3.1), never inside a UTF-8 character."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        if size + width > LINE:
            out.append(current)
            current, size = " ", 1  # a continuation line begins with one space
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(roadshow: Roadshow) -> str:
    """The roadshow as one VEVENT; its UID stays the same, so importing it again (after a
    change) updates the entry rather than adding a second."""
    where = roadshow.where
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Spred//Roadshow//DA",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:roadshow-{roadshow.id}@spred",
        f"DTSTAMP:{_utc(roadshow.created_at)}",
        f"DTSTART:{_utc(roadshow.at)}",
        f"DTEND:{_utc(roadshow.at + LENGTH)}",
        f"SUMMARY:{escape('Roadshow: ' + roadshow.title)}",
        f"LOCATION:{escape(where)}",
        f"DESCRIPTION:{escape(roadshow.text)}",
        *(
            [f"URL:{where}"]
            if where.startswith(("https://", "http://")) and " " not in where
            else []
        ),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(fold(line) for line in lines) + "\r\n"


def mount(app: web.Application, *, store: web.AppKey[Store]) -> None:
    """The route on the server, given where the app keeps its store."""

    async def handler(request: web.Request) -> web.StreamResponse:
        name = request.match_info.get("name", "")
        roadshow_id = name.removesuffix(SUFFIX)
        if not name.endswith(SUFFIX) or not roadshow_id or len(roadshow_id) > 64:
            return web.Response(status=404, text="Not a roadshow's calendar file.\n")
        try:
            roadshow = await request.app[store].roadshows.get(roadshow_id)
        except StoreError:
            return web.Response(status=503, text="The calendar is not available now.\n")
        if roadshow is None:
            return web.Response(status=404, text="No such roadshow.\n")
        return web.Response(
            body=calendar(roadshow).encode(),
            content_type="text/calendar",
            charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="roadshow-{roadshow.id}.ics"'},
        )

    app.router.add_get("/roadshows/{name}", handler)
