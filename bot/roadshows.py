"""Roadshows (issue 17): a session where a solution's originators show it. The organiser plans
it in chat (bot/flows/roadshow.py); Spred invites those it may concern, each with a short
personal reason, through the respect budget (bot/reach.py) and the outbox; people answer
*Jeg kommer* / *Kan ikke* / *Send til en kollega*.

Places are never oversold: the roadshow and every answer to it are one record, and taking
a place (or, when they are taken, the next waiting position) is one `Collection.update` of
it, which no other writer, in this process or another, comes between. Whoever gives up a
place frees it in that same update for the first on the waiting list, who is then told.

The day before, those coming get a reminder; two days after, a question about what they
will do next. Both are sent by one instance (bot/jobs.py), within working hours, and each
letter has a deterministic id, so nobody hears either twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.follows import is_channel
from bot.i18n import say
from bot.jobs import Schedule
from bot.messages import Action, Notice, Reply
from bot.nudges import address_of, working_time
from bot.organisations import Organisations
from bot.reach import Budget, see_less
from bot.sessions import spoken_by
from bot.turn import Services
from knowledge.records import DemandStatus, Person, Roadshow, Stage
from knowledge.solutions import Solution
from knowledge.store import Store
from knowledge.store.query import OneOf
from knowledge.topics import Kind, Topic

INVITED, COMING, WAITING, DECLINED = "invited", "coming", "waiting", "declined"
OPEN, REMINDED, DONE = "open", "reminded", "done"  # a roadshow's states
PLANNED = (OPEN, REMINDED)  # not yet followed up: answers and the jobs look at these
MOST_PLACES = 1000
LENGTH = timedelta(hours=1)  # how long a calendar entry is: a session, not a day
FOLLOW_UP_AFTER = timedelta(days=2)
LOOK_EVERY = timedelta(minutes=10)  # how often one instance looks for reminders to send
# How often one instance invites those the budget held back (quiet hours, enough for now)
# and those a planned roadshow has come to concern since.
INVITE_EVERY = timedelta(hours=1)
MOST_INVITED = 500  # invitations one roadshow sends: a room, not a mailing list


# --- answers, each one update of the roadshow record


def counts(roadshow: Roadshow) -> dict[str, int]:
    """How many are invited (without an answer), coming, waiting and declined."""
    found = dict.fromkeys((INVITED, COMING, WAITING, DECLINED), 0)
    for entry in roadshow.rsvps.values():
        state = entry.get("state", INVITED)
        found[state] = found.get(state, 0) + 1
    return found


def state_of(roadshow: Roadshow, user: str) -> str:
    return str(roadshow.rsvps.get(user, {}).get("state", ""))


def in_line(rsvps: Mapping[str, Any]) -> list[str]:
    """Those waiting, first in line first."""
    waiting = [(e.get("position", 0), u) for u, e in rsvps.items() if e.get("state") == WAITING]
    return [user for _, user in sorted(waiting)]


def waiting_list(roadshow: Roadshow) -> list[str]:
    return in_line(roadshow.rsvps)


def position(roadshow: Roadshow, user: str) -> int:
    """Their place in the waiting list, counting from 1."""
    return waiting_list(roadshow).index(user) + 1


def filled(rsvps: dict[str, Any], places: int, at: datetime) -> tuple[dict[str, Any], list[str]]:
    """`rsvps` with free places given to the first waiting; and who moved up."""
    moved = []
    coming = sum(1 for e in rsvps.values() if e.get("state") == COMING)
    for user in in_line(rsvps)[: max(0, places - coming)]:
        rsvps[user] = {**rsvps[user], "state": COMING, "at": at.isoformat()}
        moved.append(user)
    return rsvps, moved


def answer(
    user: str, state: str, *, name: str, at: datetime
) -> tuple[Callable[[Roadshow | None], Roadshow | None], list[str]]:
    """The change that records `user`'s answer (COMING asks for a place; DECLINED gives one
    up) on a roadshow still planned, and the list it fills with who it moved up from the
    waiting list (the last run of the change is the one stored)."""
    moved: list[str] = []

    def change(current: Roadshow | None) -> Roadshow | None:
        moved.clear()
        if current is None or current.state not in PLANNED:
            return current
        entry = dict(current.rsvps.get(user, {}))
        if entry.get("state") == state or (state == COMING and entry.get("state") == WAITING):
            return current  # pressed again: nothing changes, nobody loses their turn
        rsvps = dict(current.rsvps)
        entry.update(state=state, at=at.isoformat(), name=name or entry.get("name", ""))
        if state == COMING and counts(current)[COMING] >= current.places:
            last = max((e.get("position", 0) for e in rsvps.values()), default=0)
            entry.update(state=WAITING, position=last + 1)
        rsvps[user] = entry
        rsvps, up = filled(rsvps, current.places, at)
        moved.extend(up)
        return replace(current, rsvps=rsvps)

    return change, moved


async def respond(
    store: Store, roadshow_id: str, user: str, state: str, *, name: str, at: datetime
) -> tuple[Roadshow | None, list[str]]:
    """Records an answer; the roadshow as stored now, and who moved up to a place."""
    change, moved = answer(user, state, name=name, at=at)
    stored = await store.roadshows.update(roadshow_id, change)
    return stored, list(moved)


async def tell_moved_up(services: Services, roadshow: Roadshow, moved: list[str]) -> None:
    """Tells each person who got a place from the waiting list: a reply to their own
    answer, so not counted against their budget."""
    for user in moved:
        language = await spoken_by(services.store, user) or services.settings.language
        text = say(
            language,
            "roadshow_moved_up",
            title=roadshow.title,
            when=when(roadshow, language, services.settings.nudges.timezone),
        )
        text += "\n" + say(language, "roadshow_calendar", link=ics_link(services, roadshow))
        await services.outbox.send(
            Notice(to=user, kind="roadshow", reply=Reply(text=text, language=language)),
            letter_id=f"roadshow-{roadshow.id}-up-{user}",
        )


# --- who is invited, and why


@dataclass(frozen=True, slots=True, kw_only=True)
class Invitee:
    user: str  # platform-qualified
    reason: str  # an i18n key: roadshow_why_*
    about: str = ""  # what it names: the question asked, the topic followed


async def invitees(services: Services, solution: Solution, *, organiser: str) -> list[Invitee]:
    """Who a roadshow of `solution` concerns, each once with the first of their reasons:
    those who asked what it answers, tried it or showed interest in it, follow its domains
    or it, and their managers; never those who use it already, nor the organiser."""
    store = services.store
    found: dict[str, Invitee] = {}
    using: set[str] = {organiser}
    people: dict[str, Person] = {}

    def add(user: str, reason: str, about: str = "") -> None:
        if user and not is_channel(user):
            found.setdefault(user, Invitee(user=user, reason=reason, about=about))

    answered = await store.demand.find(
        limit=None, status=DemandStatus.ANSWERED, answered_by=solution.id
    )
    for demand in answered:
        add(demand.asker, "roadshow_why_asked", demand.question[:120])
    for adoption in await store.adoptions.find(limit=None, solution_id=solution.id):
        if adoption.stage is Stage.ADOPTED:
            using.add(adoption.user)
        reason = (
            "roadshow_why_tried" if adoption.stage is Stage.PILOTING else "roadshow_why_interest"
        )
        add(adoption.user, reason)
    for interest in await store.interests.find(limit=None, solution_id=solution.id):
        person = await store.people.get(interest.person_id)
        if person is None:
            continue
        user = address_of(person)
        people[user] = person
        if interest.did == Stage.ADOPTED:
            using.add(user)
        add(
            user,
            "roadshow_why_tried" if interest.did == Stage.PILOTING else "roadshow_why_interest",
        )
    topics = [Topic(kind=Kind.DOMAIN, value=d) for d in solution.domains]
    topics.append(Topic(kind=Kind.SOLUTION, value=solution.id))
    for follow in await store.follows.find(limit=None, topic=OneOf.of(t.key for t in topics)):
        add(follow.user, "roadshow_why_follows", follow.label)
    for user in list(found):
        person = people.get(user) or await services.person_of(user)
        manager = (
            await services.store.people.get(person.manager_id)
            if person and person.manager_id
            else None
        )
        if (
            person is None
            or manager is None
            or Organisations.apart(person.organization, manager.organization)
        ):
            continue
        add(address_of(manager), "roadshow_why_staff")
    return [i for i in found.values() if i.user not in using][:MOST_INVITED]


def invitation(
    roadshow: Roadshow, *, language: str, zone: str, reason: str, about: str = ""
) -> Reply:
    """An invitation: what, when, where, why them; the answers, and the budget's buttons."""
    why = say(language, reason, about=about, title=roadshow.title)
    text = say(
        language,
        "roadshow_invitation",
        title=roadshow.title,
        organiser=roadshow.organiser_name or say(language, "roadshow_the_originators"),
        when=when(roadshow, language, zone),
        where=roadshow.where,
        places=roadshow.places,
        why=why,
    )
    if roadshow.text:
        text += f"\n\n{roadshow.text}"
    ref = {"roadshow": roadshow.id}
    answers = (
        Action(
            id="roadshow_yes", label=say(language, "act_roadshow_yes"), payload=ref, style="primary"
        ),
        Action(id="roadshow_no", label=say(language, "act_roadshow_no"), payload=ref),
        Action(id="roadshow_forward", label=say(language, "act_roadshow_forward"), payload=ref),
    )
    return Reply(text=text, actions=answers + see_less(language), language=language)


