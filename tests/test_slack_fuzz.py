"""A property of POST /slack/events, over random and mutated requests: never a 5xx or an
error in the log, the server stays healthy, and a refused request stores and posts nothing.

Bodies are random bytes, random JSON, very deep JSON, and Slack's own payload shapes with
parts deleted or replaced; many are signed with the right secret, so the checks of a
payload's shape are exercised and not only the signature's.
"""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from adapters.slack import SLACK
from knowledge.store.base import COLLECTIONS
from tests import test_slack
from tests.slack_mock import BOT_USER, SlackMock, form_body, interaction_body, signed
from tests.test_slack import ANNA, Spred, _data, _running

KEYS = st.sampled_from(
    ["type", "user", "id", "channel", "team", "enterprise", "event", "actions", "view",
     "callback_id", "action_id", "value", "text", "authorizations", "response_urls",
     "response_url", "trigger_id", "workflow_step", "state", "values", "message", "command",
     "thread_ts", "ts", "channel_type", "subtype", "container", "blocks", "user_id"]
)  # fmt: skip
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(KEYS | st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=10,
)

# Slack's payloads as Spred gets them: (how they are sent, the payload).
TEMPLATES: list[tuple[str, dict[str, Any]]] = [
    ("event", {"type": "event_callback", "event_id": "EvF", "event": {
        "type": "app_mention", "user": ANNA, "channel": "C0CARE", "ts": "1.1",
        "text": f"<@{BOT_USER}> ventetid hjemmepleje"}}),
    ("event", {"type": "event_callback", "event_id": "EvG", "event": {
        "type": "message", "channel_type": "im", "user": ANNA, "channel": "D0ANNA",
        "ts": "1.2", "thread_ts": "1.0", "text": "sygefravær"}}),
    ("event", {"type": "event_callback", "event_id": "EvH", "event": {
        "type": "app_home_opened", "user": ANNA, "tab": "home", "channel": "D0ANNA"}}),
    ("event", {"type": "url_verification", "challenge": "c"}),
    ("command", {"command": "/spred", "text": "ventetid", "user_id": ANNA,
                 "channel_id": "C0CARE", "trigger_id": "t"}),
    ("interaction", {"type": "block_actions", "user": {"id": ANNA}, "trigger_id": "t",
                     "channel": {"id": "D0ANNA"}, "container": {"type": "message"},
                     "actions": [{"action_id": "spred-0",
                                  "value": '{"a": "details", "p": {"solution": "x"}}'}]}),
    ("interaction", {"type": "view_submission", "user": {"id": ANNA}, "view": {
        "type": "modal", "callback_id": "spred-form:add_solution",
        "blocks": [{"type": "input", "block_id": "title"}],
        "state": {"values": {"title": {"value": {"type": "plain_text_input", "value": "x"}}}}}}),
]  # fmt: skip


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict | list):
        for key, inner in value.items() if isinstance(value, dict) else enumerate(value):
            yield from _paths(inner, (*prefix, key))


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, Any]:
    """A template with up to three parts deleted or replaced by random JSON."""
    how, template = draw(st.sampled_from(TEMPLATES))
    value: Any = copy.deepcopy(template)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_paths(value))))
        if not path:
            value = draw(JSON)
            continue
        parent = value
        for key in path[:-1]:
            parent = parent[key]
        if isinstance(parent, dict) and draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(JSON)
        if not isinstance(value, dict | list):
            break
    return how, value


def _encoded(how: str, value: Any) -> tuple[bytes, str]:
    if how == "interaction":
        return interaction_body(value), "application/x-www-form-urlencoded"
    if how == "command" and isinstance(value, dict):
        fields = {
            str(k): v if isinstance(v, str) else orjson.dumps(v).decode() for k, v in value.items()
        }
        return form_body(fields), "application/x-www-form-urlencoded"
    return orjson.dumps(value), "application/json"


BODIES = st.one_of(
    st.tuples(st.binary(max_size=200), st.sampled_from(["application/json", "text/plain"])),
    JSON.map(lambda v: (orjson.dumps(v), "application/json")),
    st.integers(900, 20_000).map(lambda n: (b"[" * n + b"]" * n, "application/json")),
    st.integers(60, 900).map(lambda n: (b'{"type": "event_callback", "event": ' + b'{"a": ' * n
                                        + b"1" + b"}" * (n + 1), "application/json")),
    mutated().map(lambda m: _encoded(*m)),
    mutated().map(lambda m: _encoded(*m)),
)  # fmt: skip
CONTENT_TYPES = st.one_of(
    st.none(),
    st.sampled_from(["application/json", "application/x-www-form-urlencoded", "text/plain",
                     "application/json; charset=latin-1", "Application/JSON", "a/b; charset=x"]),
)  # fmt: skip
slack = test_slack.slack  # the mock Slack, a fixture

SIGNATURES = st.sampled_from(["right", "right", "right", "none", "other secret", "stale", "junk"])


def _headers(body: bytes, how: str, junk: str) -> dict[str, str]:
    if how == "right":
        return signed(body)
    if how == "other secret":
        return signed(body, secret="not-the-secret")
    if how == "stale":
        return signed(body, timestamp=int(time.time()) - 3600)
    if how == "junk":
        return {"X-Slack-Request-Timestamp": junk, "X-Slack-Signature": junk}
    return {}


@pytest.fixture
async def fuzzed(tmp_path: Path, slack: SlackMock) -> AsyncIterator[Spred]:
    server, http = await _running(await _data(tmp_path / "data"), slack)
    yield Spred(server, http, slack)
    await http.close()
    await server.close()


async def _stored(spred: Spred) -> list[list[Any]]:
    store = spred.server.app[SLACK].adapter.core.services.store
    # All but the server's own schedule (`jobs`), which its background round writes.
    return [await getattr(store, spec.name).all() for spec in COLLECTIONS if spec.name != "jobs"]


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    body=BODIES,
    content_type=CONTENT_TYPES,
    signature=SIGNATURES,
    junk=st.text(st.characters(codec="latin-1", exclude_categories=["Cc"]), max_size=40),
)
async def test_any_request_is_answered_below_500_and_a_refused_one_changes_nothing(
    fuzzed: Spred,
    caplog: pytest.LogCaptureFixture,
    body: tuple[bytes, str],
    content_type: str | None,
    signature: str,
    junk: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    adapter = fuzzed.server.app[SLACK].adapter
    data, default_type = body
    await adapter.drain(within=10)  # what earlier requests started is done
    calls, stored, logged = len(fuzzed.slack.calls), await _stored(fuzzed), len(caplog.records)
    headers = _headers(data, signature, junk)
    response = await fuzzed.post(data, headers=headers, content_type=content_type or default_type)
    await adapter.drain(within=10)
    event(f"answered {response.status}")  # how the cases spread: --hypothesis-show-statistics
    assert response.status < 500
    assert not [r.getMessage() for r in caplog.records[logged:] if r.levelno >= logging.ERROR]
    if response.status >= 400:
        assert fuzzed.slack.calls[calls:] == []
        assert await _stored(fuzzed) == stored
    async with fuzzed.http.get(fuzzed.server.make_url("/healthz")) as health:
        assert health.status == 200
