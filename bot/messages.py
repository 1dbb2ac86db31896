"""The neutral message types between the adapters and the dialogue core.

An adapter turns a platform event into one `Incoming` (verifying who sent it: the core
trusts `platform` and `user_id` and nothing in a payload), calls `Core.handle`, and renders
each `Reply` natively: cards as Block Kit or Adaptive Cards, actions as buttons, forms as a
modal or a card, everything as plain text on a terminal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

Payload = Mapping[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class Incoming:
    platform: str  # the connector's name: the prefix of a platform-qualified user id
    user_id: str  # as the platform verified it
    user_name: str = ""
    # The organisation the platform verified the message came from ("slack:T123",
    # "teams:<tenant id>"); empty on a terminal. `organization` is a name a user gave.
    org_id: str = ""
    organization: str = ""
    unit: str = ""
    email: str = ""
    conversation: str = ""
    thread: str | None = None
    text: str = ""
    direct: bool = True  # a 1:1 chat, not a channel
    action: str | None = None  # set when a button was pressed or a form submitted
    payload: Payload = field(default_factory=dict)  # from the client: never trust it
    event_id: str = ""  # the platform's id for the event, when it may deliver it again
    # The language the platform says its reader reads ("da", "en"; the web's page), used
    # when the person neither chose one nor wrote in one; "" for the server's default.
    language: str = ""
    # Whether a form in the replies can be shown to the sender alone now: a Slack modal (a
    # command, button or shortcut carries the trigger_id it needs), a card in a Teams
    # personal chat. A terminal shows none, and a Teams channel would show it to everyone.
    forms: bool = False
    # Where a platform answers this message, as its adapter stores it (a Teams conversation
    # reference); the core keeps it with a held event and never reads it. Left out of the
    # repr, so a logged message does not carry it.
    reply_to: Payload = field(default_factory=dict, repr=False)
    # The channel the message was written in, where a digest can be posted (issue 17), as
    # its adapter names it: a Slack channel's id, a Teams team channel's "<tenant>/<id>";
    # "" in a DM, a Teams personal or group chat, on the web and the terminal.
    channel: str = ""
    # Where a new message into that channel goes, as its adapter stores it (a Teams
    # channel's conversation reference, not the thread's); empty where the platform
    # reaches a channel by its id alone (Slack). Left out of the repr, as `reply_to` is.
    channel_reference: Payload = field(default_factory=dict, repr=False)

    @property
    def user(self) -> str:
        """The platform-qualified id ("slack:U123"), as `SPRED_ADMINS` lists users."""
        return f"{self.platform}:{self.user_id}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Action:
    """A button. `id` names what the core does; `payload` comes back when pressed."""

    id: str
    label: str
    payload: Payload = field(default_factory=dict)
    style: str = ""  # "primary" or "danger"; adapters may ignore it


@dataclass(frozen=True, slots=True, kw_only=True)
class Card:
    """A solution as an answer shows it."""

    solution_id: str
    title: str
    summary: str
    result: str  # "metric: before → after unit (period)"
    origin: str  # organisation, unit
    contact: str  # name, role
    status: str  # in the reader's language
    adopters: tuple[str, ...] = ()  # organisations piloting or using it
    why: tuple[str, ...] = ()  # the question's words it matched
    adaptations: tuple[str, ...] = ()  # how others adapted it locally, newest first
    # What units that adopted it measured themselves, newest first, after how many places
    # the result held in ("Resultatet er gentaget 3 steder").
    local_results: tuple[str, ...] = ()
    freshness: str = ""  # when its results were last confirmed, or that they are stale
    details: tuple[tuple[str, str], ...] = ()  # (label, text) for a full view
    actions: tuple[Action, ...] = ()
    # The solution's public page (SPRED_PUBLIC_URL/l/<id>); "" when Spred has no address.
    link: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Choice:
    """A list to pick one from (a select menu where the platform has one)."""

    label: str
    options: tuple[Action, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class FormField:
    name: str
    label: str
    hint: str = ""
    value: str = ""
    required: bool = True
    multiline: bool = False
    error: str = ""  # shown on the field when the last submission was refused


@dataclass(frozen=True, slots=True, kw_only=True)
class Form:
    """A form the platform shows whole (Slack modal, Teams card); submitting it comes back as
    an `Incoming` with `action` = `id` and the values in `payload["values"]`."""

    id: str
    title: str
    fields: tuple[FormField, ...]
    submit: str

    @property
    def has_errors(self) -> bool:
        return any(f.error for f in self.fields)


@dataclass(frozen=True, slots=True, kw_only=True)
class Reply:
    text: str = ""
    language: str = "da"  # of the texts, for any words an adapter adds ("Used by")
    cards: tuple[Card, ...] = ()
    actions: tuple[Action, ...] = ()
    choice: Choice | None = None
    form: Form | None = None
    failed: bool = False  # Spred itself failed on the message: nothing was done

    def all_actions(self) -> tuple[Action, ...]:
        """Every action, in the order a reader meets them: cards first."""
        inner = tuple(a for c in self.cards for a in c.actions)
        options = self.choice.options if self.choice else ()
        return inner + options + self.actions


@dataclass(frozen=True, slots=True, kw_only=True)
class Notice:
    """A message the core sends someone other than the person it is answering."""

    to: str  # platform-qualified user id
    reply: Reply
    kind: str  # "introduction", "adoption", "demand-answered", …: for logs and tests
    letter: str = ""  # the outbox letter's id, once stored: a connector may mark its post by it
    # A send of this letter began before (by a process killed mid-send, perhaps): a connector
    # that can look should see whether the platform has it already (bot/outbox.py).
    retried: bool = False


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    """The stored form of a reply (a notice waiting in the outbox)."""
    return asdict(reply)


def reply_from_dict(raw: Mapping[str, Any]) -> Reply:
    def action(a: Mapping[str, Any]) -> Action:
        return Action(**a)

    def card(c: Mapping[str, Any]) -> Card:
        return Card(
            **{
                k: v
                for k, v in c.items()
                if k
                not in {"adopters", "why", "adaptations", "local_results", "details", "actions"}
            },
            adopters=tuple(c.get("adopters", ())),
            why=tuple(c.get("why", ())),
            adaptations=tuple(c.get("adaptations", ())),
            local_results=tuple(c.get("local_results", ())),
            details=tuple(tuple(d) for d in c.get("details", ())),
            actions=tuple(action(a) for a in c.get("actions", ())),
        )

    choice = raw.get("choice")
    form = raw.get("form")
    return Reply(
        text=raw.get("text", ""),
        language=raw.get("language", "da"),
        cards=tuple(card(c) for c in raw.get("cards", ())),
        actions=tuple(action(a) for a in raw.get("actions", ())),
        choice=Choice(label=choice["label"], options=tuple(action(a) for a in choice["options"]))
        if choice
        else None,
        form=Form(
            id=form["id"],
            title=form["title"],
            submit=form["submit"],
            fields=tuple(FormField(**f) for f in form["fields"]),
        )
        if form
        else None,
    )


def incoming_to_dict(message: Incoming) -> dict[str, Any]:
    """The stored form of a message (an event held until it is answered, bot/core.py)."""
    return asdict(message)


def incoming_from_dict(raw: Mapping[str, Any]) -> Incoming:
    names = Incoming.__dataclass_fields__
    return Incoming(**{k: v for k, v in raw.items() if k in names})
