"""Teams activities in, the core's `Incoming` out."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from botbuilder.schema import Activity

from adapters.teams.cards import SUBMIT_KEY
from bot.messages import Incoming

PLATFORM = "teams"
EMULATOR = "emulator"  # the Bot Framework Emulator's channel id
CARD_ACTION = "adaptiveCard/action"  # the invoke an Action.Execute sends

_BREAK = re.compile(r"<br\s*/?>|</p\s*>|</div\s*>|</li\s*>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")  # a tag, not a lone "<" someone typed
# A tenant id is a GUID; anything else that is not a short plain id counts as no tenant.
_TENANT = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")
# A team channel's id, "19:…@thread.tacv2" (older ones "…@thread.skype"): anything else is
# taken for no channel, so it never becomes part of an address or a connector's URL.
_CHANNEL = re.compile(r"[0-9]{1,3}:[A-Za-z0-9._@-]{1,200}")
THREAD = ";messageid="  # what a channel thread's conversation id adds to the channel's


def user_of(activity: Activity) -> str:
    return f"{PLATFORM}:{activity.from_property.id}"


def tenant_of(activity: Activity) -> str:
    """The tenant an activity came from, in lower case (a GUID is the same in either):
    `conversation.tenantId`, else `channelData.tenant.id` (the contract); "" when there is
    none, or it is not a plain id."""
    conversation = activity.conversation
    # botbuilder-python reads and writes the conversation's tenant as "tenantID"; Teams
    # sends "tenantId", which msrest keeps aside among the unknown properties.
    unknown = getattr(conversation, "additional_properties", None) or {}
    data = activity.channel_data if isinstance(activity.channel_data, Mapping) else {}
    tenant = data.get("tenant")
    for given in (
        conversation.tenant_id if conversation is not None else None,
        unknown.get("tenantId") if isinstance(unknown, Mapping) else None,
        tenant.get("id") if isinstance(tenant, Mapping) else None,
    ):
        if isinstance(given, str) and given.strip():
            given = given.strip().lower()
            return given if _TENANT.fullmatch(given) else ""
    return ""


def org_of(tenant: str) -> str:
    """The organisation a tenant is (`Incoming.org_id`); "" for no tenant."""
    return f"{PLATFORM}:{tenant}" if tenant else ""


def adds_spred(activity: Activity) -> bool:
    """A conversationUpdate that adds Spred itself: it was installed in a chat or team."""
    bot = activity.recipient.id if activity.recipient is not None else None
    return activity.type == "conversationUpdate" and any(
        member.id == bot for member in activity.members_added or []
    )


def is_personal(activity: Activity) -> bool:
    """A 1:1 chat with Spred. Teams names the conversation type of every message; some of
    its events leave it out (a conversationUpdate when Spred is added to a team), and so
    does the Bot Framework Emulator: without it, only the Emulator's conversation counts,
    and only when nothing in it shows a team, a channel or a group."""
    conversation = activity.conversation
    if conversation.conversation_type is not None:
        return conversation.conversation_type == "personal"
    data = activity.channel_data if isinstance(activity.channel_data, Mapping) else {}
    return (
        activity.channel_id == EMULATOR
        and not conversation.is_group
        and not any(data.get(k) for k in ("team", "channel"))
    )


def channel_id(activity: Activity) -> str:
    """The id of the team channel an activity was written in: `channelData.channel.id`,
    else its conversation's id without the thread (`19:…;messageid=…`); "" outside a
    channel (a personal or group chat, or a conversation Teams does not call a channel)."""
    conversation = activity.conversation
    if conversation.conversation_type != "channel":
        return ""
    data = activity.channel_data if isinstance(activity.channel_data, Mapping) else {}
    channel = data.get("channel")
    given = channel.get("id") if isinstance(channel, Mapping) else None
    if not isinstance(given, str):
        given = str(conversation.id).partition(THREAD)[0]
    return given if _CHANNEL.fullmatch(given) else ""


def channel_of(activity: Activity) -> str:
    """The channel a message was written in as Spred names it (`Incoming.channel`):
    "<tenant>/<channel id>", so that a channel is always its own tenant's, whatever
    another tenant's activity might claim; "" outside a channel or without a tenant."""
    tenant, channel = tenant_of(activity), channel_id(activity)
    return f"{tenant}/{channel}" if tenant and channel else ""


