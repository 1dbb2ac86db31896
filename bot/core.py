"""The dialogue core: one neutral message in, the replies out.

Adapters call `await core.handle(message)`; messages for other people go through
`core.outbox`. Text is routed by the command tables below (anything else is a question),
buttons by the action table, and a user in the middle of a multi-turn flow by that flow.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime

from bot.config import Settings
from bot.flows import admin, adopt, ask, connect, manager
from bot.flows.home import home_page
from bot.i18n import say
from bot.messages import Incoming, Reply
from bot.nudges import Nudges
from bot.outbox import Outbox
from bot.sessions import Flow, Sessions
from bot.turn import Refusal, Services, Turn
from knowledge.kb import KnowledgeBase
from knowledge.records import now
from knowledge.text import fold

log = logging.getLogger(__name__)

Handler = Callable[[Turn], Awaitable[list[Reply]]]
WithRest = Callable[[Turn, str], Awaitable[list[Reply]]]


async def _help(turn: Turn) -> list[Reply]:
    text = turn.say("help")
    if turn.is_admin:
        text += "\n\n" + turn.say("help_admin")
    return [Reply(text=text)]


async def _welcome(turn: Turn) -> list[Reply]:
    text = turn.say("welcome", name=turn.name)
    if turn.is_admin:
        text += "\n\n" + turn.say("help_admin")
    return [Reply(text=text)]


def _language(language: str) -> Handler:
    async def switch(turn: Turn) -> list[Reply]:
        turn.session.memory["language"] = language
        return [Reply(text=turn.say("language_set"))]

    return switch


# Whole messages that are commands, compared folded (æ→ae…) and without end punctuation.
COMMANDS: dict[str, Handler] = {
    **dict.fromkeys(("hjaelp", "help", "?", "hej", "hi", "hello", "start"), _help),
    **dict.fromkeys(("mere", "flere", "more", "vis flere", "show more"), ask.more),
    **dict.fromkeys(("english", "engelsk", "in english"), _language("en")),
    **dict.fromkeys(("dansk", "danish", "paa dansk"), _language("da")),
    **dict.fromkeys(("tilfoej", "add", "ny loesning", "new solution"), admin.start_adding),
    **dict.fromkeys(("efterspoergsel", "demand"), admin.demand),
    **dict.fromkeys(("feedback",), admin.feedback),
    **dict.fromkeys(("annuller", "cancel", "afbryd", "stop"), admin.cancel),
    **dict.fromkeys(("paamindelser til", "prompts on"), manager.opt_in),
}

# Commands followed by an argument. "ret"/"fjern" need a solution id after them, so a
# question that starts with the same word is still a question.
PREFIXES: dict[str, tuple[WithRest, bool]] = {
    "hvem bruger": (adopt.who_uses, False),
    "who uses": (adopt.who_uses, False),
    "ret": (admin.start_editing, True),
    "edit": (admin.start_editing, True),
    "fjern": (admin.retire, True),
    "retire": (admin.retire, True),
}

# Sentences with two parts an admin fills in; from anyone else they are questions.
Sentence = Callable[[Turn, str, str], Awaitable[list[Reply]]]
SENTENCES: tuple[tuple[re.Pattern[str], Sentence], ...] = (
    (re.compile(r"s(?:æ|ae)t (.+?) leder til (.+?)[.!]?", re.IGNORECASE), admin.set_manager),
    (re.compile(r"set (.+?) manager to (.+?)[.!]?", re.IGNORECASE), admin.set_manager),
)

ACTIONS: dict[str, Handler] = {
    "welcome": _welcome,
    "help": _help,
    "more": ask.more,
    "details": ask.details,
    "pick": ask.pick,
    "pick_none": ask.pick_none,
    "notify": ask.notify,
    "feedback": ask.feedback,
    "contact": connect.contact,
    "adopt": adopt.adopt,
    "add": admin.start_adding,
    "add_form": admin.open_form,
    admin.FORM_ID: admin.submit_form,
    "publish": admin.publish,
    "cancel": admin.cancel,
    "nudge_plan": manager.plan,
    "nudge_report": manager.report,
    "nudge_dismiss": manager.dismiss,
    "nudge_snooze": manager.snooze,
    "nudge_opt_out": manager.opt_out,
}

FLOWS: dict[Flow, Handler] = {
    Flow.ADDING: admin.answer_adding,
    Flow.EDITING: admin.answer_editing,
    Flow.ADOPTION: adopt.answer_organization,
    Flow.PLANNING: manager.answer_plan,
    Flow.REPORTING: manager.answer_report,
}

_END_PUNCTUATION = re.compile(r"[\s.!?,;:]+$")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def command_key(text: str) -> str:
    """How a whole message is looked up in COMMANDS: folded, without end punctuation."""
    return _END_PUNCTUATION.sub("", fold(text.strip()))


def starts_adding(text: str) -> bool:
    """Whether a message asks to add a solution ("tilføj", "Ny løsning!", "add")."""
    return COMMANDS.get(command_key(text)) is admin.start_adding


class Core:
    def __init__(
        self,
        *,
        kb: KnowledgeBase,
        settings: Settings,
        outbox: Outbox | None = None,
        clock: Callable[[], datetime] = now,
    ) -> None:
        self.outbox = outbox or Outbox(store=kb.store, clock=clock)
        self.services = Services(kb=kb, settings=settings, outbox=self.outbox, clock=clock)
        self.sessions = Sessions(store=kb.store, clock=clock)
        self.nudges = self.services.nudges = Nudges(self.services)

    async def start(self) -> None:
        """Loads what the core learned earlier (askers' choices between near ties)."""
        self.services.picks = await ask.load_picks(self.services.store)

    async def home(self, *, user: str) -> Reply:
        """A user's own page (Slack's App Home) for a platform-qualified user id."""
        return await home_page(self.services, user=user)

    async def handle(self, message: Incoming) -> list[Reply]:
        session = await self.sessions.load(message)
        turn = Turn(services=self.services, message=message, session=session)
        replies = []
        if session.expired is not None:
            flow = say(turn.language, f"flow_{session.expired.value}")
            replies.append(Reply(text=turn.say("expired", flow=flow)))
        try:
            replies += await self._route(turn)
        except Refusal as refusal:
            replies.append(Reply(text=turn.say(refusal.key, **refusal.values)))
        except Exception:
            # A bug or a failing disk: the asker hears so on every platform alike, and the
            # dialogue stays as it was before this message (not saved half-changed).
            log.exception("the core failed on a %s %s", message.platform, message.action or "text")
            return [Reply(text=turn.say("internal_error"), language=turn.language, failed=True)]
        await self.sessions.save(session)
        return [replace(r, language=turn.language) for r in replies]

    async def _route(self, turn: Turn) -> list[Reply]:
        message = turn.message
        if message.action is not None:
            handler = ACTIONS.get(message.action)
            if handler is None:
                raise Refusal("unknown_action")
            return await handler(turn)
        command = command_key(message.text)
        if turn.session.flow is not Flow.IDLE:
            if COMMANDS.get(command) is admin.cancel:
                return await admin.cancel(turn)
            return await FLOWS[turn.session.flow](turn)
        handler = COMMANDS.get(command)
        if handler is not None:
            return await handler(turn)
        # Only admins' sentences are commands: "sæt en god leder til at styre vagten" from
        # anyone else is a question.
        for pattern, sentence in SENTENCES if turn.is_admin else ():
            if matched := pattern.fullmatch(message.text.strip()):
                return await sentence(turn, *matched.groups())
        prefixed = await self._prefixed(turn)
        if prefixed is not None:
            return prefixed
        return await ask.ask(turn, message.text)

    async def _prefixed(self, turn: Turn) -> list[Reply] | None:
        text = turn.message.text.strip()
        for length in (2, 1):
            words = text.split(maxsplit=length)
            action = PREFIXES.get(fold(" ".join(words[:length])))
            if action is None or len(words) <= length:
                continue
            handler, needs_id = action
            argument = words[length]
            first = argument.split(maxsplit=1)[0]
            # "ret mange ventetider" is a question; "ret hurtig-opstart titel" is a command.
            # An id-like word that names no solution is an admin's typo to point out, but
            # anyone else's question ("fjern e-mail spam").
            if needs_id and not (
                _ID.fullmatch(first)
                and (
                    ("-" in first and turn.is_admin)
                    or await turn.store.solutions.get(first) is not None
                )
            ):
                continue
            return await handler(turn, argument)
        return None
