"""The dialogue core: one neutral message in, the replies out.

Adapters call `await core.handle(message)`; messages for other people go through
`core.outbox`, delivered by the connectors the server registers (`core.connect`). Text is
routed by the command tables below (anything else is a question), buttons by the action
table, and a user in one of the multi-turn dialogues (bot/dialogues.py) by that dialogue.
One turn of a conversation runs at a time (bot/sessions.py).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta

from bot.addresses import Addresses
from bot.cards import linked
from bot.config import Settings
from bot.confirmations import OwnerPrompts
from bot.connectors import Connector, Finder, Retaker
from bot.dashboard import Dashboard, Table, Views, whole_table
from bot.dialogues import END, Dialogue, Handler, by_state, cancel
from bot.digest import Digests
from bot.flows import (
    admin,
    adopt,
    ask,
    confirm,
    connect,
    follow,
    login,
    manager,
    measure,
    org_admin,
    owner,
    people_import,
    privacy,
    relay,
    review,
    roadshow,
    routed,
    share,
)
from bot.flows.home import home_page
from bot.holds import MAX_ATTEMPTS, UNHELD, Holds
from bot.i18n import say
from bot.installations import Installations, InstallStates
from bot.jobs import Schedule
from bot.limits import RateLimits
from bot.messages import Action, Incoming, Reply, incoming_from_dict
from bot.nudges import Nudges
from bot.organisations import Organisations
from bot.outbox import Outbox
from bot.recognition import Recognition
from bot.retention import Retention
from bot.roadshows import Reminders
from bot.roles import Role
from bot.routing import Routing
from bot.sessions import Sessions
from bot.solution_page import SolutionPage, solution_page
from bot.submission_page import SubmissionPage, submission_page
from bot.turn import Refusal, Services, Turn
from bot.web_login import Logins, signing_key
from knowledge.kb import KnowledgeBase
from knowledge.language import language_of
from knowledge.records import CALENDAR, SubmissionState, WebSession, new_id, now
from knowledge.solutions import is_solution_id
from knowledge.store import StoreError
from knowledge.text import fold

log = logging.getLogger(__name__)

PRUNE_EVERY = timedelta(hours=1)  # what is kept only for a while is forgotten this soon after

# What an adapter gives `Core.answer`: hands the replies to the platform, where they were
# asked; returns once they are there (raises if they could not be).
Send = Callable[[list[Reply]], Awaitable[None]]


async def _help(turn: Turn) -> list[Reply]:
    text = turn.say("help") + await manager.staff_note(turn)
    if turn.is_admin:
        text += "\n\n" + org_admin.help_text(turn)
    return [Reply(text=text, actions=(Action(id="share_form", label=turn.say("act_share")),))]


async def _welcome(turn: Turn) -> list[Reply]:
    text = turn.say("welcome", name=turn.name) + await manager.staff_note(turn)
    if turn.is_admin:
        text += "\n\n" + org_admin.help_text(turn)
    return [Reply(text=text)]


def _language(language: str) -> Handler:
    async def switch(turn: Turn) -> list[Reply]:
        turn.session.memory["language"] = language
        return [Reply(text=turn.say("language_set"))]

    return switch


# The multi-turn dialogues; each declares its entry points, states and fallbacks.
DIALOGUES: tuple[Dialogue, ...] = (
    admin.ADDING,
    admin.EDITING,
    adopt.ADOPTING,
    manager.PLANNING,
    manager.REPORTING,
    measure.MEASURING,
    relay.RELAYING,
    share.SHARING,
    review.REVIEWING,
    owner.FIGURES,
    routed.NAMING,  # open questions reach people who may know (issue 17)
    roadshow.PLANNING,
    roadshow.FORWARDING,
)
OWNER = by_state(DIALOGUES)


async def _cancel(turn: Turn) -> list[Reply]:
    # In a dialogue, its fallback ends it; outside one there is nothing to end.
    return (await cancel(turn)).replies


# Everything a button, a form or a command can do, by name. A dialogue's entry points start
# it; a button that means something only in one of its states is stale anywhere else.
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
    "add_form": admin.open_form,
    "cancel": _cancel,
    "retire": admin.retire,
    "undo_change": admin.undo_change,
    "confirm": confirm.confirm,
    # the owner's answers to the yearly question (bot/confirmations.py, bot/flows/owner.py)
    "owner_confirm": owner.still_true,
    "owner_retire": owner.ask_retire,
    "owner_retire_yes": owner.retire,
    "owner_retire_no": owner.keep,
    "who_uses": adopt.who_uses,
    "demand": admin.demand,
    "feedback_list": admin.feedback,
    "prompts_on": manager.opt_in,
    "english": _language("en"),
    "danish": _language("da"),
    "nudge_dismiss": manager.dismiss,
    "nudge_snooze": manager.snooze,
    "nudge_opt_out": manager.opt_out,
    "relay_decline": relay.decline,
    "relay_end": relay.end_outside,
    "measure_skip": measure.skip_outside,
    # a person's own data (bot/flows/privacy.py)
    "forget": privacy.ask_forget,
    "forget_yes": privacy.confirm_forget,
    "forget_no": privacy.keep,
    "name_ok": privacy.name_ok,
    "name_no": privacy.name_no,
    "local_admins": org_admin.local_admins,
    "prompts_list": org_admin.prompts,
    "import_people": people_import.open_form,
    "submissions": review.queue,
    "review_publish": review.publish,
    people_import.FORM_ID: people_import.submit_form,
    # reaching out (issue 17): follows, and how much unsolicited news (bot/flows/follow.py)
    "follow": follow.follow,
    "unfollow": follow.unfollow,
    "following": follow.following,
    "reach_fewer": follow.reach_fewer,
    "reach_stop": follow.reach_stop,
    "reach_all": follow.reach_all,
    # the web's login (issue 18)
    "login": login.login,
    # open questions reach people who may know (issue 17, bot/flows/routed.py)
    "routed_yes": routed.yes,
    "routed_no": routed.no,
    "demand_name_ok": routed.name_ok,
    # roadshows (issue 17): the answers to an invitation, the organiser's list
    "roadshow_yes": roadshow.coming,
    "roadshow_no": roadshow.not_coming,
    "roadshow_later": roadshow.later,
    "roadshows": roadshow.listing,
    **{name: d.entry(name) for d in DIALOGUES for name in d.entry_points},
    **{name: d.stale for d in DIALOGUES for s in d.states.values() for name in s.actions},
}

# Whole messages that are commands, compared folded (æ→ae…) and without end punctuation.
COMMANDS: dict[str, str] = {
    **dict.fromkeys(("hjaelp", "help", "?", "hej", "hi", "hello", "start"), "help"),
    **dict.fromkeys(("mere", "flere", "more", "vis flere", "show more"), "more"),
    **dict.fromkeys(("english", "engelsk", "in english"), "english"),
    **dict.fromkeys(("dansk", "danish", "paa dansk"), "danish"),
    **dict.fromkeys(("tilfoej", "add", "ny loesning", "new solution"), "add"),
    **dict.fromkeys(("efterspoergsel", "demand"), "demand"),
    **dict.fromkeys(("feedback",), "feedback_list"),
    **dict.fromkeys(("annuller", "cancel", "afbryd", "stop"), "cancel"),
    **dict.fromkeys(("paamindelser til", "prompts on"), "prompts_on"),
    **dict.fromkeys(("afslut", "end", "afslut samtalen", "end the conversation"), "relay_end"),
    **dict.fromkeys(("glem mig", "forget me", "slet mine data", "delete my data"), "forget"),
    **dict.fromkeys(("lokale admins", "local admins"), "local_admins"),
    **dict.fromkeys(("paamindelser til ledere", "manager prompts"), "prompts_list"),
    **dict.fromkeys(
        (
            "del en loesning",
            "del vores loesning",
            "del loesning",
            "del som loesning",
            "jeg vil dele vores loesning",
            "jeg vil gerne dele vores loesning",
            "vi vil dele vores loesning",
            "share a solution",
            "share our solution",
            "i want to share our solution",
        ),
        "share",
    ),
    **dict.fromkeys(("indsendte", "indsendte loesninger", "submissions"), "submissions"),
    **dict.fromkeys(("importer folk", "import people", "importer personer"), "import_people"),
    # reaching out (issue 17)
    **dict.fromkeys(("foelger", "following", "hvad foelger jeg", "what do i follow"), "following"),
    **dict.fromkeys(("faerre beskeder", "fewer messages"), "reach_fewer"),
    **dict.fromkeys(
        ("stop beskeder", "ingen beskeder", "stop messages", "no messages"), "reach_stop"
    ),
    **dict.fromkeys(
        ("start beskeder igen", "start beskeder", "start messages again", "start messages"),
        "reach_all",
    ),
    # the web's login (issue 18)
    **dict.fromkeys(("dashboard", "log ind", "login", "log in"), "login"),
    # roadshows (issue 17)
    **dict.fromkeys(("roadshows", "mine roadshows", "my roadshows"), "roadshows"),
}

# Commands followed by an argument (`Turn.argument`). "ret"/"fjern" need a solution id
# after them, so a question that starts with the same word is still a question.
PREFIXES: dict[str, tuple[str, bool]] = {
    "hvem bruger": ("who_uses", False),
    "who uses": ("who_uses", False),
    "ret": ("edit", True),
    "edit": ("edit", True),
    "fjern": ("retire", True),
    "retire": ("retire", True),
    "fortryd": ("undo_change", True),
    "undo": ("undo_change", True),
    "bekraeft": ("confirm", True),
    "confirm": ("confirm", True),
    # reaching out (issue 17)
    "foelg": ("follow", False),
    "follow": ("follow", False),
    "stop med at foelge": ("unfollow", False),
    "foelg ikke": ("unfollow", False),
    "unfollow": ("unfollow", False),
    # roadshows (issue 17): "roadshow <id>"
    "roadshow": ("roadshow", True),
}
PREFIX_WORDS = max(len(prefix.split()) for prefix in PREFIXES)  # the longest, in words

# Sentences with two parts an admin fills in; from anyone else they are questions.
Sentence = Callable[[Turn, str, str], Awaitable[list[Reply]]]
SENTENCES: tuple[tuple[re.Pattern[str], Sentence], ...] = (
    (re.compile(r"s(?:æ|ae)t (.+?) leder til (.+?)[.!]?", re.IGNORECASE), admin.set_manager),
    (re.compile(r"set (.+?) manager to (.+?)[.!]?", re.IGNORECASE), admin.set_manager),
    (
        re.compile(r"(fjern |remove |)(?:lokal|local) admin (.+?)[.!]?", re.IGNORECASE),
        org_admin.local_admin,
    ),
)
# Sentences that are commands from anyone: the flow says who may do what they ask.
OPEN_SENTENCES: tuple[tuple[re.Pattern[str], Sentence], ...] = (
    # a channel that follows a topic (issue 17), written in the channel: "digest #kanal
    # ældrepleje", or without the channel's name; "stop digest …" ends it
    (re.compile(r"(stop |)digest (?:#\S* )?(.+?)[.!]?", re.IGNORECASE), follow.channel_digest),
)

_END_PUNCTUATION = re.compile(r"[\s.!?,;:]+$")


def command_key(text: str) -> str:
    """How a whole message is looked up in COMMANDS: folded, without end punctuation."""
    return _END_PUNCTUATION.sub("", fold(text.strip()))


# Commands that open a form, for an adapter whose clients show a form only in answer to a
# command or a button (typed in a chat, the same words start the dialogue instead).
FORMS = {"add": "add_form", "share": "share_form"}


def form_command(text: str) -> str | None:
    """The action opening the form a message asks for ("tilføj", "Ny løsning!", "del en
    løsning"), or None."""
    return FORMS.get(COMMANDS.get(command_key(text), ""))


class Core:
    def __init__(
        self,
        *,
        kb: KnowledgeBase,
        settings: Settings,
        outbox: Outbox | None = None,
        clock: Callable[[], datetime] = now,
    ) -> None:
        self.outbox = outbox or Outbox(
            store=kb.store, clock=clock, lease=timedelta(seconds=settings.claim_seconds)
        )
        self.organisations = Organisations(store=kb.store, clock=clock)
        self.services = Services(
            kb=kb,
            settings=settings,
            outbox=self.outbox,
            organisations=self.organisations,
            clock=clock,
        )
        self.sessions = Sessions(store=kb.store, clock=clock)
        self.nudges = self.services.nudges = Nudges(self.services)
        self.addresses = Addresses(store=kb.store, clock=clock)
        self.retention = Retention(store=kb.store, clock=clock, days=settings.retention_days)
        self.schedule = Schedule(store=kb.store, clock=clock)  # periodic jobs, once for all
        self.owner_prompts = OwnerPrompts(self.services, self.schedule)
        # a distributable app's installations and install states, for its adapter
        self.installations = Installations(store=kb.store, clock=clock)
        self.install_states = InstallStates(store=kb.store, clock=clock)
        self.digests = Digests(  # weekly news for followers (issue 17)
            store=kb.store, outbox=self.outbox, settings=settings, clock=clock
        )
        self.routing = Routing(  # open questions reach people who may know (issue 17)
            store=kb.store,
            outbox=self.outbox,
            settings=settings,
            organisations=self.organisations,
            clock=clock,
        )
        self.roadshows = Reminders(self.services, self.schedule)  # issue 17
        self.holds = Holds(
            store=kb.store, clock=clock, hold_for=timedelta(seconds=settings.claim_seconds)
        )
        self._retakers: dict[str, Retaker] = {}  # by platform: who answers a held event again
        # The web: questions per client and minute, across instances (bot/limits.py).
        self.limits = RateLimits(store=kb.store, clock=clock)
        # Recognition (issue 17): monthly thanks to those whose solutions spread.
        self.recognition = Recognition(self.services, self.schedule)
        # The web's login links and sessions (issue 18, bot/web_login.py).
        self.logins = Logins(store=kb.store, clock=clock)
        self._views = Views()  # dashboards made, while nothing they read has changed

    def connect(self, connector: Connector) -> None:
        """Letters for the connector's users go out through it from now on."""
        self.outbox.register(
            connector.platform,
            connector.deliver,
            reachable=connector.reachable,
            title=connector.title,
            find=connector.find if isinstance(connector, Finder) else None,
        )
        if isinstance(connector, Retaker):
            self._retakers[connector.platform] = connector

    async def link_person(
        self, *, platform: str, user_id: str, email: str, org_id: str = ""
    ) -> None:
        """Links the directory entry with this email to the user's id on a platform, so
        prompts and introductions for them reach them there; from a named organisation
        (`org_id`, as the platform verified it) only an entry of that organisation, so no
        other workspace's profile can take over someone's prompts and introductions."""
        entry = await self.services.person_for("", "", email) if email else None
        if entry is None or entry.platform_id(platform):
            return
        if Organisations.admits(await self.organisations.get(org_id), entry.organization):
            await self.services.store.people.upsert(entry.with_platform_id(platform, user_id))

    async def home(self, *, user: str) -> Reply:
        """A user's own page (a platform's home tab) for a platform-qualified user id."""
        return await home_page(self.services, user=user)

    async def solution_page(self, solution_id: str, *, language: str) -> SolutionPage | None:
        """A published solution as the web's public page shows it (bot/solution_page.py);
        None for an unknown or retired one."""
        today = self.services.clock().astimezone(CALENDAR).date()  # the months Copenhagen counts
        return await solution_page(self.services.store, solution_id, language=language, today=today)

    async def handle(self, message: Incoming) -> list[Reply]:
        """The replies to one message. A platform event delivered again (the same
        `event_id`) gets none; a failure of Spred itself or of its store (also in telling
        whether the event is new) gets an apology, and the conversation stays as it was
        before the message."""
        return await self._reply(message, holder=None) or []

    async def hold(self, message: Incoming) -> str | None:
        """Holds an event its platform will not send again once acknowledged, before the
        adapter acknowledges it (bot/holds.py): the hold's name for `answer`, or None when
        it is not this process's to answer (answered, or being answered elsewhere). UNHELD
        when the store could not be asked: `answer` asks it again, and apologises if it
        still cannot."""
        if not message.event_id:
            return UNHELD
        try:
            return await self.holds.take(message)
        except StoreError as exc:
            log.error("holding a %s event failed: %s", message.platform, exc)
            return UNHELD

    async def answer(self, message: Incoming, *, send: Send, holder: str = UNHELD) -> bool:
        """Answers an event its platform will not send again once acknowledged: as
        `handle`, and `send` hands the replies to the platform. Until `send` has returned
        the event is held in the store with the message (by `holder`, from `hold`, else
        held now), renewed while this process works on it; should the process die first,
        another takes it over (`retake_unanswered`, through the connector's `Retaker`) and
        answers it once. False when it was not this call's to answer."""
        held = bool(holder)
        holder = holder or new_id()
        if not message.event_id:  # nothing to hold it by
            await send(await self._reply(message, holder=None) or [])
            return True
        async with self.holds.kept(message, holder=holder):
            replies = await self._reply(message, holder=holder, held=held)
            if replies is None:
                return False
            await send(replies)
        await self.answered(message)
        return True

    async def answered(self, message: Incoming) -> None:
        """Marks a held event answered: its replies are with the platform (also when a
        connector taking it over finds them there already)."""
        try:
            await self.holds.answered(message)
        except StoreError as exc:  # answered all the same; its hold expires and the
            log.error("marking an event answered failed: %s", exc)  # connector looks again

    async def retake_unanswered(self) -> int:
        """Takes over the held events whose holder stopped renewing its hold before they
        were answered (killed, say), for the platforms whose connectors can answer them
        again: each is answered by one process. Gives up, logged, on one that has had
        MAX_ATTEMPTS turns. How many it handed to a connector."""
        if not self._retakers:
            return 0
        retakes = []
        for seen in await self.holds.let_go(self._retakers):
            if seen.attempts >= MAX_ATTEMPTS or not seen.incoming:
                await self.holds.give_up(seen.key)
                continue
            retakes.append(self._retakers[seen.platform].retake(incoming_from_dict(seen.incoming)))
        for failure in await asyncio.gather(*retakes, return_exceptions=True):
            if isinstance(failure, BaseException):
                log.error("answering an event taken over failed", exc_info=failure)
        return len(retakes)

    async def _reply(
        self, message: Incoming, *, holder: str | None, held: bool = False
    ) -> list[Reply] | None:
        """The replies to one message; None when it is a platform event this call is not
        to answer (seen before, or held by another process). With `holder`, the event is
        held by that name until answered (`answer`); `held` when it is already."""
        language = self.services.settings.language
        try:
            if (
                message.event_id
                and not held
                and not await self.holds.first_time(message, holder=holder)
            ):
                return None
            organisation = await self.organisations.seen(message.org_id)
            async with self.sessions.hold(message) as session:
                turn = Turn(
                    services=self.services,
                    message=message,
                    session=session,
                    organisation=organisation,
                )
                replies = await self._turn(turn)
                language = turn.language
        except StoreError as exc:  # a damaged, locked or full file, a database out of reach
            log.error("a %s %s failed: %s", message.platform, message.action or "text", exc)
            return [self._apology(language)]
        except Exception:
            log.exception("the core failed on a %s %s", message.platform, message.action or "text")
            return [self._apology(language)]
        public_url = self.services.settings.public_url  # cards link to their pages
        return [linked(replace(r, language=language), public_url) for r in replies]

    async def _turn(self, turn: Turn) -> list[Reply]:
        replies = []
        if turn.session.expired is not None:
            replies.append(Reply(text=turn.say(f"expired_{turn.session.expired.value}")))
        try:
            replies += await self._route(turn)
        except Refusal as refusal:
            if refusal.ends:
                turn.session.go(END)
            replies.append(Reply(text=turn.say(refusal.key, **refusal.values)))
        return replies

    @staticmethod
    def _apology(language: str) -> Reply:
        return Reply(text=say(language, "internal_error"), language=language, failed=True)

    async def prune(self) -> None:
        """Forgets what is kept only for a while: delivered letters, answered prompts, and
        platform events past SEEN_FOR."""
        await self.outbox.prune()
        await self.nudges.prune()
        await self.holds.prune()
        await self.limits.prune()
        await self.logins.prune()

    async def prune_if_due(self) -> bool:
        """Prunes if no process on this store has within PRUNE_EVERY (bot/jobs.py): now and
        then is enough, by one of several instances. True if it pruned."""
        if not await self.schedule.due("prune", every=PRUNE_EVERY):
            return False
        await self.prune()
        return True

    async def tell_editors_if_due(self) -> int:
        """Tells editors of new submissions, once a day by one of several instances
        (bot/flows/review.py); how many editors were told."""
        return await review.tell_editors(self.services, self.schedule)

    async def ask_owners_if_due(self) -> int:
        """Asks owners whether their solutions' results still hold, hourly by one of several
        instances, outside quiet hours (bot/confirmations.py); how many were written to."""
        return await self.owner_prompts.ask_if_due()

    async def digest_if_due(self) -> int:
        """Sends the weekly digests on their day's morning, once per follower and week
        across instances (bot/digest.py); how many went out."""
        return await self.digests.run_if_due(self.services.kb.matcher.published())

    async def recognise_if_due(self) -> int:
        """Sends last month's recognition on the month's first working days, once per
        person and month across instances (bot/recognition.py); how many went out."""
        return await self.recognition.run_if_due(self.services.kb.matcher.published())

    async def route_if_due(self) -> int:
        """Offers new open questions to people who may know, hourly in working hours by
        one of several instances (bot/routing.py); how many people were asked."""
        kb = self.services.kb
        return await self.routing.route_if_due(list(kb.matcher.published()), kb.topics())

    async def roadshows_if_due(self) -> int:
        """Reminds those coming the day before a roadshow and asks them two days after what
        they will do next, by one of several instances (bot/roadshows.py); letters sent."""
        return await self.roadshows.run_if_due()

    async def _route(self, turn: Turn) -> list[Reply]:
        message = turn.message
        dialogue = OWNER.get(turn.session.flow)
        if message.action is not None:
            if dialogue is not None:
                replies = await dialogue.on_action(turn, message.action)
                if replies is not None:
                    return replies
            return await self._act(turn, message.action)
        command = COMMANDS.get(command_key(message.text))
        if dialogue is not None:
            return await dialogue.on_text(turn, command)
        if command is not None:
            return await self._act(turn, command)
        # Only admins' sentences are commands: "sæt en god leder til at styre vagten" from
        # anyone else is a question.
        for pattern, sentence in (SENTENCES if turn.is_admin else ()) + OPEN_SENTENCES:
            if matched := pattern.fullmatch(message.text.strip()):
                return await sentence(turn, *matched.groups())
        prefixed = await self._prefixed(turn)
        if prefixed is not None:
            return await self._act(turn, prefixed)
        # An English question gets an English answer, when its words tell (commands, and
        # answers inside a dialogue, often names and numbers, do not count).
        written_in = language_of(message.text)
        if written_in is not None:
            turn.session.memory["written_in"] = written_in
        return await ask.ask(turn, message.text)

    @staticmethod
    async def _act(turn: Turn, name: str) -> list[Reply]:
        handler = ACTIONS.get(name)
        if handler is None:
            raise Refusal("unknown_action")
        return await handler(turn)

    async def _prefixed(self, turn: Turn) -> str | None:
        """The action a command word at the start names; its argument goes to the turn."""
        text = turn.message.text.strip()
        for length in range(PREFIX_WORDS, 0, -1):
            words = text.split(maxsplit=length)
            action = PREFIXES.get(fold(" ".join(words[:length])))
            if action is None or len(words) <= length:
                continue
            name, needs_id = action
            argument = words[length]
            first = argument.split(maxsplit=1)[0]
            # "ret mange ventetider" is a question; "ret hurtig-opstart titel" is a command.
            # An id-like word that names no solution is an admin's typo to point out, but
            # anyone else's question ("fjern e-mail spam").
            if needs_id and not (
                is_solution_id(first)
                and (
                    ("-" in first and turn.is_admin)
                    or await turn.store.solutions.get(first) is not None
                )
            ):
                continue
            turn.argument = argument
            return name
        return None

    # --- the web's login and dashboard (issue 18)

    async def signing_key(self, configured: str) -> bytes:
        """The web's signing key: `configured` (SPRED_SECRET_KEY), else the store's."""
        return await signing_key(self.services.store, configured)

    async def web_role(self, session: WebSession) -> Role:
        """What the person a web session was opened for is now, as the chat would say:
        their user and organisation as their platform verified them for the link."""
        organisation = await self.organisations.get(session.org_id) if session.org_id else None
        return Role(
            user=session.user,
            global_admin=session.user in self.services.settings.admins,
            organisation=organisation,
        )

    async def dashboard(self, role: Role, *, language: str) -> Dashboard:
        """The dashboard's tables, as far as `role` (an admin's) may see, each of its first
        rows (a page's)."""
        return await self._views.of(self.services, role, language=language)

    async def dashboard_table(self, role: Role, *, language: str, name: str) -> Table | None:
        """One of the dashboard's tables with every row (a CSV download); None: no such."""
        return await whole_table(
            self.services, role, language=language, topics=self._views.topics, name=name
        )

    async def following(self, user: str) -> list[str]:
        """What `user` follows (issue 17), as it was shown when they followed it."""
        return [f.label or f.topic for f in await self.services.store.follows.find(user=user)]

    # --- an editor's review on the web (issue 18): the chat's decision (bot/flows/review.py)

    async def submission_page(self, role: Role, ref: str, *, language: str) -> SubmissionPage:
        """The submission `ref` names as `role` (an editor's) reviews it; raises the
        chat's Refusal when it is not theirs to decide (gone, another organisation's,
        AlreadyDecided)."""
        submission = await review.waiting(self.services, role, ref, language=language)
        return submission_page(submission, language=language, now=self.services.clock())

    async def decide(
        self,
        role: Role,
        ref: str,
        decision: SubmissionState,
        *,
        note: str,
        language: str,
        seen: str = "",
    ) -> review.Decision:
        """`role`'s decision on the version `seen` of a submission, exactly as the chat's
        buttons decide."""
        return await review.decide(
            self.services, role, ref, decision, language=language, note=note, seen=seen
        )

    async def confirmation(self, role: Role, ref: str, *, language: str) -> str:
        """What `role` is told of their decision on the submission `ref` names, once it is
        theirs and decided; "" otherwise (someone else's, still waiting, or unknown)."""
        if not role.admin or not ref or len(ref) > 64:
            return ""
        submission = await self.services.store.submissions.get(ref)
        if submission is None or submission.decided_by != role.user:
            return ""
        return review.confirmation(submission, language)