async def invite(
    services: Services,
    roadshow: Roadshow,
    people: list[Invitee],
) -> tuple[int, int]:
    """Sends each invitation the person's budget allows now to those `roadshow` (as stored
    now) has not invited yet; (sent, left for later: the roadshow job tries them again,
    `Reminders`). One letter and one spend per person and roadshow."""
    at = services.clock()
    budget = Budget(store=services.store, rules=services.settings.nudges, clock=services.clock)
    sent: list[str] = []
    people = [invitee for invitee in people if invitee.user not in roadshow.rsvps]
    for invitee in people:
        letter_id = f"roadshow-{roadshow.id}-{invitee.user}"
        if not await budget.spend(invitee.user, kind="invitation", at=at, ref=letter_id):
            continue
        language = await spoken_by(services.store, invitee.user) or services.settings.language
        reply = invitation(
            roadshow,
            language=language,
            zone=services.settings.nudges.timezone,
            reason=invitee.reason,
            about=invitee.about,
        )
        await services.outbox.send(
            Notice(to=invitee.user, kind="roadshow", reply=reply), letter_id=letter_id
        )
        sent.append(invitee.user)

    def mark(current: Roadshow | None) -> Roadshow | None:
        if current is None:
            return None
        new = {u: {"state": INVITED, "at": at.isoformat()} for u in sent if u not in current.rsvps}
        return replace(current, rsvps={**current.rsvps, **new}) if new else current

    if sent:
        await services.store.roadshows.update(roadshow.id, mark)
    return len(sent), len(people) - len(sent)


