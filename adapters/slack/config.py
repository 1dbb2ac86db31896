"""Slack settings from the platform's standard environment names (fixed by the contract).

Two ways to run: one workspace (`SLACK_BOT_TOKEN`), or a distributable app any workspace
installs through OAuth (`SLACK_CLIENT_ID` and `SLACK_CLIENT_SECRET`, no bot token)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.config import ConfigError

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_AUTHORIZE_URL = "https://slack.com/oauth/v2/authorize"
# The bot scopes an install asks for; slack-manifest.yml asks for the same (a test checks).
SCOPES: tuple[str, ...] = (
    "app_mentions:read",
    "channels:history",
    "chat:write",
    "commands",
    "groups:history",
    "im:history",
    "im:read",
    "im:write",
    "mpim:history",
    "users:read",
    "users:read.email",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class SlackConfig:
    # repr=False: a config printed in a log or a traceback never shows a secret.
    bot_token: str = field(repr=False)
    signing_secret: str = field(repr=False)
    app_token: str = field(default="", repr=False)
    api_url: str = DEFAULT_API_URL
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    authorize_url: str = DEFAULT_AUTHORIZE_URL

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)

    @property
    def distributable(self) -> bool:
        """Installed by any workspace through OAuth, each with its own bot token."""
        return not self.bot_token and bool(self.client_id)

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> SlackConfig | None:
        """None unless Slack is configured: a bot token, and a signing secret for HTTP (or
        an app token for Socket Mode); or, without a bot token, a client id, client secret
        and signing secret for the distributable app."""
        token = env.get("SLACK_BOT_TOKEN", "").strip()
        secret = env.get("SLACK_SIGNING_SECRET", "").strip()
        app_token = env.get("SLACK_APP_TOKEN", "").strip()
        client_id = env.get("SLACK_CLIENT_ID", "").strip()
        client_secret = env.get("SLACK_CLIENT_SECRET", "").strip()
        api_url = env.get("SLACK_API_URL", "").strip() or DEFAULT_API_URL
        if not api_url.endswith("/"):
            api_url += "/"
        if token:
            if not (secret or app_token):
                return None
            return cls(bot_token=token, signing_secret=secret, app_token=app_token, api_url=api_url)
        if not (client_id and client_secret and secret):
            return None
        if app_token:  # installs come in over HTTP, so the events can too
            raise ConfigError(
                "SLACK_APP_TOKEN (Socket Mode) needs SLACK_BOT_TOKEN; the distributable app "
                "(SLACK_CLIENT_ID) is served over HTTP: unset SLACK_APP_TOKEN"
            )
        return cls(
            bot_token="",
            signing_secret=secret,
            api_url=api_url,
            client_id=client_id,
            client_secret=client_secret,
            authorize_url=env.get("SLACK_AUTHORIZE_URL", "").strip() or DEFAULT_AUTHORIZE_URL,
        )
