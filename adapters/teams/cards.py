"""The core's replies as Teams activities: plain text plus Adaptive Cards (schema 1.5).

Card JSON is built as data, never by pasting text into a template, and every text a person
or a solution wrote has its markdown escaped, so nothing can inject card markup, links or
mentions (a Teams mention needs an entity, which only Spred could add). The activity's
text is sent as plain text for the same reason.

The text and the cards together name a reply's solutions once: the cards name them, so the
text does not list them again.

Teams refuses a message over about 100 KB (40 KB by its older documentation) and a card
over about 28 KB, both counted in UTF-16, with 413 MessageSizeTooBig. A reply is therefore
sent as as many messages as it takes, each under `MESSAGE_BUDGET`, its text split between
lines and its cards kept in order; a card that is too big alone has its longest texts
shortened (marked with "…") until it fits `CARD_BUDGET`. The budgets leave room for what
goes around them (addresses, ids).
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from botbuilder.schema import Activity, ActivityTypes, Attachment

from bot.cards import evidence_lines
from bot.i18n import say
from bot.messages import Action, Card, Form, Reply

CARD_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
SUBMIT_KEY = "spred"  # in Action.Submit data: which core action; the rest is its payload
MESSAGE_BUDGET = 36_000  # bytes of UTF-16 for a message's text and cards
CARD_BUDGET = 26_000  # bytes of UTF-16 for one card
ATTACHMENT_OVERHEAD = 200  # bytes of UTF-16 an attachment adds around its card
SHORTEST_CUT = 40  # characters a shortened text keeps at least

Element = dict[str, Any]

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>])")


def escape(text: str) -> str:
    """Markdown's special characters as literals: a title can be neither bold nor a link."""
    return _MARKDOWN.sub(r"\\\1", text)


def _text(text: str, **style: Any) -> Element:
    return {"type": "TextBlock", "text": escape(text), "wrap": True, **style}


_STYLES = {"primary": "positive", "danger": "destructive"}  # the core's words → Adaptive Cards'


def _submit(action: Action) -> Element:
    element: Element = {
        "type": "Action.Submit",
        "title": action.label[:80],
        "data": {SUBMIT_KEY: action.id, "payload": dict(action.payload)},
    }
    style = _STYLES.get(action.style)
    if style:
        element["style"] = style
    return element


class CardContent(dict[str, Any]):
    """A finished card. botbuilder deep-copies every outgoing activity; a card is built
    fresh for each reply and never changed after, so copying it (about 2 ms a reply, all
    CPU) buys nothing."""

    def __deepcopy__(self, memo: dict[int, Any]) -> CardContent:
        return self


def adaptive(
    body: list[Element], actions: tuple[Action, ...] = (), *, opens: tuple[Element, ...] = ()
) -> Attachment:
    """A card; `opens`: buttons that open an address (Action.OpenUrl), after the others."""
    content = CardContent(type="AdaptiveCard", body=body, version="1.5")
    content["$schema"] = SCHEMA
    if actions or opens:
        content["actions"] = [*(_submit(a) for a in actions), *opens]
    return Attachment(content_type=CARD_TYPE, content=content)


def solution_card(card: Card, language: str) -> Attachment:
    body = [
        _text(card.title, weight="Bolder", size="Medium"),
        _text(card.summary),
        _text(f"➜ {card.result}", weight="Bolder"),
        _text(f"{card.origin} · {card.contact} · {card.status}", isSubtle=True, spacing="Small"),
    ]
    body += [_text(line, isSubtle=True, spacing="None") for line in evidence_lines(card, language)]
    for label, text in card.details:
        body += [_text(label, weight="Bolder", spacing="Medium"), _text(text)]
    page = say(language, "act_page")
    opens = ({"type": "Action.OpenUrl", "title": page, "url": card.link},) if card.link else ()
    return adaptive(body, card.actions, opens=opens)


