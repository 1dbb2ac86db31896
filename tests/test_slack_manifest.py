"""slack-manifest.yml asks Slack for exactly what the adapter handles."""

from __future__ import annotations

from pathlib import Path

import yaml

from adapters.slack.config import SCOPES
from adapters.slack.events import EVENTS, command
from adapters.slack.oauth import REDIRECT_PATH
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
    revocations = {"app_uninstalled", "tokens_revoked"}  # the installation goes at once
    assert events == {"app_mention", "message.im", "app_home_opened"} | revocations
    assert {e.split(".")[0] for e in events} - {"app_home_opened"} - revocations == set(EVENTS)
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/spred"]
    assert (
        command({"text": "add"}, Person(id="U1", name="A")).action == "add_form"
    )  # /spred add: the form
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    needed = {"app_mentions:read", "chat:write", "commands", "im:history", "im:write"}
    assert needed | {"users:read", "users:read.email"} <= scopes


def test_the_manifest_asks_for_the_scopes_an_install_asks_for_and_the_redirect_url() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    assert manifest["oauth_config"]["scopes"]["bot"] == list(SCOPES)
    [redirect] = manifest["oauth_config"]["redirect_urls"]
    assert redirect.startswith("https://")
    assert redirect.endswith(REDIRECT_PATH)
    assert "user" not in manifest["oauth_config"]["scopes"]  # a bot's tokens only