# --- how it is shown


def local(roadshow: Roadshow, zone: str) -> datetime:
    return roadshow.at.astimezone(ZoneInfo(zone))


def when(roadshow: Roadshow, language: str, zone: str) -> str:
    """Its day and time in `zone` (SPRED's time zone, `settings.nudges.timezone`)."""
    moment = local(roadshow, zone)
    return say(
        language,
        "roadshow_when",
        day=moment.day,
        month=moment.month,
        year=moment.year,
        time=f"{moment:%H:%M}",
    )


def ics_path(roadshow_id: str) -> str:
    return f"/roadshows/{roadshow_id}.ics"


def ics_link(services: Services, roadshow: Roadshow) -> str:
    """The calendar file's address on the server (bot/server.py); without
    SPRED_PUBLIC_URL, its path there."""
    return f"{services.settings.public_url}{ics_path(roadshow.id)}"


def attendees(roadshow: Roadshow) -> dict[str, list[dict[str, str]]]:
    """Those coming and those waiting (in line), as the organiser and admins see them."""
    coming = [
        {"user": u, "name": e.get("name", "")}
        for u, e in roadshow.rsvps.items()
        if e.get("state") == COMING
    ]
    waiting = [
        {"user": u, "name": roadshow.rsvps[u].get("name", "")} for u in waiting_list(roadshow)
    ]
    return {"coming": coming, "waiting": waiting}


