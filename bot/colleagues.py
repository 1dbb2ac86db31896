"""Finding a solution's contact where Spred can write to them, also in another
organisation: by the user id the solution or the people directory gives (on the asker's
platform first), else by e-mail in the contact's own organisation, asked of that
organisation's platform (bot.connectors.Finder), never naming one here.

The contact's organisation is the workspace or tenant the contact names
(`slack_team_id`, `teams_tenant_id`), else each installed organisation whose name is the
solution's `organization` (folded). The organisations are read again only when the
collection changed (its version), as the people directory is, so a press of Kontakt costs a
version check, not a scan.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.organisations import Organisations
from knowledge.records import Organisation
from knowledge.solutions import Contact

if TYPE_CHECKING:
    from bot.turn import Services


@dataclass(slots=True)
class Colleagues:
    _organisations: tuple[Hashable, list[Organisation]] | None = field(default=None, repr=False)

    async def address_of(
        self,
        services: Services,
        contact: Contact,
        platforms: Iterable[str],
        *,
        organization: str = "",
    ) -> str | None:
        """Where `contact` (of a solution from `organization`) can be told, platform-
        qualified; None when nowhere, and the asker is given their e-mail instead."""
        platforms = tuple(platforms)
        listed = await services.person_for("", "", contact.email) if contact.email else None
        for platform in platforms:
            found = contact.platform_id(platform) or (listed and listed.platform_id(platform))
            if found and await services.outbox.reachable(f"{platform}:{found}"):
                return f"{platform}:{found}"
        if not contact.email:
            return None
        for org_id in await self.organisations_of(services, contact, organization):
            found = await services.outbox.find(email=contact.email, org_id=org_id)
            if found and await services.outbox.reachable(found):
                return found
        return None

    async def organisations_of(
        self, services: Services, contact: Contact, organization: str
    ) -> list[str]:
        """The organisations (ids) the contact may be found in, the ones they named first."""
        ids = list(contact.org_ids())
        if organization:
            store = services.store.organisations
            version = await store.version()
            if self._organisations is None or self._organisations[0] != version:
                self._organisations = (version, await store.all())
            for known in self._organisations[1]:
                if Organisations.names(known, organization) and known.id not in ids:
                    ids.append(known.id)
        return ids
