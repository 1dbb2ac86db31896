"""`spred orgs [--json]` and `spred orgs rename ID NAME`: the organisations one Spred serves,
for its operators.

An organisation's solutions and people are those whose `organization` is its name, folded
(`Organisations.names`): a solution retired is not counted. Its active users are the
different users who wrote to Spred or pressed a button in a message from it in the last 30
days, as the conversations Spred keeps record it (each keeps who wrote last, and from which
organisation).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta
from typing import Any

from bot.config import Settings
from bot.organisations import Organisations
from knowledge.records import now
from knowledge.store import Store
from knowledge.typed import utf8_or_latin1
from knowledge.validation import CONTROL

ACTIVE_FOR = timedelta(days=30)
MAX_NAME = 200  # as a solution's organisation


def add_parser(sub: Any, data: argparse.ArgumentParser) -> None:
    """`orgs` and `orgs rename` on the `spred` parser."""
    orgs = sub.add_parser("orgs", parents=[data], help="the organisations Spred serves")
    orgs.add_argument("--json", action="store_true", help="one JSON object a line")
    verbs = orgs.add_subparsers(dest="orgs_command", metavar="rename")
    rename = verbs.add_parser("rename", parents=[data], help="give an organisation a new name")
    rename.add_argument("id", help="the organisation's id, e.g. slack:T0123 or teams:<tenant>")
    rename.add_argument("name", help="its name, as solutions and the people directory write it")


async def cmd_orgs(settings: Settings, args: argparse.Namespace) -> int:
    # bot.cli imports this module to register it; its helpers are read when a command runs.
    from bot.cli import EXIT_OK, opened

    async with opened(settings) as store:
        if args.orgs_command == "rename":
            print(await _rename(store, args.id, args.name))
            return EXIT_OK
        rows = await rows_of(store, at=now())
    if args.json:
        from bot.cli import _json_line

        for row in rows:
            print(_json_line(row))
    elif rows:
        print(_table(rows))
    else:
        print("No organisation has installed or written to Spred yet.", file=sys.stderr)
    return EXIT_OK


async def rows_of(store: Store, *, at: datetime) -> list[dict[str, Any]]:
    """One object an organisation, by id: the contract's fields and the issue's counts,
    active users counted over the 30 days before `at`."""
    organisations = sorted(await store.organisations.all(), key=lambda o: o.id)
    solutions = [s.organization for s in await store.solutions.all() if not s.retired]
    people = [p.organization for p in await store.people.all()]
    since = at - ACTIVE_FOR
    active: dict[str, set[str]] = {}
    for conversation in await store.conversations.all():
        if conversation.org_id and conversation.user and conversation.updated_at >= since:
            active.setdefault(conversation.org_id, set()).add(conversation.user)
    return [
        {
            "id": o.id,
            "name": o.name,
            "platform": o.platform,
            "installed_at": o.to_dict()["installed_at"],
            "installer": o.installer,
            "admins": list(o.admins),
            "solutions": sum(Organisations.names(o, name) for name in solutions),
            "people": sum(Organisations.names(o, name) for name in people),
            "active_users_30d": len(active.get(o.id, ())),
        }
        for o in organisations
    ]


async def _rename(store: Store, org_id: str, name: str) -> str:
    from bot.cli import UserError

    name = " ".join(utf8_or_latin1(name.encode("utf-8", "surrogateescape")).split())
    if not name or len(name) > MAX_NAME or CONTROL.search(name):
        raise UserError(f"a name is 1 to {MAX_NAME} characters on one line, not {name[:80]!r}")
    renamed = await Organisations(store=store, clock=now).rename(org_id, name)
    if renamed is None:
        raise UserError(f"no organisation with id {org_id!r}; 'spred orgs' shows the ids")
    same = [
        o.id
        for o in await store.organisations.all()
        if o.id != org_id and Organisations.names(o, name)
    ]
    note = (
        f" Note: {', '.join(same)} has the same name; solutions and people of that name "
        "count for each."
    )
    return f"{org_id} is now called {name!r}." + (note if same else "")


def _table(rows: list[dict[str, Any]]) -> str:
    head = ("ID", "NAME", "PLATFORM", "INSTALLED", "INSTALLER", "ADMINS", "SOLUTIONS", "PEOPLE")
    lines = [(*head, "ACTIVE 30D")]
    for row in rows:
        lines.append(
            (
                row["id"],
                row["name"] or "–",
                row["platform"],
                row["installed_at"][:10],
                row["installer"] or "–",
                ", ".join(row["admins"]) or "–",
                str(row["solutions"]),
                str(row["people"]),
                str(row["active_users_30d"]),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    numeric = range(6, len(widths))  # counts line up on the right
    return "\n".join(
        "  ".join(
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(line)
        ).rstrip()
        for line in lines
    )
