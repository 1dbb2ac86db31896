"""What Slack may send but Spred cannot use, over the real bolt stack on loopback HTTP: bodies
that are not UTF-8 or not a payload, payloads missing or mistyping what Spred needs, events
and interactions Spred does not handle. Each is refused or ignored quietly: never a 5xx, a
traceback, an error in the log or a message to nobody."""

from __future__ import annotations

from tests import test_slack
from tests.test_slack import Spred, dm

slack, spred = test_slack.slack, test_slack.spred  # fixtures: the mock Slack, a running Spred


async def test_a_direct_message_in_a_thread_is_answered_in_that_thread(spred: Spred) -> None:
    await spred.event(dm("sygefravær", thread_ts="1700000000.000100"), event_id="EvT1")
    [post] = await spred.slack.wait_for("chat.postMessage")
    assert post.args["channel"] == "D0ANNA"
    assert post.args["thread_ts"] == "1700000000.000100"
