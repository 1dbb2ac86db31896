"""`spred` (also `python -m bot`): serve, chat, import, import-people, export, ask, list, show,
demand, nudges, person, newsletter, load-demo.

Mistakes in what a person typed or gave us end in one clear line on stderr and a non-zero
exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
from aiohttp import web

from bot import (
    __version__,
    cli_confirmations,
    cli_digest,
    cli_history,
    cli_newsletter,
    cli_orgs,
    cli_person,
    cli_recognition,
    cli_roadshows,
    cli_submissions,
    cli_transfer,
)
from bot.config import ConfigError, Settings
from bot.connectors import TERMINAL, registered
from bot.core import Core
from bot.demand import answer_demand, most_asked
from bot.render_text import match_line, solution_details, solution_row
from bot.server import base_url, build_app
from knowledge.evidence import (
    EXPORT_FIELD,
    Imported,
    exported,
    imported_adoption,
    parse_local_results,
)
from knowledge.extras import ExtraField
from knowledge.history import HISTORY_FIELD, exported_history, not_kept_yet, parse_history
from knowledge.kb import KnowledgeBase, demo_solutions
from knowledge.lexicon import LexiconError
from knowledge.people import PERSON_FIELDS, parse_people
from knowledge.records import Adoption, SolutionVersion, now
from knowledge.solutions import parse_solutions
from knowledge.store import LockWait, Store, StoreError, open_store
from knowledge.store.durable import write_atomically
from knowledge.transfer import (
    ImportFileError,
    export_bytes,
    iter_entries,
    read_entries,
    read_input,
)
from knowledge.typed import utf8_or_latin1
from knowledge.versions import kept

EXIT_OK, EXIT_REJECTED = 0, 1  # argparse itself exits with 2 on wrong usage


class UserError(Exception):
    """Something the user can fix; printed as one line."""


def _parser() -> argparse.ArgumentParser:
    data = argparse.ArgumentParser(add_help=False)
    data.add_argument(
        "--data", metavar="DIR", help="data directory (default: $SPRED_DATA, else ./data)"
    )
    data.add_argument("--database", metavar="URL", help="PostgreSQL (default: $DATABASE_URL)")
    parser = argparse.ArgumentParser(
        prog="spred", description="Spred: proven public-sector solutions, one question away."
    )
    parser.add_argument("--version", action="version", version=f"spred {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", parents=[data], help="run the chat server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=3978)

    chat = sub.add_parser("chat", parents=[data], help="chat with Spred in the terminal")
    chat.add_argument("--user", metavar="ID", help="who you are (default: your login name)")
    chat.add_argument("--name", metavar="NAME", help="your name as others see it")
    chat.add_argument("--org", metavar="ORGANISATION", default="", help="your organisation")
    chat.add_argument("--unit", metavar="UNIT", default="", help="your unit or department")

    imp = sub.add_parser("import", parents=[data], help="add or update solutions from a file")
    imp.add_argument("file", type=Path, help="a JSON list of solutions, or a CSV sheet")
    imp.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the valid entries even if others are invalid",
    )

    exp = sub.add_parser("export", parents=[data], help="write every solution as JSON")
    exp.add_argument("-o", "--output", type=Path, metavar="FILE", help="default: stdout")

    ask = sub.add_parser("ask", parents=[data], help="find the solutions that answer a question")
    ask.add_argument("question", nargs="*")
    ask.add_argument("--batch", type=Path, metavar="FILE", help="one question per line")
    ask.add_argument("--top", type=int, default=3, metavar="N")
    ask.add_argument("--json", action="store_true", help="one JSON line per question")

    lst = sub.add_parser("list", parents=[data], help="list solutions")
    lst.add_argument("--json", action="store_true")

    show = sub.add_parser("show", parents=[data], help="show one solution in full")
    show.add_argument("id")
    show.add_argument("--json", action="store_true")

    demand = sub.add_parser(
        "demand", parents=[data], help="open questions no solution answered, most asked first"
    )
    demand.add_argument("--json", action="store_true")

    people = sub.add_parser(
        "import-people", parents=[data], help="add or update the people directory from a file"
    )
    people.add_argument("file", type=Path, help="a JSON list of people, or a CSV sheet")

    nudges = sub.add_parser(
        "nudges", parents=[data], help="prompts to managers, scheduled and sent"
    )
    nudges.add_argument("--json", action="store_true")

    cli_orgs.add_parser(sub, data)
    cli_submissions.add_parser(sub, data)
    cli_confirmations.add_parser(sub, data)
    cli_person.add_parser(sub, data)
    cli_transfer.add_parser(sub, data)
    cli_history.add_parser(sub, data)
    cli_newsletter.add_parser(sub, data)
    cli_digest.add_parser(sub, data)  # issue 17
    cli_recognition.add_parser(sub, data)  # issue 17: recognition
    cli_roadshows.add_parser(sub, data)  # issue 17

    demo = sub.add_parser("load-demo", parents=[data], help="load the demo knowledge base")
    demo.add_argument(
        "--if-empty",
        action="store_true",
        help="only if this data directory has never held solutions",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.command == "serve" else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = Settings.from_env(data=args.data, database=args.database)
        if args.command == "serve":
            return serve(settings, host=args.host, port=args.port)
        return asyncio.run(_COMMANDS[args.command](settings, args))
    except (
        UserError,
        ConfigError,
        ImportFileError,
        StoreError,
        LexiconError,
    ) as exc:
        print(f"spred: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `spred export | head`: the reader left, nothing to report
        return EXIT_OK


def serve(settings: Settings, *, host: str, port: int) -> int:
    if not 0 < port < 65536:
        raise UserError(f"--port must be between 1 and 65535, not {port}")
    base = base_url(host, port)

    def announce(_: object) -> None:
        print(
            f"Spred {__version__} is running on {base}\n"
            f"  health:  {base}/healthz\n"
            f"  data:    {cli_transfer.where(settings)}\n"
            f"Stop it with Ctrl+C.",
            flush=True,
        )

    try:
        app = build_app(settings, host=host)
        web.run_app(app, host=host, port=port, print=announce, access_log=None)
    except OSError as exc:
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    return EXIT_OK


@asynccontextmanager
async def opened(settings: Settings) -> AsyncIterator[Store]:
    def say_waiting(message: str) -> None:
        print(f"spred: {message}", file=sys.stderr, flush=True)

    store = await open_store(
        settings.data_dir,
        lock_wait=LockWait(timeout=settings.lock_timeout, on_wait=say_waiting),
        database=settings.database_url,
    )
    try:
        yield store
    finally:
        await store.close()


async def cmd_import(settings: Settings, args: argparse.Namespace) -> int:
    # Read and checked one entry at a time: only the valid solutions are held, whatever
    # the file's size.
    size = args.file.stat().st_size if args.file.is_file() else 0
    progress = Progress("KB read", total=size // 1024)
    entries = iter_entries(args.file, on_progress=lambda done: progress.update(done // 1024))
    # An export's local results and kept versions travel with their solution.
    local = ExtraField(EXPORT_FIELD, parse_local_results)
    versions = ExtraField(HISTORY_FIELD, parse_history)
    try:
        batch = await asyncio.to_thread(parse_solutions, versions.entries(local.entries(entries)))
    finally:
        progress.done()
    measured = local.check(batch)
    history = versions.check(batch)
    if not batch.count:
        raise UserError(f"{args.file} holds no solutions; nothing imported")
    for error in batch.errors:
        print(error, file=sys.stderr)
    if batch.errors and not args.skip_invalid:
        print(
            f"spred: {batch.rejected} of {batch.count} entries are invalid; nothing was "
            f"imported. Fix them, or use --skip-invalid to import the "
            f"{len(batch.solutions)} valid ones.",
            file=sys.stderr,
        )
        return EXIT_REJECTED
    async with opened(settings) as store:
        known = set(await store.solutions.keys())
        if history:  # first, so that this import's own change is numbered after them
            history = await not_kept_yet(store, history)
            await store.solution_versions.upsert_many(history)
        brought = {version.solution_id for version in history}
        stored = await kept(
            store, batch.solutions, by="cli", action="import", at=now(), brought=brought
        )
        await store.solutions.upsert_many(stored)
        await _import_local_results(store, measured)
    new = sum(1 for s in batch.solutions if s.id not in known)
    print(
        f"Imported {len(batch.solutions)} solutions ({new} new, "
        f"{len(batch.solutions) - new} updated) into {cli_transfer.where(settings)}."
    )
    if measured:
        print(f"Imported {len(measured)} local results with them.")
    if history:
        print(f"Imported {len(history)} kept changes with them (spred history ID).")
    if batch.errors:
        print(f"spred: skipped {batch.rejected} invalid entries (listed above).", file=sys.stderr)
        return EXIT_REJECTED
    return EXIT_OK


async def _import_local_results(store: Store, measured: Sequence[Imported]) -> None:
    """Each onto its place's adoption of the solution (one made for the place if none)."""
    by_solution: dict[str, list[Imported]] = {}
    for item in measured:
        by_solution.setdefault(item.solution_id, []).append(item)
    for solution_id, items in by_solution.items():
        existing = await store.adoptions.find(solution_id=solution_id)
        for item in items:
            adoption = imported_adoption(item, existing)
            await store.adoptions.upsert(adoption)
            existing = [a for a in existing if a.id != adoption.id] + [adoption]