def form_card(form: Form) -> Attachment:
    body: list[Element] = [_text(form.title, weight="Bolder", size="Medium")]
    for field in form.fields:
        body.append(
            {
                "type": "Input.Text",
                "id": field.name,
                "label": field.label,  # plain text in Adaptive Cards: no markdown to escape
                "value": field.value,
                "isMultiline": field.multiline,
                "isRequired": field.required,
                "maxLength": 5000,
            }
        )
        if field.error:
            body.append(_text(field.error, color="Attention", spacing="None"))
    submit = Action(id=form.id, label=form.submit, payload={})
    return adaptive(body, (submit,))


def activities(reply: Reply) -> list[Activity]:
    """A reply as the messages Teams takes: usually one, more when it is too big for one."""
    attachments: list[Attachment] = [solution_card(c, reply.language) for c in reply.cards]
    if reply.choice:  # its label is often the reply's own text: not shown twice
        label = reply.choice.label
        shown = [_text(label)] if label and label != reply.text else []
        attachments.append(adaptive(shown, reply.choice.options))
    if reply.form:
        attachments.append(form_card(reply.form))
    if reply.actions:
        attachments.append(adaptive([], reply.actions))
    for attachment in attachments:
        fit(attachment.content, CARD_BUDGET)
    parts: list[tuple[str | None, list[Attachment]]] = [
        (chunk, []) for chunk in _chunks(reply.text.strip(), MESSAGE_BUDGET)
    ] or [(None, [])]
    used = size(parts[-1][0] or "")
    for attachment in attachments:
        needed = size(attachment.content) + ATTACHMENT_OVERHEAD
        if used + needed > MESSAGE_BUDGET and (parts[-1][0] or parts[-1][1]):
            parts.append((None, []))
            used = 0
        parts[-1][1].append(attachment)
        used += needed
    return [
        Activity(
            type=ActivityTypes.message,
            text=text,
            text_format="plain",
            attachments=cards or None,
            attachment_layout="list",
        )
        for text, cards in parts
    ]


def size(value: Any) -> int:
    """Bytes of UTF-16 in the JSON of `value`, as Teams counts a message's size."""
    return len(orjson.dumps(value).decode().encode("utf-16-le"))


def fit(content: dict[str, Any], budget: int) -> None:
    """Shortens a card's longest texts (text blocks, and values in a form's fields) until
    its JSON fits `budget`."""
    while (excess := size(content) - budget) > 0:
        texts = [
            (element, key)
            for element in _elements(content.get("body", []))
            for key in ("text", "value")
            if isinstance(element.get(key), str)
        ]
        if not texts:
            return
        element, key = max(texts, key=lambda found: len(found[0][found[1]]))
        text = element[key]
        if len(text) <= SHORTEST_CUT:
            return  # nothing long is left: what remains cannot be cut usefully
        keep = max(SHORTEST_CUT, min(len(text) // 2, len(text) - excess // 2 - 16))
        element[key] = _cut(text, keep)


def _elements(items: list[Any]) -> list[Element]:
    """Every element in a card's body, inside containers too."""
    found: list[Element] = []
    pending = list(items)
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            found.append(item)
            for key in ("items", "columns", "body"):
                if isinstance(item.get(key), list):
                    pending.extend(item[key])
    return found


def _cut(text: str, keep: int) -> str:
    """`text` cut to `keep` characters and "…", never leaving half of a markdown escape."""
    cut = text[:keep].rstrip()
    if (len(cut) - len(cut.rstrip("\\"))) % 2:  # an escaping backslash without its character
        cut = cut[:-1]
    return cut + "…"


def _chunks(text: str, budget: int) -> list[str]:
    """`text` in pieces under `budget`, split between lines (a line too long alone is
    split where it must)."""
    if not text:
        return []
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while size(line) > budget:
            room = budget // 4  # characters: JSON and UTF-16 may take four bytes for one
            chunks += [current] if current else []
            current = ""
            chunks.append(line[:room])
            line = line[room:]
        joined = f"{current}\n{line}" if current else line
        if size(joined) > budget:
            chunks.append(current)
            joined = line
        current = joined
    return [*chunks, current] if current else chunks
