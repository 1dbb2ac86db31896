"""Teams settings from Bot Framework's standard environment names (fixed by the contract),
and the rule that keeps an unauthenticated bot off public addresses."""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.config import ConfigError

APP_TYPES = ("MultiTenant", "SingleTenant", "UserAssignedMSI")
TENANTS_SETTING = "SPRED_TEAMS_TENANTS"
# A Microsoft Entra tenant id is a GUID; its domain name ("aarhus.onmicrosoft.com") is
# the usual mistake, and would never match an activity's tenant.
_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class TeamsConfigError(ConfigError):
    """A Teams setting is wrong or unsafe; the message says what to do."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TeamsConfig:
    app_id: str = ""
    password: str = field(default="", repr=False)  # never in a log or a traceback
    tenant_id: str = ""
    app_type: str = "MultiTenant"
    # The tenants served (lower case), from SPRED_TEAMS_TENANTS; empty: every tenant.
    tenants: frozenset[str] = frozenset()

    @property
    def anonymous(self) -> bool:
        """No app id: the Bot Framework Emulator's unauthenticated mode."""
        return not self.app_id

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> TeamsConfig | None:
        """None when Teams is switched off (SPRED_TEAMS=off); otherwise the settings, which
        may be empty (anonymous mode, for the emulator on this machine)."""
        if env.get("SPRED_TEAMS", "").strip().lower() in ("off", "0", "false", "no"):
            return None
        app_type = env.get("MICROSOFT_APP_TYPE", "").strip() or "MultiTenant"
        match = {t.lower(): t for t in APP_TYPES}.get(app_type.lower())
        if match is None:
            raise TeamsConfigError(
                f"MICROSOFT_APP_TYPE must be one of {', '.join(APP_TYPES)}, not {app_type!r}"
            )
        config = cls(
            app_id=env.get("MICROSOFT_APP_ID", "").strip(),
            password=env.get("MICROSOFT_APP_PASSWORD", "").strip(),
            tenant_id=env.get("MICROSOFT_APP_TENANT_ID", "").strip(),
            app_type=match,
            tenants=tenants_from(env.get(TENANTS_SETTING, "")),
        )
        config.check_complete()
        return config

    def check_complete(self) -> None:
        """What botbuilder would otherwise refuse with a traceback when the server starts."""
        if self.app_type == "MultiTenant":
            return
        needed = {"MICROSOFT_APP_ID": self.app_id, "MICROSOFT_APP_TENANT_ID": self.tenant_id}
        if self.app_type == "SingleTenant":
            needed["MICROSOFT_APP_PASSWORD"] = self.password  # UserAssignedMSI has none
        missing = [name for name, value in needed.items() if not value]
        if missing:
            raise TeamsConfigError(
                f"MICROSOFT_APP_TYPE={self.app_type} needs {', '.join(missing)}: set "
                f"{'them' if len(missing) > 1 else 'it'} from the Azure Bot registration "
                "(see 'Connect to Teams' in the README), or leave MICROSOFT_APP_TYPE unset "
                "for the Bot Framework Emulator on this machine"
            )

    def check_bind(self, host: str) -> None:
        """Refuses an unauthenticated bot on anything but this machine: anyone who can reach
        the port could otherwise speak as any Teams user, admins included."""
        if self.anonymous and not is_loopback(host):
            raise TeamsConfigError(
                f"refusing to serve Teams without authentication on {host}: set "
                "MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (see 'Connect to Teams' in the "
                "README), bind to 127.0.0.1 for the Bot Framework Emulator, or set "
                "SPRED_TEAMS=off if this server does not serve Teams"
            )

    def for_botbuilder(self) -> object:
        """The attribute names botbuilder's ConfigurationBotFrameworkAuthentication reads."""
        return _BotbuilderConfiguration(
            APP_ID=self.app_id or None,
            APP_PASSWORD=self.password or None,
            APP_TENANTID=self.tenant_id or None,
            APP_TYPE=self.app_type,
        )


@dataclass(frozen=True, slots=True)
class _BotbuilderConfiguration:
    APP_ID: str | None
    APP_PASSWORD: str | None = field(repr=False)
    APP_TENANTID: str | None
    APP_TYPE: str


def tenants_from(raw: str) -> frozenset[str]:
    """SPRED_TEAMS_TENANTS: tenant ids separated by commas, compared in lower case (a GUID
    is the same in either). Set but naming none is refused too: it would restrict nothing."""
    if not raw.strip():
        return frozenset()
    tenants = [t.strip() for t in raw.split(",") if t.strip()]
    if not tenants:
        raise TeamsConfigError(
            f"{TENANTS_SETTING} names no tenant: give Microsoft 365 tenant ids separated by "
            "commas, or leave it unset to serve every tenant"
        )
    for tenant in tenants:
        if not _GUID.fullmatch(tenant.lower()):
            raise TeamsConfigError(
                f"{TENANTS_SETTING}: {tenant!r} is not a tenant id: give Microsoft 365 tenant "
                "ids (GUIDs such as 72f988bf-86f1-41af-91ab-2d7cd011db47, shown in the Entra "
                "admin center under Overview), separated by commas"
            )
    return frozenset(t.lower() for t in tenants)


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