async def cmd_chat(settings: Settings, args: argparse.Namespace) -> int:
    user = args.user or getpass.getuser() or "console"
    if not user.strip() or any(c.isspace() for c in user) or len(user) > 100:
        raise UserError(f"--user must be one word without spaces, not {user[:100]!r}")
    async with opened(settings) as store:
        kb = await KnowledgeBase.load(store, data_dir=settings.data_dir)
        core = Core(kb=kb, settings=settings)
        chat = registered(TERMINAL)["console"](
            core=core,
            user_id=user,
            name=_from_terminal(args.name or user),
            organization=_from_terminal(args.org),
            unit=_from_terminal(args.unit),
        )
        core.connect(chat)
        await answer_demand(kb=kb, outbox=core.outbox)
        await chat.run()
    return EXIT_OK


async def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    async with opened(settings) as store:
        solutions = await store.solutions.all()
        measured = [a for a in await store.adoptions.all() if a.local_result is not None]
        versions = await store.solution_versions.all()
    extra: dict[str, dict[str, Any]] = {}
    local: dict[str, list[Adoption]] = {}
    for adoption in measured:
        local.setdefault(adoption.solution_id, []).append(adoption)
    for key, found in local.items():
        extra.setdefault(key, {})[EXPORT_FIELD] = exported(found)
    kept_of: dict[str, list[SolutionVersion]] = {}
    for version in versions:
        kept_of.setdefault(version.solution_id, []).append(version)
    for key, changes in kept_of.items():
        extra.setdefault(key, {})[HISTORY_FIELD] = exported_history(changes)
    payload = export_bytes(solutions, extra=extra)
    if args.output is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return EXIT_OK
    try:
        # An export is the admin's own file to share, not private store data.
        await asyncio.to_thread(write_atomically, args.output, payload, mode=0o644)
    except OSError as exc:
        raise UserError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
    print(f"Exported to {args.output}.", file=sys.stderr)
    return EXIT_OK


