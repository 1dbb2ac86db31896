"""A test driver for the dialogue core, after errbot's test bot: a test sends a message or
presses a button, then takes the replies one by one with `expect`; replies nobody looked at
fail the test when the fixture closes.

    await chat.send("ventetid hjemmepleje")
    answer = chat.expect("Opstartsteam", "4,8 → 0,9")
    await chat.press("Kontakt Mette")
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any

from bot.core import Core
from bot.messages import Action, Incoming, Notice, Reply


def flat(reply: Reply) -> str:
    """Everything a reader sees in a reply, as one text to search."""
    parts = [reply.text]
    for card in reply.cards:
        parts += [card.title, card.summary, card.result, card.origin, card.contact, card.status]
        parts.append(card.freshness)
        parts += list(card.adopters) + list(card.why) + list(card.local_results)
        parts += list(card.adaptations)
        parts += [f"{label}: {text}" for label, text in card.details]
    if reply.choice:
        parts.append(reply.choice.label)
    if reply.form:
        parts += [f"{f.label} {f.value} {f.error}" for f in reply.form.fields]
    parts += [a.label for a in reply.all_actions()]
    return "\n".join(p for p in parts if p)


@dataclass
class Chat:
    core: Core
    message: Incoming
    pending: deque[Reply] = field(default_factory=deque)
    taken: list[Reply] = field(default_factory=list)

    def as_user(self, **changes: Any) -> Chat:
        """The same core, someone else talking (another user, platform or conversation)."""
        return Chat(core=self.core, message=replace(self.message, **changes))

    async def send(self, text: str) -> None:
        self._unread_check()
        self.pending.extend(await self.core.handle(replace(self.message, text=text)))

    async def act(self, action: str, payload: dict[str, Any] | None = None) -> None:
        """Presses a button with whatever payload a (possibly forged) client sends."""
        self._unread_check()
        message = replace(self.message, text="", action=action, payload=payload or {})
        self.pending.extend(await self.core.handle(message))

    async def press(self, label: str) -> None:
        """Presses the first button whose label contains `label` on the latest reply taken
        that has one, as a person scrolls up to it."""
        for reply in reversed(self.taken):
            found = [a for a in reply.all_actions() if label in a.label]
            if found:
                await self.act_with(found[0])
                return
        labels = [a.label for r in self.taken for a in r.all_actions()]
        raise AssertionError(f"no button {label!r} on any reply taken; there are {labels}")

    async def press_on(self, title: str, label: str) -> None:
        """Presses the button whose label contains `label` on the card whose title contains
        `title`, on the latest reply taken that shows such a card."""
        for reply in reversed(self.taken):
            for card in reply.cards:
                found = [a for a in card.actions if label in a.label]
                if title in card.title and found:
                    await self.act_with(found[0])
                    return
        raise AssertionError(f"no card {title!r} with a button {label!r} on any reply taken")

    async def act_with(self, action: Action) -> None:
        await self.act(action.id, dict(action.payload))

    def expect(self, *fragments: str) -> Reply:
        assert self.pending, f"expected a reply containing {fragments}, got none"
        reply = self.pending.popleft()
        text = flat(reply)
        for fragment in fragments:
            assert fragment in text, f"{fragment!r} not in the reply:\n{text}"
        self.taken.append(reply)
        return reply

    def expect_nothing(self) -> None:
        assert not self.pending, f"unexpected replies: {[flat(r) for r in self.pending]}"

    def _unread_check(self) -> None:
        assert not self.pending, (
            f"replies nobody looked at before sending again: {[flat(r) for r in self.pending]}"
        )


class Inbox:
    """Delivers the outbox's letters for one platform into a list a test can read."""

    def __init__(self, core: Core, platform: str) -> None:
        self.notices: list[Notice] = []
        core.outbox.register(platform, self._deliver)

    async def _deliver(self, notice: Notice) -> bool:
        self.notices.append(notice)
        return True

    def take(self, *, to: str) -> list[str]:
        taken = [flat(n.reply) for n in self.notices if n.to == to]
        self.notices = [n for n in self.notices if n.to != to]
        return taken
