"""One turn of a conversation: the message, the sender's session, and what flows may use."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from bot.colleagues import Colleagues
from bot.config import Settings
from bot.i18n import say
from bot.messages import Incoming, Payload
from bot.organisations import Organisations
from bot.outbox import Outbox
from bot.people_names import PeopleNames
from bot.roles import Role
from bot.sessions import Session
from knowledge.kb import KnowledgeBase
from knowledge.records import Nudge, Organisation, Person
from knowledge.solutions import PLATFORM_ID_FIELDS, Contact, Solution, is_solution_id
from knowledge.store import Store

if TYPE_CHECKING:
    from bot.nudges import Nudges


class Refusal(Exception):
    """Ends a turn with one explanatory reply: `key` and `values` for `say`. With `ends`,
    the dialogue the sender was in ends too (their rights, or what it was about, are gone)."""

    def __init__(self, key: str, *, ends: bool = False, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.ends = ends
        self.values = values


@dataclass(slots=True, kw_only=True)
class Services:
    kb: KnowledgeBase
    settings: Settings
    outbox: Outbox
    organisations: Organisations
    clock: Callable[[], datetime]
    # What askers picked between near-tied answers: folded question → solution id.
    nudges: Nudges | None = None  # prompts to managers; the core sets it
    colleagues: Colleagues = field(default_factory=Colleagues)
    names: PeopleNames = field(default_factory=PeopleNames)  # the directory by name

    async def person_for(self, platform: str, user_id: str, email: str = "") -> Person | None:
        """The people directory's entry for a chat user (`directory_entry`)."""
        return await directory_entry(self.store, platform, user_id, email)

    async def person_of(self, user: str) -> Person | None:
        """The entry of a platform-qualified user (`directory_of`)."""
        return await directory_of(self.store, user)

    async def address_of(
        self, contact: Contact, platforms: Iterable[str], *, organization: str = ""
    ) -> str | None:
        """Where a solution's contact can be told: on the first of these platforms where
        their id is known (from the solution, or the people directory by email) and the
        platform can reach them, else found by e-mail in their organisation (that of the
        solution, `organization`) on any platform (bot/colleagues.py)."""
        return await self.colleagues.address_of(self, contact, platforms, organization=organization)

    async def tell_manager(
        self,
        person: Person | None,
        solution: Solution,
        *,
        did: str,
        organization: str = "",
        unit: str = "",
    ) -> Nudge | None:
        """Records what a person in the directory did with a solution (`did`: "details",
        "contact" or an adoption stage, with the place it was reported for); the prompt to
        their manager it scheduled, if any."""
        if person is None or self.nudges is None:
            return None
        return await self.nudges.on_act(
            person, solution, did=did, organization=organization, unit=unit
        )

    @property
    def store(self) -> Store:
        return self.kb.store


