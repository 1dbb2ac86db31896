"""Each person's own data: everything Spred holds about one person (`export`), and erasing
it (`forget`), shared by `spred person` and the chat's "glem mig" / "forget me".

Every collection declares in HOLDINGS how it holds a person: which records are about them,
and what forgetting does with such a record (delete it, keep it without the person, or keep
it as it is, saying why). A collection added to the store without an entry here fails a
test (tests/test_privacy.py) and `forget` itself, so none is forgotten.

Both ask each collection for the records that may be about the person (`Holding.where`:
by key, or by a declared field such as a user id or a folded e-mail), and judge each with
`finds`; only a collection that may name them in text or a list (letters, prompts,
solutions' contacts, an organisation's admins, an installation) is read whole. Each
erasure is one `Collection.update` that looks at the record again, so a record changed
meanwhile by another process is judged as it is now.
"""

from __future__ import annotations

import contextlib
import enum
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import orjson

from bot.i18n import say
from bot.roadshows import filled
from knowledge.records import (
    Adoption,
    Conversation,
    Introduction,
    Letter,
    Nudge,
    Organisation,
    OwnerPrompt,
    Person,
    Relay,
    Roadshow,
    RoutedQuestion,
    SeenEvent,
    SlackInstallation,
    SolutionVersion,
    new_id,
)
from knowledge.solutions import PLATFORM_ID_FIELDS, Solution
from knowledge.store import COLLECTIONS, Store
from knowledge.store.base import Storable
from knowledge.store.query import Below, Condition, OneOf


@dataclass(frozen=True, slots=True)
class Identity:
    """One person as the store may name them: their platform-qualified user ids, their
    directory entry's id, the names and e-mail addresses records give them."""

    users: frozenset[str]
    person_ids: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()  # casefolded

    def words(self) -> frozenset[str]:
        """What identifies them in free text (a letter): not a directory id, which may be
        as short as "bo" and turn up inside any word."""
        return self.users | self.names | self.emails

    def named_in(self, text: str) -> bool:
        """Whether `text` names them, as a whole word ("Anna" is not in "Johanna")."""
        folded = text.casefold()
        return any(
            re.search(rf"(?<!\w){re.escape(word.casefold())}(?!\w)", folded)
            for word in self.words()
        )

    def has_email(self, email: str) -> bool:
        return bool(email) and email.casefold() in self.emails


class Fate(enum.StrEnum):
    DELETED = "deleted"
    ANONYMISED = "anonymised"  # kept without the person
    KEPT = "kept"  # kept as it is; `Holding.kept_because` says why


# Where a collection's records about a person can be: the keys to read, and conditions to
# find by (any one of them); each record found is still judged by `Holding.finds`.
Where = tuple[Iterable[str], list[dict[str, Condition]]]
NOWHERE: Where = ((), [])


@dataclass(frozen=True, slots=True, kw_only=True)
class Holding:
    """How a collection holds a person: `finds` says whether a record is about them;
    `erase` gives the record without them (None: delete it; the record itself: keep it);
    `where` where such records can be (None: anywhere, the collection is read whole)."""

    finds: Callable[[Any, Identity], bool]
    erase: Callable[[Any, Identity, str], Any | None] = lambda record, who, language: None
    kept_because: str = ""
    where: Callable[[Identity], Where] | None = None


def _by(field: str, of: Callable[[Identity], frozenset[str]]) -> Callable[[Identity], Where]:
    """Records whose `field` is one of the person's (users, person_ids, …)."""
    return lambda who: ((), [{field: OneOf.of(sorted(of(who)))}])


def _users(who: Identity) -> frozenset[str]:
    return who.users


def _person_ids(who: Identity) -> frozenset[str]:
    return who.person_ids


def _nobody(record: Any, who: Identity) -> bool:
    return False


def _conversation_of(record: Conversation, who: Identity) -> bool:
    # The key is "platform:conversation:user"; a Teams conversation id has colons of its own.
    key = record.conversation_key
    for user in who.users:
        platform, _, user_id = user.partition(":")
        if key.startswith(f"{platform}:") and key.endswith(f":{user_id}"):
            return True
    return False


def _held_finds(record: SeenEvent, who: Identity) -> bool:
    held = record.incoming
    return bool(held) and f"{held.get('platform', '')}:{held.get('user_id', '')}" in who.users


