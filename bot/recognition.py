"""Recognition (issue 17): once a month, thanks to those whose solutions spread, as the
guide asks ("reward those who spread and those who adopt").

For the previous calendar month (Europe/Copenhagen), a solution spread if an organisation
other than its own began trying or using it, a unit adapted it, or a place repeated its
result: bot/newsletter.py `spreading`, the one definition. Then
- its originator (the owner contact, where Spred can write to them) gets one letter for
  all their solutions that spread: "Din løsning «…» bruges nu i 4 andre organisationer
  (2 nye i november), blev tilpasset i Vejle Kommune og resultatet er gentaget 1 sted
  mere.";
- their manager in the people directory hears the same, naming them, only where the
  consent rule lets a manager see their name (bot/consent.py `may_name`: they said yes,
  and the solution is not about sick leave or stress). An originator with a manager who
  was never asked is asked once, in their own letter;
- the manager who reported an adaptation that month is thanked for it.
One letter per person and month, whatever they are told about.

Every letter is unsolicited: it spends from the respect budget (bot/reach.py) and carries
"Færre beskeder"/"Stop". The job runs on the month's first TRIES working days, in working
hours, looked for every LOOK_EVERY by one instance (bot/jobs.py); a letter the budget
refuses on the first is tried on the next, then dropped: next month's letter tells the
totals anyway. Once per person and month, across restarts and instances: the letter's id
is `recognition-<user>-<yyyy-mm>`, which the outbox stores once, the budget spends one
slot per letter id, and the person's `RecognitionState` keeps the last month told.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.cards import organizations_using
from bot.confirmations import owner_key
from bot.consent import may_name, sensitive
from bot.i18n import genitive, listed, place, say
from bot.jobs import Schedule
from bot.messages import Action, Notice, Reply
from bot.newsletter import Records, Spreading, records_of, spreading
from bot.nudges import address_of, working_time
from bot.organisations import Organisations
from bot.reach import Budget, see_less
from bot.sessions import spoken_by
from bot.turn import Services
from knowledge.records import Adaptation, Consent, Person, RecognitionState
from knowledge.solutions import PLATFORM_ID_FIELDS, Solution
from knowledge.text import folded_name

JOB = "recognition"
TRIES = 2  # working days a month a refused letter is tried on: the first, then the next
# How often, on those days, one instance looks (and asks platforms where originators are):
# the budget refuses by the day, so hourly is enough.
LOOK_EVERY = timedelta(hours=1)
MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")

# Why someone is told (a letter's parts), and why a letter is not sent now besides the
# budget's reasons (bot/reach.py).
ORIGINATOR, MANAGER, ADAPTER = "originator", "manager", "adaptation"
SENT_THIS_MONTH, UNREACHABLE = "sent for this month", "not reachable"


@dataclass(frozen=True, slots=True, kw_only=True)
class Part:
    solution_id: str
    why: str  # ORIGINATOR, MANAGER or ADAPTER
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Planned:
    """One person's letter for one month as it stands now."""

    user: str  # platform-qualified; an unreachable originator: how the solution names them
    language: str
    month: str  # "2026-11"
    parts: tuple[Part, ...] = ()
    ask_name: str = ""  # the directory id to ask whether their manager may see their name
    blocked: str | None = None  # why it is not sent now; None: it is

    @property
    def letter_id(self) -> str:
        return f"recognition-{self.user}-{self.month}"


def previous_month(at: datetime, zone: str) -> str:
    first = at.astimezone(ZoneInfo(zone)).date().replace(day=1)
    before = first - timedelta(days=1)
    return f"{before.year}-{before.month:02d}"


def parse_month(text: str) -> str | None:
    """ "2026-11" as given, None if it is not a month so written (nor one a calendar can
    step from: year 0000 or 9999)."""
    written = MONTH.fullmatch(text.strip())
    return written.group(0) if written and 0 < int(written.group(1)) < 9999 else None


def period(month: str, zone: str) -> tuple[datetime, datetime]:
    """The month's first moment and the next month's, in the organisation's time zone."""
    year, number = (int(part) for part in month.split("-"))
    start = datetime(year, number, 1, tzinfo=ZoneInfo(zone))
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=ZoneInfo(zone))
    return start, end


def month_name(language: str, month: str) -> str:
    return say(language, f"month_{int(month.split('-')[1])}")


def working_day_of_month(day: date) -> int:
    """Which working day of its month `day` is (1 for the first); 0 on a weekend."""
    if day.weekday() >= 5:
        return 0
    return sum(1 for d in range(1, day.day + 1) if day.replace(day=d).weekday() < 5)


@dataclass(slots=True)
class _Wanted:
    """What one person is to be told, before it is worded in their language."""

    language: str
    parts: list[tuple[str, str, Callable[[str], str]]]  # solution id, why, wording
    ask_name: str = ""


