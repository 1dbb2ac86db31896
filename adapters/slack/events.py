"""Slack payloads in, the core's `Incoming` out: one translator per kind, chosen from a table
rather than a chain of ifs (as opsdroid's Slack connector does)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from bot.core import starts_adding
from bot.messages import Incoming

PLATFORM = "slack"
FORM_CALLBACK = "spred-form:"

# Never answered: other bots, the bot itself, and edits or deletions of messages.
IGNORED_SUBTYPES = frozenset(
    {"bot_message", "message_changed", "message_deleted", "message_replied", "channel_join"}
)


@dataclass(frozen=True, slots=True)
class Person:
    """What Slack's users.info says about the sender."""

    id: str
    name: str = ""
    email: str = ""


def from_a_person(event: Mapping[str, Any], bot_user_id: str) -> bool:
    return not (
        event.get("bot_id")
        or event.get("subtype") in IGNORED_SUBTYPES
        or event.get("subtype", "").startswith("message_")
        or (bot_user_id and event.get("user") == bot_user_id)
        or not event.get("user")
    )


_LINK = re.compile(r"<(?:https?|mailto):[^|>]*\|([^>]*)>|<((?:https?|mailto):[^>]*)>")


def plain(text: str, *, bot_user_id: str = "") -> str:
    """A message's text as the person wrote it: the bot's mention removed, links shown as
    their labels, and Slack's escaping of & < > undone."""
    if bot_user_id:
        text = text.replace(f"<@{bot_user_id}>", " ")
    text = _LINK.sub(lambda m: m.group(1) or m.group(2), text)
    return " ".join(text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").split())


def _base(person: Person, **fields: Any) -> Incoming:
    return Incoming(
        platform=PLATFORM, user_id=person.id, user_name=person.name, email=person.email, **fields
    )


def mention(event: Mapping[str, Any], person: Person, bot_user_id: str) -> Incoming:
    return _base(
        person,
        conversation=str(event.get("channel", "")),
        thread=str(event.get("thread_ts") or event.get("ts") or ""),
        text=plain(str(event.get("text", "")), bot_user_id=bot_user_id),
        direct=False,
    )


def direct_message(event: Mapping[str, Any], person: Person, bot_user_id: str) -> Incoming:
    return _base(
        person,
        conversation=str(event.get("channel", "")),
        text=plain(str(event.get("text", "")), bot_user_id=bot_user_id),
        direct=True,
    )


def command(body: Mapping[str, Any], person: Person) -> Incoming:
    """`/spred <question>`; `/spred` alone is help, and the core's words for adding a
    solution open the form (a modal needs Slack's trigger_id, so it is a button here)."""
    text = plain(str(body.get("text", "")))
    action = "help" if not text.strip() else "add_form" if starts_adding(text) else None
    return _base(
        person,
        conversation=str(body.get("channel_id", "")),
        text="" if action else text,
        direct=True,
        action=action,
    )


def action(body: Mapping[str, Any], person: Person) -> Incoming:
    """A button press. Its value is what Spred sent, unless someone forged it: anything but
    {"a": str, "p": object} becomes an action the core does not know, and says so."""
    pressed = (body.get("actions") or [{}])[0]
    try:
        value = orjson.loads(pressed.get("value") or "null")
    except orjson.JSONDecodeError:
        value = None
    if not (isinstance(value, dict) and isinstance(value.get("a"), str)):
        value = {"a": "invalid", "p": {}}
    payload = value.get("p") if isinstance(value.get("p"), dict) else {}
    channel = (body.get("channel") or {}).get("id", "") or f"home:{person.id}"
    return _base(person, conversation=str(channel), direct=True, action=value["a"], payload=payload)


def submission(body: Mapping[str, Any], person: Person) -> Incoming:
    view = body.get("view") or {}
    form_id = str(view.get("callback_id", ""))[len(FORM_CALLBACK) :]
    state = (view.get("state") or {}).get("values") or {}
    values = {
        block: (inputs.get("value") or {}).get("value") or ""
        for block, inputs in state.items()
        if isinstance(inputs, dict)
    }
    conversation = str(view.get("private_metadata") or f"home:{person.id}")
    return _base(
        person, conversation=conversation, direct=True, action=form_id, payload={"values": values}
    )


Translator = Callable[[Mapping[str, Any], Person, str], Incoming]
EVENTS: dict[str, Translator] = {"app_mention": mention, "message": direct_message}