@dataclass(slots=True, kw_only=True)
class Turn:
    services: Services
    message: Incoming
    session: Session
    argument: str = ""  # what follows a command word ("ret <id> <felt>": "<id> <felt>")
    organisation: Organisation | None = None  # the one the platform said the message is from

    @property
    def kb(self) -> KnowledgeBase:
        return self.services.kb

    @property
    def store(self) -> Store:
        return self.services.kb.store

    @property
    def language(self) -> str:
        default = self.message.language or self.services.settings.language
        return Session.language_in(self.session.memory, default)

    def say(self, key: str, **values: object) -> str:
        return say(self.language, key, **values)

    @property
    def role(self) -> Role:
        # From the identity and organisation the adapter verified, never from the client.
        return Role(
            user=self.message.user,
            global_admin=self.message.user in self.services.settings.admins,
            organisation=self.organisation,
        )

    @property
    def is_admin(self) -> bool:
        return self.role.admin

    def require_admin(self, *, ends: bool = False) -> Role:
        role = self.role
        if not role.admin:
            raise Refusal("not_admin", ends=ends)
        return role

    def require_reach(self, *, ends: bool = False) -> Role:
        """An admin with something to look after: a local admin's organisation needs a name
        first, since its name is what makes a solution or a person its own."""
        role = self.require_admin(ends=ends)
        if role.local_admin and not role.own_name:
            raise Refusal("organisation_unnamed", ends=ends)
        return role

    def require_own(
        self, owner: str, *, refusal: str, ends: bool = False, **values: object
    ) -> Role:
        """An admin whose reach (bot/roles.py) holds `owner`, a solution's or a person's
        `organization`; anything of another organisation is refused plainly (`refusal`,
        given `own`, the admin's organisation, and `values`)."""
        role = self.require_reach(ends=ends)
        if not role.owns(owner):
            raise Refusal(refusal, ends=ends, own=role.own_name, **values)
        return role

    def require_own_solution(self, solution: Solution, *, ends: bool = False) -> Role:
        """An admin who may change `solution`: a local admin only their own
        organisation's, refused plainly otherwise."""
        return self.require_own(
            solution.organization,
            refusal="not_your_solution",
            ends=ends,
            title=solution.title,
            organization=solution.organization,
        )

    @property
    def name(self) -> str:
        return self.message.user_name or self.message.user_id

    async def person(self) -> Person | None:
        """The sender's entry in the people directory, if any. The directory is per
        organisation: from a named organisation, only an entry of that organisation is
        theirs (an unnamed one cannot be told apart, so any entry with their id counts)."""
        m = self.message
        found = await self.services.person_for(m.platform, m.user_id, m.email)
        if found is None or not Organisations.admits(self.organisation, found.organization):
            return None
        return found

    def payload_text(self, name: str, *, limit: int = 1000) -> str:
        payload = self.message.payload
        value = payload.get(name) if isinstance(payload, Mapping) else None
        if not isinstance(value, str) or len(value) > limit:
            raise Refusal("unknown_action")
        return value

    def payload_ids(self, name: str, *, most: int) -> tuple[str, ...]:
        """Solution ids a button carries (absent on buttons older than the field: none);
        anything else is a tampered button."""
        payload = self.message.payload
        value = payload.get(name, []) if isinstance(payload, Mapping) else []
        if not isinstance(value, list) or len(value) > most:
            raise Refusal("unknown_action")
        for ref in value:
            if not is_solution_id(ref):
                raise Refusal("unknown_action")
        return tuple(value)

    async def solution_from_payload(self, payload: Payload | None = None) -> Solution:
        """The solution a button names; refuses stale and tampered buttons plainly."""
        payload = self.message.payload if payload is None else payload
        ref = payload.get("solution") if isinstance(payload, Mapping) else None
        if not is_solution_id(ref):
            raise Refusal("unknown_action")
        solution = await self.store.solutions.get(ref)
        if solution is None:
            raise Refusal("solution_gone")
        if solution.retired:
            raise Refusal("solution_retired", title=solution.title)
        return solution


async def directory_entry(
    store: Store, platform: str, user_id: str, email: str = ""
) -> Person | None:
    """The people directory's entry for a chat user: by their id on the platform (on the
    terminal, their directory id), else by e-mail in any case; the first stored if several
    match. Runs for every question, so each is one indexed look-up."""
    people = store.people
    found: Person | None = None
    field = PLATFORM_ID_FIELDS.get(platform)
    if user_id and field:
        found = next(iter(await people.find(limit=1, **{field: user_id})), None)
    elif user_id and platform == "console":
        found = await people.get(user_id)
    if found is None and email:
        found = next(iter(await people.find(limit=1, email_key=email.casefold())), None)
    return found


async def directory_of(store: Store, user: str) -> Person | None:
    """The entry of a platform-qualified user ("slack:U123"; on the terminal, by its id)."""
    platform, _, user_id = user.partition(":")
    return await directory_entry(store, platform, user_id)
