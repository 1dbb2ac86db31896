"""The records Spred keeps beside solutions: people, adoptions, demand, introductions, feedback,
and the small bookkeeping records of the chat adapters (conversation state, seen events).

They are plain frozen dataclasses; `to_dict`/`from_dict` give their stored form, with
datetimes as ISO 8601 text in UTC and enums as their values.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, ClassVar, Self, cast
from zoneinfo import ZoneInfo

from knowledge import text
from knowledge.solutions import PLATFORM_ID_FIELDS
from knowledge.text import folded_name


def now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return uuid.uuid4().hex


# The calendar months and weeks figures are counted in: those of the people reading them.
CALENDAR = ZoneInfo("Europe/Copenhagen")


def month_label(day: date) -> str:
    """The month a day falls in, as the dashboard groups by it: "2026-03"."""
    return f"{day.year:04d}-{day.month:02d}"


def week_label(day: date) -> str:
    """The ISO week a day falls in: "2026-W09"."""
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def month_of(moment: datetime) -> str:
    return month_label(moment.astimezone(CALENDAR).date())


def week_of(moment: datetime) -> str:
    return week_label(moment.astimezone(CALENDAR).date())


class Stage(enum.StrEnum):
    """How far an organisation has come with someone else's solution."""

    INTERESTED = "interested"
    PILOTING = "piloting"
    ADOPTED = "adopted"


