"""The yearly question to each solution's owner (issue 16): are these results still true?

A solution whose results were last confirmed `SPRED_CONFIRM_MONTHS` ago (never confirmed:
first kept that long ago) is due. Its owner (the contact named `owner`, else the first) is
asked, with *Ja, stadig*, *Opdater tallene* and *Bruges ikke længere* under each solution
(bot/flows/owner.py). As managers' prompts are: never in quiet hours, at most one a week to
one person, and everything due for one owner gathered into one letter. A solution stored
before Spred kept either day has nothing to be old by, and is not asked about (as an
answer does not call it stale, knowledge/freshness.py).

The job runs hourly, by one of several instances on one store (bot/jobs.py). Each owner's
letter is begun by one `Collection.update` of their `OwnerPrompt`, which writes a new letter
id only if the last letter was sent a week ago, and goes out through the outbox under that
id: neither two instances nor a process dying between writing the letter and marking it
sent sends it twice (the next round writes the same letter, which the outbox stores once).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from bot.cards import card
from bot.i18n import say
from bot.jobs import Schedule
from bot.messages import Action, Notice, Reply
from bot.nudges import working_time
from bot.sessions import spoken_by
from bot.turn import Services
from knowledge.freshness import months_later
from knowledge.records import OwnerPrompt, new_id
from knowledge.solutions import PLATFORM_ID_FIELDS, Contact, Solution
from knowledge.store import Store
from knowledge.store.query import Below, OneOf

JOB = "owner_prompts"
EVERY = timedelta(hours=1)
AGAIN_AFTER = timedelta(days=7)  # at most one letter a week to one owner
GATHERED = 10  # solutions in one letter at most (a platform shows so many cards); the rest next
# A day this much after `months` before today may still be due: `months_later` puts the 31st
# of a month on the last of a shorter one.
_MONTH_ENDS = timedelta(days=4)


def owner_key(contact: Contact) -> str:
    """How an owner is told apart: their e-mail in any case, else their user id, so that
    one person's solutions are gathered into one letter."""
    return contact.email.casefold() if contact.email else contact.slack_id or contact.teams_id


def is_due(since: date, *, today: date, months: int) -> bool:
    return months_later(since, months) <= today


async def due_solutions(
    store: Store, *, today: date, months: int, among: Sequence[Solution] | None = None
) -> list[Solution]:
    """The solutions in answers whose results were confirmed (else first kept) `months`
    ago or longer: of `among` (solutions already read, the knowledge base's published ones
    for the dashboard), else asked of the store by their confirmed day."""
    before = months_later(today, -months) + _MONTH_ENDS
    if among is None:
        dated = await store.solutions.find(limit=None, retired=False, confirmed=Below(before))
        undated = await store.solutions.find(limit=None, retired=False, confirmed=None)
    else:  # as the store would find them
        dated = [s for s in among if s.confirmed and s.confirmed < before and not s.retired]
        undated = [s for s in among if not s.confirmed and not s.retired]
    due = [s for s in dated if s.confirmed and is_due(s.confirmed, today=today, months=months)]
    if undated:
        # Only those changed before the day (one sum by the store) can have been first kept
        # long enough ago: of thousands undated, their versions are read for these alone.
        before_day = datetime.combine(before, time.min, UTC)  # a version's day is in UTC
        old = await store.solution_versions.tally(by=("solution_id",), at=Below(before_day))
        undated = [s for s in undated if (s.id,) in old]
    if undated:
        first: dict[str, date] = {}
        versions = await store.solution_versions.find(
            limit=None, solution_id=OneOf.of(s.id for s in undated)
        )
        for version in versions:
            day = version.at.date()
            first[version.solution_id] = min(first.get(version.solution_id, day), day)
        due += [
            s for s in undated if s.id in first and is_due(first[s.id], today=today, months=months)
        ]
    return due


def answers(solution: Solution, language: str) -> tuple[Action, ...]:
    """The owner's three buttons under one solution. They carry the confirmed day asked
    about, so a press after someone answered meanwhile is told so (bot/flows/owner.py)."""
    ref = {
        "solution": solution.id,
        "confirmed": solution.confirmed.isoformat() if solution.confirmed else "",
    }
    return (
        Action(
            id="owner_confirm", label=say(language, "act_still_true"), payload=ref, style="primary"
        ),
        Action(id="owner_update", label=say(language, "act_update_figures"), payload=ref),
        Action(
            id="owner_retire",
            label=say(language, "act_no_longer_used"),
            payload=ref,
            style="danger",
        ),
    )


