"""Finding a solution's contact where Spred can write to them, also in another
organisation: by the user id the solution or the people directory gives (on the asker's
platform first), else by e-mail in the contact's own organisation, asked of that
organisation's platform (bot.connectors.Finder), never naming one here.

The contact's organisation is the workspace or tenant the contact names
(`slack_team_id`, `teams_tenant_id`), else each installed organisation whose name is the
solution's `organization` (folded), asked of the store by that folded name, so a press of
Kontakt costs an indexed look-up, not a scan.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from knowledge.solutions import Contact
from knowledge.text import folded_name

if TYPE_CHECKING:
    from bot.turn import Services


@dataclass(slots=True)
class Colleagues:
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
        if folded_name(organization):
            named = await services.store.organisations.find(name_key=folded_name(organization))
            ids += [known.id for known in named if known.id not in ids]
        return ids
