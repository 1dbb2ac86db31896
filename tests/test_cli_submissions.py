"""`spred submissions` as operators run it, on a real data directory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from knowledge.records import Submission, SubmissionState
from knowledge.store import open_store
from tests.test_cli import Workspace


async def test_submissions_lists_the_queue_with_states_and_ages_oldest_first(
    tmp_path: Path,
) -> None:
    ws = Workspace(cwd=tmp_path, data=tmp_path / "data")
    assert ws("submissions").err.strip() == "Nobody has shared a solution yet."
    now = datetime.now(UTC)
    store = await open_store(ws.data)
    try:
        await store.submissions.upsert_many(
            [
                Submission(
                    id="s2",
                    sharer="slack:UKAREN",
                    sharer_name="Karen Aarhus",
                    org_id="slack:TAAR",
                    draft={"title": "Grus i stedet for salt"},
                    created_at=now - timedelta(days=1, hours=1),
                ),
                Submission(
                    id="s1",
                    sharer="console:anna",
                    draft={"title": "Fælles maskinpulje"},
                    state=SubmissionState.PUBLISHED,
                    decided_by="console:admin",
                    solution_id="faelles-maskinpulje",
                    created_at=now - timedelta(days=9),
                ),
            ]
        )
    finally:
        await store.close()
    run = ws("submissions", "--json")
    assert run.code == 0, run
    rows = [orjson.loads(line) for line in run.out.splitlines()]
    assert [(r["id"], r["state"], r["age_days"], r["title"]) for r in rows] == [
        ("s1", "published", 9, "Fælles maskinpulje"),
        ("s2", "waiting", 1, "Grus i stedet for salt"),
    ]
    assert rows[1]["sharer"] == "slack:UKAREN"
    assert rows[1]["org_id"] == "slack:TAAR"
    assert rows[0]["decided_by"] == "console:admin"
    table = ws("submissions")
    assert table.code == 0, table
    assert table.out.splitlines() == [
        "   9d  published  Fælles maskinpulje  (console:anna) – by console:admin  [s1]",
        "   1d  waiting    Grus i stedet for salt  (Karen Aarhus, slack:TAAR)  [s2]",
    ]
