"""Slack payloads in, the core's `Incoming` out: one translator per kind, chosen from a table
rather than a chain of ifs (as opsdroid's Slack connector does)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import orjson

from bot.core import form_command
from bot.messages import Incoming

PLATFORM = "slack"
FORM_CALLBACK = "spred-form:"
SHARE_SHORTCUT = "share_solution"  # the message shortcut "Del som løsning" (slack-manifest.yml)
MAX_SHARED_TEXT = 3000  # of a message shared as a solution: far more than a summary holds

# Never answered: other bots, the bot itself, joins, and edits or deletions of messages
# (every "message_…" subtype, checked by prefix below).
IGNORED_SUBTYPES = frozenset({"bot_message", "channel_join"})


@dataclass(frozen=True, slots=True)
class Person:
    """What Slack's users.info says about the sender."""

    id: str
    name: str = ""
    email: str = ""


def from_a_person(event: Mapping[str, Any], bot_user_id: str | None) -> bool:
    """Whether a message is a person's own, not a bot's, an app's or Spred's, nor an edit,
    deletion or join. While the bot's own id is unknown (None: Slack not reached yet), a
    message counts only if it carries none of the marks Slack puts on what an app posts."""
    subtype = str(event.get("subtype") or "")
    if (
        event.get("bot_id")
        or subtype in IGNORED_SUBTYPES
        or subtype.startswith("message_")
        or not event.get("user")
    ):
        return False
    if bot_user_id is None:
        return not (event.get("app_id") or event.get("bot_profile"))
    return event.get("user") != bot_user_id


def unanswerable(event: Mapping[str, Any]) -> str:
    """Why a message or mention cannot be answered ("" when it can): Spred needs who wrote
    it and where, and reads its text and thread as strings."""
    for key in ("user", "channel"):
        if not _string(event.get(key)):
            return f"no {key}"
    for key in ("text", "ts", "thread_ts"):
        if event.get(key) is not None and not isinstance(event[key], str):
            return f"its {key} is not a string"
    return ""


def as_mapping(value: Any) -> Mapping[str, Any]:
    """`value` if it is a JSON object, else an empty one: the parts of a payload are read
    without trusting their types."""
    return value if isinstance(value, Mapping) else {}


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def id_of(value: Any) -> str:
    """A user or channel as Slack gives it, its id or an object holding the id; "" if
    neither."""
    return value if isinstance(value, str) else _string(as_mapping(value).get("id"))


def sender(body: Mapping[str, Any]) -> str:
    """Who sent a command, a button press or a form: "" when the payload does not say, and
    then there is no one to answer."""
    return id_of(body.get("user")) or _string(body.get("user_id"))


def channel_of(body: Mapping[str, Any]) -> str:
    """Where a command was given or a button pressed ("" on the App Home)."""
    return id_of(body.get("channel")) or _string(body.get("channel_id"))


def acknowledged_at_once(body: Mapping[str, Any]) -> bool:
    """Whether Slack needs nothing in a payload's acknowledgement, so that it goes back
    before anything is done about the payload: an event, a button press or a slash command,
    which Spred answers through the Web API or the response_url. A form's submission is
    acknowledged with what is wrong in it, once the core has looked; anything else (the
    url_verification challenge, payloads Spred does not handle) is bolt's to answer."""
    return body.get("type") in ("event_callback", "block_actions", "message_action") or isinstance(
        body.get("command"), str
    )


def kind(body: Mapping[str, Any]) -> str:
    """What a payload is, for a log line: an event's type, a command, or the payload's type."""
    event = body.get("event")
    if isinstance(event, Mapping):
        named = f"{_string(event.get('type')) or 'untyped'} event"
    elif body.get("command"):
        named = f"command {_string(body.get('command'))}"
    else:
        named = _string(body.get("type")) or "payload without a type"
    return named[:80]


def private(user_id: str) -> str:
    """The one conversation all of a user's private exchanges with Spred share: their DM,
    /spred, the forms it opens, and buttons pressed in the DM or on the App Home. Keyed by
    the user, not by a channel, so a flow started in one place goes on in another (a draft
    added through /spred in a channel is published from the DM its preview went to)."""
    return f"dm:{user_id}"


def in_private(body: Mapping[str, Any]) -> bool:
    """Whether a button was pressed privately: on the App Home (no channel), in a DM, or
    on a message only the presser sees (an ephemeral /spred answer, also in a channel)."""
    channel = id_of(body.get("channel"))
    return not channel or channel.startswith("D") or bool(_container(body).get("is_ephemeral"))


def in_direct_message(body: Mapping[str, Any]) -> str:
    """The DM channel a button was pressed in, on a message Spred posted there for all to
    keep ("" elsewhere, and for an ephemeral message, which may be in someone else's DM)."""
    channel = id_of(body.get("channel"))
    container = _container(body)
    if container.get("type") != "message" or container.get("is_ephemeral"):
        return ""
    return channel if channel.startswith("D") else ""


def _container(body: Mapping[str, Any]) -> Mapping[str, Any]:
    return as_mapping(body.get("container"))


# Slack's markup in a message: links, #channels, @users, and !specials (@here, user groups,
# dates), each optionally with the label Slack shows, as in <#C123|general>.
_MARKUP = re.compile(r"<([#@!]?)([^|<>]*)(?:\|([^<>]*))?>")
_SPECIALS = {"here", "channel", "everyone"}


