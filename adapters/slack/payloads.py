"""What a Slack request body must be for slack-bolt and Spred to read it.

bolt reads a payload by indexing into it (`body["event"]["type"]`, `"id" in body["user"]`,
`body["actions"][0]`), for every request and before any listener runs: a body of another
shape, even one signed with the right secret, would raise inside bolt. `read` refuses such
a body (the server answers 400) before bolt sees it. The rules are those bolt relies on;
Slack's own payloads always keep them. What Spred itself needs of a payload (a sender, a
channel) is checked where it is used, and a payload without it is ignored quietly.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.request.internals import parse_body

from knowledge.validation import MAX_NESTING, nested_deeper_than

# Read as an id or as an object holding one, in the payload and in the objects bolt treats
# like one (its event, authorizations and messages).
_IDS = ("user", "channel", "team", "enterprise")
# Compared with strings or matched with patterns, or hashed: a string or null.
_STRINGS = ("type", "callback_id", "action_id", "block_id", "response_url", "command")
# Objects bolt looks into as it looks into the payload itself.
_NESTED = ("message", "previous_message", "item", "assistant_thread")


class Unreadable(ValueError):
    """A body bolt cannot read; the message says why, never what it holds."""


def read(text: str, *, content_type: str | None) -> dict[str, Any]:
    """The payload in `text`, parsed as bolt parses it; raises Unreadable if bolt could not
    read it."""
    try:
        payload = parse_body(text, content_type)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise Unreadable("malformed JSON or form body") from exc
    if not isinstance(payload, dict):
        raise Unreadable("the payload is not a JSON object")
    if nested_deeper_than(payload):
        raise Unreadable(f"the payload nests deeper than {MAX_NESTING} levels")
    problem = _problem(payload)
    if problem:
        raise Unreadable(problem)
    return payload


def _problem(payload: dict[str, Any]) -> str:
    """Why bolt could not read `payload` (or an object it reads like one), or ""."""
    for key in _IDS:
        if not isinstance(payload.get(key), str | dict | None):
            return f"{key} is neither an id nor an object"
    for key in _STRINGS:
        if not isinstance(payload.get(key), str | None):
            return f"{key} is not a string"
    for key in ("event", "view"):
        if key in payload and not isinstance(payload[key], dict):
            return f"{key} is not an object"
    for key in _NESTED:
        if not isinstance(payload.get(key), dict | None):
            return f"{key} is not an object"
    if payload.get("authorizations") is not None and not _objects(payload["authorizations"]):
        return "authorizations is not a list of objects"
    if "response_urls" in payload and not _objects(payload["response_urls"]):
        return "response_urls is not a list of objects"
    # bolt takes the first action of any payload holding actions, and of a legacy button's
    attached = payload.get("type") == "interactive_message" and "callback_id" in payload
    if ("actions" in payload or attached) and not _objects(payload.get("actions"), empty=False):
        return "actions is not a list of objects"
    view = payload.get("view")
    if isinstance(view, dict):
        problem = _view_problem(view, submitted=payload.get("type") == "view_submission")
        if problem:
            return problem
    if _a_workflow_step(payload) and "workflow_step" not in payload:
        return "a workflow step's payload without its workflow_step"
    inner = [payload.get("event"), *(payload.get(key) for key in _NESTED)]
    inner += payload.get("authorizations") or []
    inner += payload.get("actions") or []
    inner += payload.get("response_urls") or []
    return next((p for p in (_problem(o) for o in inner if isinstance(o, dict)) if p), "")


def _objects(value: Any, *, empty: bool = True) -> bool:
    return (
        isinstance(value, list)
        and (empty or bool(value))
        and all(isinstance(item, dict) for item in value)
    )


def _a_workflow_step(payload: dict[str, Any]) -> bool:
    """Whether bolt takes the payload for a (legacy) workflow step's, and reads its step."""
    view = payload.get("view")
    saved = isinstance(view, dict) and "callback_id" in view and view.get("type") == "workflow_step"
    kind = payload.get("type")
    return (kind == "workflow_step_edit" and "callback_id" in payload) or (
        kind == "view_submission" and saved
    )


def _view_problem(view: dict[str, Any], *, submitted: bool) -> str:
    for key in ("type", "callback_id"):
        if not isinstance(view.get(key), str | None):
            return f"the view's {key} is not a string"
    # bolt asks a submitted view whether it is a workflow step's by its type
    if submitted and "callback_id" in view and "type" not in view:
        return "a submitted view without a type"
    return ""
