"""Who may do what, written once. `SPRED_ADMINS` are global admins: every organisation's
solutions, people, demand and prompts. An organisation's local admins
(`Organisation.admins`, the installer first) are admins of that organisation alone, and only
in messages its platform verified came from it: the same user writing from another
workspace or tenant, or from the terminal, is nobody's admin there.

What is an organisation's own: a solution or a directory entry whose `organization` is the
organisation's name, folded (`Organisations.names`); a question, a verdict or a
conversation made in a message from it (the record keeps the message's `org_id`). An
organisation without a name yet owns no solutions and no people.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.organisations import Organisations
from knowledge.records import Organisation


@dataclass(frozen=True, slots=True, kw_only=True)
class Role:
    user: str  # platform-qualified, as the platform verified it
    global_admin: bool
    organisation: Organisation | None  # the one the message came from, if a platform said

    @property
    def local_admin(self) -> bool:
        """A local admin of the organisation the message came from (a global admin counts
        as global, even when also named locally)."""
        return (
            not self.global_admin
            and self.organisation is not None
            and self.user in self.organisation.admins
        )

    @property
    def admin(self) -> bool:
        return self.global_admin or self.local_admin

    @property
    def own_name(self) -> str:
        """The name a local admin's new solutions get; "" for everyone else."""
        return self.organisation.name if self.local_admin and self.organisation else ""

    def owns(self, organization: str) -> bool:
        """Whether a solution's or a person's `organization` is within this admin's reach."""
        if self.global_admin:
            return True
        return (
            self.local_admin
            and self.organisation is not None
            and Organisations.names(self.organisation, organization)
        )

    def placed(self, organization: str) -> str | None:
        """The organisation an entry an admin brings in (a person pasted in an import) is
        kept under, or None when it is out of their reach: a local admin's entry without
        one is their own organisation's, one naming another organisation is refused; a
        global admin's stays as given; anyone else places nothing."""
        if self.global_admin:
            return organization
        if not self.local_admin:
            return None
        if not organization.strip():
            return self.own_name
        return organization if self.owns(organization) else None

    def sees(self, org_id: str) -> bool:
        """Whether this admin may see a record made in a message from `org_id` (a question,
        a verdict): global admins all, local admins their own organisation's."""
        if self.global_admin:
            return True
        return self.local_admin and self.organisation is not None and org_id == self.organisation.id