class Recognition:
    def __init__(self, services: Services, schedule: Schedule) -> None:
        self.services = services
        self.schedule = schedule
        self.budget = Budget(
            store=services.store, rules=services.settings.nudges, clock=services.clock
        )

    @property
    def zone(self) -> str:
        return self.services.settings.nudges.timezone

    async def plan(
        self, solutions: Iterable[Solution], *, at: datetime, month: str | None = None
    ) -> list[Planned]:
        """Everyone's letter for `month` (the one before `at`'s): what it would tell, and
        why not, if it would not be sent at `at`. A job's read: every published solution's
        adoptions and adaptations, by their ids."""
        month = month or previous_month(at, self.zone)
        start, end = period(month, self.zone)
        published = sorted((s for s in solutions if not s.retired), key=lambda s: s.id)
        records = await records_of(self.services.store, published)
        spread = [
            found
            for found in (spreading(s, records, start=start, end=end) for s in published)
            if found.weight > 0
        ]
        wanted: dict[str, _Wanted] = {}
        unreachable = await self._originators(spread, records, wanted, month=month)
        await self._adapters(spread, records, wanted)
        planned = [
            await self._planned(user, what, month=month, at=at)
            for user, what in sorted(wanted.items())
        ]
        return planned + unreachable

    async def _originators(
        self,
        spread: Sequence[Spreading],
        records: Records,
        wanted: dict[str, _Wanted],
        *,
        month: str,
    ) -> list[Planned]:
        """Each originator's part, and their manager's; those Spred can write to nowhere,
        as such."""
        owners: dict[str, list[Spreading]] = {}
        for found in spread:
            owners.setdefault(owner_key(found.solution.owner_contact), []).append(found)
        platforms = dict.fromkeys((*self.services.outbox.platforms, *PLATFORM_ID_FIELDS))
        unreachable = []
        for owned in owners.values():
            first = owned[0].solution
            contact = first.owner_contact
            to = await self.services.address_of(contact, platforms, organization=first.organization)
            if not to:
                unreachable.append(
                    Planned(user=contact.reference, language=first.language, month=month,
                            blocked=UNREACHABLE)
                )  # fmt: skip
                continue
            mine = await self._wanted(wanted, to, first.language)
            for found in owned:
                mine.parts.append((found.solution.id, ORIGINATOR, _told(found, records, month)))
            platform, _, user_id = to.partition(":")
            person = await self.services.person_for(platform, user_id, contact.email)
            if person is not None:
                await self._manager_part(person, owned, records, wanted, mine, month=month)
        return unreachable

    async def _manager_part(
        self,
        person: Person,
        owned: Sequence[Spreading],
        records: Records,
        wanted: dict[str, _Wanted],
        mine: _Wanted,
        *,
        month: str,
    ) -> None:
        """The originator's manager's part, naming them, for the solutions the consent rule
        lets a manager see their name with (bot/consent.py); none without it, since the
        note names them. Never asked: asked in their own letter, once."""
        store = self.services.store
        manager = await self._manager_of(person)
        if manager is None:
            return
        consent = await store.consents.get(person.id)
        if consent is None and not all(sensitive(f.solution) for f in owned):
            mine.ask_name = person.id  # recorded as asked when the letter goes out
        named = [f for f in owned if await may_name(store, person.id, f.solution)]
        if named:
            boss = await self._wanted(wanted, address_of(manager), "")
            for found in named:
                told = _told(found, records, month, employee=person.name)
                boss.parts.append((found.solution.id, MANAGER, told))

    async def _adapters(
        self, spread: Sequence[Spreading], records: Records, wanted: dict[str, _Wanted]
    ) -> None:
        """The managers who reported an adaptation in the month: thanked for each."""
        store = self.services.store
        for found in spread:
            using = _using(found.solution, records)
            for adaptation in found.adaptations:
                manager = await store.people.get(adaptation.manager_id or "")
                if manager is not None:
                    mine = await self._wanted(wanted, address_of(manager), "")
                    thanks = _thanks(found.solution, adaptation, using=using)
                    mine.parts.append((found.solution.id, ADAPTER, thanks))

    async def _wanted(self, wanted: dict[str, _Wanted], to: str, language: str) -> _Wanted:
        if to not in wanted:
            spoken = await spoken_by(self.services.store, to)
            wanted[to] = _Wanted(
                language=spoken or language or self.services.settings.language, parts=[]
            )
        return wanted[to]

    async def _manager_of(self, person: Person | None) -> Person | None:
        """Their manager in the directory, of their own organisation (a manager hears only
        of their own organisation's people, as prompts do: bot/nudges.py)."""
        if person is None or not person.manager_id:
            return None
        manager = await self.services.store.people.get(person.manager_id)
        if manager is None or Organisations.apart(person.organization, manager.organization):
            return None
        return manager

    async def _planned(self, user: str, what: _Wanted, *, month: str, at: datetime) -> Planned:
        language = what.language
        worded = (Part(solution_id=s, why=why, text=told(language)) for s, why, told in what.parts)
        parts = tuple(dict.fromkeys(worded))  # one thing told once
        planned = Planned(
            user=user, language=language, month=month, parts=parts, ask_name=what.ask_name
        )
        state = await self.services.store.recognitions.get(user)
        if state is not None and state.month >= month:
            return replace(planned, blocked=SENT_THIS_MONTH)
        return replace(
            planned, blocked=await self.budget.refusal(user, at=at, ref=planned.letter_id)
        )

    async def send(
        self, solutions: Iterable[Solution], *, at: datetime, month: str | None = None
    ) -> list[Planned]:
        """Sends every letter for the month that is allowed now; the letters sent."""
        sent = []
        for planned in await self.plan(solutions, at=at, month=month):
            if planned.blocked is None and await self._send(planned, at=at):
                sent.append(planned)
        return sent

    async def _send(self, planned: Planned, *, at: datetime) -> bool:
        store = self.services.store
        if not await self.budget.spend(
            planned.user, kind="recognition", at=at, ref=planned.letter_id
        ):
            return False  # another message took the slot meanwhile
        notice = Notice(to=planned.user, kind="recognition", reply=letter(planned))
        await self.services.outbox.send(notice, letter_id=planned.letter_id)
        if planned.ask_name:  # asked once: an answer, or the question, is kept from now

            def asked(current: Consent | None) -> Consent:
                return current or Consent(person_id=planned.ask_name, asked_at=at)

            await store.consents.update(planned.ask_name, asked)

        def record(current: RecognitionState | None) -> RecognitionState | None:
            if current is not None and current.month >= planned.month:
                return current
            return RecognitionState(user=planned.user, month=planned.month, sent_at=at)

        await store.recognitions.update(planned.user, record)
        return True

    async def run_if_due(self, solutions: Iterable[Solution]) -> int:
        """On the month's first TRIES working days, in working hours, sends last month's
        letters not sent yet, looked for every LOOK_EVERY by one instance; how many."""
        at = self.services.clock()
        rules = self.services.settings.nudges
        today = at.astimezone(ZoneInfo(rules.timezone)).date()
        if not 1 <= working_day_of_month(today) <= TRIES or working_time(at, rules) > at:
            return 0
        if not await self.schedule.due(JOB, every=LOOK_EVERY):
            return 0
        return len(await self.send(solutions, at=at))


