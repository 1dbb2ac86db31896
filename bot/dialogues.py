"""Multi-turn dialogues, each declared once the way python-telegram-bot declares a
ConversationHandler: the actions that start it (entry points), what each of its states does
with what the person types and with the buttons that mean something only there, and the
fallbacks that work in any of its states. A handler returns a `Step`, its replies and the
state the conversation goes to; the core moves the session there. One turn of a
conversation runs at a time (bot/sessions.py), so a step always starts from the state the
previous one left.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.messages import Reply
from bot.sessions import Flow
from bot.turn import Refusal, Turn

END = Flow.IDLE
STAY = None  # a step that leaves the conversation where it was (as ptb's handler returning None)

Handler = Callable[[Turn], Awaitable[list[Reply]]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    replies: list[Reply]
    next: Flow | None  # a state of the dialogue, END to leave it, or STAY
    data: dict[str, Any] | None = None  # the data the next state starts with; None keeps it


StepHandler = Callable[[Turn], Awaitable[Step]]


async def cancel(turn: Turn) -> Step:
    """Leaves whichever dialogue the person is in ("annuller", "cancel", the button)."""
    return Step(replies=[Reply(text=turn.say("cancelled"))], next=END)


@dataclass(frozen=True, slots=True, kw_only=True)
class State:
    on_text: StepHandler  # what the person types while here
    actions: Mapping[str, StepHandler] = field(default_factory=dict)  # buttons for here only


@dataclass(frozen=True, slots=True, kw_only=True)
class Dialogue:
    name: str
    entry_points: Mapping[str, StepHandler]
    states: Mapping[Flow, State]
    # Every dialogue can be left: a fallback works in any of its states.
    fallbacks: Mapping[str, StepHandler] = field(default_factory=lambda: {"cancel": cancel})
    out_of_state: str = "unknown_action"  # said when a state's button is pressed elsewhere

    def entry(self, name: str) -> Handler:
        """The entry point `name` as the core's tables hold an action."""
        handler = self.entry_points[name]

        async def enter(turn: Turn) -> list[Reply]:
            return await self.step(turn, handler)

        return enter

    async def stale(self, turn: Turn) -> list[Reply]:
        """A state's button as the core's tables hold it: pressed in that state, the core
        runs the state's handler before looking here; pressed anywhere else, it is stale."""
        raise Refusal(self.out_of_state)

    async def step(self, turn: Turn, handler: StepHandler) -> list[Reply]:
        step = await handler(turn)
        if step.next is STAY:
            return step.replies
        if step.next is not END and step.next not in self.states:
            raise RuntimeError(f"the {self.name} dialogue has no state {step.next.value!r}")
        turn.session.go(step.next, step.data)
        return step.replies

    async def on_action(self, turn: Turn, name: str) -> list[Reply] | None:
        """A button pressed while in one of this dialogue's states: the state's own, or a
        fallback; None for any other, which the core's tables handle."""
        state = self.states[turn.session.flow]
        handler = state.actions.get(name) or self.fallbacks.get(name)
        return None if handler is None else await self.step(turn, handler)

    async def on_text(self, turn: Turn, command: str | None) -> list[Reply]:
        """What the person typed while in one of this dialogue's states; `command` is the
        action a typed command names, of which only the fallbacks count here."""
        fallback = self.fallbacks.get(command) if command else None
        return await self.step(turn, fallback or self.states[turn.session.flow].on_text)


def by_state(dialogues: tuple[Dialogue, ...]) -> dict[Flow, Dialogue]:
    """Which dialogue each state belongs to; a state in two dialogues is a mistake."""
    owners: dict[Flow, Dialogue] = {}
    for dialogue in dialogues:
        for state in dialogue.states:
            if state in owners or state is END:
                raise ValueError(f"state {state!r} of {dialogue.name} is already taken")
            owners[state] = dialogue
    return owners
