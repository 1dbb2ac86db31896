"""Prompts to middle managers, whom the guide calls the crank of spreading: when their people
do something with a solution, the manager is asked how it could work in their daily practice.

Only what a person did counts, never being answered (an answer may be a wrong match): asking
for contact or reporting an adoption stage prompts the manager at once; reading more about a
solution does when `group` people of one unit and manager did something with it within the
window. The prompt says exactly what each of them did.

Triggers schedule a `Nudge` in the store; `run_due` (a task in `spred serve`, and each turn
of `spred chat`) sends those due, outside quiet hours, through the outbox. Every rule takes
its time from the injected clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.cards import adopters_of, organizations_using
from bot.config import NudgeRules
from bot.consent import may_name
from bot.i18n import listed, place, say
from bot.messages import Action, Notice, Reply
from bot.organisations import Organisations
from bot.render_text import result_text
from bot.turn import Services
from knowledge.people import unit_of
from knowledge.records import Interest, Nudge, NudgeState, Person, Stage, new_id
from knowledge.solutions import Solution
from knowledge.store.query import Below, Condition, OneOf

# What a person can do with a solution, from least to most: an Interest keeps the furthest.
ACTS = ("details", "contact", *Stage)
ON_ITS_OWN = frozenset(ACTS) - {"details"}  # prompts the manager without a group
BATCH = 10  # prompts claimed at a time


def address_of(person: Person) -> str:
    """Where a person is told things: their chat platform, else the terminal chat. The
    letter waits in the outbox until that platform can deliver it."""
    platform, user_id = next(iter(person.platform_ids().items()))  # the terminal comes last
    return f"{platform}:{user_id}"


def working_time(moment: datetime, rules: NudgeRules) -> datetime:
    """`moment`, or the start of the next working hours if it falls in quiet hours or on a
    weekend (in the organisation's time zone)."""
    zone = ZoneInfo(rules.timezone)
    local = moment.astimezone(zone)
    for _ in range(8):
        quiet = (
            local.weekday() >= 5 or local.hour >= rules.quiet_from or local.hour < rules.quiet_until
        )
        if not quiet:
            return local.astimezone(moment.tzinfo)
        start = local.replace(hour=rules.quiet_until, minute=0, second=0, microsecond=0)
        local = start if local.hour < rules.quiet_until else start + timedelta(days=1)
    return local.astimezone(moment.tzinfo)


class Nudges:
    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def rules(self) -> NudgeRules:
        return self.services.settings.nudges

    def _now(self) -> datetime:
        return self.services.clock()

    async def manager_of(self, person: Person) -> Person | None:
        if not person.manager_id:
            return None
        return await self.services.store.people.get(person.manager_id)

    # --- triggers

    async def on_interest(
        self, person: Person, solution: Solution, *, why: str, member_ids: tuple[str, ...] = ()
    ) -> Nudge | None:
        """Schedules a prompt to the person's manager, unless the manager is of another
        organisation (the directory is per organisation: a manager hears only of their own
        organisation's people), opted out, or had one about this solution within the
        window."""
        store = self.services.store
        manager = await self.manager_of(person)
        if manager is None or Organisations.apart(person.organization, manager.organization):
            return None
        if await store.opt_outs.get(manager.id) is not None:
            return None
        since = self._now() - timedelta(days=self.rules.window_days)
        earlier = await store.nudges.find(
            manager_id=manager.id, solution_id=solution.id, kind="prompt"
        )
        if any(n.created_at >= since for n in earlier):
            return None
        nudge = Nudge(
            id=new_id(),
            manager_id=manager.id,
            solution_id=solution.id,
            reason=why,  # naming nobody: who agreed to be named is known when it is sent
            member_ids=member_ids or (person.id,),
            due_at=working_time(self._now(), self.rules),
            created_at=self._now(),
        )
        await store.nudges.upsert(nudge)
        return nudge

    async def on_act(
        self,
        person: Person,
        solution: Solution,
        *,
        did: str,
        organization: str = "",
        unit: str = "",
    ) -> Nudge | None:
        """Records what a person did with a solution (one of ACTS; an adoption stage with
        the place it was reported for) and schedules the prompt it calls for, if any."""
        if did not in ACTS:
            raise ValueError(f"not something a person does with a solution: {did!r}")
        store = self.services.store
        now = self._now()
        key = f"{person.id}:{solution.id}"  # one record per person and solution
        act = Interest(
            id=key,
            person_id=person.id,
            solution_id=solution.id,
            did=did,
            organization=organization,
            unit=unit,
            at=now,
        )

        def furthest(earlier: Interest | None) -> Interest:
            if earlier is not None and _rank(earlier.did) > _rank(did):
                return replace(earlier, at=now)  # read again after adopting: still adopted
            return act

        await store.interests.update(key, furthest)
        if not person.manager_id:
            return None  # nobody to prompt
        if did in ON_ITS_OWN:  # the prompt says what was done now
            language = self.services.settings.language
            why = _what_they_did(language, [(None, act)], solution.title)
            return await self.on_interest(person, solution, why=why)
        return await self._group(person, solution)

    async def _group(self, person: Person, solution: Solution) -> Nudge | None:
        """The manager's prompt when enough of one unit did something with the solution."""
        store = self.services.store
        since = self._now() - timedelta(days=self.rules.window_days)
        # The same unit under the same manager: the person's team, then what it did.
        unit = [
            other.id
            for other in await store.people.find(manager_id=person.manager_id)
            if unit_of(other) == unit_of(person)
            and not Organisations.apart(other.organization, person.organization)
        ]
        done = await store.interests.find(solution_id=solution.id, person_id=OneOf.of(unit))
        acts = sorted((i for i in done if i.at >= since and i.did in ACTS), key=lambda i: i.at)
        colleagues = [(interest.person_id, interest) for interest in acts]
        if len(colleagues) < self.rules.group:
            return None
        language = self.services.settings.language
        why = _what_they_did(language, [(None, i) for _, i in colleagues], solution.title)
        member_ids = tuple(person_id for person_id, _ in colleagues)
        return await self.on_interest(person, solution, why=why, member_ids=member_ids)

    async def prune(self) -> int:
        """Forgets what can no longer matter, so the collections do not grow for ever:
        answered prompts and interest older than the window (the rules look no further
        back). Prompts still waiting, and the follow-ups a plan scheduled, stay."""
        store = self.services.store
        since = self._now() - timedelta(days=self.rules.window_days)
        answered = (NudgeState.PLANNED, NudgeState.DONE, NudgeState.DISMISSED)
        old_nudges = [
            n.id for n in await store.nudges.find(state=OneOf.of(answered), created_at=Below(since))
        ]
        # Records from when being answered counted (no `did`) count for nothing now.
        old_interest = list(
            dict.fromkeys(
                i.id
                for i in [
                    *await store.interests.find(at=Below(since)),
                    *await store.interests.find(did=None),
                ]
            )
        )
        for nudge_id in old_nudges:
            await store.nudges.delete(nudge_id)
        for interest_id in old_interest:
            await store.interests.delete(interest_id)
        return len(old_nudges) + len(old_interest)

    # --- sending

    async def run_due(self) -> int:
        """Sends every prompt that is due; returns how many. Safe to run at any time and in
        every server process at once: a process sends only the prompts it claimed
        (`Collection.claim`), and a prompt's letter has the prompt's id, so neither two
        processes nor a crash between writing the letter and recording the prompt as sent
        send anything twice (bot/outbox.py)."""
        now = self._now()
        if working_time(now, self.rules) > now:
            return 0  # quiet hours: what is due now goes out when they end
        nudges = self.services.store.nudges
        # `Below` is "before": a prompt due this very microsecond is due too.
        due: dict[str, Condition] = {
            "state": NudgeState.SCHEDULED,
            "due_at": Below(now + timedelta(microseconds=1)),
        }
        sent = 0
        unsent: list[str] = []  # claimed and not sent: given back at the end, not re-claimed
        try:
            while True:
                claimed = await nudges.claim(
                    now=now, until=now + self.services.outbox.lease, limit=BATCH, **due
                )
                unsent += [nudge.id for nudge in claimed]
                for nudge in sorted(claimed, key=lambda n: n.due_at):
                    sent += await self._send(nudge)
                    unsent.remove(nudge.id)  # written now, which ends the claim
                if len(claimed) < BATCH:
                    return sent
        finally:
            if unsent:
                await nudges.release(unsent)

    async def _send(self, nudge: Nudge) -> bool:
        store = self.services.store
        manager = await store.people.get(nudge.manager_id)
        solution = await store.solutions.get(nudge.solution_id)
        if manager is None or solution is None or solution.retired:
            await store.nudges.update(nudge.id, _still(replace(nudge, state=NudgeState.DISMISSED)))
            return False
        reason, members = await self._shown(nudge, solution)
        nudge = replace(nudge, reason=reason, members=members)
        reply = await self.prompt(nudge, solution, manager=manager)
        notice = Notice(to=address_of(manager), kind=f"nudge-{nudge.kind}", reply=reply)
        await self.services.outbox.send(notice, letter_id=f"nudge-{nudge.id}")
        # What the manager was shown stays with the prompt (their home page lists it).
        sent = replace(nudge, state=NudgeState.SENT, sent_at=self._now())
        await store.nudges.update(nudge.id, _still(sent))
        return True

    async def _shown(self, nudge: Nudge, solution: Solution) -> tuple[str, tuple[str, ...]]:
        """Why the prompt is sent, and who it names: each of the unit by name only if they
        agreed (bot/consent.py), as they answer now; the others as "someone in your unit"."""
        store = self.services.store
        language = self.services.settings.language
        acts: list[tuple[str | None, Interest]] = []
        for person_id in nudge.member_ids:
            interest = await store.interests.get(f"{person_id}:{nudge.solution_id}")
            person = await store.people.get(person_id)
            if interest is None or person is None:
                continue  # forgotten meanwhile
            named = await may_name(store, person_id, solution)
            acts.append((person.name if named else None, interest))
        if not acts:  # a follow-up, or everyone gone: as it was written
            return nudge.reason, nudge.members
        names = [name for name, _ in acts if name is not None]
        unnamed = len(acts) - len(names)
        return _what_they_did(language, acts, solution.title), (
            *names,
            *([_someone(language, unnamed)] if unnamed else []),
        )

    async def prompt(self, nudge: Nudge, solution: Solution, *, manager: Person) -> Reply:
        language = self.services.settings.language
        ref = {"nudge": nudge.id}
        if nudge.kind == "follow-up":  # says why it comes: the plan the manager made
            text = say(
                language,
                "follow_up",
                title=solution.title,
                change=str(nudge.plan.get("change", "")),
                days=(self._now() - nudge.created_at).days,  # the plan's age, snoozes too
            )
            actions: tuple[Action, ...] = (
                Action(
                    id="nudge_report",
                    label=say(language, "act_report"),
                    payload=ref,
                    style="primary",
                ),
                Action(id="nudge_snooze", label=say(language, "act_not_started"), payload=ref),
                Action(id="nudge_dismiss", label=say(language, "act_dropped"), payload=ref),
            )
            return Reply(text=text, actions=actions, language=language)
        text = say(
            language,
            "nudge",
            reason=nudge.reason,
            result=result_text(solution.key_result, decimal="," if language == "da" else "."),
            origin=solution.organization,
            using=await self._others_using(solution, manager, language),
        )
        footer = say(language, "nudge_footer", days=self.rules.window_days)
        contact = solution.contacts[0]
        actions = (
            Action(id="nudge_plan", label=say(language, "act_plan"), payload=ref, style="primary"),
            Action(
                id="contact",
                label=say(language, "act_contact", name=contact.name),
                payload={"solution": solution.id},
            ),
            Action(id="nudge_dismiss", label=say(language, "act_not_relevant"), payload=ref),
            Action(id="nudge_snooze", label=say(language, "act_remind"), payload=ref),
            Action(id="nudge_opt_out", label=say(language, "act_opt_out"), payload=ref),
        )
        return Reply(text=f"{text}\n\n{footer}", actions=actions, language=language)

    async def _others_using(self, solution: Solution, manager: Person, language: str) -> str:
        """How many organisations besides the manager's own pilot or use the solution."""
        adoptions = adopters_of(await self.services.store.adoptions.find(solution_id=solution.id))
        using = organizations_using(adoptions.get(solution.id, []))
        own = manager.organization
        others = [o for o in using if not own.strip() or Organisations.apart(o, own)]
        if len(others) > 1:
            return say(language, "nudge_using_many", count=len(others))
        return say(language, "nudge_using_one" if others else "nudge_using_none")


def _still(changed: Nudge) -> Callable[[Nudge | None], Nudge | None]:
    """An update to `changed` unless the prompt was erased meanwhile (a person forgotten,
    bot/privacy.py): an upsert would bring it back."""

    def change(current: Nudge | None) -> Nudge | None:
        return None if current is None else changed

    return change


def _rank(did: str) -> int:
    return ACTS.index(did) if did in ACTS else -1


def _someone(language: str, count: int) -> str:
    return (
        say(language, "someone_in_unit")
        if count == 1
        else say(language, "people_in_unit", count=count)
    )


def _what_they_did(language: str, acts: list[tuple[str | None, Interest]], title: str) -> str:
    """One sentence per thing done (and place reported), naming who did it (None: one who
    did not agree to be named), the furthest first: "Anna Holm og en i din enhed har læst
    mere om “…” i Spred."."""
    done: dict[tuple[str, str], list[str | None]] = {}
    for name, interest in sorted(acts, key=lambda a: -_rank(a[1].did)):
        where = place(language, interest.organization, interest.unit)
        done.setdefault((interest.did, where), []).append(name)
    sentences = []
    for (did, where), names in done.items():
        named = [n for n in names if n is not None]
        unnamed = len(names) - len(named)
        who = listed(language, [*named, *([_someone(language, unnamed)] if unnamed else [])])
        sentence = say(language, f"nudge_why_{did}", names=who, title=title, place=where)
        sentences.append(sentence[:1].upper() + sentence[1:])
    return " ".join(sentences)