def _held_erase(record: SeenEvent, who: Identity, language: str) -> SeenEvent:
    # Its id stays, so a retry of it is not answered as new; nobody takes it over now.
    return replace(record, incoming={}, holder="", held_until=None)


def _held_where(who: Identity) -> Where:
    # Those held now (a hold is set only while a message waits for its answer): a few.
    return (), [{"held_until": Below(datetime.max.replace(tzinfo=UTC))}]


def _person_finds(record: Person, who: Identity) -> bool:
    return record.id in who.person_ids or record.manager_id in who.person_ids


def _person_erase(record: Person, who: Identity, language: str) -> Person | None:
    # Their own entry goes; an entry that names them as manager keeps everything else.
    return None if record.id in who.person_ids else replace(record, manager_id=None)


def _introduction_finds(record: Introduction, who: Identity) -> bool:
    return (
        record.asker in who.users
        or record.contact in who.users
        or record.contact_name in who.names
        or who.has_email(record.contact_email)
    )


def _introduction_erase(record: Introduction, who: Identity, language: str) -> Any:
    if record.asker in who.users:
        return None
    # They were the contact: the asker's record stays, and a conversation through Spred
    # with them ends (nothing is passed on to an address that is gone).
    ended = Relay.ENDED if record.relay is not None else None
    return replace(record, contact="", contact_name="", contact_email="", relay=ended)


def _adoption_erase(record: Adoption, who: Identity, language: str) -> Adoption:
    # The organisation's adoption stays; its key named the person, so it gets a new one.
    return replace(record, id=f"{record.solution_id}:{new_id()}", user="", user_name="")


def _nudge_finds(record: Nudge, who: Identity) -> bool:
    return (
        record.manager_id in who.person_ids
        or bool(who.person_ids & set(record.member_ids))
        or bool(who.names & set(record.members))
    )


def _nudge_erase(record: Nudge, who: Identity, language: str) -> Nudge | None:
    if record.manager_id in who.person_ids:
        return None  # a prompt to them
    reason = record.reason
    for name in who.names:  # a prompt that named them as one of the unit
        reason = reason.replace(name, say(language, "someone_in_unit"))
    return replace(
        record,
        reason=reason,
        members=tuple(m for m in record.members if m not in who.names),
        member_ids=tuple(m for m in record.member_ids if m not in who.person_ids),
    )


def _letter_finds(record: Letter, who: Identity) -> bool:
    return record.to in who.users or who.named_in(orjson.dumps(record.reply).decode())


def _organisation_finds(record: Organisation, who: Identity) -> bool:
    return record.installer in who.users or bool(who.users & set(record.admins))


def _organisation_erase(record: Organisation, who: Identity, language: str) -> Organisation:
    admins = tuple(a for a in record.admins if a not in who.users)
    installer = "" if record.installer in who.users else record.installer
    return replace(record, installer=installer, admins=admins)


def _solution_finds(record: Solution, who: Identity) -> bool:
    for contact in record.contacts:
        ids = {f"{p}:{contact.platform_id(p)}" for p in PLATFORM_ID_FIELDS}
        if contact.name in who.names or who.has_email(contact.email) or ids & who.users:
            return True
    return False


def _version_finds(record: SolutionVersion, who: Identity) -> bool:
    if record.by in who.users:
        return True
    with contextlib.suppress(ValueError):  # stored valid; none (a creation) is not
        return _solution_finds(Solution.from_dict(record.previous or {}), who)
    return False


# A Slack installation's user fields: who installed it, and a user token if one was kept.
_INSTALLER_FIELDS = ("user_token", "user_refresh_token", "user_token_expires_at", "user_scopes")


def _installation_finds(record: SlackInstallation, who: Identity) -> bool:
    return f"slack:{record.installation.get('user_id', '')}" in who.users


def _installation_erase(
    record: SlackInstallation, who: Identity, language: str
) -> SlackInstallation:
    # The workspace keeps its installation (its bot token serves everyone there); only the
    # installer's id and any token of theirs go.
    kept = {k: v for k, v in record.installation.items() if k not in _INSTALLER_FIELDS}
    return replace(record, installation={**kept, "user_id": ""})


def _owner_keys(who: Identity) -> frozenset[str]:
    """How the yearly question to owners keys a person: by e-mail, else by user id."""
    return who.emails | {user.partition(":")[2] for user in who.users}


