"""The server's periodic jobs, run once a period across every instance on one store.

Several `spred serve` processes on one database each run the same background rounds. What
must happen per delivery (letters, prompts) is made safe by claims (bot/outbox.py,
bot/nudges.py); what is periodic housekeeping (the retention sweep, the prunes) needs one
instance to do it each period, not all of them. Each job has one record in the store's
`jobs` collection saying when it last started and by which start; starting is one
`Collection.update` that writes a new start only if the last is a period old, so of
several instances asking at once exactly one finds its own start stored and runs the job.

A job that started and then died with its process is not run again until its period is
over: these jobs are idempotent clean-ups that the next period finishes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from knowledge.records import JobRun, new_id
from knowledge.store import Store


class Schedule:
    def __init__(self, *, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock

    async def due(self, job: str, *, every: timedelta) -> bool:
        """True if this call starts `job`: none started it within `every`, in this process
        or another. Of several asking at once, exactly one gets True."""
        now = self.clock()
        token = new_id()

        def start(last: JobRun | None) -> JobRun:
            # A start in the future (another machine's clock ahead) counts as recent.
            if last is not None and now - last.started_at < every:
                return last
            return JobRun(job=job, started_at=now, by=token)

        stored = await self.store.jobs.update(job, start)
        return stored is not None and stored.by == token
