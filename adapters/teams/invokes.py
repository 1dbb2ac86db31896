"""Spred's answer to every Teams invoke.

Teams waits for the HTTP response to an invoke and shows what it carries; botbuilder
answers any invoke its handlers leave alone with a 501 and no body, which Teams shows as an
error. Spred's own cards send Action.Submit (a message activity), so the one invoke it acts
on is an Action.Execute (`adaptiveCard/action`) whose data names a Spred action, as an
Action.Submit's does: it is routed to the core the same way, and the answer follows in the
chat. Every other invoke gets the documented answer that says Spred does not do that:

- `adaptiveCard/action`: HTTP 200 with `{statusCode, type, value}` (Universal Actions): a
  message when the action was taken, an error object (400, NotSupported) when not;
- `task/fetch`, `task/submit`, `composeExtension/fetchTask`: a dialog's `message` response;
- other `composeExtension/*`: a message extension's `message` result;
- `signin/tokenExchange`: 412, which tells Teams to fall back to its sign-in card;
- `fileConsent/invoke`, `actionableMessage/executeAction`: 200 (nothing to upload or do);
- anything else: 400 with an error naming the invoke.
"""

from __future__ import annotations

from collections.abc import Mapping

from botbuilder.core import InvokeResponse
from botbuilder.schema import Activity

from adapters.teams import events

MESSAGE = "application/vnd.microsoft.activity.message"
ERROR = "application/vnd.microsoft.error"
DIALOGS = ("task/fetch", "task/submit", "composeExtension/fetchTask")
NOTHING_TO_DO = ("fileConsent/invoke", "actionableMessage/executeAction")

# Danish first, then English, as bot/i18n.py keeps the core's texts.
TEXTS = {
    "taken": ("Spred svarer i chatten.", "Spred answers in the chat."),
    "unsupported": (
        "Det kan Spred ikke. Skriv dit spørgsmål til Spred i chatten.",
        "Spred cannot do that. Write your question to Spred in the chat.",
    ),
    "failed": (
        "Spred kunne ikke tage imod det lige nu. Prøv igen om lidt.",
        "Spred could not take that just now. Please try again shortly.",
    ),
}


def taken(activity: Activity) -> InvokeResponse:
    """The answer to an Action.Execute the core takes: the reply follows in the chat."""
    return _card_action(200, MESSAGE, _say(activity, "taken"))


def failed(activity: Activity) -> InvokeResponse:
    """The answer when Spred failed on an invoke it would have taken (logged already)."""
    text = _say(activity, "failed")
    if activity.name == events.CARD_ACTION:
        return _card_action(500, ERROR, {"code": "InternalServerError", "message": text})
    return _unsupported_or(activity, text)


def unsupported(activity: Activity) -> InvokeResponse:
    """The answer to an invoke Spred does not act on."""
    text = _say(activity, "unsupported")
    if activity.name == events.CARD_ACTION:
        return _card_action(400, ERROR, {"code": "NotSupported", "message": text})
    return _unsupported_or(activity, text)


def refused(activity: Activity, text: str) -> InvokeResponse:
    """The answer to an invoke from a tenant this Spred does not serve; `text` says so."""
    if activity.name == events.CARD_ACTION:
        return _card_action(400, ERROR, {"code": "NotSupported", "message": text})
    return _unsupported_or(activity, text)


def _unsupported_or(activity: Activity, text: str) -> InvokeResponse:
    name = activity.name if isinstance(activity.name, str) else ""
    if name in DIALOGS:
        return InvokeResponse(status=200, body={"task": {"type": "message", "value": text}})
    if name.startswith("composeExtension/"):
        return InvokeResponse(
            status=200, body={"composeExtension": {"type": "message", "text": text}}
        )
    if name == "signin/tokenExchange":
        value = activity.value if isinstance(activity.value, Mapping) else {}
        return InvokeResponse(
            status=412,
            body={
                "id": value.get("id"),
                "connectionName": value.get("connectionName"),
                "failureDetail": "Spred uses no sign-in",
            },
        )
    if name in NOTHING_TO_DO:
        return InvokeResponse(status=200, body={})
    return InvokeResponse(
        status=400,
        body={"error": {"code": "NotSupported", "message": f"Spred does not handle {name!r}"}},
    )


def _card_action(status: int, kind: str, value: object) -> InvokeResponse:
    return InvokeResponse(status=200, body={"statusCode": status, "type": kind, "value": value})


def _say(activity: Activity, key: str) -> str:
    locale = activity.locale if isinstance(activity.locale, str) else ""
    return TEXTS[key][1 if locale.lower().startswith("en") else 0]