def prompt(solutions: list[Solution], *, language: str, today: date, months: int) -> Reply:
    """One letter: each solution with its result line, freshness and the three buttons."""
    shown = solutions[:GATHERED]
    if len(shown) == 1:
        text = say(language, "owner_prompt_one", title=shown[0].title, months=months)
    else:
        text = say(language, "owner_prompt_many", count=len(shown), months=months)
    cards = tuple(
        replace(
            card(s, language=language, actions=False, today=today), actions=answers(s, language)
        )
        for s in shown
    )
    return Reply(text=text, cards=cards, language=language)


class OwnerPrompts:
    def __init__(self, services: Services, schedule: Schedule) -> None:
        self.services = services
        self.schedule = schedule

    async def ask_if_due(self) -> int:
        """Asks each owner with solutions due, once an hour by one instance, outside quiet
        hours; returns how many owners a letter was written to."""
        now = self.services.clock()
        if working_time(now, self.services.settings.nudges) > now:
            return 0  # quiet hours: the first round in working hours asks
        if not await self.schedule.due(JOB, every=EVERY):
            return 0
        return await self.ask(now)

    async def ask(self, now: datetime) -> int:
        months = self.services.settings.confirm_months
        owners: dict[str, list[Solution]] = {}
        for solution in await due_solutions(self.services.store, today=now.date(), months=months):
            owners.setdefault(owner_key(solution.owner_contact), []).append(solution)
        asked = 0
        for owner, solutions in owners.items():
            asked += await self._ask_one(owner, solutions, now=now, months=months)
        return asked

    async def _ask_one(
        self, owner: str, solutions: list[Solution], *, now: datetime, months: int
    ) -> bool:
        store = self.services.store
        begun = await store.owner_prompts.update(owner, _begin(owner, now))
        if begun is None or begun.sent_at is not None:
            return False  # asked within the week
        # Those not asked about yet this round first; all asked, a new round begins.
        fresh = [s for s in solutions if s.id not in begun.asked]
        solutions = fresh + [s for s in solutions if s.id in begun.asked]
        shown = tuple(s.id for s in solutions[:GATHERED])
        due = {s.id for s in solutions}
        earlier = tuple(i for i in begun.asked if i in due) if fresh else ()
        asked = (*earlier, *(i for i in shown if i not in earlier))
        contact = solutions[0].owner_contact
        # Where they can be reached now, else where the letter waits for a platform that can.
        platforms = dict.fromkeys((*self.services.outbox.platforms, *PLATFORM_ID_FIELDS))
        to = await self.services.address_of(
            contact, platforms, organization=solutions[0].organization
        )
        if to:
            language = await spoken_by(store, to) or solutions[0].language
            reply = prompt(solutions, language=language, today=now.date(), months=months)
            notice = Notice(to=to, kind="owner-prompt", reply=reply)
            await self.services.outbox.send(notice, letter_id=begun.letter_id)
        # Not found anywhere: tried again in a week, not every hour.
        await store.owner_prompts.update(owner, _sent(begun.letter_id, to or "", now, asked))
        return bool(to)


def _begin(owner: str, now: datetime) -> Callable[[OwnerPrompt | None], OwnerPrompt | None]:
    """A new letter for `owner` unless one was sent within the week; a letter begun and
    never marked sent (its process died) is begun again as it was."""

    def begin(current: OwnerPrompt | None) -> OwnerPrompt | None:
        if current is not None and (
            current.sent_at is None or now - current.asked_at < AGAIN_AFTER
        ):
            return current
        asked = current.asked if current is not None else ()  # this round's, carried on
        return OwnerPrompt(
            owner=owner, letter_id=f"owner-prompt-{new_id()}", asked_at=now, asked=asked
        )

    return begin


def _sent(
    letter_id: str, to: str, now: datetime, asked: tuple[str, ...]
) -> Callable[[OwnerPrompt | None], OwnerPrompt | None]:
    def sent(current: OwnerPrompt | None) -> OwnerPrompt | None:
        if current is None or current.letter_id != letter_id or current.sent_at is not None:
            return current  # forgotten meanwhile (a person erased), or another's
        return replace(current, to=to, sent_at=now, asked=asked)

    return sent
