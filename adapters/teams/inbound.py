"""What POST /api/messages accepts before botbuilder sees it: a body that is one Bot
Framework activity, and an Authorization header shaped like a Bot Framework token.

Both checks run before authentication and reach out to nothing. botbuilder would answer a
body nested a thousand levels deep with a RecursionError, and a token that is no JWT with
jwt's DecodeError: both 500s, which Bot Framework retries.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

import orjson
from botbuilder.schema import Activity
from botframework.connector.auth import AuthenticationConstants
from msrest.exceptions import DeserializationError

from knowledge.validation import MAX_NESTING, nested_deeper_than

# Real activities nest a dozen levels at most (an Adaptive Card inside an attachment);
# msrest reads them recursively and fails near Python's recursion limit of 1000.
# Bot Framework's tokens are 1–2 KB; aiohttp already refuses headers over 8 KB.
MAX_TOKEN = 8192

_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")


class NotAnActivity(ValueError):
    """The body is not one Bot Framework activity; the message says what is wrong."""


def activity(content_type: str, raw: bytes) -> Activity:
    """The activity in a request body, or NotAnActivity saying why there is none."""
    if "application/json" not in content_type:
        raise NotAnActivity("Content-Type must be application/json")
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:  # also orjson's own nesting limit
        raise NotAnActivity("malformed JSON") from exc
    if not isinstance(body, dict) or not isinstance(body.get("type"), str):
        raise NotAnActivity("not a Bot Framework activity")
    if nested_deeper_than(body):
        raise NotAnActivity(f"JSON nested more than {MAX_NESTING} levels deep")
    if not all(_has_id(body.get(part)) for part in ("from", "conversation", "recipient")):
        raise NotAnActivity("an activity needs from, conversation and recipient ids")
    try:
        return Activity.deserialize(body)
    except DeserializationError as exc:
        raise NotAnActivity("not a Bot Framework activity: a field has the wrong type") from exc


def well_formed_token(authorization: str) -> bool:
    """Whether an Authorization header can be a Bot Framework token: `Bearer` and a JWT
    whose header names an RSA algorithm Bot Framework signs with and the key it was signed
    with, and whose claims name an issuer. Only such a token is worth fetching signing
    keys to verify; anything else is refused at once."""
    scheme, _, token = authorization.partition(" ")
    if scheme != "Bearer" or not token or len(token) > MAX_TOKEN:
        return False
    parts = token.split(".")
    if len(parts) != 3 or not all(_SEGMENT.fullmatch(part) for part in parts):
        return False
    header, claims = _json_object(parts[0]), _json_object(parts[1])
    if header is None or claims is None:
        return False
    kid = header.get("kid")
    return (
        header.get("alg") in AuthenticationConstants.ALLOWED_SIGNING_ALGORITHMS
        and isinstance(kid, str)
        and bool(kid)
        and isinstance(claims.get("iss"), str)
    )


def _json_object(segment: str) -> dict[str, Any] | None:
    try:
        value = orjson.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (binascii.Error, ValueError):  # not base64, not UTF-8, not JSON
        return None
    return value if isinstance(value, dict) else None


def _has_id(party: object) -> bool:
    return isinstance(party, dict) and isinstance(party.get("id"), str) and bool(party["id"])