async def cmd_ask(settings: Settings, args: argparse.Namespace) -> int:
    if args.top < 1:
        raise UserError(f"--top must be 1 or more, not {args.top}")
    if args.batch is not None and args.question:
        raise UserError("give either a QUESTION or --batch FILE, not both")
    if args.batch is not None:
        questions = await asyncio.to_thread(_read_questions, args.batch)
    elif args.question:
        questions = [_from_terminal(" ".join(args.question))]
    else:
        raise UserError('what is your question? e.g. spred ask "kortere ventetid hjemmepleje"')
    async with opened(settings) as store:
        kb = await KnowledgeBase.load(store, data_dir=settings.data_dir)
    for question in questions:
        matches = kb.ask(question, top=args.top)
        if args.json:
            print(
                _json_line(
                    {
                        "q": question,
                        "matches": [
                            {"id": m.solution.id, "title": m.solution.title, "score": m.score}
                            for m in matches
                        ],
                    }
                )
            )
            continue
        if len(questions) > 1:
            print(f"? {question}")
        if not matches:
            print("No solution in the knowledge base answers this well enough.")
        for rank, match in enumerate(matches, 1):
            print(match_line(rank, match))
    return EXIT_OK


def _read_questions(path: Path) -> list[str]:
    payload = read_input(
        path,
        what="a text file with one question a line",
        verb="reads",
        advice="ask with each in turn",
    )
    try:
        text = payload.decode("utf-8-sig")  # from bytes: no newline translation
    except UnicodeDecodeError:
        raise UserError(f"{path} is not UTF-8 text") from None
    # Only line feeds end a question (str.splitlines also splits on U+2028 and form feeds),
    # so output lines pair one to one with input lines.
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def _from_terminal(text: str) -> str:
    """Python keeps bytes a non-UTF-8 terminal sent as lone surrogates; Danish legacy
    terminals send Latin-1, so read them as that."""
    return utf8_or_latin1(text.encode("utf-8", "surrogateescape"))


