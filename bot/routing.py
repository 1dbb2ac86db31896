"""Open questions reach people who may know (issue 17). Unmet demand used to reach admins
only; now a question nobody could answer, or one only near misses answered, is offered to up
to MOST people who follow its domain or profession in other units and organisations: "En
kollega spørger: «…» Kender du en løsning?" with *Ja, jeg har en*, *Jeg kender en, der ved
det* and *Nej* (bot/flows/routed.py), and the budget's buttons.

Which topics a question is in, honestly: a near miss was shown solutions the matcher judged
close, so their domains and professions are where the question lives; a question nothing
answered is only in the domains and professions its own words name (the published
solutions' values, folded, as whole words). Tags are too narrow to say who knows, and an
organisation or one solution followed is news of them, not expertise; a question naming no
domain or profession reaches nobody (admins still see it on the demand board).

Who is asked: followers of those topics, never the asker, never someone in the asker's own
unit (their directory entries say so), other organisations before the asker's own; each at
most twice a week (bot/reach.py KIND_LIMITS) and only as the respect budget allows.

Once across instances: the hourly job runs in one instance (bot/jobs.py), a demand is
claimed by setting its `routed_at` only if unset, and each letter's id is
`routed-<demand>-<person>`, which the outbox, the budget and the `routed` records hold once.
Without the asker's consent (`Demand.name_ok`) the letter says "En kollega"; with it, their
name and the organisation their platform named, never e-mail or directory data.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.config import Settings
from bot.follows import is_channel
from bot.i18n import say
from bot.jobs import Schedule
from bot.messages import Action, Notice, Reply
from bot.nudges import working_time
from bot.organisations import Organisations
from bot.outbox import Outbox
from bot.reach import FULL, Budget, see_less
from bot.render_text import quoted
from bot.turn import directory_of
from knowledge.records import Demand, DemandStatus, Person, RoutedQuestion
from knowledge.solutions import Solution
from knowledge.store import Store
from knowledge.store.query import Below, OneOf
from knowledge.text import fold, folded_name, question_key
from knowledge.topics import Kind, Topic

MOST = 5  # people asked about one question by Spred (a colleague named is asked besides)
EVERY = timedelta(hours=1)  # how often one instance looks for new open demand
# A question waits this long before it is offered: time for its asker to let their name be
# used, or to find the answer by asking again.
WAIT = timedelta(hours=1)
# Demand older than this is not offered any more: stale, and Spred's first round after this
# feature arrives must not offer every question ever asked.
WITHIN = timedelta(days=14)
KINDS = (Kind.DOMAIN, Kind.PROFESSION)  # what a question is routed by (see above)
KIND = "routed_question"  # its kind in the respect budget
ALREADY = "asked already"
WORD = re.compile(r"\w+")  # why a person is not asked again; else the budget's reasons


def letter_id(demand_id: str, to: str) -> str:
    """The letter's id and the `routed` record's: one a question and person. A long
    platform id is hashed, so a button's payload stays short."""
    if len(to) > 80:
        to = hashlib.sha256(to.encode()).hexdigest()[:32]
    return f"routed-{demand_id}-{to}"


def topics_of(
    demand: Demand, published: Iterable[Solution], known: Mapping[str, Topic]
) -> list[Topic]:
    """The domains and professions the question is in (the module's docstring says why)."""
    published = [s for s in published if not s.retired]
    found: dict[str, Topic] = {}
    for solution in published:
        if solution.id in demand.rejected:  # shown as near misses, or said not to help
            for value in solution.domains:
                _add(found, Topic(kind=Kind.DOMAIN, value=value))
            for value in solution.professions:
                _add(found, Topic(kind=Kind.PROFESSION, value=value))
    if found:
        return list(found.values())
    words = " " + " ".join(WORD.findall(fold(demand.question))) + " "
    for topic in known.values():
        if topic.kind in KINDS and f" {folded_name(topic.value)} " in words:
            _add(found, topic)
    return list(found.values())


def _add(found: dict[str, Topic], topic: Topic) -> None:
    if folded_name(topic.value):
        found.setdefault(topic.key, topic)


def _same_unit(a: Person | None, b: Person | None) -> bool:
    return (
        a is not None
        and b is not None
        and bool(folded_name(a.unit))
        and a.organization_key == b.organization_key
        and folded_name(a.unit) == folded_name(b.unit)
    )


def _rank(asker: Person | None, person: Person | None) -> int:
    """Other organisations first (0), then those whose organisation is not known (1),
    then other units of the asker's own (2)."""
    if asker is None or person is None or not asker.organization_key:
        return 1
    return 2 if person.organization_key == asker.organization_key else 0


