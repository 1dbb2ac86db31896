"""Which Teams tenants this Spred serves. With SPRED_TEAMS_TENANTS set, an activity from any
other tenant, or from none, is turned away before anything of it is processed or stored
(adapter.SpredBot.on_turn), and the log says so once for each such tenant, not once for each
message its people send."""

from __future__ import annotations

import logging
from collections import OrderedDict

log = logging.getLogger(__name__)

TOLD = 1024  # tenants whose refusal was logged; beyond it the oldest may be logged again


class Gate:
    def __init__(self, tenants: frozenset[str]) -> None:
        self.tenants = tenants  # empty: every tenant
        # Only which refusals were logged, per process (several servers each log once):
        # nothing that decides what is served is kept here.
        self._told: OrderedDict[str, None] = OrderedDict()

    def admits(self, tenant: str) -> bool:
        """Whether an activity from `tenant` ("" for none) is served."""
        if not self.tenants or tenant in self.tenants:
            return True
        if tenant not in self._told:
            self._told[tenant] = None
            if len(self._told) > TOLD:
                self._told.popitem(last=False)
            log.warning(
                "turning away Teams activities from %s: SPRED_TEAMS_TENANTS does not list it "
                "(logged once; its people are told this Spred is not set up for them)",
                f"tenant {tenant}" if tenant else "no tenant",
            )
        return False
