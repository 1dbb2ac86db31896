"""The store's interface: what bot/, adapters/ and the CLI may rely on.

A backend (TinyDB files today, a server database later) provides one `Collection` per kind
of record. Every method is a coroutine, so no backend can block the event loop, and a write
has returned only once it is durable.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar, Protocol, Self, TypeVar

from knowledge.records import (
    Adaptation,
    Address,
    Adoption,
    Consent,
    Conversation,
    Demand,
    DigestState,
    Feedback,
    Follow,
    Interest,
    Introduction,
    JobRun,
    Letter,
    LoginLink,
    Nudge,
    OAuthState,
    OptOut,
    Organisation,
    OwnerPrompt,
    Person,
    RateCount,
    Reach,
    RecognitionState,
    Roadshow,
    RoutedQuestion,
    SecretKey,
    SeenEvent,
    SlackInstallation,
    SolutionVersion,
    Submission,
    WebSession,
)
from knowledge.solutions import Solution
from knowledge.store.query import Condition, Tally

SCHEMA_VERSION = 1


class Storable(Protocol):
    @property
    def key(self) -> str: ...

    def to_dict(self) -> dict[str, Any]: ...

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Self: ...


R = TypeVar("R", bound=Storable)


def updated(
    key: str, current: R | None, change: Callable[[R | None], R | None]
) -> tuple[bool, R | None]:
    """What `Collection.update` does with `change(current)`: (False, current) when it
    returned `current` itself, else (True, the record to store under `key`, or None to
    remove it)."""
    changed = change(current)
    if changed is current:
        return False, current
    if changed is not None and changed.key != key:
        raise ValueError(f"an update of {key!r} may not store {changed.key!r}")
    return True, changed


class StoreError(Exception):
    """A problem with the store an operator must fix; the message says what and where."""


class StoreCorrupt(StoreError):
    pass


class Collection(Protocol[R]):
    name: str

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def get(self, key: str) -> R | None: ...

    async def all(self) -> list[R]: ...

    async def keys(self) -> list[str]: ...

    async def count(self) -> int: ...

    async def version(self) -> Hashable:
        """Changes whenever the collection does, by this process or another."""
        ...

    async def upsert(self, record: R) -> None: ...

    async def upsert_many(self, records: Iterable[R]) -> None:
        """All or nothing: either every record is durable or none is."""
        ...

    async def delete(self, key: str) -> bool: ...

    async def find(self, *, limit: int | None = None, **conditions: Condition) -> list[R]:
        """The records meeting every condition (knowledge/store/query.py) on the fields the
        collection declares, in the order they were first stored; at most `limit`. A request
        asks for what it needs this way rather than reading the collection with `all`."""
        ...

    async def tally(
        self,
        *,
        by: tuple[str, ...],
        most: int | None = None,
        distinct: str | None = None,
        **conditions: Condition,
    ) -> Tally:
        """How many records meeting `conditions` hold each combination of the `by` fields'
        values (declared text, flag or number fields), each group told as
        `query.group_of` tells it: (value, …) → count, groups with no record left out. The
        store does the counting (PostgreSQL in one GROUP BY, a file from its field index),
        so a dashboard sums 100,000 records without reading one. `most`: only the largest
        groups, largest first (`query.largest`), so a page of the top hundred of 10,000
        solutions carries a hundred. `distinct`: count the different values of that field
        in each group (unset ones not counted) rather than the records: the organisations
        using a solution, not the people who said so."""
        ...

    async def insert(self, record: R) -> bool:
        """Stores `record` unless one with its key is stored already; True if it was. One
        step, also across processes: of two inserting one key, exactly one gets True."""
        ...

    async def claim(
        self, *, now: datetime, until: datetime, limit: int, **conditions: Condition
    ) -> list[R]:
        """Up to `limit` records meeting `conditions` that no unexpired claim holds, each now
        held until `until` (in the order first stored). Two processes claiming at once get
        different records. A claim ends at `until`, at `release`, or when the record is
        written or deleted: so a process killed while sending leaves its letters to others
        once the claim expires."""
        ...

    async def release(self, keys: Iterable[str]) -> None:
        """Ends the claims on `keys` (what could not be done now, for anyone to retry)."""
        ...

    async def update(self, key: str, change: Callable[[R | None], R | None]) -> R | None:
        """Replaces the record under `key` with `change(current)` (None: none there) as one
        step no other writer, in this process or another, comes between; `change` returning
        None removes it, returning `current` itself writes nothing. Returns what is stored
        now. `change` must be quick and touch nothing else: it may run on the backend's own
        thread or inside its transaction."""
        ...


@dataclass(frozen=True, slots=True)
class CollectionSpec:
    name: str
    record_type: type[Storable]
    # The fields `find` and `claim` may ask by, and their types (str, bool, datetime): the
    # PostgreSQL backend keeps each in an indexed column beside the record. A field may be
    # a property the record computes (a folded name to look up by), not only a stored one.
    fields: Mapping[str, type] = field(default_factory=dict)
    # Whether every write is announced to the processes watching (`Store.watch`). Only where
    # one waits on it: PostgreSQL serialises the commits of announcing transactions.
    announced: bool = False

    @property
    def computed(self) -> frozenset[str]:
        return computed_fields(self.record_type, self.fields)


def computed_fields(record_type: type[Any], fields: Iterable[str]) -> frozenset[str]:
    """The fields a record computes (a property) rather than keeps: no stored form holds
    them, so a backend indexing stored documents must read the record for them."""
    kept = {f.name for f in dataclasses.fields(record_type)}
    return frozenset(name for name in fields if name not in kept)


def _fields(
    *names: str,
    moments: tuple[str, ...] = (),
    flags: tuple[str, ...] = (),
    days: tuple[str, ...] = (),
    numbers: tuple[str, ...] = (),
) -> dict[str, type]:
    return {
        **dict.fromkeys(names, str),
        **dict.fromkeys(numbers, int),
        **dict.fromkeys(moments, datetime),
        **dict.fromkeys(days, date),
        **dict.fromkeys(flags, bool),
    }


# One file (or table) each, so frequent small writes never rewrite the knowledge base.
COLLECTIONS: tuple[CollectionSpec, ...] = (
    # Announced: every instance's matcher picks up a solution stored anywhere at once.
    # `confirmed`: the yearly question to owners asks for those confirmed too long ago.
    CollectionSpec(
        "solutions",
        Solution,
        _fields("organization", flags=("retired",), days=("confirmed",)),
        announced=True,
    ),
    CollectionSpec(
        "people",
        Person,
        _fields(
            "organization",
            "email",
            "slack_id",
            "teams_id",
            "manager_id",
            "email_key",
            "organization_key",
        ),
    ),
    # `stage`, `month`, `organization_key`: the dashboard's spreading, summed by the store.
    CollectionSpec(
        "adoptions",
        Adoption,
        _fields("solution_id", "user", "organization", "stage", "month", "organization_key"),
    ),
    # `question_key`, `week`, `waited_days`: the dashboard's demand, summed by the store;
    # `answered_by`: who asked what a solution answered (a roadshow's invitations);
    # `routed_at`: the open questions not offered to peers yet (bot/routing.py).
    CollectionSpec(
        "demand",
        Demand,
        _fields(
            "asker",
            "status",
            "org_id",
            "question_key",
            "week",
            "answered_by",
            moments=("asked_at", "routed_at"),
            numbers=("waited_days",),
        ),
    ),
    CollectionSpec(
        "introductions",
        Introduction,
        _fields(
            "solution_id",
            "asker",
            "contact",
            "contact_name",
            "contact_email_key",
            moments=("created_at",),
        ),
    ),
    CollectionSpec(
        "feedback",
        Feedback,
        _fields("user", "kind", "solution_id", "org_id", "question_key", moments=("created_at",)),
    ),
    CollectionSpec(
        "conversations", Conversation, _fields("user", "org_id", moments=("updated_at",))
    ),
    CollectionSpec(
        "seen_events",
        SeenEvent,
        _fields("platform", moments=("expires_at", "held_until", "answered_at")),
    ),
    # `platform` is the letter's, read from `to`: a process claims the letters it can deliver.
    CollectionSpec(
        "outbox", Letter, _fields("to", "platform", moments=("created_at", "delivered_at"))
    ),
    CollectionSpec("addresses", Address),
    CollectionSpec(
        "nudges",
        Nudge,
        _fields(
            "manager_id",
            "solution_id",
            "kind",
            "state",
            moments=("due_at", "created_at"),
            flags=("sent", "planned"),
        ),
    ),
    CollectionSpec(
        "adaptations",
        Adaptation,
        _fields("solution_id", "organization", "manager_id", "organization_key"),
    ),
    CollectionSpec(
        "interests", Interest, _fields("person_id", "solution_id", "did", moments=("at",))
    ),
    CollectionSpec("opt_outs", OptOut),
    CollectionSpec("organisations", Organisation, _fields("platform", "name_key")),
    CollectionSpec("consents", Consent),
    CollectionSpec("slack_installations", SlackInstallation),
    CollectionSpec("oauth_states", OAuthState, _fields(moments=("expires_at",))),
    CollectionSpec("jobs", JobRun),
    CollectionSpec(
        "submissions",
        Submission,
        _fields("sharer", "org_id", "state", moments=("created_at",), flags=("announced",)),
    ),
    CollectionSpec("solution_versions", SolutionVersion, _fields("solution_id", moments=("at",))),
    CollectionSpec("owner_prompts", OwnerPrompt, _fields("to")),
    # The web's questions per client and minute (bot/limits.py); names nobody.
    CollectionSpec("rate_limits", RateCount, _fields(moments=("expires_at",))),
    # Reaching out (issue 17): who follows what, each person's respect budget, their digests.
    CollectionSpec("follows", Follow, _fields("user", "topic")),
    CollectionSpec("reach", Reach),
    CollectionSpec("digests", DigestState),
    # Recognition (issue 17): the last month each person was thanked for.
    CollectionSpec("recognitions", RecognitionState),
    # The web's login (issue 18): one-time links and sessions, both kept by hashes only,
    # and the signing key Spred made when SPRED_SECRET_KEY is unset.
    CollectionSpec("login_links", LoginLink, _fields("user", moments=("expires_at",))),
    CollectionSpec("web_sessions", WebSession, _fields("user", moments=("seen_at",))),
    CollectionSpec("secrets", SecretKey),
    # Open questions offered to people who may know (issue 17, bot/routing.py).
    CollectionSpec("routed", RoutedQuestion, _fields("to", "by", "demand_id")),
    # Roadshows (issue 17): each with its invitations and answers (bot/roadshows.py).
    CollectionSpec("roadshows", Roadshow, _fields("solution_id", "organiser", "state")),
)


def announced(names: Iterable[str]) -> frozenset[str]:
    """`names`, each checked to be a collection whose writes are announced: a watch on any
    other would never wake, and must not quietly wait."""
    wanted = frozenset(names)
    unknown = sorted(wanted - {spec.name for spec in COLLECTIONS if spec.announced})
    if unknown:
        raise ValueError(
            f"writes to {', '.join(unknown)} are not announced: set announced=True in its "
            "CollectionSpec (knowledge/store/base.py)"
        )
    return wanted


class Store(ABC):
    """The collections as attributes (`store.solutions`); a backend says how to make one."""

    backend: ClassVar[str]  # what GET /healthz names it: "memory", "tinydb", "postgresql"

    solutions: Collection[Solution]
    people: Collection[Person]
    adoptions: Collection[Adoption]
    demand: Collection[Demand]
    introductions: Collection[Introduction]
    feedback: Collection[Feedback]
    conversations: Collection[Conversation]
    seen_events: Collection[SeenEvent]
    outbox: Collection[Letter]
    addresses: Collection[Address]
    nudges: Collection[Nudge]
    adaptations: Collection[Adaptation]
    interests: Collection[Interest]
    opt_outs: Collection[OptOut]
    organisations: Collection[Organisation]
    consents: Collection[Consent]
    slack_installations: Collection[SlackInstallation]
    oauth_states: Collection[OAuthState]
    jobs: Collection[JobRun]
    submissions: Collection[Submission]
    solution_versions: Collection[SolutionVersion]
    owner_prompts: Collection[OwnerPrompt]
    rate_limits: Collection[RateCount]
    follows: Collection[Follow]
    reach: Collection[Reach]
    digests: Collection[DigestState]
    recognitions: Collection[RecognitionState]
    login_links: Collection[LoginLink]
    web_sessions: Collection[WebSession]
    secrets: Collection[SecretKey]
    routed: Collection[RoutedQuestion]
    roadshows: Collection[Roadshow]

    def __init__(self) -> None:
        self.collections: dict[str, Collection[Any]] = {
            spec.name: self.make_collection(spec) for spec in COLLECTIONS
        }
        for name, collection in self.collections.items():
            setattr(self, name, collection)

    @abstractmethod
    def make_collection(self, spec: CollectionSpec) -> Collection[Any]:
        """One collection of this backend, for the records `spec` names."""

    async def open(self) -> None:
        """Loads every collection now, so a damaged one is reported at start-up."""
        try:
            for collection in self.collections.values():
                await collection.open()
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        for collection in self.collections.values():
            await collection.close()

    async def ping(self) -> bool:
        """Whether the store can be read and written now (GET /healthz): quick, and never
        raises. In-process stores are there while the process is."""
        return True

    async def watch(self, names: Iterable[str]) -> AsyncGenerator[str, None]:
        """The name of a collection in `names` (each `announced`) each time it may have
        changed, by any process, for as long as it is iterated; several writes may be told
        as one, and it may tell of a change that was none (after losing the database for a
        while, each name once). A backend without such a feed (files, memory) ends at once:
        then, as always alongside, looking at `Collection.version` now and then finds every
        change."""
        announced(names)
        nothing: tuple[str, ...] = ()  # a generator that ends at once
        for name in nothing:
            yield name

    @abstractmethod
    async def drop_copies(self, names: Iterable[str]) -> None:
        """Makes the named collections' safety copies (a file backend's previous version)
        hold what is stored now, so that what was just erased is nowhere on disk. A backend
        without such copies has nothing to do."""
