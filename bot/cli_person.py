"""`spred person export ID [--json]` and `spred person forget ID`: everything Spred holds
about one person, and erasing it (bot/privacy.py does both; the chat's "glem mig" too).
ID is a platform-qualified user id ("slack:U1", "teams:29:1abc", "console:anna") or an
e-mail address, which also finds their directory entry and its platform ids."""

from __future__ import annotations

import argparse
import sys

import orjson

from bot.config import Settings
from bot.privacy import HOLDINGS, Fate, Identity, export, forget, identify

EXIT_OK = 0


def add_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], data: argparse.ArgumentParser
) -> None:
    person = sub.add_parser("person", help="everything Spred holds about one person, or forget it")
    what = person.add_subparsers(dest="person_command", required=True, metavar="ACTION")
    exp = what.add_parser("export", parents=[data], help="print everything held about them")
    exp.add_argument("id", help="a platform-qualified id (slack:U123) or an e-mail address")
    exp.add_argument("--json", action="store_true", help="one JSON document")
    gone = what.add_parser("forget", parents=[data], help="erase them from every collection")
    gone.add_argument("id", help="a platform-qualified id (slack:U123) or an e-mail address")


async def run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli import UserError, opened  # bot.cli imports this module at its start

    async with opened(settings) as store:
        who = await identify(store, args.id)
        if who is None:
            raise UserError(
                f"{args.id!r} is neither a platform-qualified id (slack:U123, teams:29:…, "
                "console:anna) nor an e-mail address"
            )
        if args.person_command == "export":
            found = await export(store, who)
            _print_export(who, found, as_json=args.json)
            return EXIT_OK
        done = await forget(store, who, language=settings.language)
    for name in HOLDINGS:
        counts = done.done.get(name, {})
        said = ", ".join(f"{counts[fate]} {fate}" for fate in Fate if counts.get(fate))
        print(f"{name}: {said or 'nothing held'}")
        if counts.get(Fate.KEPT):
            print(f"  kept: {HOLDINGS[name].kept_because}")
    if not done.total:
        print(f"spred: nothing held about {args.id}", file=sys.stderr)
    return EXIT_OK


def _print_export(
    who: Identity, found: dict[str, list[dict[str, object]]], *, as_json: bool
) -> None:
    person = {
        "users": sorted(who.users),
        "person_ids": sorted(who.person_ids),
        "names": sorted(who.names),
        "emails": sorted(who.emails),
    }
    if as_json:
        print(orjson.dumps({"person": person, "collections": found}).decode())
        return
    for label, values in person.items():
        print(f"{label}: {', '.join(values) or '-'}")
    for name, records in found.items():
        if records:
            print(f"\n{name}: {len(records)}")
        for record in records:
            print(f"  {orjson.dumps(record).decode()}")
    if not any(found.values()):
        print("spred: nothing held about them", file=sys.stderr)
