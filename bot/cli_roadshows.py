"""`spred roadshows [--json]`: every roadshow (issue 17) for the operator: when, where, the
places taken and the waiting list, and who is coming by name (the attendee list the
organiser sees in chat with `roadshows`). The soonest first."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.config import Settings
from bot.roadshows import attendees, counts, when
from knowledge.records import Roadshow


def add_parser(sub: Any, data: argparse.ArgumentParser) -> None:
    """`roadshows` on the `spred` parser."""
    cmd = sub.add_parser(
        "roadshows", parents=[data], help="roadshows with their places and who is coming"
    )
    cmd.add_argument("--json", action="store_true", help="one JSON object a line")


async def cmd_roadshows(settings: Settings, args: argparse.Namespace) -> int:
    # bot.cli imports this module to register it; its helpers are read when a command runs.
    from bot.cli import EXIT_OK, _json_line, opened

    async with opened(settings) as store:
        found = sorted(await store.roadshows.all(), key=lambda r: r.at)
    for roadshow in found:
        if args.json:
            print(_json_line(row(roadshow)))
        else:
            print(_line(roadshow, settings))
    if not found and not args.json:
        print("No roadshows planned yet.", file=sys.stderr)
    return EXIT_OK


def row(roadshow: Roadshow) -> dict[str, Any]:
    """A roadshow as `--json` gives it: without the raw answers, with those coming and
    waiting (in line) and how many declined or have not answered."""
    told = counts(roadshow)
    raw = roadshow.to_dict()
    del raw["rsvps"]
    return raw | attendees(roadshow) | {"declined": told["declined"], "invited": told["invited"]}


def _line(roadshow: Roadshow, settings: Settings) -> str:
    seen = attendees(roadshow)
    names = ", ".join(a["name"] or a["user"] for a in seen["coming"]) or "-"
    return (
        f"{when(roadshow, 'en', settings.nudges.timezone)}  {roadshow.title}  "
        f"{len(seen['coming'])}/{roadshow.places} taken, {len(seen['waiting'])} waiting  "
        f"({roadshow.state}; {roadshow.organiser_name or roadshow.organiser or '-'})  "
        f"coming: {names}  [{roadshow.id}]"
    )
