"""The organisations one Spred serves: each Slack workspace and Teams tenant that installed it
or wrote to it. Adapters tell the core what the platform verified (an installation, the
organisation of a message); nothing here trusts a payload.

An organisation is remembered the first time it is seen, so a message costs a keyed read
and no write afterwards. The one who installed Spred is the organisation's first local
admin.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from knowledge.records import Organisation, Person
from knowledge.store import Store
from knowledge.text import folded_name


def platform_of(org_id: str) -> str:
    """ "slack" for "slack:T123": the part before the first colon."""
    return org_id.partition(":")[0]


class Organisations:
    def __init__(self, *, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock

    async def get(self, org_id: str) -> Organisation | None:
        return await self.store.organisations.get(org_id) if org_id else None

    async def seen(self, org_id: str, *, name: str = "") -> Organisation | None:
        """The organisation a verified message came from, remembered if it is new; a name
        is filled in only where none was known (an admin's rename stands)."""
        if not org_id:
            return None
        known = await self.store.organisations.get(org_id)
        if known is not None and (known.name or not name):
            return known

        def first(current: Organisation | None) -> Organisation:
            if current is None:
                return Organisation(
                    id=org_id, platform=platform_of(org_id), name=name, installed_at=self.clock()
                )
            return current if current.name or not name else replace(current, name=name)

        return await self.store.organisations.update(org_id, first)

    async def installed(
        self, org_id: str, *, name: str = "", installer: str = "", first_only: bool = False
    ) -> Organisation:
        """Spred was installed in `org_id` by `installer` (platform-qualified), who becomes
        one of its local admins. Installing again keeps the admins already named.
        `first_only`: only the first installer counts (on Teams everyone who adds Spred for
        themselves installs it), decided in the one atomic update."""

        def install(current: Organisation | None) -> Organisation:
            if first_only and current is not None and current.installer:
                return current
            base = current or Organisation(id=org_id, platform=platform_of(org_id))
            admins = base.admins
            if installer and installer not in admins:
                admins = (*admins, installer)
            return replace(
                base,
                name=base.name or name,
                installed_at=self.clock(),
                installer=installer or base.installer,
                admins=admins,
            )

        stored = await self.store.organisations.update(org_id, install)
        assert stored is not None
        return stored

    async def rename(self, org_id: str, name: str) -> Organisation | None:
        """None if no such organisation is known."""

        def renamed(current: Organisation | None) -> Organisation | None:
            return None if current is None else replace(current, name=name)

        return await self.store.organisations.update(org_id, renamed)

    async def name_admin(self, org_id: str, user: str) -> Organisation | None:
        """`user` (platform-qualified) is now one of the organisation's local admins; None
        if no such organisation is known."""

        def named(current: Organisation | None) -> Organisation | None:
            if current is None or user in current.admins:
                return current
            return replace(current, admins=(*current.admins, user))

        return await self.store.organisations.update(org_id, named)

    async def remove_admin(self, org_id: str, user: str) -> Organisation | None:
        """`user` is no longer a local admin, unless they are the last: an organisation
        keeps one who can name others. What is stored now (None: no such organisation)."""

        def removed(current: Organisation | None) -> Organisation | None:
            if current is None or current.admins == (user,) or user not in current.admins:
                return current
            return replace(current, admins=tuple(a for a in current.admins if a != user))

        return await self.store.organisations.update(org_id, removed)

    async def people_of(self, organisation: Organisation) -> list[Person]:
        """Its own people directory: the entries whose `organization` is its name (`names`),
        asked of the store by that folded name; none while it has no name."""
        if not organisation.name_key:
            return []
        return await self.store.people.find(organization_key=organisation.name_key)

    async def is_local_admin(self, user: str, org_id: str) -> bool:
        organisation = await self.get(org_id)
        return organisation is not None and user in organisation.admins

    @staticmethod
    def admits(organisation: Organisation | None, organization: str) -> bool:
        """Whether a directory entry of `organization` may be someone's who writes from
        `organisation`: the directory is per organisation, but an unnamed one (or none, on
        a terminal) cannot be told apart, so there any entry counts."""
        if organisation is None or not organisation.name:
            return True
        return Organisations.names(organisation, organization)

    @staticmethod
    def names(organisation: Organisation, solution_organization: str) -> bool:
        """Whether a solution's `organization` is this organisation, case- and accent-
        folded ("Aarhus Kommune" = "aarhus kommune")."""
        return bool(organisation.name) and folded_name(organisation.name) == folded_name(
            solution_organization
        )

    @staticmethod
    def apart(organization: str, other: str) -> bool:
        """Whether two organisation names (a person's and their manager's in the people
        directory, an adoption's) are of different organisations: both given, and not the
        same folded. A name left out says nothing either way."""
        return bool(organization.strip() and other.strip()) and folded_name(
            organization
        ) != folded_name(other)
