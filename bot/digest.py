"""The weekly digest (issue 17): each follower hears, once a week on `SPRED_DIGEST_DAY` in
the morning (Europe/Copenhagen, within working hours), what is new in the topics they follow
since their last digest: new solutions, organisations that began to pilot or use one, local
adaptations, places that measured it themselves, and results their owners confirmed. Each
item comes with its measured result; at most MOST items, the newest; none ever told to the
same person twice; nothing new, nothing sent. Danish, or English for those who followed in
English.

Once per person per week, across restarts and instances: the letter's id is
`digest-<user>-<ISO week>`, which the outbox stores once (bot/outbox.py), the budget
(bot/reach.py) spends one slot per letter id, and the person's `DigestState` records the
week and the items told once the letter is stored. Two instances at once compute the same
items, spend one slot and store one letter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.cards import USING
from bot.config import Settings
from bot.follows import is_channel
from bot.i18n import month_year, place, say
from bot.jobs import Schedule
from bot.messages import Notice, Reply
from bot.nudges import working_time
from bot.outbox import Outbox
from bot.reach import Budget, see_less
from bot.render_text import result_text
from knowledge.evidence import local_result
from knowledge.records import DigestState, Follow
from knowledge.solutions import Solution
from knowledge.store import Store
from knowledge.store.query import OneOf
from knowledge.text import folded_name
from knowledge.topics import Topic

MOST = 5  # items in one digest
TOLD_KEPT = 2000  # items remembered per person as told: years of weekly digests
MORNING_ENDS = 12  # local hour: a digest not out by then waits for next week's day
LOOK_EVERY = timedelta(minutes=10)  # how often, on the day, an instance looks for the unsent

# Why a follower gets nothing now, besides the budget's reasons (bot/reach.py).
NOTHING_NEW, SENT_THIS_WEEK = "nothing new", "sent this week"


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    key: str  # what it tells, named without any person: told once per follower
    at: datetime
    solution_id: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Planned:
    """One follower's digest as it stands now."""

    user: str
    language: str
    week: str
    topics: tuple[str, ...]
    items: tuple[Item, ...] = ()
    more: int = 0  # new items beyond MOST, left out
    blocked: str | None = None  # why it is not sent now; None: it is

    @property
    def letter_id(self) -> str:
        return f"digest-{self.user}-{self.week}"


def iso_week(moment: datetime, zone: str) -> str:
    year, week, _ = moment.astimezone(ZoneInfo(zone)).isocalendar()
    return f"{year}-W{week:02d}"


class Digests:
    def __init__(
        self, *, store: Store, outbox: Outbox, settings: Settings, clock: Callable[[], datetime]
    ) -> None:
        self.store = store
        self.outbox = outbox
        self.settings = settings
        self.clock = clock
        self.budget = Budget(store=store, rules=settings.nudges, clock=clock)
        self.schedule = Schedule(store=store, clock=clock)

    async def plan(self, solutions: Iterable[Solution], *, at: datetime) -> list[Planned]:
        """Every follower's digest now: what it would tell, and why not, if it would not
        be sent. Reads the follows whole: a job's read, never a request's."""
        published = [s for s in solutions if not s.retired]
        by_user: dict[str, list[Follow]] = {}
        for held in await self.store.follows.all():
            by_user.setdefault(held.user, []).append(held)
        # Each topic's solutions found once a run, not once per follower of it.
        covered = Covered(published)
        return [
            await self._plan_one(user, sorted(held, key=lambda f: f.at), covered, at=at)
            for user, held in sorted(by_user.items())
        ]

    async def _plan_one(
        self, user: str, held: list[Follow], covered: Covered, *, at: datetime
    ) -> Planned:
        week = iso_week(at, self.settings.nudges.timezone)
        planned = Planned(
            user=user,
            language=held[-1].language,  # as they last chose to follow
            week=week,
            topics=tuple(f.label for f in held),
        )
        state = await self.store.digests.get(user)
        if state is not None and state.week == week:
            return replace(planned, blocked=SENT_THIS_WEEK)
        since = state.sent_at if state is not None else None
        told = frozenset(state.told) if state is not None else frozenset()
        found = await news(
            self.store, covered, held, since=since, told=told, language=planned.language
        )
        planned = replace(planned, items=tuple(found[:MOST]), more=max(0, len(found) - MOST))
        if not found:
            return replace(planned, blocked=NOTHING_NEW)
        return replace(
            planned, blocked=await self.budget.refusal(user, at=at, ref=planned.letter_id)
        )

    async def send(self, solutions: Iterable[Solution], *, at: datetime) -> list[Planned]:
        """Sends every digest that is due and allowed now; the digests sent."""
        sent = []
        for planned in await self.plan(solutions, at=at):
            if planned.blocked is None and await self._send(planned, at=at):
                sent.append(planned)
        return sent

    async def _send(self, planned: Planned, *, at: datetime) -> bool:
        if not await self.budget.spend(planned.user, kind="digest", at=at, ref=planned.letter_id):
            return False  # another message took the slot meanwhile
        notice = Notice(to=planned.user, kind="digest", reply=letter(planned))
        await self.outbox.send(notice, letter_id=planned.letter_id)
        keys = tuple(item.key for item in planned.items)

        def record(current: DigestState | None) -> DigestState:
            told = (current.told if current is not None else ()) + keys
            return DigestState(
                user=planned.user,
                week=planned.week,
                sent_at=at,
                told=tuple(dict.fromkeys(told))[-TOLD_KEPT:],
            )

        await self.store.digests.update(planned.user, record)
        return True

    async def run_if_due(self, solutions: Iterable[Solution]) -> int:
        """On the digest day's working morning, sends the digests not sent yet this week,
        looked for every LOOK_EVERY by one instance; how many went out."""
        at = self.clock()
        rules = self.settings.nudges
        local = at.astimezone(ZoneInfo(rules.timezone))
        if (
            local.weekday() != self.settings.digest_day
            or local.hour >= MORNING_ENDS
            or working_time(at, rules) > at
        ):
            return 0
        if not await self.schedule.due("digest", every=LOOK_EVERY):
            return 0
        return len(await self.send(solutions, at=at))


