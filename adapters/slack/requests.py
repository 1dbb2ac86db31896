"""A request to /slack/events as Spred checks it before bolt sees it: its size, its
signature headers, the signature over the very UTF-8 text Slack signed, and the payload's
shape (payloads.py). What passes is handed on as checked, so that bolt reads the same text
and headers, not a second reading of the request."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from slack_bolt.request.internals import build_normalized_headers, extract_content_type
from slack_sdk.signature import SignatureVerifier

from adapters.slack import payloads

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
# As Slack sends them: seconds since 1970, and "v0=" with an HMAC-SHA256 in hex.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Checked:
    text: str  # the body, as signed
    payload: Mapping[str, Any]
    headers: dict[str, str | Sequence[str]]  # one value per header, as bolt types them


async def check(
    request: web.Request, *, verifier: SignatureVerifier | None
) -> Checked | web.Response:
    """The request as checked, or the response that refuses it (4xx, saying why)."""
    if (request.content_length or 0) > MAX_BODY:
        return refused(413, "request body over 1 MiB")
    headers = _first_of_each(request.headers)
    bolt_headers: dict[str, str | Sequence[str]] = dict(headers)  # as bolt types them
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    # slack_sdk raises on a timestamp int() cannot read, and on a signature that is not
    # ASCII: both are refused here first, as Slack sends neither.
    if not (_TIMESTAMP.fullmatch(timestamp) and _SIGNATURE.fullmatch(signature)):
        return refused(401, "missing or malformed Slack signature headers")
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return refused(413, "request body over 1 MiB")
    try:  # Slack sends and signs UTF-8 text: a body that is not cannot be signed by it
        text = body.decode()
    except UnicodeDecodeError:
        text = None
    if text is None or verifier is None or not verifier.is_valid(text, timestamp, signature):
        return refused(401, "invalid Slack signature or stale timestamp")
    content_type = extract_content_type(build_normalized_headers(bolt_headers))  # as bolt reads it
    try:
        payload = payloads.read(text, content_type=content_type)
    except payloads.Unreadable as exc:
        log.debug("a signed Slack request was refused: %s", exc)
        return refused(400, f"malformed Slack payload: {exc}")
    return Checked(text=text, payload=payload, headers=bolt_headers)


def refused(status: int, why: str) -> web.Response:
    return web.json_response({"ok": False, "error": why}, status=status)


def _first_of_each(headers: Mapping[str, str]) -> dict[str, str]:
    """One value per header (the first, lower-cased name), read alike by the checks here and
    by bolt, which would otherwise read the last of a repeated header."""
    first: dict[str, str] = {}
    for name, value in headers.items():
        first.setdefault(name.lower(), value)
    return first
