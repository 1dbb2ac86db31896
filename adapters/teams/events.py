"""Teams activities in, the core's `Incoming` out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from adapters.teams.cards import SUBMIT_KEY
from bot.messages import Incoming

PLATFORM = "teams"


def user_of(activity: Activity) -> str:
    return f"{PLATFORM}:{activity.from_property.id}"


def incoming(activity: Activity, *, action: str | None = None) -> Incoming:
    """A message or a card submit. The bot's @mention is removed from the text; a submit's
    data is what the card carried, unless someone forged it, so it only ever names an
    action the core then checks (rights come from the verified sender, never from data)."""
    conversation = activity.conversation
    payload: dict[str, Any] = {}
    value = activity.value if isinstance(activity.value, Mapping) else None
    if action is None and value is not None and SUBMIT_KEY in value:
        named = value.get(SUBMIT_KEY)
        action = named if isinstance(named, str) else "invalid"
        inner = value.get("payload")
        payload = dict(inner) if isinstance(inner, Mapping) else {}
        # A form's inputs come back beside the data, keyed by the inputs' ids.
        values = {k: v for k, v in value.items() if k not in (SUBMIT_KEY, "payload")}
        if values:
            payload["values"] = values
    text = "" if action else (TurnContext.remove_recipient_mention(activity) or "")
    return Incoming(
        platform=PLATFORM,
        user_id=str(activity.from_property.id),
        user_name=str(activity.from_property.name or ""),
        conversation=str(conversation.id),
        thread=activity.reply_to_id,
        text=" ".join(text.split()),
        direct=(conversation.conversation_type or "personal") == "personal",
        action=action,
        payload=payload,
    )