def letter(planned: Planned) -> Reply:
    language = planned.language
    lines = [say(language, "digest_intro", topics=", ".join(planned.topics))]
    lines += [f"• {item.text}" for item in planned.items]
    if planned.more:
        lines.append(say(language, "digest_more", count=planned.more))
    lines.append(say(language, "digest_footer"))
    # A channel's digest has no budget buttons: pressed there, they would be one person's.
    actions = () if is_channel(planned.user) else see_less(language)
    return Reply(text="\n".join(lines), actions=actions, language=language)


class Covered:
    """The published solutions each topic covers (by topic key), each worked out once."""

    def __init__(self, published: Sequence[Solution]) -> None:
        self._published = published
        self._covered: dict[str, tuple[Solution, ...]] = {}

    def __call__(self, key: str) -> tuple[Solution, ...]:
        if key not in self._covered:
            topic = Topic.from_key(key)
            self._covered[key] = (
                () if topic is None else tuple(s for s in self._published if topic.covers(s))
            )
        return self._covered[key]


async def news(
    store: Store,
    covered: Callable[[str], Sequence[Solution]],
    held: Sequence[Follow],
    *,
    since: datetime | None,
    told: frozenset[str],
    language: str,
) -> list[Item]:
    """What is new in the followed topics, newest first: after the last digest (`since`)
    and after the follow itself, and never `told`."""
    start: dict[str, datetime] = {}  # solution id → news after this counts
    solutions: dict[str, Solution] = {}
    for follow in held:
        begins = max(follow.at, since) if since is not None else follow.at
        for solution in covered(follow.topic):
            solutions[solution.id] = solution
            start[solution.id] = min(start.get(solution.id, begins), begins)
    if not solutions:
        return []
    ids = OneOf.of(solutions)
    decimal = "." if language == "en" else ","
    found: dict[str, Item] = {}

    def add(key: str, at: datetime, solution: Solution, text_key: str, **values: object) -> None:
        if at > start[solution.id] and key not in told:
            result = result_text(solution.key_result, decimal=decimal)
            text = say(language, text_key, title=solution.title, result=result, **values)
            found.setdefault(key, Item(key=key, at=at, solution_id=solution.id, text=text))

    for version in await store.solution_versions.find(solution_id=ids):
        solution = solutions[version.solution_id]
        if version.previous is None:
            add(f"new:{solution.id}", version.at, solution, "digest_new",
                origin=solution.organization)  # fmt: skip
        elif version.action == "confirm":
            when = month_year(language, version.at.date())
            add(f"confirmed:{solution.id}:{version.at.isoformat()}", version.at, solution,
                "digest_confirmed", **when)  # fmt: skip
    for adoption in await store.adoptions.find(solution_id=ids):
        solution = solutions[adoption.solution_id]
        where = place(language, adoption.organization, adoption.unit)
        spot = folded_name(f"{adoption.organization}/{adoption.unit}")
        if adoption.stage in USING:
            add(f"adoption:{solution.id}:{spot}:{adoption.stage}", adoption.updated_at,
                solution, f"digest_{adoption.stage}", place=where)  # fmt: skip
        measured = local_result(adoption)
        if measured is not None and adoption.measured_at is not None:
            figures = result_text(measured, decimal=decimal)
            add(f"measured:{solution.id}:{spot}:{adoption.measured_at.isoformat()}",
                adoption.measured_at, solution, "digest_measured", place=where,
                figures=figures)  # fmt: skip
    for adaptation in await store.adaptations.find(solution_id=ids):
        solution = solutions[adaptation.solution_id]
        where = place(language, adaptation.organization, adaptation.unit)
        add(f"adaptation:{adaptation.id}", adaptation.created_at, solution,
            "digest_adapted", place=where)  # fmt: skip
    return sorted(found.values(), key=lambda item: item.at, reverse=True)
