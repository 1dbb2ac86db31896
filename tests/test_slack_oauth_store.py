"""The distributable Slack app's installation and state stores over Spred's store, on every
backend (the `store` fixture): slack_sdk's interfaces as bolt calls them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from slack_sdk.oauth.installation_store import Installation

from adapters.slack.config import SlackConfig
from adapters.slack.installations import Installations, States
from bot import installations as core_side
from bot.config import ConfigError
from knowledge.store import Store
from tests.conftest import Clock


def _installation(team: str = "T1", token: str = "xoxb-1", **extra: object) -> Installation:
    fields: dict[str, object] = {
        "app_id": "A1",
        "team_id": team,
        "team_name": "Aarhus Kommune",
        "bot_token": token,
        "bot_id": "B1",
        "bot_user_id": "UBOT",
        "bot_scopes": "chat:write,commands",
        "user_id": "U1",
        "installed_at": 1_700_000_000.0,
        **extra,
    }
    return Installation(**fields)  # type: ignore[arg-type]


async def test_an_installation_is_kept_and_found_as_bolt_asks(store: Store, clock: Clock) -> None:
    installations = Installations(core_side.Installations(store=store, clock=clock))
    assert await installations.async_find_bot(enterprise_id=None, team_id="T1") is None
    await installations.async_save(_installation(bot_token_expires_in=3600))
    bot = await installations.async_find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None
    assert (bot.bot_token, bot.bot_user_id, bot.bot_id) == ("xoxb-1", "UBOT", "B1")
    assert bot.bot_scopes == ["chat:write", "commands"]
    assert bot.bot_token_expires_at is not None
    found = await installations.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None
    assert (found.team_name, found.user_id) == ("Aarhus Kommune", "U1")
    assert found.installed_at == 1_700_000_000.0
    other = await installations.async_find_installation(
        enterprise_id=None, team_id="T1", user_id="U2"
    )
    assert other is None  # one installation per workspace: the installer's
    assert await installations.async_find_bot(enterprise_id=None, team_id="T2") is None


async def test_an_org_wide_install_serves_every_workspace_of_its_enterprise(
    store: Store, clock: Clock
) -> None:
    installations = Installations(core_side.Installations(store=store, clock=clock))
    org_wide = _installation(
        team=None, enterprise_id="E1", is_enterprise_install=True, token="xoxb-grid"
    )
    await installations.async_save(org_wide)
    kept = await store.slack_installations.get("E1")
    assert kept is not None
    assert kept.installation["enterprise_id"] == "E1"
    bot = await installations.async_find_bot(
        enterprise_id="E1", team_id="T9", is_enterprise_install=True
    )
    assert bot is not None
    assert bot.bot_token == "xoxb-grid"
    serving = await installations.find(enterprise_id="E1", team_id="T9", org_wide=False)
    assert serving is not None
    assert serving.bot_token == "xoxb-grid"


async def test_a_rotated_bot_token_replaces_the_old_one(store: Store, clock: Clock) -> None:
    installations = Installations(core_side.Installations(store=store, clock=clock))
    await installations.async_save(_installation(bot_refresh_token="xoxe-1"))
    bot = await installations.async_find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None
    bot.bot_token, bot.bot_refresh_token = "xoxb-2", "xoxe-2"
    await installations.async_save_bot(bot)
    found = await installations.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None
    assert (found.bot_token, found.bot_refresh_token, found.user_id) == ("xoxb-2", "xoxe-2", "U1")
    await installations.async_delete_bot(enterprise_id=None, team_id="T1")
    await installations.async_save_bot(bot)  # rotated while being uninstalled: not kept
    assert await store.slack_installations.get("T1") is None


async def test_an_uninstall_in_another_process_is_seen_at_the_next_look_up(
    store: Store, clock: Clock
) -> None:
    here = Installations(core_side.Installations(store=store, clock=clock))
    there = Installations(
        core_side.Installations(store=store, clock=clock)
    )  # another process on the same store
    await here.async_save(_installation())
    assert await here.async_find_bot(enterprise_id=None, team_id="T1") is not None
    await there.async_delete_all(enterprise_id=None, team_id="T1")
    assert await here.async_find_bot(enterprise_id=None, team_id="T1") is None
    await there.async_save(_installation(token="xoxb-again"))
    again = await here.async_find_bot(enterprise_id=None, team_id="T1")
    assert again is not None
    assert again.bot_token == "xoxb-again"


async def test_a_revoked_user_token_is_dropped_and_the_bot_kept(store: Store, clock: Clock) -> None:
    installations = Installations(core_side.Installations(store=store, clock=clock))
    await installations.async_save(_installation(user_token="xoxp-1", user_scopes="search:read"))
    await installations.async_delete_installation(enterprise_id=None, team_id="T1", user_id="U1")
    kept = await store.slack_installations.get("T1")
    assert kept is not None
    assert "user_token" not in kept.installation
    assert kept.installation["bot_token"] == "xoxb-1"


async def test_a_state_is_good_once_and_only_while_fresh(store: Store, clock: Clock) -> None:
    states = States(core_side.InstallStates(store=store, clock=clock), expires=600)
    state = await states.async_issue()
    assert await states.async_consume(state) is True
    assert await states.async_consume(state) is False  # used
    assert await store.oauth_states.count() == 0
    late = await states.async_issue()
    clock.advance(seconds=601)
    assert await states.async_consume(late) is False  # expired
    assert await store.oauth_states.get(late) is None  # and gone
    assert await states.async_consume("never-issued") is False
    assert await states.async_consume("") is False
    assert await states.async_consume("x" * 10_000) is False
    assert await states.async_issue() != await states.async_issue()


async def test_a_state_just_before_it_expires_is_good(store: Store, clock: Clock) -> None:
    states = States(core_side.InstallStates(store=store, clock=clock), expires=600)
    state = await states.async_issue()
    clock.advance(seconds=599)
    assert await states.async_consume(state) is True


def test_the_distributable_app_is_on_with_client_credentials_and_no_bot_token() -> None:
    env = {
        "SLACK_CLIENT_ID": "1.2",
        "SLACK_CLIENT_SECRET": "client-secret-9",
        "SLACK_SIGNING_SECRET": "signing-secret-8",
    }
    config = SlackConfig.from_env(env)
    assert config is not None
    assert config.distributable is True
    assert config.authorize_url == "https://slack.com/oauth/v2/authorize"
    assert "client-secret-9" not in repr(config)
    assert "signing-secret-8" not in repr(config)
    other = SlackConfig.from_env({**env, "SLACK_AUTHORIZE_URL": "http://127.0.0.1:1/a"})
    assert other is not None
    assert other.authorize_url == "http://127.0.0.1:1/a"
    single = SlackConfig.from_env({**env, "SLACK_BOT_TOKEN": "xoxb-1"})
    assert single is not None
    assert single.distributable is False  # the bot token wins: one workspace, as before
    assert SlackConfig.from_env({"SLACK_CLIENT_ID": "1.2", "SLACK_SIGNING_SECRET": "x"}) is None
    without_secret = {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s"}
    assert SlackConfig.from_env(without_secret) is None
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN"):
        SlackConfig.from_env({**env, "SLACK_APP_TOKEN": "xapp-1"})


async def test_expiry_is_measured_by_the_injected_clock(store: Store, clock: Clock) -> None:
    states = States(core_side.InstallStates(store=store, clock=clock), expires=60)
    state = await states.async_issue()
    kept = await store.oauth_states.get(state)
    assert kept is not None
    assert kept.expires_at == clock.now + timedelta(seconds=60)


async def test_states_left_unused_are_pruned_once_expired(store: Store, clock: Clock) -> None:
    states = States(core_side.InstallStates(store=store, clock=clock), expires=600)
    old = await states.async_issue()
    clock.advance(seconds=300)
    fresh = await states.async_issue()
    clock.advance(seconds=301)
    assert await states.kept.prune() == 1
    assert await store.oauth_states.get(old) is None
    assert await states.async_consume(fresh) is True