def _owner_prompt_finds(record: OwnerPrompt, who: Identity) -> bool:
    return record.owner in _owner_keys(who) or record.to in who.users


def _owner_prompts_where(who: Identity) -> Where:
    return _owner_keys(who), [{"to": OneOf.of(sorted(who.users))}]


def _people_where(who: Identity) -> Where:
    return who.person_ids, [{"manager_id": OneOf.of(sorted(who.person_ids))}]


def _introductions_where(who: Identity) -> Where:
    users, names, emails = (OneOf.of(sorted(x)) for x in (who.users, who.names, who.emails))
    return (), [
        {"asker": users},
        {"contact": users},
        {"contact_name": names},
        {"contact_email_key": emails},
    ]


def _conversations_where(who: Identity) -> Where:
    # A conversation names its user; one whose first turn failed (or older than that field)
    # does not, and is judged by its key.
    return (), [{"user": OneOf.of(sorted(who.users))}, {"user": None}]


def _routed_finds(record: RoutedQuestion, who: Identity) -> bool:
    return record.to in who.users or record.by in who.users


def _routed_erase(record: RoutedQuestion, who: Identity, language: str) -> RoutedQuestion | None:
    return None if record.to in who.users else replace(record, by="")


def _routed_where(who: Identity) -> Where:
    users = OneOf.of(sorted(who.users))
    return ((), [{"to": users}, {"by": users}])


def _roadshow_finds(record: Roadshow, who: Identity) -> bool:
    return record.organiser in who.users or bool(who.users & set(record.rsvps))


def _roadshow_erase(record: Roadshow, who: Identity, language: str) -> Roadshow:
    if record.organiser in who.users:
        record = replace(record, organiser="", organiser_name="")
    rsvps = {user: entry for user, entry in record.rsvps.items() if user not in who.users}
    return replace(record, rsvps=filled(rsvps, record.places, record.created_at)[0])