def letter(planned: Planned) -> Reply:
    language = planned.language
    lines = [say(language, "recog_intro", month=month_name(language, planned.month))]
    lines += [f"• {part.text}" for part in planned.parts]
    actions = see_less(language)
    if planned.ask_name:
        lines += ["", say(language, "recog_ask_name")]
        actions += (
            Action(id="name_ok", label=say(language, "act_name_ok")),
            Action(id="name_no", label=say(language, "act_name_no")),
        )
    lines.append(say(language, "recog_footer"))
    return Reply(text="\n".join(lines), actions=actions, language=language)


def _using(solution: Solution, records: Records) -> int:
    """Organisations other than its own that try or use it now."""
    home = folded_name(solution.organization)
    adoptions, _, _ = records.of(solution.id)
    return sum(1 for o in organizations_using(adoptions) if folded_name(o) != home)


def _used(language: str, using: int) -> str:
    return say(language, "recog_used_one" if using == 1 else "recog_used", count=using)


def _thanks(solution: Solution, adaptation: Adaptation, *, using: int) -> Callable[[str], str]:
    """The thanks for an adaptation, worded in a language: where it now stands, and how
    far the solution has spread (all the store knows of who reads it)."""

    def thanks(language: str) -> str:
        where = place(language, adaptation.organization, adaptation.unit)
        spread = (
            say(language, "recog_origin_using", origin=solution.organization,
                used=_used(language, using))
            if using else ""
        )  # fmt: skip
        return say(language, "recog_adaptation", title=solution.title, place=where, using=spread)

    return thanks


def _told(
    found: Spreading, records: Records, month: str, *, employee: str = ""
) -> Callable[[str], str]:
    """What spread of one solution, worded in a language: to its originator, or to their
    manager naming them (`employee`)."""
    using = _using(found.solution, records)

    def told(language: str) -> str:
        named = month_name(language, month)
        what = []
        if using:
            used = _used(language, using)
            new = len(found.organisations)
            if new:
                key = "recog_new_one" if new == 1 else "recog_new"
                used += " " + say(language, key, count=new, month=named)
            what.append(used)
        if found.adaptations:
            places = [place(language, a.organization, a.unit) for a in found.adaptations]
            what.append(say(language, "recog_adapted", places=listed(language, places)))
        if found.repeated_now:
            key = "recog_repeated_one" if found.repeated_now == 1 else "recog_repeated"
            what.append(say(language, key, count=found.repeated_now))
        title, done = found.solution.title, listed(language, what)
        if employee:
            whose = genitive(language, employee)
            return say(language, "recog_employee", whose=whose, title=title, what=done)
        return say(language, "recog_yours", title=title, what=done)

    return told