class DemandStatus(enum.StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    DISMISSED = "dismissed"


class Record:
    """Shared (de)serialisation for the plain records below."""

    __slots__ = ()
    key_field: ClassVar[str] = "id"

    @property
    def key(self) -> str:
        return str(getattr(self, self.key_field))

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _encode(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Self:
        hints = _hints(cast(type, cls))  # a class is hashable; mypy's cache typing misses it
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: _decode(hints[k], v) for k, v in raw.items() if k in names})


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _encode(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    return value


def _decode(hint: Any, value: object) -> object:
    if value is None:
        return None
    options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    for option in options:
        if option is datetime and isinstance(value, str):
            return datetime.fromisoformat(value)
        if isinstance(option, type) and issubclass(option, enum.Enum):
            return option(value)
    if typing.get_origin(hint) is tuple and isinstance(value, list):
        return tuple(value)
    return value


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Person(Record):
    """A directory entry; `manager_id` points at another person's id."""

    id: str
    name: str
    email: str = ""
    organization: str = ""
    unit: str = ""
    role: str = ""
    manager_id: str | None = None
    slack_id: str | None = None
    teams_id: str | None = None

    @property
    def organization_key(self) -> str:
        """Their organisation's name as an organisation's is compared with it (folded)."""
        return folded_name(self.organization)

    @property
    def email_key(self) -> str:
        """Their e-mail as a look-up compares it: in any case ("" without one)."""
        return self.email.casefold()

    def platform_ids(self) -> dict[str, str]:
        """Their user ids by chat platform; on the terminal, their directory id."""
        ids = {p: getattr(self, name) for p, name in PLATFORM_ID_FIELDS.items()}
        return {p: found for p, found in (ids | {"console": self.id}).items() if found}

    def platform_id(self, platform: str) -> str | None:
        return self.platform_ids().get(platform)

    def with_platform_id(self, platform: str, user_id: str) -> Person:
        """The entry with their id on a platform the directory keeps ids for."""
        name = PLATFORM_ID_FIELDS.get(platform)
        return dataclasses.replace(self, **{name: user_id}) if name else self


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Adoption(Record):
    """An organisation (unit) taking up a solution, and what it changed to make it fit."""

    id: str
    solution_id: str
    user: str  # platform-qualified, e.g. "slack:U123"
    organization: str
    unit: str = ""
    user_name: str = ""
    stage: Stage = Stage.INTERESTED
    note: str = ""
    updated_at: datetime = dataclasses.field(default_factory=now)
    # What the unit measured itself, the solution's metric before and after in its place:
    # a result in the import schema's form (knowledge/evidence.py reads it), None if none.
    local_result: Mapping[str, Any] | None = None
    measured_at: datetime | None = None

    @property
    def month(self) -> str:
        """The month it reached its stage (its last change): the dashboard's time line."""
        return month_of(self.updated_at)

    @property
    def organization_key(self) -> str:
        return folded_name(self.organization)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Demand(Record):
    """A question no solution answered: visible demand, and a promise to tell the asker."""

    id: str
    question: str
    asker: str
    asker_name: str = ""
    asked_at: datetime = dataclasses.field(default_factory=now)
    status: DemandStatus = DemandStatus.OPEN
    answered_by: str | None = None
    answered_at: datetime | None = None
    notify: bool = False  # the asker asked to be told when an answer arrives
    language: str = "da"  # the asker's, for that message
    # Solutions the asker was shown and said did not help: never the answer to this demand.
    rejected: tuple[str, ...] = ()
    # Answered only by near misses (none of the answers named what was asked about): less
    # telling than a question nothing answered, and `rejected` holds what was shown.
    near_miss: bool = False
    org_id: str = ""  # the organisation the question came from ("" from the terminal)
    # Open questions reach people who may know (issue 17, bot/routing.py): whether the asker
    # let colleagues asked be told their name and organisation, and when it was offered.
    name_ok: bool = False
    routed_at: datetime | None = None

    # What the dashboard counts demand by (declared fields, summed by the store).
    @property
    def question_key(self) -> str:
        """The question however typed (knowledge/text.py): the same question counted once."""
        return text.question_key(self.question)

    @property
    def week(self) -> str:
        """The week it was asked in: demand's trend."""
        return week_of(self.asked_at)

    @property
    def waited_days(self) -> int | None:
        """Whole days from asked to answered; None while not answered."""
        return (self.answered_at - self.asked_at).days if self.answered_at else None


class Relay(enum.StrEnum):
    """Where the conversation through Spred that an introduction offers stands."""

    ASKED = "asked"  # the contact was told, with Svar and Ikke nu
    DECLINED = "declined"  # the contact pressed Ikke nu (Svar later still opens it)
    OPEN = "open"  # the contact pressed Svar: messages are passed on both ways
    ENDED = "ended"  # one of them ended it: nothing is passed on any more


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Introduction(Record):
    """An asker put in touch with a solution's contact person. When Spred could write to
    the contact (`contact`, platform-qualified), `relay` says whether the two may talk
    through Spred; each side's language is for the messages Spred writes them."""

    id: str
    solution_id: str
    asker: str
    asker_name: str
    contact_name: str
    asker_organization: str = ""
    contact_email: str = ""
    created_at: datetime = dataclasses.field(default_factory=now)
    contact: str = ""
    contact_organization: str = ""
    asker_language: str = "da"
    contact_language: str = "da"
    relay: Relay | None = None  # None: the contact was given only by e-mail
    relay_changed_at: datetime | None = None

    @property
    def contact_email_key(self) -> str:
        """The contact's e-mail as a look-up compares it: in any case."""
        return self.contact_email.casefold()


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Feedback(Record):
    """A verdict on an answer; `kind` "choice" is a pick between near-tied answers, which
    the bot learns from."""

    id: str
    user: str
    helpful: bool
    kind: str = "answer"
    question: str = ""
    solution_id: str | None = None
    comment: str = ""
    created_at: datetime = dataclasses.field(default_factory=now)
    org_id: str = ""  # the organisation the verdict came from ("" from the terminal)

    @property
    def question_key(self) -> str:
        """The question however it was cased, accented or punctuated: how a pick is found."""
        return text.question_key(self.question)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Conversation(Record):
    """Where one user is in a multi-turn flow; `state` and `data` belong to the dialogue core."""

    key_field: ClassVar[str] = "conversation_key"

    conversation_key: str  # "platform:conversation:user"
    state: str
    data: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    updated_at: datetime = dataclasses.field(default_factory=now)
    # The turn being handled now, by any process: its token, and when it counts as lost.
    held_by: str = ""
    held_until: datetime | None = None
    # Who wrote last, and from which organisation: who is active where (`spred orgs`).
    user: str = ""  # platform-qualified
    org_id: str = ""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class SeenEvent(Record):
    """A platform event already handled, kept until `expires_at` so a retry is not answered.

    An event its platform will not send again once acknowledged is also held: the neutral
    message (`incoming`) is kept, held by the process answering it until `held_until`, until
    its answer was handed to the platform (`answered_at`); a process that finds the hold
    expired unanswered (its holder died) may take it over, at most a few `attempts` in all.
    Once answered, or given up, the message is dropped: only the id and times stay."""

    key_field: ClassVar[str] = "event_key"

    event_key: str  # "platform:event_id"
    seen_at: datetime = dataclasses.field(default_factory=now)
    expires_at: datetime | None = None
    incoming: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # bot.messages' form
    holder: str = ""  # who holds it: one turn of one process (bot/core.py)
    held_until: datetime | None = None  # None: not held (answered, given up, or never held)
    answered_at: datetime | None = None
    attempts: int = 0  # turns started on it, by any process

    @property
    def platform(self) -> str:
        """The platform it came from ("slack" of "slack:Ev1"): a process takes over only
        events of the platforms it reaches."""
        return self.event_key.partition(":")[0]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Letter(Record):
    """A message for someone other than the person the bot was answering, waiting in the
    outbox until a process that can reach them on their platform delivers it."""

    id: str
    to: str  # platform-qualified user id
    kind: str
    reply: Mapping[str, Any]  # the neutral reply, as bot.messages stores it
    created_at: datetime = dataclasses.field(default_factory=now)
    delivered_at: datetime | None = None

    @property
    def platform(self) -> str:
        """The platform the letter goes to ("slack" of "slack:U123"): a process delivers only
        its own platforms' letters, and claims them by this (knowledge/store/base.py)."""
        return self.to.partition(":")[0]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Organisation(Record):
    """What installed Spred, or first wrote to it: a Slack workspace ("slack:T123") or a
    Teams tenant ("teams:<tenant id>"). Its name is matched to solutions' `organization`,
    folded; its admins are its local admins, platform-qualified user ids."""

    id: str
    platform: str
    name: str = ""
    installed_at: datetime = dataclasses.field(default_factory=now)
    installer: str = ""  # platform-qualified; empty when Spred only saw it write
    admins: tuple[str, ...] = ()

    @property
    def name_key(self) -> str:
        """Its name as solutions' `organization` is compared with it (knowledge.text.
        folded_name): "" while it has none."""
        return folded_name(self.name)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Address(Record):
    """How to reach a user on a platform that only lets a bot write to people who wrote to it
    first (Teams): what the platform gave on first contact, kept as it came."""

    key_field: ClassVar[str] = "user"

    user: str  # platform-qualified, e.g. "teams:29:1abc"
    reference: Mapping[str, Any]
    updated_at: datetime = dataclasses.field(default_factory=now)


class NudgeState(enum.StrEnum):
    SCHEDULED = "scheduled"  # waits for its time (and for working hours)
    SENT = "sent"  # delivered; the manager has not answered
    PLANNED = "planned"  # the manager planned an adaptation; a follow-up is scheduled
    DONE = "done"  # answered: adapted, or the follow-up came back
    DISMISSED = "dismissed"  # "not relevant now"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Nudge(Record):
    """A prompt to a middle manager to adapt a solution locally, or its follow-up."""

    id: str
    manager_id: str  # a Person id
    solution_id: str
    kind: str = "prompt"  # or "follow-up"
    reason: str = ""  # why it was sent, in words, shown with it
    members: tuple[str, ...] = ()  # names of the people in the unit who showed interest
    # Their directory ids: the prompt names each only if they agreed (bot/consent.py), as
    # they answer at the time it is sent; `reason` and `members` are then what was shown.
    member_ids: tuple[str, ...] = ()
    due_at: datetime = dataclasses.field(default_factory=now)
    state: NudgeState = NudgeState.SCHEDULED
    sent_at: datetime | None = None
    plan: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    created_at: datetime = dataclasses.field(default_factory=now)

    # What the dashboard counts managers' prompts by (declared fields, summed by the store).
    @property
    def sent(self) -> bool:
        return self.sent_at is not None

    @property
    def planned(self) -> bool:
        return bool(self.plan)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Adaptation(Record):
    """What one organisation changed to make someone else's solution work locally."""

    id: str
    solution_id: str
    organization: str
    unit: str = ""
    text: str
    manager_id: str = ""
    created_at: datetime = dataclasses.field(default_factory=now)

    @property
    def organization_key(self) -> str:
        return folded_name(self.organization)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Interest(Record):
    """What a person in the directory last did with a solution, the furthest they went:
    "details", "contact", or an adoption stage (with the place it was reported for).
    Records without `did` are from when being answered counted; they count for nothing."""

    id: str
    person_id: str
    solution_id: str
    did: str = ""
    organization: str = ""
    unit: str = ""
    at: datetime = dataclasses.field(default_factory=now)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class OptOut(Record):
    """A manager who asked for no more prompts."""

    key_field: ClassVar[str] = "manager_id"

    manager_id: str
    at: datetime = dataclasses.field(default_factory=now)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Consent(Record):
    """Whether a person in the directory lets their manager's prompts name them: asked once,
    the first time a prompt would; None while they have not answered (not named)."""

    key_field: ClassVar[str] = "person_id"

    person_id: str
    named: bool | None = None
    asked_at: datetime = dataclasses.field(default_factory=now)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class SlackInstallation(Record):
    """A Slack workspace (or, for an org-wide install, an Enterprise Grid organisation) that
    installed Spred: slack_sdk's installation record kept as the dict it gives (bot token,
    bot user id, team, enterprise, installer, scopes, token expiry). Keyed by the team id,
    or the enterprise id for an org-wide install. Holds tokens: never logged or shown."""

    key_field: ClassVar[str] = "workspace"

    workspace: str  # "T123", or "E123" for an org-wide install
    installation: Mapping[str, Any]
    updated_at: datetime = dataclasses.field(default_factory=now)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class OAuthState(Record):
    """An OAuth `state` handed to a browser starting an install: used once, before
    `expires_at`, then removed."""

    key_field: ClassVar[str] = "state"

    state: str
    expires_at: datetime


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class JobRun(Record):
    """When one of the server's periodic jobs (a prune, the retention sweep) last started,
    and by which start: of several instances on one store, the one whose start is stored
    runs the job that period (bot/jobs.py)."""

    key_field: ClassVar[str] = "job"

    job: str
    started_at: datetime
    by: str  # a random token of that one start, not a person


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class RateCount(Record):
    """How many questions one web client asked in one minute (bot/limits.py), counted with
    one `Collection.update` each, so the limit holds across server processes. The client is
    a keyed hash of its address, never the address; forgotten within the hour after."""

    key_field: ClassVar[str] = "window"

    window: str  # "<client hash>:<minute>"
    count: int
    expires_at: datetime


class SubmissionState(enum.StrEnum):
    """Where a shared solution is in its review (bot/flows/review.py)."""

    WAITING = "waiting"  # for an editor
    CHANGES = "changes"  # an editor asked for changes: the sharer's to edit and resubmit
    PUBLISHED = "published"
    REJECTED = "rejected"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Submission(Record):
    """A solution someone shared, waiting for an editor (a global admin, or a local admin of
    the organisation it was shared from) to publish it, ask for changes or reject it."""

    id: str
    sharer: str  # platform-qualified, e.g. "slack:U123"
    sharer_name: str = ""
    org_id: str = ""  # the organisation the sharer wrote from ("" from the terminal)
    draft: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # as import reads it
    state: SubmissionState = SubmissionState.WAITING
    note: str = ""  # the editor's note (changes asked for) or reason (rejected)
    decided_by: str = ""  # the editor of the latest decision
    solution_id: str = ""  # once published
    language: str = "da"  # the sharer's, for the letters telling them the outcome
    created_at: datetime = dataclasses.field(default_factory=now)
    updated_at: datetime = dataclasses.field(default_factory=now)
    # False until editors were told of it in their daily round-up (bot/flows/review.py)
    announced: bool = False
    # The open question it answers, when shared from a routed question's "Ja, jeg har en"
    # (bot/flows/routed.py): published, its asker is told (bot/demand.py `answer_linked`).
    demand_id: str = ""

    @property
    def title(self) -> str:
        return str(self.draft.get("title", ""))

    @property
    def stamp(self) -> str:
        """Which version of it an editor saw: a review button and the web's review forms
        carry it, so a draft sent again since is not decided unseen."""
        return self.updated_at.isoformat()


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class SolutionVersion(Record):
    """One change to a solution, kept so it can be read and undone: who made it and when,
    and what it was before (None when the change created it). What it became is the next
    version's `previous`, or the solution as stored now: each version is kept once."""

    id: str  # "<solution id>/<moment>/<random>": unique without counting across processes
    solution_id: str
    number: int  # 1 for the first; two changes at once may share one (ordered by `at`)
    action: str  # "import", "publish", "edit", "retire", "confirm", "undo"
    by: str = ""  # a platform-qualified user ("slack:U123"), or "cli" for the command line
    at: datetime = dataclasses.field(default_factory=now)
    previous: Mapping[str, Any] | None = None


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class OwnerPrompt(Record):
    """The yearly question to a solution's owner (bot/confirmations.py): the last one begun
    for one owner, so they get at most one a week, across instances and restarts.
    `letter_id` is set before the letter is written to the outbox and kept until it is
    marked sent, so a process that dies in between leaves the next round to write the same
    letter, which the outbox stores once."""

    key_field: ClassVar[str] = "owner"

    owner: str  # the owner as solutions name them: their e-mail (folded), else a user id
    to: str = ""  # platform-qualified, where they were written to; "" if Spred found nowhere
    letter_id: str = ""
    asked_at: datetime = dataclasses.field(default_factory=now)  # when this one was begun
    sent_at: datetime | None = None  # when its letter was written to the outbox
    # The due solutions asked about in this round of letters, so the next letter puts those
    # not asked yet first: an owner with more due than one letter shows is asked about all.
    asked: tuple[str, ...] = ()


# --- reaching out (issue 17): follows, the respect budget, digests


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Follow(Record):
    """One person following one topic (knowledge/topics.py): what their digest is about."""

    id: str  # "<user>|<topic key>": one per person and topic
    user: str  # platform-qualified, e.g. "slack:U123"
    topic: str  # the topic's key, "domain:aeldrepleje"
    label: str = ""  # the topic as it was shown when followed ("Ældrepleje")
    language: str = "da"  # theirs when they followed: their digest's
    at: datetime = dataclasses.field(default_factory=now)


class ReachMode(enum.StrEnum):
    """How much unsolicited news a person wants from Spred (bot/reach.py)."""

    ALL = "all"
    FEWER = "fewer"
    STOP = "stop"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Reach(Record):
    """What one person wants of unsolicited messages, and those they got lately (the respect
    budget, bot/reach.py): `spent` maps each message's reference to {"kind", "at"}, kept
    only as long as a window looks back."""

    key_field: ClassVar[str] = "user"

    user: str
    mode: ReachMode = ReachMode.ALL
    spent: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    updated_at: datetime = dataclasses.field(default_factory=now)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class DigestState(Record):
    """One person's weekly digests (bot/digest.py): the week of the last, when it went out,
    and what it has told them, so nothing is told twice."""

    key_field: ClassVar[str] = "user"

    user: str
    week: str = ""  # ISO week of the last digest, "2026-W50"
    sent_at: datetime | None = None
    told: tuple[str, ...] = ()  # the items sent, newest last (bot/digest.py: TOLD_KEPT)


# --- recognition (issue 17): the monthly thanks to those whose solutions spread


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class RecognitionState(Record):
    """One person's monthly recognition (bot/recognition.py): the last month they were
    told about, so no month is told twice."""

    key_field: ClassVar[str] = "user"

    user: str  # platform-qualified
    month: str = ""  # the month told about, "2026-11"
    sent_at: datetime | None = None


# --- the web's login and dashboard (issue 18)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class LoginLink(Record):
    """A one-time login link Spred gave someone in a private reply (bot/web_login.py): kept
    by the sha256 of its token, never the token; bound to the user and organisation their
    platform verified; used once (`used_at`, set by one `Collection.update`)."""

    key_field: ClassVar[str] = "token_hash"

    token_hash: str
    user: str  # platform-qualified, as the platform verified it
    org_id: str = ""  # the organisation the message came from ("" from the terminal)
    language: str = "da"
    expires_at: datetime
    used_at: datetime | None = None


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class WebSession(Record):
    """A browser logged in through a login link: kept by the sha256 of the cookie's id,
    never the id; ends after a while unseen (bot/web_login.py: IDLE)."""

    key_field: ClassVar[str] = "session_hash"

    session_hash: str
    user: str
    org_id: str = ""
    language: str = "da"
    created_at: datetime
    seen_at: datetime  # written at most once a minute (SEEN_EVERY), to spare writes


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class SecretKey(Record):
    """A secret Spred made itself and keeps in the store so every instance shares it (the
    web's signing key when SPRED_SECRET_KEY is unset): names nobody, never logged."""

    key_field: ClassVar[str] = "name"

    name: str
    value: str


# --- Open questions reach people who may know (issue 17, bot/routing.py) ---


class RoutedAnswer(enum.StrEnum):
    """What a person asked an open question answered (bot/flows/routed.py)."""

    NONE = ""  # not yet
    YES = "yes"  # "Ja, jeg har en": they began sharing a solution
    KNOWS = "knows"  # "Jeg kender en, der ved det": they named a colleague
    NO = "no"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class RoutedQuestion(Record):
    """One open question (a `Demand`) offered to one person who may know: chosen by what
    they follow, or named by a colleague (`by`). Its id is its letter's, so a question
    reaches a person once; a button is honoured only from the person it was sent to."""

    id: str  # "routed-<demand id>-<to>", the letter's id too
    demand_id: str
    to: str  # platform-qualified
    by: str = ""  # who named them ("Jeg kender en, der ved det"); "" when Spred chose them
    language: str = "da"  # the letter's
    at: datetime = dataclasses.field(default_factory=now)
    answer: RoutedAnswer = RoutedAnswer.NONE


# --- Roadshows (issue 17): sessions where the originators show their solution.


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Roadshow(Record):
    """One roadshow and its answers: `rsvps` maps each person invited or answering
    (platform-qualified) to {"state": invited|coming|waiting|declined, "at": ISO time,
    "position": their place in the waiting list, "name": as their platform gave it}. One
    record, so taking a place or a waiting position is one `Collection.update` of it
    (bot/roadshows.py): places are never oversold, also across server processes."""

    id: str
    solution_id: str
    title: str  # the solution's, when it was planned
    organiser: str  # platform-qualified
    organiser_name: str = ""
    at: datetime  # when it begins (aware)
    where: str  # an online link or an address
    places: int
    text: str = ""  # the organiser's short invitation
    state: str = "open"  # open → reminded (the day before) → done (followed up two days after)
    rsvps: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    created_at: datetime = dataclasses.field(default_factory=now)