# How each collection of the store holds a person. One entry per collection (tested).
HOLDINGS: Mapping[str, Holding] = {
    "solutions": Holding(
        finds=_solution_finds,
        erase=lambda record, who, language: record,
        kept_because="a published solution's contact: its organisation names another",
    ),
    "people": Holding(finds=_person_finds, erase=_person_erase, where=_people_where),
    "adoptions": Holding(
        finds=lambda r, who: r.user in who.users, erase=_adoption_erase, where=_by("user", _users)
    ),
    "demand": Holding(finds=lambda r, who: r.asker in who.users, where=_by("asker", _users)),
    "introductions": Holding(
        finds=_introduction_finds, erase=_introduction_erase, where=_introductions_where
    ),
    "feedback": Holding(finds=lambda r, who: r.user in who.users, where=_by("user", _users)),
    "conversations": Holding(finds=_conversation_of, where=_conversations_where),
    # a platform's event id and times: nobody's; but while an acknowledged event is being
    # answered (seconds; its answerer's hold plus a takeover if it dies) its message is kept
    # with it, for another process to answer: the sender's, dropped when they are forgotten
    "seen_events": Holding(finds=_held_finds, erase=_held_erase, where=_held_where),
    "outbox": Holding(finds=_letter_finds),  # letters to them, and letters naming them
    "addresses": Holding(
        finds=lambda r, who: r.user in who.users, where=lambda who: (who.users, [])
    ),
    "nudges": Holding(finds=_nudge_finds, erase=_nudge_erase),
    "adaptations": Holding(
        finds=lambda r, who: r.manager_id in who.person_ids,
        erase=lambda r, who, language: replace(r, manager_id=""),
        where=_by("manager_id", _person_ids),
    ),
    "interests": Holding(
        finds=lambda r, who: r.person_id in who.person_ids, where=_by("person_id", _person_ids)
    ),
    "opt_outs": Holding(
        finds=lambda r, who: r.manager_id in who.person_ids,
        where=lambda who: (who.person_ids, []),
    ),
    "organisations": Holding(finds=_organisation_finds, erase=_organisation_erase),
    "consents": Holding(
        finds=lambda r, who: r.person_id in who.person_ids,
        where=lambda who: (who.person_ids, []),
    ),
    "slack_installations": Holding(finds=_installation_finds, erase=_installation_erase),
    # a random state and its expiry: nobody's
    "oauth_states": Holding(finds=_nobody, where=lambda who: NOWHERE),
    # when a periodic job last started: nobody's
    "jobs": Holding(finds=_nobody, where=lambda who: NOWHERE),
    # how many questions a hashed web address asked in one minute: nobody's, gone in the hour
    "rate_limits": Holding(finds=_nobody, where=lambda who: NOWHERE),
    # what they shared and is not published yet: theirs, gone with them
    "submissions": Holding(finds=lambda r, who: r.sharer in who.users, where=_by("sharer", _users)),
    # Who changed a solution goes; the solution as it was keeps its contacts, as solutions do.
    "solution_versions": Holding(
        finds=_version_finds,
        erase=lambda r, who, language: replace(r, by="") if r.by in who.users else r,
        kept_because="an earlier version of a published solution: its contacts stay with it",
    ),
    # when they were last asked whether their solutions' results still hold
    "owner_prompts": Holding(finds=_owner_prompt_finds, where=_owner_prompts_where),
    # Reaching out (issue 17): what they follow, how much news they want and got lately,
    # and what their digests told them: theirs, gone with them.
    "follows": Holding(finds=lambda r, who: r.user in who.users, where=_by("user", _users)),
    "reach": Holding(finds=lambda r, who: r.user in who.users, where=lambda who: (who.users, [])),
    "digests": Holding(finds=lambda r, who: r.user in who.users, where=lambda who: (who.users, [])),
    # Recognition (issue 17): the last month they were thanked for.
    "recognitions": Holding(
        finds=lambda r, who: r.user in who.users, where=lambda who: (who.users, [])
    ),
    # The web's login (issue 18): their login links and browser sessions, gone with them;
    # the signing key names nobody.
    "login_links": Holding(finds=lambda r, who: r.user in who.users, where=_by("user", _users)),
    "web_sessions": Holding(finds=lambda r, who: r.user in who.users, where=_by("user", _users)),
    "secrets": Holding(finds=_nobody, where=lambda who: NOWHERE),
    # Open questions offered to them (issue 17): theirs, gone with them; one they had a
    # colleague asked stays the colleague's, without who named them.
    "routed": Holding(finds=_routed_finds, erase=_routed_erase, where=_routed_where),
    # Roadshows (issue 17): one they planned keeps its date and answers without them; their
    # answer to one goes, and a place it held goes to the first waiting. Read whole: the
    # answers are a map inside each record (a roadshow a few a month).
    "roadshows": Holding(finds=_roadshow_finds, erase=_roadshow_erase),
}


async def _candidates(collection: Any, rule: Holding, who: Identity) -> list[Any]:
    """The records of `collection` that may be about the person (`rule.where`), each once;
    the whole collection where they may be anywhere."""
    if rule.where is None:
        return list(await collection.all())
    keys, asked = rule.where(who)
    found: dict[str, Any] = {}
    for key in sorted(keys):
        record = await collection.get(key)
        if record is not None:
            found[record.key] = record
    for conditions in asked:
        for record in await collection.find(limit=None, **conditions):
            found.setdefault(record.key, record)
    return list(found.values())


# The records that name a person by user id and carry the name others saw.
_NAMED_BY: tuple[tuple[str, str, str], ...] = (
    ("demand", "asker", "asker_name"),
    ("introductions", "asker", "asker_name"),
    ("adoptions", "user", "user_name"),
)


def holding(name: str) -> Holding:
    found = HOLDINGS.get(name)
    if found is None:
        raise LookupError(f"the collection {name!r} does not say how it holds a person")
    return found


async def identify(store: Store, who: str, *, email: str = "") -> Identity | None:
    """The person `who` names: a platform-qualified id ("slack:U1", "console:anna") or an
    e-mail address, with their directory entry and its platform ids, and the names records
    give them. None when `who` is neither."""
    who = who.strip()
    users: set[str] = set()
    emails = {email.casefold()} if email else set()
    if ":" in who and not who.startswith(":") and not who.endswith(":"):
        users.add(who)
    elif "@" in who:
        emails.add(who.casefold())
    else:
        return None
    people = [
        p
        for p in await _directory_entries(store, users, emails)
        if (p.email and p.email.casefold() in emails) or users & set(_qualified(p))
    ]
    names = {p.name for p in people if p.name}
    for person in people:
        users.update(_qualified(person))
        if person.email:
            emails.add(person.email.casefold())
    for collection, user_field, name_field in _NAMED_BY:
        named = {user_field: OneOf.of(sorted(users))}
        for record in await store.collections[collection].find(limit=None, **named):
            if getattr(record, user_field) in users and getattr(record, name_field):
                names.add(getattr(record, name_field))
    return Identity(
        users=frozenset(users),
        person_ids=frozenset(p.id for p in people),
        names=frozenset(names),
        emails=frozenset(emails),
    )


