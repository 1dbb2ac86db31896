"""Where the distributable Slack app keeps its installations and OAuth states: in Spred's
store (every backend), through slack_sdk's own installation-store and state-store
interfaces, so bolt's OAuth flow and its per-request authorize use them as they are.

One installation per workspace (per Enterprise Grid organisation for an org-wide install),
holding only what Spred asks for: a bot token. Each request looks its workspace up, so the
look-up is cached in this process; the cache is emptied whenever the collection's version
changes, by this process or another, so an uninstall elsewhere is seen at the next request.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Hashable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from knowledge.records import OAuthState, SlackInstallation
from knowledge.store import Store

log = logging.getLogger(__name__)

STATE_EXPIRES = 600  # seconds an install started in a browser may take (bolt's default)


def workspace_key(*, enterprise_id: str | None, team_id: str | None, org_wide: bool) -> str:
    """The key an installation is kept under: the team, or the enterprise for an org-wide
    install (whose events come from many teams)."""
    return (enterprise_id if org_wide else team_id) or ""


def _stored(installation: Installation) -> dict[str, Any]:
    """slack_sdk's dict of an installation, its datetimes as ISO text (what a store keeps)."""
    raw = installation.to_dict_for_copying()
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in raw.items()}


class Installations(AsyncInstallationStore):
    def __init__(self, *, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock
        self._version: Hashable = None
        self._cache: dict[str, Installation | None] = {}

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        key = workspace_key(
            enterprise_id=installation.enterprise_id,
            team_id=installation.team_id,
            org_wide=bool(installation.is_enterprise_install),
        )
        if not key:
            raise ValueError("an installation without a team or an enterprise")
        await self.store.slack_installations.upsert(
            SlackInstallation(
                workspace=key, installation=_stored(installation), updated_at=self.clock()
            )
        )

    async def async_save_bot(self, bot: Bot) -> None:
        """A bot token rotated by bolt: the installation keeps all else it had."""
        key = workspace_key(
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            org_wide=bot.is_enterprise_install,
        )
        fresh = {
            "bot_token": bot.bot_token,
            "bot_refresh_token": bot.bot_refresh_token,
            "bot_token_expires_at": bot.bot_token_expires_at,
        }

        def rotated(current: SlackInstallation | None) -> SlackInstallation | None:
            if current is None:  # uninstalled meanwhile: the fresh token is not kept
                return None
            installation = {**current.installation, **fresh}
            return replace(current, installation=installation, updated_at=self.clock())

        await self.store.slack_installations.update(key, rotated)

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        found = await self.find(
            enterprise_id=enterprise_id, team_id=team_id, org_wide=bool(is_enterprise_install)
        )
        if found is None or (user_id is not None and found.user_id != user_id):
            return None  # Spred keeps one installation per workspace, the installer's
        return found

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        found = await self.find(
            enterprise_id=enterprise_id, team_id=team_id, org_wide=bool(is_enterprise_install)
        )
        return None if found is None or not found.bot_token else found.to_bot()

    async def find(
        self, *, enterprise_id: str | None, team_id: str | None, org_wide: bool
    ) -> Installation | None:
        """The installation serving a workspace: its own, else (in an Enterprise Grid) its
        organisation's org-wide one. A keyed read at most; usually none."""
        key = workspace_key(enterprise_id=enterprise_id, team_id=team_id, org_wide=org_wide)
        found = await self._cached(key)
        if found is None and not org_wide and enterprise_id:
            found = await self._cached(enterprise_id)
        return found

    async def _cached(self, key: str) -> Installation | None:
        if not key:
            return None
        version = await self.store.slack_installations.version()
        if version != self._version:  # changed, here or in another process
            self._cache.clear()
            self._version = version
        if key in self._cache:
            return self._cache[key]
        record = await self.store.slack_installations.get(key)
        found = None if record is None else Installation(**dict(record.installation))
        self._cache[key] = found
        return found

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """The bot's token is gone (uninstalled or revoked): the installation goes with it,
        since Spred can do nothing in that workspace without it."""
        for key in {team_id, enterprise_id} - {None, ""}:
            await self.store.slack_installations.delete(str(key))

    async def async_delete_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
    ) -> None:
        """A user's token revoked: Spred asks for none, but one kept is dropped; without a
        user, the whole installation goes."""
        if user_id is None:
            await self.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)
            return
        user_fields = ("user_token", "user_refresh_token", "user_token_expires_at", "user_scopes")

        def without_user_token(current: SlackInstallation | None) -> SlackInstallation | None:
            if current is None or current.installation.get("user_id") != user_id:
                return current
            kept = {k: v for k, v in current.installation.items() if k not in user_fields}
            return replace(current, installation=kept, updated_at=self.clock())

        for key in {team_id, enterprise_id} - {None, ""}:
            await self.store.slack_installations.update(str(key), without_user_token)


class States(AsyncOAuthStateStore):
    """OAuth states: each used once, and only within STATE_EXPIRES seconds of being given."""

    def __init__(
        self, *, store: Store, clock: Callable[[], datetime], expires: int = STATE_EXPIRES
    ) -> None:
        self.store = store
        self.clock = clock
        self.expires = timedelta(seconds=expires)

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        await self.store.oauth_states.upsert(
            OAuthState(state=state, expires_at=self.clock() + self.expires)
        )
        return state

    async def async_consume(self, state: str) -> bool:
        """Whether `state` was given here and is still fresh; it is used up either way, in
        one step no other process comes between (so a state is accepted at most once)."""
        if not isinstance(state, str) or not state or len(state) > 200:
            return False
        taken: list[OAuthState | None] = []

        def take(current: OAuthState | None) -> OAuthState | None:
            taken[:] = [current]  # the last run is the one stored, if the backend retries
            return None

        await self.store.oauth_states.update(state, take)
        found = taken[0] if taken else None
        return found is not None and self.clock() < found.expires_at

    async def prune(self) -> int:
        """Removes the states never used that have expired (a browser that opened the
        install page and left); how many. A whole-collection read: at start, never on a
        request's way."""
        now = self.clock()

        def expired(current: OAuthState | None) -> OAuthState | None:
            return None if current is not None and current.expires_at <= now else current

        gone = 0
        for state in await self.store.oauth_states.all():
            if state.expires_at <= now:
                await self.store.oauth_states.update(state.key, expired)
                gone += 1
        return gone


def installer_of(installation: Installation) -> str:
    return f"slack:{installation.user_id}" if installation.user_id else ""


def team_name(installation: Installation) -> str:
    return str(installation.team_name or installation.enterprise_name or "")


def org_of(raw: Mapping[str, Any]) -> str:
    """Spred's organisation id for a workspace: "slack:T123" ("slack:E123" when only the
    enterprise is known, as for an org-wide install)."""
    workspace = raw.get("team_id") or raw.get("enterprise_id") or ""
    return f"slack:{workspace}" if workspace else ""
