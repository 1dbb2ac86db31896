"""The terminal chat (`spred chat`): the same dialogue core as Slack and Teams, as text.

Every action a reply offers gets a number in square brackets; typing the number performs
it, and a number beyond those shown is answered here, saying which there are. Input is read
one line per turn in a thread, so the event loop never blocks and piped input works as well
as a terminal.
"""

from __future__ import annotations

import asyncio
import sys
from typing import BinaryIO, TextIO

from bot.cards import evidence_lines
from bot.core import Core
from bot.flows.ask import BARE_NUMBER
from bot.i18n import say
from bot.messages import Action, Card, Form, Incoming, Notice, Reply
from knowledge.typed import utf8_or_latin1
from knowledge.validation import CONTROL

PLATFORM = "console"
QUIT = {"exit", "quit", "afslut", "/quit", "/exit"}
MAX_LINE = 64 * 1024  # one pasted line; more than a question needs, little enough to hold


def clean(text: str) -> str:
    """Without terminal escapes and bidi overrides: a question or a solution could
    otherwise rewrite the screen."""
    return CONTROL.sub("", text)


class Renderer:
    """Replies as numbered plain text; remembers which number performs which action."""

    def __init__(self) -> None:
        self.actions: list[Action] = []

    def start_turn(self) -> None:
        """Numbers start at [1] again for what a turn prints: any letter that arrives while
        it runs, then the answer, counting on so no two buttons on screen share a number."""
        self.actions = []

    def render(self, replies: list[Reply], *, fresh: bool = True) -> str:
        """`fresh` starts the numbers at [1] again; otherwise they go on counting from what
        is on screen (a letter arriving after an answer)."""
        if fresh:
            self.start_turn()
        return "\n\n".join(self._reply(r) for r in replies)

    def _number(self, action: Action) -> str:
        self.actions.append(action)
        return f"[{len(self.actions)}] {clean(action.label)}"

    def _reply(self, reply: Reply) -> str:
        parts = [clean(reply.text)] if reply.text else []
        parts += [self._card(i, c, reply.language) for i, c in enumerate(reply.cards, 1)]
        if reply.choice:
            parts.append("\n".join(self._number(a) for a in reply.choice.options))
        if reply.form:
            parts.append(self._form(reply.form))
        if reply.actions:
            parts.append("  ".join(self._number(a) for a in reply.actions))
        return "\n".join(parts)

    def _card(self, rank: int, card: Card, lang: str) -> str:
        lines = [
            f"{rank}. {card.title} ({card.status})",
            card.summary,
            f"➜ {card.result}",
            f"{card.origin} · {card.contact}",
        ]
        lines += evidence_lines(card, lang)
        if card.link:
            lines.append(card.link)
        for label, text in card.details:
            lines.append(f"{label}:")
            lines += [f"  {line}" for line in text.splitlines()]
        if card.actions:
            lines.append("  ".join(self._number(a) for a in card.actions))
        body = "\n".join("   " + clean(line) for line in lines[1:])
        return clean(lines[0]) + "\n" + body

    def _form(self, form: Form) -> str:
        lines = [clean(form.title)]
        for f in form.fields:
            mark = "*" if f.required else " "
            lines.append(f" {mark} {clean(f.label)}: {clean(f.value)}")
            if f.error:
                lines.append(f"   ! {clean(f.error)}")
        return "\n".join(lines)


class ConsoleChat:
    """The terminal chat, and the connector that delivers letters for its user (others'
    letters wait in the outbox for when they chat)."""

    platform = PLATFORM
    title = "Spred"

    def __init__(
        self,
        *,
        core: Core,
        user_id: str,
        name: str,
        organization: str = "",
        unit: str = "",
        stdin: BinaryIO | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        self.core = core
        self.user_id = user_id
        self.name = name
        self.organization = organization
        self.unit = unit
        self.stdin = stdin or sys.stdin.buffer
        self.stdout = stdout or sys.stdout
        self.renderer = Renderer()
        self.language = core.services.settings.language  # of the latest answer
        # Whether the latest answer offered buttons: a number is then meant for one of them.
        # Otherwise it goes to the core as typed (it may answer a question, "Tallet før").
        self.offered = False

    @property
    def address(self) -> str:
        return f"{PLATFORM}:{self.user_id}"

    def _message(self, *, text: str = "", action: Action | None = None) -> Incoming:
        return Incoming(
            platform=PLATFORM,
            user_id=self.user_id,
            user_name=self.name,
            organization=self.organization,
            unit=self.unit,
            conversation="terminal",
            text=text,
            direct=True,
            action=action.id if action else None,
            payload=action.payload if action else {},
        )

    async def deliver(self, notice: Notice) -> bool:
        if notice.to != self.address:  # someone else's: it waits until they chat
            return False
        self._print(self.renderer.render([notice.reply], fresh=False))
        return True

    async def reachable(self, user: str) -> bool:
        return True  # letters wait in the outbox until their reader chats

    def mount(self, app: object) -> None:
        """No HTTP: the terminal is its own way in."""

    async def start(self, core: Core) -> None:
        """Nothing to start: `run` reads the terminal."""

    async def stop(self) -> None:
        """Nothing to stop."""

    @property
    def health(self) -> str:
        return "ok"

    def _print(self, text: str) -> None:
        if text:
            self.stdout.write(text + "\n\n")
            self.stdout.flush()

    async def turn(self, line: str) -> None:
        text = line.strip()
        shown = self.renderer.actions
        typed = BARE_NUMBER.fullmatch(text)
        number = int(typed.group(1)) if typed else 0
        if typed and 1 <= number <= len(shown):
            message = self._message(action=shown[number - 1])
        elif typed and self.offered:
            one = len(shown) == 1
            key = "no_such_button_one" if one else "no_such_button"
            self._print(say(self.language, key, number=number, last=len(shown)))
            return
        else:
            message = self._message(text=text)
        self.renderer.start_turn()  # after the number typed was read, before any letter
        await self._answer(message)
        await self._catch_up()

    async def _answer(self, message: Incoming) -> None:
        replies = await self.core.handle(message)
        if replies:
            self.language = replies[-1].language
        self.offered = any(r.all_actions() for r in replies)
        self._print(self.renderer.render(replies, fresh=False))

    async def _catch_up(self) -> None:
        """What the server would have done by now: prompts due, letters for this user."""
        await self.core.nudges.run_due()
        await self.core.outbox.flush(to=self.address)

    async def run(self) -> None:
        await self.turn_action(Action(id="welcome", label=""))
        await self._catch_up()
        interactive = self.stdin.isatty()
        while True:
            if interactive:
                self.stdout.write("> ")
                self.stdout.flush()
            raw = await asyncio.to_thread(self._read_line)
            if raw is None:
                break
            line = utf8_or_latin1(raw)
            if line.strip().lower() in QUIT:
                break
            if line.strip():
                await self.turn(line)

    def _read_line(self) -> bytes | None:
        """One line, or None at the end of input; an overlong line is cut at MAX_LINE (the
        matcher reads far less) and the rest of it skipped, not taken as more turns."""
        raw = self.stdin.readline(MAX_LINE)
        if not raw:
            return None
        if len(raw) == MAX_LINE and not raw.endswith(b"\n"):
            while (rest := self.stdin.readline(MAX_LINE)) and not rest.endswith(b"\n"):
                pass
        return raw

    async def turn_action(self, action: Action) -> None:
        self.renderer.start_turn()
        await self._answer(self._message(action=action))