def plain(text: str, *, bot_user_id: str = "") -> str:
    """A message's text as the person wrote it: the bot's mention removed, links shown as
    their labels, #channels and @here as they read, a user group as its @handle, another
    user's mention as the label Slack gave it (else nothing), and Slack's escaping of
    & < > undone."""

    def shown(match: re.Match[str]) -> str:
        sigil, target, label = match.group(1), match.group(2), match.group(3)
        if sigil == "@":
            return " " if target == bot_user_id or not label else label
        if sigil == "#":
            return f"#{label}" if label else ""
        if sigil == "!":
            kind = target.partition("^")[0]
            if kind in _SPECIALS:
                return f"@{kind}"
            return label or ""
        if target.startswith(("http:", "https:", "mailto:")):
            return label or target
        return match.group(0)  # not Slack's markup (a person's own < is escaped as &lt;)

    text = _MARKUP.sub(shown, text)
    return " ".join(text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").split())


def _base(person: Person, **fields: Any) -> Incoming:
    return Incoming(
        platform=PLATFORM, user_id=person.id, user_name=person.name, email=person.email, **fields
    )


def mention(event: Mapping[str, Any], person: Person, bot_user_id: str) -> Incoming:
    return _base(
        person,
        conversation=_string(event.get("channel")),
        thread=_string(event.get("thread_ts")) or _string(event.get("ts")),
        text=plain(_string(event.get("text")), bot_user_id=bot_user_id),
        direct=False,
        channel=_string(event.get("channel")),
    )


def direct_message(event: Mapping[str, Any], person: Person, bot_user_id: str) -> Incoming:
    """A DM, answered where it was written: in its thread if it was written in one."""
    return _base(
        person,
        conversation=private(person.id),
        thread=_string(event.get("thread_ts")) or None,
        text=plain(_string(event.get("text")), bot_user_id=bot_user_id),
        direct=True,
    )


def command(body: Mapping[str, Any], person: Person) -> Incoming:
    """`/spred <question>`; `/spred` alone is help, and the core's words for adding or
    sharing a solution open its form (a modal needs Slack's trigger_id, so it is a button
    here)."""
    text = plain(_string(body.get("text")))
    action = "help" if not text.strip() else form_command(text)
    return _base(
        person,
        conversation=private(person.id),
        text="" if action else text,
        direct=True,
        action=action,
        forms=has_trigger(body),
    )


def has_trigger(body: Mapping[str, Any]) -> bool:
    """Whether a payload carries the trigger_id a modal is opened with."""
    return bool(_string(body.get("trigger_id")))


def action(body: Mapping[str, Any], person: Person) -> Incoming:
    """A button press. Its value is what Spred sent, unless someone forged it: anything but
    {"a": str, "p": object} becomes an action the core does not know, and says so."""
    actions = body.get("actions")
    pressed = as_mapping(actions[0]) if isinstance(actions, list) and actions else {}
    try:
        value = orjson.loads(_string(pressed.get("value")) or "null")
    except orjson.JSONDecodeError:
        value = None
    if not (isinstance(value, dict) and isinstance(value.get("a"), str)):
        value = {"a": "invalid", "p": {}}
    payload = value.get("p") if isinstance(value.get("p"), dict) else {}
    channel = id_of(body.get("channel"))
    conversation = private(person.id) if in_private(body) else channel
    return _base(
        person,
        conversation=conversation,
        direct=True,
        action=value["a"],
        payload=payload,
        forms=has_trigger(body),
    )


def shortcut(body: Mapping[str, Any], person: Person) -> Incoming:
    """The message shortcut "Del som løsning" on any message: the share form (else the
    share dialogue), prefilled with that message's text as the sharer reads it, for them to
    edit before submitting."""
    shared = plain(_string(as_mapping(body.get("message")).get("text")))[:MAX_SHARED_TEXT]
    return _base(
        person,
        conversation=private(person.id),
        direct=True,
        action="share_form",
        payload={"text": shared},
        forms=has_trigger(body),
    )


def submission(body: Mapping[str, Any], person: Person) -> Incoming:
    view = as_mapping(body.get("view"))
    form_id = _string(view.get("callback_id"))[len(FORM_CALLBACK) :]
    state = as_mapping(as_mapping(view.get("state")).get("values"))
    values = {
        block: _string(as_mapping(inputs.get("value")).get("value"))
        for block, inputs in state.items()
        if isinstance(inputs, Mapping)
    }
    return _base(
        person,
        conversation=private(person.id),
        direct=True,
        action=form_id,
        payload={"values": values},
    )


Translator = Callable[[Mapping[str, Any], Person, str], Incoming]
EVENTS: dict[str, Translator] = {"app_mention": mention, "message": direct_message}


def asked(payload: Mapping[str, Any]) -> Incoming | None:
    """The message an event asks Spred, as far as the signed payload alone tells (no
    profile yet, nor the bot's own id): a mention, or a person's DM. It is held in the store
    before Slack has its acknowledgement (bot/holds.py), so that no acknowledged event is
    lost should this process die. None for any other payload."""
    event = as_mapping(payload.get("event"))
    event_id = payload.get("event_id")
    kind = _string(event.get("type"))
    if payload.get("type") != "event_callback" or kind not in EVENTS:
        return None
    if kind == "message" and event.get("channel_type") != "im":
        return None
    if not isinstance(event_id, str) or not event_id or unanswerable(event):
        return None
    # Without the bot's id, what an app posted is told by its marks (from_a_person).
    if not from_a_person(event, None):
        return None
    message = EVENTS[kind](event, Person(id=_string(event.get("user"))), "")
    return replace(message, event_id=event_id)
