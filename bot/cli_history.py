"""`spred history ID [--json] [--undo]`: who changed a solution, what and when; and going
back to the version before the latest change (knowledge/versions.py keeps them)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.config import Settings
from knowledge.records import now
from knowledge.versions import Change, Version, history, undo

# A changed value longer than this is cut in the table (the JSON has it whole).
SHOWN_CHARS = 80


def add_parser(sub: Any, data: argparse.ArgumentParser) -> None:
    history = sub.add_parser(
        "history", parents=[data], help="who changed a solution, what and when"
    )
    history.add_argument("id", help="the solution's id ('spred list' shows them)")
    history.add_argument("--json", action="store_true", help="one JSON object a change")
    history.add_argument(
        "--undo", action="store_true", help="restore the version before the latest change"
    )


async def cmd_history(settings: Settings, args: argparse.Namespace) -> int:
    # bot.cli imports this module to register it; its helpers are read when a command runs.
    from bot.cli import EXIT_OK, UserError, _json_line, opened

    async with opened(settings) as store:
        if args.undo:
            if await store.solutions.get(args.id) is None:
                raise UserError(f"no solution with id {args.id!r}; 'spred list' shows the ids")
            restored = await undo(store, args.id, by="cli", at=now())
            if restored is None:
                raise UserError(
                    f"{args.id!r} has no earlier version to go back to: its first stored "
                    "version is its only one (retire it in chat with 'fjern' instead)"
                )
            print(f"Restored {args.id} as it was before its latest change.")
            return EXIT_OK
        versions = await history(store, args.id)
        exists = await store.solutions.get(args.id) is not None
    if not versions and not exists:
        raise UserError(f"no solution with id {args.id!r}; 'spred list' shows the ids")
    for version in versions:
        if args.json:
            print(_json_line(_row(version)))
        else:
            print(_text(version))
    if not versions and not args.json:
        print(
            f"No changes to {args.id} are recorded: it was stored before Spred kept them.",
            file=sys.stderr,
        )
    return EXIT_OK


def _row(version: Version) -> dict[str, Any]:
    kept = version.kept
    return {
        "version": kept.number,
        "action": kept.action,
        "by": kept.by,
        "at": kept.to_dict()["at"],
        "changes": [
            {"field": c.field, "before": c.before, "after": c.after} for c in version.changes()
        ],
    }


def _text(version: Version) -> str:
    kept = version.kept
    head = f"v{kept.number}  {kept.at:%Y-%m-%d %H:%M}  {kept.action:<8} by {kept.by or '(unknown)'}"
    if kept.previous is None:
        return f"{head}\n    (first stored)"
    lines = [f"    {_change(c)}" for c in version.changes()]
    return "\n".join([head, *(lines or ["    (no field changed)"])])


def _change(change: Change) -> str:
    return f"{change.field}: {_shown(change.before)} → {_shown(change.after)}"


def _shown(value: object) -> str:
    text = "–" if value is None or value == "" else str(value)
    text = text.replace("\n", " ")
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"
