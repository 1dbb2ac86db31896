"""`spred digest --dry-run [--json] [--at MOMENT]`: every follower's weekly digest as it
stands, what it would tell and why it would not go out now (nothing new, sent this week,
quiet hours, their budget, they asked for none); `spred digest --send-now [--json]`: sends
those that may go out now, as the server does on the digest day (the budget decides, as
always). Letters are stored in the outbox; a running server delivers them."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from bot.config import Settings
from bot.digest import Digests, Planned
from bot.outbox import Outbox
from knowledge.records import now


def add_parser(sub: Any, data: argparse.ArgumentParser) -> None:
    """`digest` on the `spred` parser."""
    cmd = sub.add_parser(
        "digest", parents=[data], help="followers' weekly digests: see them, or send them now"
    )
    what = cmd.add_mutually_exclusive_group(required=True)
    what.add_argument("--dry-run", action="store_true", help="show who would get what now")
    what.add_argument("--send-now", action="store_true", help="send what may go out now")
    cmd.add_argument("--json", action="store_true", help="one JSON object a line")
    cmd.add_argument(
        "--at",
        metavar="MOMENT",
        help="with --dry-run: as at this moment (ISO 8601, e.g. 2026-12-07T09:00+01:00)",
    )


async def cmd_digest(settings: Settings, args: argparse.Namespace) -> int:
    # bot.cli imports this module to register it; its helpers are read when a command runs.
    from bot.cli import EXIT_OK, UserError, _json_line, opened

    at = now()
    if args.at is not None:
        if not args.dry_run:
            raise UserError("--at goes with --dry-run only: what is sent goes out now")
        at = _moment(args.at, UserError)
    async with opened(settings) as store:
        digests = Digests(store=store, outbox=Outbox(store=store), settings=settings, clock=now)
        solutions = await store.solutions.all()
        if args.dry_run:
            shown = await digests.plan(solutions, at=at)
        else:
            shown = await digests.send(solutions, at=at)
    for planned in shown:
        print(_json_line(row(planned)) if args.json else _text(planned, sent=args.send_now))
    if args.json:
        return EXIT_OK
    if args.send_now:
        print(f"Sent {len(shown)} digest(s); a running server delivers them.", file=sys.stderr)
    elif not shown:
        print("Nobody follows a topic yet.", file=sys.stderr)
    return EXIT_OK


def row(planned: Planned) -> dict[str, Any]:
    """A follower's digest as `--json` gives it."""
    return {
        "user": planned.user,
        "language": planned.language,
        "week": planned.week,
        "topics": list(planned.topics),
        "send": planned.blocked is None,
        "reason": planned.blocked,
        "items": [
            {"key": i.key, "solution_id": i.solution_id, "text": i.text} for i in planned.items
        ],
        "more": planned.more,
    }


def _text(planned: Planned, *, sent: bool) -> str:
    state = "sent" if sent else "would send" if planned.blocked is None else planned.blocked
    head = f"{planned.user} ({planned.language}, {', '.join(planned.topics)}): {state}"
    lines = [head, *(f"  • {item.text}" for item in planned.items)]
    if planned.more:
        lines.append(f"  … and {planned.more} more")
    return "\n".join(lines)


def _moment(raw: str, error: type[Exception]) -> datetime:
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        moment = None
    # the weeks around it must be on the calendar too: not year 1 nor 9999
    if moment is None or not 1 < moment.year < 9999:
        raise error(f"--at must be a moment in ISO 8601, e.g. 2026-12-07T09:00+01:00, not {raw!r}")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
