"""The respect budget: one rule for every message Spred sends a person unasked (digests,
questions routed to them, roadshow invitations and recognition). Nobody gets more than one a day and
three a week, none in quiet hours or on weekends (bot/nudges.py `working_time`, one
definition), and each person chooses how much they want: everything the budget allows,
fewer (at most one every other week), or none at all ("Færre beskeder" / "Stop" on every
such message, undone with "start beskeder igen").

Prompts to managers and replies to a person's own actions are not unsolicited and never ask.

Spending is one `Collection.update` of the person's record, so of two server processes
spending the last slot at once exactly one gets it. A spend names the message (`ref`, the
letter's id): spending again for the same message is no new spend, so a process that died
between spending and sending, or two sending one letter, use one slot.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from bot.config import NudgeRules
from bot.i18n import say
from bot.messages import Action
from bot.nudges import working_time
from knowledge.records import Reach, ReachMode, new_id
from knowledge.store import Store

# What may be sent unasked; each kind spends from the one budget.
KINDS = frozenset({"digest", "routed_question", "invitation", "recognition"})

# (how many, within how long) a person may get; all must hold.
LIMITS: dict[ReachMode, tuple[tuple[int, timedelta], ...]] = {
    ReachMode.ALL: ((1, timedelta(days=1)), (3, timedelta(days=7))),
    ReachMode.FEWER: ((1, timedelta(days=14)),),
    ReachMode.STOP: (),
}
# Limits of one kind of its own, within the budget's (issue 17): a person is asked about
# others' open questions at most twice a week (bot/routing.py), however much else they allow.
KIND_LIMITS: dict[str, tuple[tuple[int, timedelta], ...]] = {
    "routed_question": ((2, timedelta(days=7)),),
}
KEPT = max(
    within for limits in (*LIMITS.values(), *KIND_LIMITS.values()) for _, within in limits
)  # spends remembered

# Why nothing may be sent now (None: it may), as `spred digest --dry-run` tells it.
QUIET, STOPPED, FULL = "quiet hours", "stopped", "budget spent"


def refusal(
    reach: Reach | None, *, at: datetime, rules: NudgeRules, ref: str = "", kind: str = ""
) -> str | None:
    """Why a message `ref` (of `kind`) may not be sent to the person now; None if it may
    (also when `ref` was spent already: it is the same message)."""
    if reach is not None and ref and ref in reach.spent:
        return None
    mode = reach.mode if reach is not None else ReachMode.ALL
    if mode is ReachMode.STOP:
        return STOPPED
    if working_time(at, rules) > at:
        return QUIET
    times = [_at(spent) for spent in (reach.spent.values() if reach is not None else ())]
    for most, within in LIMITS[mode]:
        if sum(1 for t in times if at - t < within) >= most:
            return FULL
    spent = reach.spent.values() if reach is not None else ()
    of_kind = [_at(s) for s in spent if s.get("kind") == kind]
    for most, within in KIND_LIMITS.get(kind, ()):
        if sum(1 for t in of_kind if at - t < within) >= most:
            return FULL
    return None


class Budget:
    def __init__(self, *, store: Store, rules: NudgeRules, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.rules = rules
        self.clock = clock

    async def spend(
        self, person: str, *, kind: str, at: datetime | None = None, ref: str = ""
    ) -> bool:
        """True if `person` (platform-qualified) may be sent the unsolicited message `ref`
        of `kind` now, which is then counted; False leaves the budget as it was."""
        if kind not in KINDS:
            raise ValueError(f"not a kind of unsolicited message: {kind!r}")
        moment = at or self.clock()
        ref = ref or new_id()

        def take(current: Reach | None) -> Reach | None:
            if refusal(current, at=moment, rules=self.rules, ref=ref, kind=kind) is not None:
                return current
            reach = current or Reach(user=person, updated_at=moment)
            if ref in reach.spent:
                return current
            kept = {r: s for r, s in reach.spent.items() if moment - _at(s) < KEPT}
            spent = kept | {ref: {"kind": kind, "at": _iso(moment)}}
            return replace(reach, spent=spent, updated_at=moment)

        stored = await self.store.reach.update(person, take)
        return stored is not None and ref in stored.spent

    async def refusal(
        self, person: str, *, at: datetime | None = None, ref: str = "", kind: str = ""
    ) -> str | None:
        """Why `person` may not be sent an unsolicited message now (None: they may); spends
        nothing (`spred digest --dry-run`)."""
        reach = await self.store.reach.get(person)
        return refusal(reach, at=at or self.clock(), rules=self.rules, ref=ref, kind=kind)


async def set_mode(store: Store, person: str, mode: ReachMode, *, at: datetime) -> None:
    """What `person` chose to get; the spends are kept, so choosing again changes no count."""

    def choose(current: Reach | None) -> Reach:
        reach = current or Reach(user=person, updated_at=at)
        return replace(reach, mode=mode, updated_at=at)

    await store.reach.update(person, choose)


async def mode_of(store: Store, person: str) -> ReachMode:
    reach = await store.reach.get(person)
    return reach.mode if reach is not None else ReachMode.ALL


def see_less(language: str) -> tuple[Action, ...]:
    """The buttons every unsolicited message carries: fewer of them, or none."""
    return (
        Action(id="reach_fewer", label=say(language, "act_reach_fewer")),
        Action(id="reach_stop", label=say(language, "act_reach_stop")),
    )


def _at(spent: Mapping[str, Any]) -> datetime:
    return datetime.fromisoformat(str(spent["at"]))


def _iso(moment: datetime) -> str:
    return moment.isoformat()
