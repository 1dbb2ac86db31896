"""The distributable app's way into each workspace: a paced poster (and its Web API client)
per bot token, and which workspace a Slack user is in, so a letter to "slack:U…" goes out
with the token of that user's workspace.

Which workspace a user is in is kept as their address (bot/addresses.py), from the verified
payload of each message they send; the token is looked up in the installations (cached, see
installations.py) at each delivery and each request, so an uninstalled workspace's token
is never used.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

import aiohttp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator

from adapters.slack.delivery import MAX_REMEMBERED, Poster, reason, web_client
from adapters.slack.installations import Installations
from bot.addresses import Addresses

log = logging.getLogger(__name__)

ROTATE_BEFORE = 120  # minutes before a rotating token expires that it is renewed (bolt's)
PLACED_FOR = 3600.0  # seconds a workspace this process kept for a person is not kept again


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
        rotator: AsyncTokenRotator,
    ) -> None:
        self.installations = installations
        self.rotator = rotator
        self.addresses = addresses
        self.session = session
        self.api_url = api_url
        self.interval = interval  # seconds between posts to one channel (0 in tests)
        self._posters: dict[str, Poster] = {}  # bot token → its poster
        self._placed: dict[str, tuple[Mapping[str, Any], float]] = {}  # user → (where, until)

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
        only when it changed). Once kept by this process, the same place is not checked
        again for an hour: a message costs no store read. What is in the store stays right
        meanwhile, whichever process wrote it: a person's user id is in one workspace (or
        one Enterprise Grid organisation, whose installations all reach them)."""
        if not where:
            return
        placed = self._placed.get(user)
        if placed is not None and placed[0] == where and time.monotonic() < placed[1]:
            return
        await self.addresses.remember(user, where)
        self._placed.pop(user, None)  # re-added last: the oldest is forgotten first
        while len(self._placed) >= MAX_REMEMBERED:
            del self._placed[next(iter(self._placed))]
        self._placed[user] = (dict(where), time.monotonic() + PLACED_FOR)

    async def poster_for(self, user: str) -> Poster | None:
        """The poster of the workspace `user` ("slack:U…") is in; None when Spred does not
        know their workspace or is not installed there (any more)."""
        where = await self.addresses.of(user)
        if not where:
            return None
        return await self.poster_in(
            team_id=str(where.get("team_id") or "") or None,
            enterprise_id=str(where.get("enterprise_id") or "") or None,
        )

    async def poster_in(self, *, team_id: str | None, enterprise_id: str | None) -> Poster | None:
        """The poster of a workspace Spred is installed in now; None when it is not."""
        bot = await self.bot_in(team_id=team_id, enterprise_id=enterprise_id)
        return None if bot is None or not bot.bot_token else self.poster(bot.bot_token)

    async def bot_in(self, *, team_id: str | None, enterprise_id: str | None) -> Bot | None:
        """Spred's bot in a workspace it is installed in now, its token renewed if it rotates
        and is about to expire; None when it is not installed there."""
        installation = await self.installations.find(
            enterprise_id=enterprise_id, team_id=team_id, org_wide=False
        )
        if installation is None or not installation.bot_token:
            return None
        bot = installation.to_bot()
        if bot.bot_refresh_token:  # the app rotates tokens: renewed when about to expire
            try:
                rotated = await self.rotator.perform_bot_token_rotation(
                    bot=bot, minutes_before_expiration=ROTATE_BEFORE
                )
            except SlackTokenRotationError as exc:
                why = reason(exc.api_error)
                log.error("renewing the token of Slack workspace %s failed: %s", bot.team_id, why)
                return None
            if rotated is not None:
                await self.installations.async_save_bot(rotated)
                return rotated
        return bot


class Installed(AsyncAuthorize):
    """bolt's authorization of a request by its workspace's installation as Spred keeps it.
    The bot's ids were given at the install (oauth.v2.access), so no request waits on
    Slack's auth.test, as bolt's own authorize makes the first request of each workspace
    in each process do; a workspace without an installation is refused by bolt."""

    def __init__(self, workspaces: Workspaces) -> None:
        self.workspaces = workspaces

    async def __call__(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        **_: Any,
    ) -> AuthorizeResult | None:
        bot = await self.workspaces.bot_in(team_id=team_id, enterprise_id=enterprise_id)
        if bot is None:
            return None
        return AuthorizeResult(
            enterprise_id=enterprise_id or bot.enterprise_id,
            team_id=team_id or bot.team_id,
            bot_user_id=bot.bot_user_id,
            bot_id=bot.bot_id,
            bot_token=bot.bot_token,
            bot_scopes=bot.bot_scopes,
            user_id=user_id,
        )