async def _directory_entries(store: Store, users: set[str], emails: set[str]) -> list[Person]:
    """The directory entries with one of these platform-qualified ids or e-mail addresses."""
    found: dict[str, Person] = {}
    for user in sorted(users):
        platform, _, user_id = user.partition(":")
        field_name = PLATFORM_ID_FIELDS.get(platform)
        if field_name:
            entries = await store.people.find(limit=None, **{field_name: user_id})
        else:  # on the terminal, their directory id
            entry = await store.people.get(user_id) if platform == "console" else None
            entries = [entry] if entry is not None else []
        found.update((p.id, p) for p in entries)
    for p in await store.people.find(email_key=OneOf.of(sorted(emails))):
        found.setdefault(p.id, p)
    return list(found.values())


def _qualified(person: Person) -> list[str]:
    return [f"{platform}:{user_id}" for platform, user_id in person.platform_ids().items()]


async def export(store: Store, who: Identity) -> dict[str, list[dict[str, Any]]]:
    """Every record about the person, by collection, in its stored form."""
    found: dict[str, list[dict[str, Any]]] = {}
    for spec in COLLECTIONS:
        rule = holding(spec.name)
        records = await _candidates(store.collections[spec.name], rule, who)
        found[spec.name] = [r.to_dict() for r in records if rule.finds(r, who)]
    return found


@dataclass(slots=True)
class Forgotten:
    """What `forget` did, per collection: how many records it deleted, anonymised, kept."""

    done: dict[str, dict[Fate, int]] = field(default_factory=dict)

    def count(self, collection: str, fate: Fate) -> int:
        return self.done.get(collection, {}).get(fate, 0)

    def add(self, collection: str, fate: Fate) -> None:
        counts = self.done.setdefault(collection, {})
        counts[fate] = counts.get(fate, 0) + 1

    def changed(self) -> list[tuple[str, int]]:
        """(collection, records deleted or anonymised) where there were any."""
        return [
            (name, counts.get(Fate.DELETED, 0) + counts.get(Fate.ANONYMISED, 0))
            for name, counts in self.done.items()
            if counts.get(Fate.DELETED, 0) + counts.get(Fate.ANONYMISED, 0)
        ]

    @property
    def total(self) -> int:
        return sum(sum(counts.values()) for counts in self.done.values())


async def forget(store: Store, who: Identity, *, language: str) -> Forgotten:
    """Erases the person from every collection, as HOLDINGS says; returns what it did.
    `language` is the one texts that named them (a manager's prompt) are rewritten in."""
    result = Forgotten()
    for spec in COLLECTIONS:
        rule = holding(spec.name)
        collection = store.collections[spec.name]
        for record in await _candidates(collection, rule, who):
            if rule.finds(record, who):
                fate = await _erase(collection, record, rule, who, language)
                if fate is not None:
                    result.add(spec.name, fate)
    await store.drop_copies(name for name, _ in result.changed())
    return result


async def _erase(
    collection: Any, record: Storable, rule: Holding, who: Identity, language: str
) -> Fate | None:
    fate: Fate | None = None
    moved: Storable | None = None

    def change(current: Storable | None) -> Storable | None:
        nonlocal fate, moved
        if current is None or not rule.finds(current, who):
            return current  # gone, or no longer about them
        erased = rule.erase(current, who, language)
        if erased is current:
            fate = Fate.KEPT
            return current
        if erased is None:
            fate = Fate.DELETED
            return None
        fate = Fate.ANONYMISED
        if erased.key != current.key:  # kept under a key that does not name them
            moved = erased
            return None
        return erased

    await collection.update(record.key, change)
    if moved is not None:
        await collection.upsert(moved)
    return fate


def stored_text(record: Storable) -> str:
    """A record as the store holds it, as one text (to search for what names someone)."""
    return orjson.dumps(record.to_dict()).decode()