# --- the day before and two days after


class Reminders:
    def __init__(self, services: Services, schedule: Schedule) -> None:
        self.services = services
        self.schedule = schedule

    async def run_if_due(self) -> int:
        """Within working hours, every LOOK_EVERY by one instance: reminds those coming the
        day before each roadshow and, two days after, asks what they will do next; how many
        letters went out."""
        services = self.services
        at = services.clock()
        if working_time(at, services.settings.nudges) > at:
            return 0
        if not await self.schedule.due("roadshows", every=LOOK_EVERY):
            return 0
        sent = await self.run(at)
        if await self.schedule.due("roadshow_invitations", every=INVITE_EVERY):
            sent += await self.invite_pending(at)
        return sent

    async def invite_pending(self, at: datetime) -> int:
        """Invites, as their budget allows now, those each roadshow still ahead concerns and
        has not invited; how many were."""
        services = self.services
        sent = 0
        for roadshow in await services.store.roadshows.find(limit=None, state=OPEN):
            solution = await services.store.solutions.get(roadshow.solution_id)
            if roadshow.at <= at or solution is None or solution.retired:
                continue
            people = await invitees(services, solution, organiser=roadshow.organiser)
            sent += (await invite(services, roadshow, people))[0]
        return sent

    async def run(self, at: datetime) -> int:
        zone = self.services.settings.nudges.timezone
        today = at.astimezone(ZoneInfo(zone)).date()
        sent = 0
        for roadshow in await self.services.store.roadshows.find(
            limit=None, state=OneOf.of(PLANNED)
        ):
            day = local(roadshow, zone).date()
            if at >= roadshow.at + FOLLOW_UP_AFTER:
                if await self._move(roadshow.id, PLANNED, DONE):
                    sent += await self._tell(roadshow, "followup")
            elif (
                roadshow.state == OPEN
                and today >= day - timedelta(days=1)
                and at < roadshow.at
                and await self._move(roadshow.id, (OPEN,), REMINDED)
            ):
                sent += await self._tell(roadshow, "reminder")
        return sent

    async def _move(self, roadshow_id: str, was: tuple[str, ...], to: str) -> bool:
        """Moves the roadshow on if it is still where it was: True if this call did, so
        the letters that step sends are written once."""
        moved = False

        def step(current: Roadshow | None) -> Roadshow | None:
            nonlocal moved
            moved = current is not None and current.state in was
            return replace(current, state=to) if current is not None and moved else current

        await self.services.store.roadshows.update(roadshow_id, step)
        return moved

    async def _tell(self, roadshow: Roadshow, what: str) -> int:
        services = self.services
        current = await services.store.roadshows.get(roadshow.id) or roadshow
        told = 0
        for user, entry in current.rsvps.items():
            if entry.get("state") != COMING:
                continue
            language = await spoken_by(services.store, user) or services.settings.language
            await services.outbox.send(
                Notice(to=user, kind="roadshow", reply=self._letter(current, what, language)),
                letter_id=f"roadshow-{roadshow.id}-{what}-{user}",
            )
            told += 1
        return told

    def _letter(self, roadshow: Roadshow, what: str, language: str) -> Reply:
        text = say(
            language,
            f"roadshow_{what}",
            title=roadshow.title,
            when=when(roadshow, language, self.services.settings.nudges.timezone),
            where=roadshow.where,
        )
        if what == "reminder":
            return Reply(
                text=text
                + "\n"
                + say(language, "roadshow_calendar", link=ics_link(self.services, roadshow)),
                language=language,
            )
        # "Vi vil prøve den" is the adoption flow's own button (bot/flows/adopt.py): it records
        # the stage and starts the manager's prompt as every adoption does.
        trying = {"solution": roadshow.solution_id, "stage": Stage.PILOTING.value}
        actions = (
            Action(
                id="adopt", label=say(language, "act_roadshow_try"), payload=trying, style="primary"
            ),
            Action(id="roadshow_later", label=say(language, "act_roadshow_later")),
        )
        return Reply(text=text, actions=actions, language=language)