async def cmd_list(settings: Settings, args: argparse.Namespace) -> int:
    async with opened(settings) as store:
        solutions = sorted(await store.solutions.all(), key=lambda s: s.id)
    for solution in solutions:
        print(_json_line(solution.to_dict()) if args.json else solution_row(solution))
    if not solutions and not args.json:
        print(
            f"No solutions in {settings.data_dir} yet: add some with 'spred import FILE' "
            f"or 'spred load-demo'.",
            file=sys.stderr,
        )
    return EXIT_OK


async def cmd_show(settings: Settings, args: argparse.Namespace) -> int:
    async with opened(settings) as store:
        solution = await store.solutions.get(args.id)
    if solution is None:
        raise UserError(f"no solution with id {args.id!r}; 'spred list' shows the ids")
    print(_json_line(solution.to_dict()) if args.json else solution_details(solution))
    return EXIT_OK


async def cmd_demand(settings: Settings, args: argparse.Namespace) -> int:
    async with opened(settings) as store:
        ranked = most_asked(await store.demand.all())
    for asked in ranked:
        if args.json:
            print(
                _json_line(
                    {
                        "question": asked.question,
                        "count": asked.count,
                        "weight": asked.weight,
                        "near_miss": asked.near_miss,
                    }
                )
            )
        else:
            partly = "  (answered only by near misses)" if asked.near_miss else ""
            print(f"{asked.count:>4}  {asked.question}{partly}")
    if not ranked and not args.json:
        print("No open demand: every question so far found an answer.", file=sys.stderr)
    return EXIT_OK


async def cmd_import_people(settings: Settings, args: argparse.Namespace) -> int:
    entries = await asyncio.to_thread(read_entries, args.file, noun="people")
    if not entries:
        raise UserError(f"{args.file} holds no people; nothing imported")
    async with opened(settings) as store:
        known = set(await store.people.keys())
        batch = parse_people(entries, known=known)
        for error in batch.errors:
            print(error, file=sys.stderr)
        if batch.ignored:
            print(
                f"spred: ignored the field(s) {', '.join(sorted(batch.ignored))}; a person "
                f"has {', '.join(sorted(PERSON_FIELDS))}",
                file=sys.stderr,
            )
        if batch.errors:
            print(
                f"spred: {batch.rejected} of {len(entries)} people are invalid; nothing was "
                "imported. Fix them and import again.",
                file=sys.stderr,
            )
            return EXIT_REJECTED
        await store.people.upsert_many(batch.people)
    new = sum(1 for p in batch.people if p.id not in known)
    managers = len({p.manager_id for p in batch.people if p.manager_id})
    print(
        f"Imported {len(batch.people)} people ({new} new, {len(batch.people) - new} updated; "
        f"{managers} managers) into {cli_transfer.where(settings)}."
    )
    return EXIT_OK


