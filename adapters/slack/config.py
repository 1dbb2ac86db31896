"""Slack settings from the platform's standard environment names (fixed by the contract)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_API_URL = "https://slack.com/api/"


@dataclass(frozen=True, slots=True, kw_only=True)
class SlackConfig:
    # repr=False: a config printed in a log or a traceback never shows a secret.
    bot_token: str = field(repr=False)
    signing_secret: str = field(repr=False)
    app_token: str = field(default="", repr=False)
    api_url: str = DEFAULT_API_URL

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> SlackConfig | None:
        """None unless Slack is configured: a bot token, and a signing secret for HTTP (or
        an app token for Socket Mode)."""
        token = env.get("SLACK_BOT_TOKEN", "").strip()
        secret = env.get("SLACK_SIGNING_SECRET", "").strip()
        app_token = env.get("SLACK_APP_TOKEN", "").strip()
        if not token or not (secret or app_token):
            return None
        api_url = env.get("SLACK_API_URL", "").strip() or DEFAULT_API_URL
        if not api_url.endswith("/"):
            api_url += "/"
        return cls(bot_token=token, signing_secret=secret, app_token=app_token, api_url=api_url)
