"""The core's replies as Block Kit, within Slack's limits, with a text fallback always.

Every piece of user or knowledge-base text goes through `escape` before it is mrkdwn, so
nothing anyone typed can ping `@channel` (`<!channel>`), mention a user or forge a link.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from adapters.slack.events import FORM_CALLBACK, as_mapping
from bot.cards import evidence_lines
from bot.messages import Action, Card, Form, Reply

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_BUTTON_TEXT = 75
MAX_ACTIONS = 25  # elements in one actions block
MAX_FALLBACK = 3900  # Slack truncates longer message text
MAX_VALUE = 2000  # a button's value

Block = dict[str, Any]


def escape(text: str) -> str:
    """Slack's three control characters in mrkdwn; nothing else needs escaping."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mrkdwn(text: str, limit: int = MAX_SECTION) -> dict[str, str]:
    """Escaped first, cut second: an entity is never cut in half into raw markup."""
    escaped = escape(text)
    if len(escaped) > limit:
        raw = text[: limit - 1]
        while (excess := len(escape(raw)) - (limit - 1)) > 0:
            raw = raw[:-excess]
        escaped = escape(raw) + "…"
    return {"type": "mrkdwn", "text": escaped}


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": _cut(text, limit) or " ", "emoji": True}


def action_value(action: Action) -> str:
    return orjson.dumps({"a": action.id, "p": dict(action.payload)}).decode()


def _button(action: Action, index: int) -> Block:
    button: Block = {
        "type": "button",
        "action_id": f"spred-{index}",  # unique within a message, as Slack requires
        "text": _plain(action.label, MAX_BUTTON_TEXT),
        "value": action_value(action),
    }
    if action.style in ("primary", "danger"):
        button["style"] = action.style
    return button


class _Numbering:
    def __init__(self) -> None:
        self.count = 0

    def buttons(self, actions: tuple[Action, ...]) -> list[Block]:
        out = []
        for action in actions:
            if len(action_value(action)) > MAX_VALUE:
                continue  # too big to round-trip; the text fallback still names the thing
            out.append(_button(action, self.count))
            self.count += 1
        return out


def _actions_block(buttons: list[Block]) -> list[Block]:
    return [
        {"type": "actions", "elements": buttons[i : i + MAX_ACTIONS]}
        for i in range(0, len(buttons), MAX_ACTIONS)
    ]


def card_blocks(card: Card, language: str, numbering: _Numbering) -> list[Block]:
    blocks: list[Block] = [
        {"type": "section", "text": _mrkdwn(f"*{card.title}*\n{card.summary}")},
    ]
    facts = [f"➜ {card.result}", f"{card.origin} · {card.contact} · {card.status}"]
    facts += evidence_lines(card, language)
    blocks.append({"type": "context", "elements": [_mrkdwn(f) for f in facts]})
    for label, text in card.details:
        blocks.append({"type": "section", "text": _mrkdwn(f"*{label}*\n{text}")})
    blocks += _actions_block(numbering.buttons(card.actions))
    return blocks


def fallback(reply: Reply) -> str:
    """The message text: notifications, screen readers and old clients show only this. It
    names every card's title, so it stands alone."""
    lines = [reply.text] if reply.text else []
    for i, card in enumerate(reply.cards, 1):
        lines.append(f"{i}. {card.title} — {card.result} ({card.origin})")
    return _cut(escape("\n".join(lines)), MAX_FALLBACK) or " "


def message(reply: Reply) -> tuple[str, list[Block]]:
    """(text, blocks) for chat.postMessage and friends."""
    numbering = _Numbering()
    head: list[Block] = []
    if reply.text:
        head.append({"type": "section", "text": _mrkdwn(reply.text)})
    cards = [card_blocks(c, reply.language, numbering) for c in reply.cards]
    tail: list[Block] = []
    if reply.choice:
        tail += _actions_block(numbering.buttons(reply.choice.options))
    tail += _actions_block(numbering.buttons(reply.actions))
    blocks = head + [b for c in cards for b in c] + tail
    if len(blocks) > MAX_BLOCKS:  # keep the head and the buttons; shorten the cards' details
        room = MAX_BLOCKS - len(head) - len(tail)
        kept: list[Block] = []
        for c in cards:
            essentials = [b for b in c if b["type"] != "section" or b is c[0]]
            kept += essentials if len(kept) + len(essentials) <= room else []
        blocks = head + kept + tail
    return fallback(reply), blocks[:MAX_BLOCKS]


def modal(form: Form, *, metadata: str = "") -> dict[str, Any]:
    """A form as a modal view; `callback_id` brings the submission back to the core. The
    submission is its sender's own (events.private), so `metadata`, the channel the form
    was opened in, only records where it came from."""
    blocks = []
    for field in form.fields:
        element: Block = {
            "type": "plain_text_input",
            "action_id": "value",
            "multiline": field.multiline,
        }
        if field.value:
            element["initial_value"] = field.value
        block: Block = {
            "type": "input",
            "block_id": field.name,
            "label": _plain(field.label, 2000),
            "element": element,
            "optional": not field.required,
        }
        if field.hint:
            block["hint"] = _plain(field.hint, 2000)
        blocks.append(block)
    return {
        "type": "modal",
        "callback_id": f"{FORM_CALLBACK}{form.id}",
        "private_metadata": metadata,
        "title": _plain(form.title, 24),
        "submit": _plain(form.submit, 24),
        "blocks": blocks[:100],
    }


def _blocks_shown(view: Mapping[str, Any]) -> list[str]:
    """The block ids of a modal's blocks, in the form's order ([] if the view says none)."""
    shown = view.get("blocks")
    fields = [as_mapping(b).get("block_id") for b in shown] if isinstance(shown, list) else []
    return [f for f in fields if isinstance(f, str) and f]


def failure_errors(reply: Reply, view: Mapping[str, Any]) -> dict[str, str]:
    """`response_action: errors` for a submission Spred failed on: said on the modal's first
    field, as Slack shows errors only on fields."""
    # The view's blocks keep the form's order; its state's values need not.
    fields = _blocks_shown(view) or list(as_mapping(as_mapping(view.get("state")).get("values")))
    return {str(fields[0]): _cut(reply.text, 2000)} if fields else {}


def form_errors(form: Form, view: Mapping[str, Any], *, outdated: str) -> dict[str, str]:
    """`response_action: errors` for a refused submission: each message on its field. A
    modal of an older form lacks some of the fields now asked for, and Slack refuses errors
    on fields a modal does not show: `outdated` is said on its first field instead."""
    shown = _blocks_shown(view)
    errors = {f.name: _cut(f.error, 2000) for f in form.fields if f.error}
    if not shown or set(errors) <= set(shown):
        return errors
    return {**{k: v for k, v in errors.items() if k in shown}, shown[0]: _cut(outdated, 2000)}
