"""`spred recognition --dry-run [--json] [--month YYYY-MM]`: who would be thanked for last
month (or `--month`), for what, and why a letter would not go out now (sent for that month
already, quiet hours, their budget, they asked for none, nowhere to write to them). It sends
nothing; the server sends the letters on the month's first working days (bot/recognition.py).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.config import Settings
from bot.recognition import Planned, parse_month, previous_month
from knowledge.kb import KnowledgeBase
from knowledge.records import now


def add_parser(sub: Any, data: argparse.ArgumentParser) -> None:
    """`recognition` on the `spred` parser."""
    cmd = sub.add_parser(
        "recognition",
        parents=[data],
        help="the monthly thanks to originators and managers: who would get what",
    )
    cmd.add_argument(
        "--dry-run", action="store_true", required=True, help="show who would get what now"
    )
    cmd.add_argument("--json", action="store_true", help="one JSON object a line")
    cmd.add_argument("--month", metavar="YYYY-MM", help="the month to look at (default: the last)")


async def cmd_recognition(settings: Settings, args: argparse.Namespace) -> int:
    # bot.cli imports this module to register it; its helpers are read when a command runs.
    from bot.cli import EXIT_OK, UserError, _json_line, opened
    from bot.core import Core

    month = None
    if args.month is not None:
        month = parse_month(args.month)
        if month is None:
            raise UserError(
                f"--month must be a month written YYYY-MM, e.g. 2026-11, not {args.month!r}"
            )
    at = now()
    async with opened(settings) as store:
        # The core, as the server has it: contacts are found where it would find them.
        core = Core(
            kb=await KnowledgeBase.load(store, data_dir=settings.data_dir), settings=settings
        )
        shown = await core.recognition.plan(await store.solutions.all(), at=at, month=month)
    for planned in shown:
        print(_json_line(row(planned)) if args.json else _text(planned))
    if not shown and not args.json:
        told = month or previous_month(at, settings.nudges.timezone)
        print(f"Nothing spread in {told}: nobody would be thanked.", file=sys.stderr)
    return EXIT_OK


def row(planned: Planned) -> dict[str, Any]:
    """One letter as `--json` gives it."""
    return {
        "user": planned.user,
        "language": planned.language,
        "month": planned.month,
        "send": planned.blocked is None,
        "reason": planned.blocked,
        "asks_consent": bool(planned.ask_name),
        "parts": [
            {"solution_id": p.solution_id, "why": p.why, "text": p.text} for p in planned.parts
        ],
    }


def _text(planned: Planned) -> str:
    state = "would send" if planned.blocked is None else planned.blocked
    head = f"{planned.user} ({planned.language}, {planned.month}): {state}"
    return "\n".join([head, *(f"  • [{p.why}] {p.text}" for p in planned.parts)])
