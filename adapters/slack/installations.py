"""The distributable Slack app's installations and OAuth states, kept by the core
(bot/installations.py, in Spred's store, every backend), behind slack_sdk's own
installation-store and state-store interfaces, so bolt's OAuth flow and its per-request
authorize use them as they are.

One installation per workspace (per Enterprise Grid organisation for an org-wide install),
holding only what Spred asks for: a bot token. The look-up each request makes is cached by
the core (emptied whenever any process changes an installation).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.installations import Installations as KeptInstallations
from bot.installations import InstallStates

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
    def __init__(self, kept: KeptInstallations) -> None:
        self.kept = kept

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
        await self.kept.save(key, _stored(installation))

    async def async_save_bot(self, bot: Bot) -> None:
        """A bot token rotated by bolt: the installation keeps all else it had (and if it
        was uninstalled meanwhile, the fresh token is not kept)."""
        key = workspace_key(
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            org_wide=bot.is_enterprise_install,
        )
        expires = bot.bot_token_expires_at
        fresh = {
            "bot_token": bot.bot_token,
            "bot_refresh_token": bot.bot_refresh_token,
            "bot_token_expires_at": expires,
        }
        await self.kept.change(key, lambda current: {**current, **fresh})

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
        organisation's org-wide one. Made afresh each time (bolt changes what it is given);
        the look-up behind it is cached."""
        key = workspace_key(enterprise_id=enterprise_id, team_id=team_id, org_wide=org_wide)
        found = await self.kept.get(key)
        if found is None and not org_wide and enterprise_id:
            found = await self.kept.get(enterprise_id)
        return None if found is None else Installation(**found)

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """The bot's token is gone (uninstalled or revoked): the installation goes with it,
        since Spred can do nothing in that workspace without it."""
        for key in {team_id, enterprise_id} - {None, ""}:
            await self.kept.remove(str(key))

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

        def without_user_token(current: Mapping[str, Any]) -> Mapping[str, Any]:
            if current.get("user_id") != user_id:
                return current
            return {k: v for k, v in current.items() if k not in user_fields}

        for key in {team_id, enterprise_id} - {None, ""}:
            await self.kept.change(str(key), without_user_token)


class States(AsyncOAuthStateStore):
    """OAuth states: each used once, and only within `expires` seconds of being given."""

    def __init__(self, kept: InstallStates, *, expires: int = STATE_EXPIRES) -> None:
        self.kept = kept
        self.expires = expires

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        return await self.kept.issue(seconds=self.expires)

    async def async_consume(self, state: str) -> bool:
        return await self.kept.consume(state)


def installer_of(installation: Installation) -> str:
    return f"slack:{installation.user_id}" if installation.user_id else ""


def team_name(installation: Installation) -> str:
    return str(installation.team_name or installation.enterprise_name or "")


def org_of(raw: Mapping[str, Any]) -> str:
    """Spred's organisation id for a workspace: "slack:T123" ("slack:E123" when only the
    enterprise is known, as for an org-wide install)."""
    workspace = raw.get("team_id") or raw.get("enterprise_id") or ""
    return f"slack:{workspace}" if workspace else ""
