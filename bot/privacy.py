"""Each person's own data: everything Spred holds about one person (`export`), and erasing
it (`forget`), shared by `spred person` and the chat's "glem mig" / "forget me".

Every collection declares in HOLDINGS how it holds a person: which records are about them,
and what forgetting does with such a record (delete it, keep it without the person, or keep
it as it is, saying why). A collection added to the store without an entry here fails a
test (tests/test_privacy.py) and `forget` itself, so none is forgotten.

Both read whole collections: they run on an explicit, rare request (an operator's command,
or a person confirming with a button), and a person's ids sit in fields no key is built
from. Each erasure is one `Collection.update` that looks at the record again, so a record
changed meanwhile by another process is judged as it is now.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from bot.i18n import say
from knowledge.records import (
    Adoption,
    Conversation,
    Introduction,
    Letter,
    Nudge,
    Organisation,
    Person,
    Relay,
    SlackInstallation,
    new_id,
)
from knowledge.solutions import PLATFORM_ID_FIELDS, Solution
from knowledge.store import COLLECTIONS, Store
from knowledge.store.base import Storable


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


@dataclass(frozen=True, slots=True, kw_only=True)
class Holding:
    """How a collection holds a person: `finds` says whether a record is about them;
    `erase` gives the record without them (None: delete it; the record itself: keep it)."""

    finds: Callable[[Any, Identity], bool]
    erase: Callable[[Any, Identity, str], Any | None] = lambda record, who, language: None
    kept_because: str = ""


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


# How each collection of the store holds a person. One entry per collection (tested).
HOLDINGS: Mapping[str, Holding] = {
    "solutions": Holding(
        finds=_solution_finds,
        erase=lambda record, who, language: record,
        kept_because="a published solution's contact: its organisation names another",
    ),
    "people": Holding(finds=_person_finds, erase=_person_erase),
    "adoptions": Holding(finds=lambda r, who: r.user in who.users, erase=_adoption_erase),
    "demand": Holding(finds=lambda r, who: r.asker in who.users),
    "introductions": Holding(finds=_introduction_finds, erase=_introduction_erase),
    "feedback": Holding(finds=lambda r, who: r.user in who.users),
    "conversations": Holding(finds=_conversation_of),
    "seen_events": Holding(finds=_nobody),  # a platform's event id and a time: nobody's
    "outbox": Holding(finds=_letter_finds),  # letters to them, and letters naming them
    "addresses": Holding(finds=lambda r, who: r.user in who.users),
    "nudges": Holding(finds=_nudge_finds, erase=_nudge_erase),
    "adaptations": Holding(
        finds=lambda r, who: r.manager_id in who.person_ids,
        erase=lambda r, who, language: replace(r, manager_id=""),
    ),
    "interests": Holding(finds=lambda r, who: r.person_id in who.person_ids),
    "opt_outs": Holding(finds=lambda r, who: r.manager_id in who.person_ids),
    "organisations": Holding(finds=_organisation_finds, erase=_organisation_erase),
    "consents": Holding(finds=lambda r, who: r.person_id in who.person_ids),
    "slack_installations": Holding(finds=_installation_finds, erase=_installation_erase),
    "oauth_states": Holding(finds=_nobody),  # a random state and its expiry: nobody's
    "jobs": Holding(finds=_nobody),  # when a periodic job last started: nobody's
}

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
        for p in await store.people.all()
        if (p.email and p.email.casefold() in emails) or users & set(_qualified(p))
    ]
    names = {p.name for p in people if p.name}
    for person in people:
        users.update(_qualified(person))
        if person.email:
            emails.add(person.email.casefold())
    for collection, user_field, name_field in _NAMED_BY:
        for record in await store.collections[collection].all():
            if getattr(record, user_field) in users and getattr(record, name_field):
                names.add(getattr(record, name_field))
    return Identity(
        users=frozenset(users),
        person_ids=frozenset(p.id for p in people),
        names=frozenset(names),
        emails=frozenset(emails),
    )


def _qualified(person: Person) -> list[str]:
    return [f"{platform}:{user_id}" for platform, user_id in person.platform_ids().items()]


async def export(store: Store, who: Identity) -> dict[str, list[dict[str, Any]]]:
    """Every record about the person, by collection, in its stored form."""
    found: dict[str, list[dict[str, Any]]] = {}
    for spec in COLLECTIONS:
        finds = holding(spec.name).finds
        records = await store.collections[spec.name].all()
        found[spec.name] = [r.to_dict() for r in records if finds(r, who)]
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
        for record in await collection.all():
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
