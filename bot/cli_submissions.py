"""`spred submissions [--json]`: the solutions practitioners shared and their review, for
operators: each one's state (waiting, changes, published, rejected), its age in days, who
shared it from which organisation, and who decided it. The oldest first, so what has waited
longest is on top."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from bot.config import Settings
from bot.flows.review import age
from knowledge.records import Submission, now


def add_parser(sub: Any, data: argparse.ArgumentParser) -> None:
    """`submissions` on the `spred` parser."""
    cmd = sub.add_parser(
        "submissions", parents=[data], help="shared solutions and their review, oldest first"
    )
    cmd.add_argument("--json", action="store_true", help="one JSON object a line")


async def cmd_submissions(settings: Settings, args: argparse.Namespace) -> int:
    # bot.cli imports this module to register it; its helpers are read when a command runs.
    from bot.cli import EXIT_OK, _json_line, opened

    async with opened(settings) as store:
        found = sorted(await store.submissions.all(), key=lambda s: s.created_at)
    at = now()
    for submission in found:
        if args.json:
            print(_json_line(row(submission, at=at)))
        else:
            print(_line(submission, at=at))
    if not found and not args.json:
        print("Nobody has shared a solution yet.", file=sys.stderr)
    return EXIT_OK


def row(submission: Submission, *, at: datetime) -> dict[str, Any]:
    """A submission as `--json` gives it: its stored form with its age and title."""
    return submission.to_dict() | {
        "title": submission.title,
        "age_days": age(submission.created_at, at),
    }


def _line(submission: Submission, *, at: datetime) -> str:
    who = submission.sharer_name or submission.sharer
    where = f", {submission.org_id}" if submission.org_id else ""
    decided = f" – by {submission.decided_by}" if submission.decided_by else ""
    return (
        f"{age(submission.created_at, at):>4}d  {submission.state.value:<9}  "
        f"{submission.title}  ({who}{where}){decided}  [{submission.id}]"
    )