class Routing:
    def __init__(
        self,
        *,
        store: Store,
        outbox: Outbox,
        settings: Settings,
        organisations: Organisations,
        clock: Callable[[], datetime],
    ) -> None:
        self.store = store
        self.outbox = outbox
        self.settings = settings
        self.organisations = organisations
        self.clock = clock
        self.budget = Budget(store=store, rules=settings.nudges, clock=clock)
        self.schedule = Schedule(store=store, clock=clock)

    async def route_if_due(self, published: Sequence[Solution], known: Mapping[str, Topic]) -> int:
        """Hourly, in working hours, by one instance: offers the new open demand to people
        who may know (`known`: the knowledge base's topics); how many people were asked."""
        at = self.clock()
        if working_time(at, self.settings.nudges) > at:
            return 0
        if not await self.schedule.due("routing", every=EVERY):
            return 0
        return await self.route_open(published, known, at=at)

    async def route_open(
        self, published: Sequence[Solution], known: Mapping[str, Topic], *, at: datetime
    ) -> int:
        """Offers each open question not offered yet (asked WAIT to WITHIN ago); a job's
        read of the open demand not offered yet. The same question asked by several is
        offered once."""
        waiting = await self.store.demand.find(
            status=DemandStatus.OPEN, routed_at=None, asked_at=Below(at - WAIT)
        )
        asked = 0
        offered: set[str] = set()
        for demand in sorted(waiting, key=lambda d: d.asked_at):
            if at - demand.asked_at > WITHIN:
                continue
            if not await self._claim(demand.id, at=at):
                continue  # another instance took it meanwhile
            key = question_key(demand.question)
            if key in offered:
                continue
            offered.add(key)
            asked += len(await self.route(demand, published, known, at=at))
        return asked

    async def _claim(self, demand_id: str, *, at: datetime) -> bool:
        """Marks the demand offered if it was not; True if this call did. Marked before any
        letter: a crash in between loses an offer, never sends one twice."""
        claimed = False

        def claim(current: Demand | None) -> Demand | None:
            nonlocal claimed
            if current is None or current.routed_at is not None:
                return current
            claimed = current.status is DemandStatus.OPEN
            return replace(current, routed_at=at) if claimed else current

        await self.store.demand.update(demand_id, claim)
        return claimed

    async def route(
        self,
        demand: Demand,
        published: Sequence[Solution],
        known: Mapping[str, Topic],
        *,
        at: datetime,
    ) -> list[str]:
        """Offers one question to up to MOST people who may know; those asked."""
        topics = topics_of(demand, published, known)
        if not topics:
            return []
        asked: list[str] = []
        for user, language in await self.recipients(demand, topics):
            if len(asked) >= MOST:
                break
            if await self.ask(demand, user, language=language, at=at) is None:
                asked.append(user)
        return asked

    async def recipients(self, demand: Demand, topics: Sequence[Topic]) -> list[tuple[str, str]]:
        """Who follows the topics and may be asked, with their language, in the order they
        are asked: other organisations first, then by when they followed."""
        held = await self.store.follows.find(topic=OneOf.of(t.key for t in topics))
        languages: dict[str, str] = {}
        for follow in sorted(held, key=lambda f: f.at):
            if follow.user != demand.asker and not is_channel(follow.user):
                languages.setdefault(follow.user, follow.language)
        asker = await directory_of(self.store, demand.asker)
        ranked = []
        for order, user in enumerate(languages):
            person = await directory_of(self.store, user)
            if not _same_unit(asker, person):
                ranked.append((_rank(asker, person), order, user))
        return [(user, languages[user]) for _, _, user in sorted(ranked)]

    async def ask(
        self, demand: Demand, to: str, *, language: str, at: datetime, by: str = ""
    ) -> str | None:
        """Sends the question to `to` if they were not asked it and their budget allows;
        None when sent, else why not (ALREADY, or the budget's reason)."""
        routed_id = letter_id(demand.id, to)
        if await self.store.routed.get(routed_id) is not None:
            return ALREADY
        if not await self.budget.spend(to, kind=KIND, at=at, ref=routed_id):
            return await self.budget.refusal(to, at=at, kind=KIND) or FULL
        record = RoutedQuestion(
            id=routed_id, demand_id=demand.id, to=to, by=by, language=language, at=at
        )
        await self.store.routed.insert(record)  # of two instances, one stores it
        reply = await self.letter(demand, record)
        await self.outbox.send(Notice(to=to, kind="routed-question", reply=reply),
                               letter_id=routed_id)  # fmt: skip
        return None

    async def letter(self, demand: Demand, routed: RoutedQuestion) -> Reply:
        language = routed.language
        question = quoted(demand.question)
        asker = await self.asker_label(demand)
        lines = [
            say(language, "routed_named", name=asker, question=question)
            if asker
            else say(language, "routed_anonymous", question=question),
            say(language, "routed_by_colleague" if routed.by else "routed_why"),
        ]
        ref = {"routed": routed.id}
        actions = (
            Action(id="routed_yes", label=say(language, "act_routed_yes"), payload=ref),
            Action(id="routed_knows", label=say(language, "act_routed_knows"), payload=ref),
            Action(id="routed_no", label=say(language, "act_routed_no"), payload=ref),
            *see_less(language),
        )
        return Reply(text="\n\n".join(lines), actions=actions, language=language)

    async def asker_label(self, demand: Demand) -> str:
        """The asker as a routed question names them: "" without their consent; else their
        name and the organisation their platform named (never e-mail or directory data)."""
        if not demand.name_ok or not demand.asker_name:
            return ""
        organisation = await self.organisations.get(demand.org_id) if demand.org_id else None
        if organisation is None or not organisation.name:
            return demand.asker_name
        return f"{demand.asker_name} ({organisation.name})"