async def cmd_nudges(settings: Settings, args: argparse.Namespace) -> int:
    async with opened(settings) as store:
        nudges = sorted(await store.nudges.all(), key=lambda n: n.due_at)
        people = {p.id: p for p in await store.people.all()}
        titles = {s.id: s.title for s in await store.solutions.all()}
    for nudge in nudges:
        manager = people.get(nudge.manager_id)
        if args.json:
            print(_json_line(nudge.to_dict() | {"manager_name": manager.name if manager else ""}))
        else:
            print(
                f"{nudge.due_at:%Y-%m-%d %H:%M}  {nudge.state:<9} {nudge.kind:<9} "
                f"{manager.name if manager else nudge.manager_id}: "
                f"{titles.get(nudge.solution_id, nudge.solution_id)}"
            )
    if not nudges and not args.json:
        print("No prompts to managers yet.", file=sys.stderr)
    return EXIT_OK


async def _started(settings: Settings, store: Store) -> bool:
    """Whether this store has been given solutions before: a data directory's file is kept
    even when every solution in it was removed on purpose; a database has no such file."""
    if settings.database_url:
        return await store.solutions.count() > 0
    return (settings.data_dir / "solutions.json").exists()


async def cmd_load_demo(settings: Settings, args: argparse.Namespace) -> int:
    solutions = demo_solutions()
    async with opened(settings) as store:
        if args.if_empty and await _started(settings, store):
            return EXIT_OK
        stored = await kept(store, solutions, by="cli", action="import", at=now())
        await store.solutions.upsert_many(stored)
    print(f"Loaded {len(solutions)} demo solutions into {cli_transfer.where(settings)}.")
    return EXIT_OK


# Valid raw in JSON, but line-splitting readers (Python's splitlines among them) break on them.
_LINE_SEPARATORS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _json_line(value: object) -> str:
    return orjson.dumps(value).decode().translate(_LINE_SEPARATORS)


class Progress:
    """A progress bar on stderr for long jobs, only when a person is watching."""

    def __init__(self, label: str, *, total: int, minimum: int = 2000) -> None:
        self.label = label
        self.total = total
        self.shown = total >= minimum and sys.stderr.isatty()

    def update(self, done: int) -> None:
        if self.shown:
            filled = int(30 * done / self.total)
            print(
                f"\r{self.label} [{'#' * filled}{' ' * (30 - filled)}] {done}/{self.total}",
                end="",
                file=sys.stderr,
                flush=True,
            )

    def done(self) -> None:
        if self.shown:
            print(file=sys.stderr)


_COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], Coroutine[Any, Any, int]]] = {
    "chat": cmd_chat,
    "import": cmd_import,
    "export": cmd_export,
    "ask": cmd_ask,
    "list": cmd_list,
    "show": cmd_show,
    "demand": cmd_demand,
    "load-demo": cmd_load_demo,
    "import-people": cmd_import_people,
    "nudges": cmd_nudges,
    "orgs": cli_orgs.cmd_orgs,
    "submissions": cli_submissions.cmd_submissions,
    "confirmations": cli_confirmations.cmd_confirmations,
    "history": cli_history.cmd_history,
    "person": cli_person.run,
    "newsletter": cli_newsletter.cmd_newsletter,
    "digest": cli_digest.cmd_digest,  # issue 17
    "recognition": cli_recognition.cmd_recognition,  # issue 17: recognition
    "roadshows": cli_roadshows.cmd_roadshows,  # issue 17
    **cli_transfer.COMMANDS,
}
