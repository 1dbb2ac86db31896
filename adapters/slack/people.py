"""Slack's people, for the adapter: who a user is (their profile, asked at most once an
hour per user), finding a colleague by e-mail in their own workspace, and which workspace's
token reaches a person, so letters and look-ups go out through the right installation.
These are the adapter's side of the connector's `find`, `reachable` and `deliver`."""

from __future__ import annotations

import logging
import time

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import delivery, events
from adapters.slack.connection import Connection
from adapters.slack.delivery import Poster, marker, reason
from adapters.slack.events import Person
from adapters.slack.workspaces import Workspaces, address
from bot.core import Core
from bot.messages import Notice

log = logging.getLogger(__name__)

PROFILE_FOR = 3600.0  # seconds a users.info answer is trusted
PROFILE_RETRY = 60.0  # seconds before a users.info that failed is asked again


class People:
    def __init__(
        self,
        *,
        core: Core,
        client: AsyncWebClient,
        poster: Poster,
        connection: Connection,
        workspaces: Workspaces | None,
    ) -> None:
        self.core = core
        self.client = client  # the one workspace's (unused by a distributable app)
        self.poster = poster
        self.connection = connection
        self.workspaces = workspaces  # a distributable app's installations
        self.profiles: dict[str, tuple[float, Person]] = {}  # user id → (trusted until, …)

    async def profile(
        self, user_id: str, client: AsyncWebClient | None = None, org_id: str = ""
    ) -> Person:
        """A user's name and e-mail from their profile, asked with `client` (their
        workspace's; by default the one workspace's), in the organisation `org_id`."""
        cached = self.profiles.get(user_id)
        if cached and time.monotonic() < cached[0]:
            return cached[1]
        person = Person(id=user_id)
        trusted_for = PROFILE_FOR
        try:
            info = await (client or self.client).users_info(user=user_id)
            user = info.get("user") or {}
            profile = user.get("profile") or {}
            person = Person(
                id=user_id,
                name=str(
                    profile.get("real_name") or user.get("real_name") or user.get("name") or ""
                ),
                email=str(profile.get("email") or ""),
            )
        except Exception as exc:
            log.warning("users.info for %s failed: %s", user_id, type(exc).__name__)
            trusted_for = PROFILE_RETRY  # a passing failure must not hide the name for an hour
        self.profiles.pop(user_id, None)  # re-added last: the oldest answer is forgotten first
        while len(self.profiles) >= delivery.MAX_REMEMBERED:
            del self.profiles[next(iter(self.profiles))]
        self.profiles[user_id] = (time.monotonic() + trusted_for, person)
        await self._link(person, org_id)
        return person

    async def _link(self, person: Person, org_id: str) -> None:
        """Links a directory entry (of the user's own organisation) to its Slack user by
        email, so prompts and introductions for that person reach them on Slack."""
        if person.email:
            await self.core.link_person(
                platform=events.PLATFORM, user_id=person.id, email=person.email, org_id=org_id
            )

    async def reachable(self, user: str) -> bool:
        """One workspace: a bot may write to anyone in it. Distributed: to those whose
        workspace Spred is installed in now (the others are reached by e-mail)."""
        return self.workspaces is None or await self.workspaces.poster_for(user) is not None

    async def find(self, *, email: str, org_id: str) -> str | None:
        """A colleague in the workspace `org_id` ("slack:T123") by e-mail, with
        users.lookupByEmail (scope users:read.email); None for another workspace, a bot or
        a deactivated account, or when Slack cannot be asked (logged without the address)."""
        platform, _, team = org_id.partition(":")
        if platform != events.PLATFORM:
            return None
        # An org-wide install's organisation is its Enterprise Grid ("slack:E…"): anyone in
        # any workspace of the grid is in it.
        grid, team = (team, "") if team.startswith("E") else ("", team)
        client = self.client
        if self.workspaces is not None:  # distributed: asked with that workspace's token
            poster = await self.workspaces.poster_in(
                team_id=team or None, enterprise_id=grid or None
            )
            if poster is None:
                return None
            client = poster.client
        elif self.connection.bot_user_id is None:
            return None
        try:
            found = await client.users_lookupByEmail(email=email)
        except Exception as exc:  # users_not_found among them: the asker gets the e-mail
            log.info("users.lookupByEmail in %s found no one: %s", org_id, reason(exc))
            return None
        user = found.get("user") or {}
        user_id, in_team = user.get("id"), user.get("team_id")
        if not isinstance(user_id, str) or user.get("deleted") or user.get("is_bot"):
            return None
        in_grid = (user.get("enterprise_user") or {}).get("enterprise_id")
        if team and in_team and in_team != team:  # this token's workspace is not theirs
            return None
        if grid and in_grid != grid:  # nor its grid
            return None
        if self.workspaces is not None:  # so that a letter to them finds their workspace
            place = address(team_id=in_team or team or None, enterprise_id=in_grid or None)
            await self.workspaces.remember(f"{events.PLATFORM}:{user_id}", place)
        return f"{events.PLATFORM}:{user_id}"

    async def deliver(self, notice: Notice) -> bool:
        """A letter for a Slack user, through their workspace's installation; until Slack
        has answered (one workspace), it waits in the outbox."""
        if self.workspaces is not None:
            poster = await self.workspaces.poster_for(notice.to)
            if poster is None:
                return False
        elif self.connection.bot_user_id is None:
            return False
        else:
            poster = self.poster
        user = notice.to.partition(":")[2]
        # "#C123": a channel that follows a topic (issue 17) gets its digest posted there.
        posted_in = user[1:] if user.startswith("#") else None
        mark = marker("letter", notice.letter) if notice.letter else None
        if notice.retried and mark is not None:
            channel = posted_in or await poster.dm_channel(user)
            if channel is not None and await poster.has_posted(channel, thread=None, mark=mark):
                log.info("a %s letter sent before a restart was in Slack already", notice.kind)
                return True
        if posted_in is not None:
            return await poster.post(posted_in, notice.reply, mark=mark)
        return await poster.direct(user, notice.reply, mark=mark)
