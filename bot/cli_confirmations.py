"""`spred confirmations [--json]`: the owners the yearly question is due for (bot/
confirmations.py), each with the solutions it asks about and when they were last asked, for
operators to see who is behind on confirming their figures."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.config import Settings
from bot.confirmations import due_solutions, owner_key
from knowledge.records import OwnerPrompt, now
from knowledge.solutions import Solution


def add_parser(sub: Any, data: argparse.ArgumentParser) -> None:
    """`confirmations` on the `spred` parser."""
    cmd = sub.add_parser(
        "confirmations",
        parents=[data],
        help="owners asked whether their solutions' results still hold, and those solutions",
    )
    cmd.add_argument("--json", action="store_true", help="one JSON object an owner a line")


async def cmd_confirmations(settings: Settings, args: argparse.Namespace) -> int:
    # bot.cli imports this module to register it; its helpers are read when a command runs.
    from bot.cli import EXIT_OK, _json_line, opened

    months = settings.confirm_months
    async with opened(settings) as store:
        owners: dict[str, list[Solution]] = {}
        for solution in await due_solutions(store, today=now().date(), months=months):
            owners.setdefault(owner_key(solution.owner_contact), []).append(solution)
        asked = {owner: await store.owner_prompts.get(owner) for owner in owners}
    for owner, solutions in owners.items():
        found = row(owner, solutions, asked[owner])
        print(_json_line(found) if args.json else _lines(found))
    if not owners and not args.json:
        print(
            f"No solution is due: every one was confirmed within {months} months.", file=sys.stderr
        )
    return EXIT_OK


def row(owner: str, solutions: list[Solution], asked: OwnerPrompt | None) -> dict[str, Any]:
    """An owner as `--json` gives them: who, when last asked and where, what is due."""
    return {
        "owner": owner,
        "name": solutions[0].owner_contact.name,
        "asked_at": asked.asked_at.isoformat() if asked is not None else None,
        "to": asked.to if asked is not None else "",
        "solutions": [
            {
                "id": s.id,
                "title": s.title,
                "confirmed": s.confirmed.isoformat() if s.confirmed else None,
            }
            for s in solutions
        ],
    }


def _lines(found: dict[str, Any]) -> str:
    asked = f"asked {found['asked_at'][:10]}" if found["asked_at"] else "not asked yet"
    where = f" at {found['to']}" if found["to"] else ""
    lines = [f"{found['name']} <{found['owner']}>  {asked}{where}"]
    for s in found["solutions"]:
        lines.append(f"    {s['confirmed'] or 'undated':<10}  {s['title']}  [{s['id']}]")
    return "\n".join(lines)
