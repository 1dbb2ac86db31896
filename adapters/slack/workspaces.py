"""The distributable app's way into each workspace: a paced poster (and its Web API client)
per bot token, and which workspace a Slack user is in, so a letter to "slack:U…" goes out
with the token of that user's workspace.

Which workspace a user is in is kept as their address (bot/addresses.py), from the verified
payload of each message they send; the token is looked up in the installations (cached, see
installations.py) at each delivery, so an uninstalled workspace's token is never used.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiohttp

from adapters.slack.delivery import MAX_REMEMBERED, Poster, web_client
from adapters.slack.installations import Installations
from bot.addresses import Addresses


def address(*, team_id: str | None, enterprise_id: str | None) -> dict[str, str]:
    """What is kept of where a Slack user was last seen: their workspace (and its Enterprise
    Grid organisation, whose org-wide install may serve it)."""
    return {k: v for k, v in (("team_id", team_id), ("enterprise_id", enterprise_id)) if v}


class Workspaces:
    def __init__(
        self,
        *,
        installations: Installations,
        addresses: Addresses,
        session: aiohttp.ClientSession,
        api_url: str,
        interval: float,
    ) -> None:
        self.installations = installations
        self.addresses = addresses
        self.session = session
        self.api_url = api_url
        self.interval = interval  # seconds between posts to one channel (0 in tests)
        self._posters: dict[str, Poster] = {}  # bot token → its poster

    def poster(self, token: str) -> Poster:
        """The poster for a bot token (made once: it remembers DM channels and pacing)."""
        poster = self._posters.get(token)
        if poster is None:
            if len(self._posters) >= MAX_REMEMBERED:
                self._posters.clear()
            client = web_client(token=token, api_url=self.api_url, session=self.session)
            poster = self._posters[token] = Poster(client, interval=self.interval)
        poster.interval = self.interval
        return poster

    async def remember(self, user: str, where: Mapping[str, Any]) -> None:
        """Keeps which workspace a platform-qualified user wrote from (a keyed read; a write
        only when it changed)."""
        if where:
            await self.addresses.remember(user, where)

    async def poster_for(self, user: str) -> Poster | None:
        """The poster of the workspace `user` ("slack:U…") is in; None when Spred does not
        know their workspace or is not installed there (any more)."""
        where = await self.addresses.of(user)
        if not where:
            return None
        installation = await self.installations.find(
            enterprise_id=str(where.get("enterprise_id") or "") or None,
            team_id=str(where.get("team_id") or "") or None,
            org_wide=False,
        )
        if installation is None or not installation.bot_token:
            return None
        return self.poster(installation.bot_token)
