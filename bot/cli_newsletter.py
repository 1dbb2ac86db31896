"""`spred newsletter --topic TOPIC | --sponsor NAME [--since DAYS] [--format md|html]
[--language da|en] [-o FILE]`: a ready-to-paste newsletter section (bot/newsletter.py) for a
union's, a network's or a sponsor's own newsletter: the solutions of the area that spread in
the period, with their results and contacts, and the open questions colleagues asked most."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.i18n import listed
from bot.newsletter import (
    MOST_DAYS,
    SINCE_DAYS,
    Subject,
    Unknown,
    gather,
    sponsor_subject,
    topic_subject,
)
from bot.newsletter_render import html_fragment, markdown
from knowledge.records import DemandStatus, now
from knowledge.solutions import LANGUAGES
from knowledge.store.durable import write_atomically

FORMATS = ("md", "html")


def add_parser(sub: Any, data: argparse.ArgumentParser) -> None:
    """`newsletter` on the `spred` parser. Its values are checked by the command, so each
    mistake is one line naming what to give instead."""
    cmd = sub.add_parser(
        "newsletter",
        parents=[data],
        help="a newsletter section: the solutions spreading in a topic or a sponsor's portfolio",
    )
    cmd.add_argument(
        "--topic",
        metavar="TOPIC",
        help="a domain, profession, tag, organisation or solution, e.g. ældrepleje",
    )
    cmd.add_argument("--sponsor", metavar="NAME", help="a sponsor's portfolio, e.g. KL")
    cmd.add_argument(
        "--since",
        metavar="DAYS",
        default=str(SINCE_DAYS),
        help=f"the period, in days back (default {SINCE_DAYS}; 1 to {MOST_DAYS})",
    )
    cmd.add_argument("--format", metavar="md|html", default="md", help="default: md")
    cmd.add_argument("--language", metavar="da|en", help="default: $SPRED_LANGUAGE, else da")
    cmd.add_argument("-o", "--output", type=Path, metavar="FILE", help="default: stdout")


async def cmd_newsletter(settings: Settings, args: argparse.Namespace) -> int:
    # bot.cli imports this module to register it; its helpers are read when a command runs.
    from bot.cli import EXIT_OK, UserError, _from_terminal, opened

    if (args.topic is None) == (args.sponsor is None):
        raise UserError(
            "give either --topic TOPIC or --sponsor NAME, e.g. spred newsletter --topic ældrepleje"
        )
    days = _days(args.since, UserError)
    if args.format not in FORMATS:
        raise UserError(f"--format must be md or html, not {args.format[:50]!r}")
    language = args.language or settings.language
    if language not in LANGUAGES:
        raise UserError(f"--language must be da or en, not {language[:50]!r}")
    typed = _from_terminal(args.topic if args.topic is not None else args.sponsor).strip()
    what = "--topic" if args.topic is not None else "--sponsor"
    if not typed:
        raise UserError(f"{what} needs a value, e.g. {what} {_EXAMPLE[what]}")
    async with opened(settings) as store:
        # An operator's command: it may read every solution; a request may not (bot/feeds.py).
        solutions = await store.solutions.all()
        find = topic_subject if args.topic is not None else sponsor_subject
        subject = find(typed, solutions)
        if isinstance(subject, Unknown):
            raise UserError(_unknown(what, typed, subject))
        demand = await store.demand.find(status=DemandStatus.OPEN)
        letter = await gather(store, solutions, subject, days=days, at=now(), demand=demand)
    if letter.empty:
        print(_nothing(subject, days), file=sys.stderr)
        return EXIT_OK
    render = markdown if args.format == "md" else html_fragment
    text = render(letter, language=language, public_url=settings.public_url)
    if args.output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return EXIT_OK
    try:
        # To paste and share, as an export is: not private store data.
        await asyncio.to_thread(write_atomically, args.output, text.encode(), mode=0o644)
    except OSError as exc:
        raise UserError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
    print(f"Wrote the newsletter section to {args.output}.", file=sys.stderr)
    return EXIT_OK


_EXAMPLE = {"--topic": "ældrepleje", "--sponsor": "KL"}


def _days(raw: str, error: type[Exception]) -> int:
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MOST_DAYS:
        raise error(
            f"--since must be a whole number of days from 1 to {MOST_DAYS}, not {raw[:50]!r}"
        )
    return int(text)


def _unknown(what: str, typed: str, unknown: Unknown) -> str:
    kind = "topic" if what == "--topic" else "sponsor"
    said = f"no published solution names the {kind} {typed[:100]!r}"
    if unknown.meant:
        options = listed("en", [repr(m) for m in unknown.meant], joined_by="or")
        return f"{said}; did you mean {options}?"
    where = "domains, professions, tags and organisations" if kind == "topic" else "sponsors"
    return f"{said}; 'spred list --json' shows the solutions' {where}"


def _nothing(subject: Subject, days: int) -> str:
    return (
        f"Nothing to report on {subject.name!r} in the last {days} days: no solution of it "
        "spread, and no open question about it may be shared. Try a longer --since."
    )
