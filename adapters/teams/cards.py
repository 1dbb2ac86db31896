"""The core's replies as Teams activities: plain text plus Adaptive Cards (schema 1.5).

Card JSON is built as data, never by pasting text into a template, and every text a person
or a solution wrote has its markdown escaped, so nothing can inject card markup, links or
mentions (a Teams mention needs an entity, which only Spred could add). The activity's
text is sent as plain text for the same reason.
"""

from __future__ import annotations

import re
from typing import Any

from botbuilder.schema import Activity, ActivityTypes, Attachment

from bot.cards import evidence_lines
from bot.messages import Action, Card, Form, Reply

CARD_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
SUBMIT_KEY = "spred"  # in Action.Submit data: which core action; the rest is its payload

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


def adaptive(body: list[Element], actions: tuple[Action, ...] = ()) -> Attachment:
    content = CardContent(type="AdaptiveCard", body=body, version="1.5")
    content["$schema"] = SCHEMA
    if actions:
        content["actions"] = [_submit(a) for a in actions]
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
    return adaptive(body, card.actions)


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


def activity(reply: Reply) -> Activity:
    attachments = [solution_card(c, reply.language) for c in reply.cards]
    if reply.choice:  # its label is often the reply's own text: not shown twice
        label = reply.choice.label
        shown = [_text(label)] if label and label != reply.text else []
        attachments.append(adaptive(shown, reply.choice.options))
    if reply.form:
        attachments.append(form_card(reply.form))
    if reply.actions:
        attachments.append(adaptive([], reply.actions))
    fallback = "\n".join([reply.text, *(f"{i}. {c.title} — {c.result}" for i, c in
                                         enumerate(reply.cards, 1))]).strip()  # fmt: skip
    return Activity(
        type=ActivityTypes.message,
        text=fallback or None,
        text_format="plain",
        attachments=attachments or None,
        attachment_layout="list",
    )
