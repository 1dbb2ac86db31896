"""A web visitor's question as the core's neutral `Incoming`, and the core's replies back.

A visitor is anonymous: `web:<random id>` from a session cookie (or new for each request
when the browser keeps no cookies). They ask and read; commands that would act as a person
(sharing, adopting, forgetting, an admin's) are answered here with a line saying they need
a login via Slack or Teams, and never reach the core. Buttons are the renderer's concern
(adapters/web/render.py)."""

from __future__ import annotations

import re

from adapters.web.config import WebConfig
from bot.core import COMMANDS, PREFIXES, Core, command_key
from bot.flows.ask import DEEPEST, PAYLOAD_QUESTION
from bot.i18n import say
from bot.messages import Incoming, Reply
from bot.solution_page import SolutionPage
from knowledge.records import new_id
from knowledge.text import MAX_QUERY_CHARS, fold
from knowledge.validation import CONTROL

PLATFORM = "web"
VISITOR = re.compile(r"[0-9a-f]{32}")  # what new_id() gives; anything else is not ours
# Commands an anonymous visitor may give: they read, or change only how Spred answers them.
READ_COMMANDS = frozenset({"help", "more", "english", "danish"})


def clean(text: str) -> str:
    """Without control characters and bidi overrides: nothing a page shows or the core
    reads carries them."""
    return CONTROL.sub("", text)


def new_visitor() -> str:
    return new_id()


def visitor_or_new(cookie: str | None) -> tuple[str, bool]:
    """The visitor id a cookie holds, else a new one; and whether it is new."""
    if cookie and VISITOR.fullmatch(cookie):
        return cookie, False
    return new_visitor(), True


def command_of(question: str) -> str | None:
    """The command a whole message or its first words give, as the core would read it
    ("hvem bruger <løsning>" names who reported using it: not for anonymous eyes). Commands
    that need a solution id are an admin's, which the core refuses a visitor itself."""
    command = COMMANDS.get(command_key(question))
    if command is not None:
        return command
    words = question.split(maxsplit=2)
    for length in (2, 1):
        found = PREFIXES.get(fold(" ".join(words[:length])))
        if found is not None and len(words) > length and not found[1]:
            return found[0]
    return None


class WebAdapter:
    def __init__(self, *, config: WebConfig, core: Core) -> None:
        self.config = config
        self.core = core

    async def admit(self, client: str) -> bool:
        """Whether `client` (an address) may ask one more question this minute."""
        return await self.core.limits.admit(client, limit=self.config.questions_per_minute)

    async def ask(
        self, *, visitor: str, text: str, language: str, more: int | None = None
    ) -> list[Reply]:
        """The core's replies to a question (or, with `more`, to "more answers from this
        offset"), or one line of the adapter's own when it is too long or needs a login."""
        question = clean(text).strip()
        if len(question) > MAX_QUERY_CHARS:
            said = say(language, "web_too_long", length=len(question), most=MAX_QUERY_CHARS)
            return [Reply(text=said, language=language)]
        message = Incoming(
            platform=PLATFORM,
            user_id=visitor,
            conversation="web",
            direct=True,
            text=question,
            language=language,
        )
        if more is not None and 0 < more < DEEPEST and question:
            payload = {"q": question[:PAYLOAD_QUESTION], "offset": more}
            message = Incoming(
                platform=PLATFORM,
                user_id=visitor,
                conversation="web",
                direct=True,
                action="more",
                payload=payload,
                language=language,
            )
        else:
            command = command_of(question)
            if command is not None and command not in READ_COMMANDS:
                return [Reply(text=say(language, "web_needs_login"), language=language)]
        return await self.core.handle(message)

    async def solution_page(self, solution_id: str, *, language: str) -> SolutionPage | None:
        return await self.core.solution_page(solution_id, language=language)