def incoming(activity: Activity, *, action: str | None = None) -> Incoming:
    """A message, or a card's Action.Submit or Action.Execute. The bot's @mention is
    removed from the text and Teams' HTML made plain text; a submit's data is what the card
    carried, unless someone forged it, so it only ever names an action the core then checks
    (rights come from the verified sender, never from data)."""
    conversation = activity.conversation
    payload: dict[str, Any] = {}
    value = submitted(activity)
    if action is None and value is not None:
        named = value.get(SUBMIT_KEY)
        action = named if isinstance(named, str) else "invalid"
        inner = value.get("payload")
        payload = dict(inner) if isinstance(inner, Mapping) else {}
        # A form's inputs come back beside the data, keyed by the inputs' ids.
        values = {k: v for k, v in value.items() if k not in (SUBMIT_KEY, "payload")}
        if values:
            payload["values"] = values
    text = "" if action else plain_text(activity)
    name = activity.from_property.name
    return Incoming(
        platform=PLATFORM,
        user_id=str(activity.from_property.id),
        user_name=name if isinstance(name, str) else "",
        org_id=org_of(tenant_of(activity)),
        conversation=str(conversation.id),
        thread=activity.reply_to_id if isinstance(activity.reply_to_id, str) else None,
        text=text,
        direct=is_personal(activity),
        action=action,
        payload=payload,
        forms=is_personal(activity),  # a card form in a channel would be everyone's to read
        channel=channel_of(activity),
        # Bot Framework delivers an activity again when Spred's answer was slow or failed:
        # its id, unique in its conversation, lets the core answer it once.
        event_id=f"{conversation.id}:{activity.id}" if activity.id else "",
    )


def submitted(activity: Activity) -> Mapping[str, Any] | None:
    """The data of an Action.Submit or Action.Execute that names a Spred action, as the
    card carried it (plus the card's input values), or None."""
    value = activity.value if isinstance(activity.value, Mapping) else None
    if value is None:
        return None
    if activity.type == "invoke":
        if activity.name != CARD_ACTION:
            return None
        action = value.get("action")
        if not isinstance(action, Mapping) or action.get("type") != "Action.Execute":
            return None
        value = action.get("data")
        if not isinstance(value, Mapping):
            return None
    return value if SUBMIT_KEY in value else None


def plain_text(activity: Activity) -> str:
    """The message as the person wrote it: without Spred's @mention, without Teams' HTML
    (`<p>…</p>`, `&amp;`, `&nbsp;`), whitespace collapsed."""
    text = activity.text if isinstance(activity.text, str) else ""
    for mention in _own_mentions(activity):
        text = text.replace(mention, " ")
    text = html.unescape(_TAG.sub("", _BREAK.sub(" ", text)))
    return " ".join(text.split())


def _own_mentions(activity: Activity) -> list[str]:
    """How Spred's @mentions appear in the text (`<at>Spred</at>`). The entities come from
    the client, so anything not shaped like a mention is passed over, never trusted."""
    bot = activity.recipient.id
    found = []
    for entity in activity.entities or []:
        extra = entity.additional_properties or {}
        mentioned = extra.get("mentioned")
        if (
            not isinstance(entity.type, str)
            or entity.type.lower() != "mention"
            or not isinstance(mentioned, Mapping)
            or mentioned.get("id") != bot
        ):
            continue
        shown = extra.get("text")
        if isinstance(shown, str) and shown:
            found.append(shown)
        elif isinstance(mentioned.get("name"), str) and mentioned["name"]:
            found.append(f"<at>{mentioned['name']}</at>")
    return found
