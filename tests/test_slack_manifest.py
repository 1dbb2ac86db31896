"""slack-manifest.yml asks Slack for exactly what the adapter handles."""

from __future__ import annotations

from pathlib import Path

import yaml

from adapters.slack.events import EVENTS, command
from knowledge.records import Person

MANIFEST = Path(__file__).resolve().parents[1] / "slack-manifest.yml"


def test_the_manifest_subscribes_to_what_spred_answers_at_its_one_request_url() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    settings = manifest["settings"]
    urls = {
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
        *(c["url"] for c in manifest["features"]["slash_commands"]),
    }
    assert len(urls) == 1
    assert urls.pop().endswith("/slack/events")
    events = set(settings["event_subscriptions"]["bot_events"])
    assert events == {"app_mention", "message.im", "app_home_opened"}
    assert {e.split(".")[0] for e in events} - {"app_home_opened"} == set(EVENTS)
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/spred"]
    assert (
        command({"text": "add"}, Person(id="U1", name="A")).action == "add_form"
    )  # /spred add: the form
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    needed = {"app_mentions:read", "chat:write", "commands", "im:history", "im:write"}
    assert needed | {"users:read", "users:read.email"} <= scopes
