"""`spred digest` as operators run it, on a real data directory (issue 17)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from knowledge.records import Adoption, Follow, Stage
from knowledge.store import open_store
from tests.test_cli import Workspace

ANNA = "slack:UANNA"
SOLUTION = "hurtig-opstart-i-hjemmeplejen"
MONDAY = "2030-01-07T09:00+01:00"  # after any moment these tests run at


async def _followed(ws: Workspace) -> None:
    assert ws("load-demo").code == 0
    followed = datetime.now(UTC)  # after the demo's solutions were published: not news
    store = await open_store(ws.data)
    try:
        await store.follows.upsert(
            Follow(id=f"{ANNA}|domain:aeldrepleje", user=ANNA, topic="domain:aeldrepleje",
                   label="ældrepleje", at=followed)
        )  # fmt: skip
        await store.adoptions.upsert(
            Adoption(id=f"{SOLUTION}:slack:UBO", solution_id=SOLUTION, user="slack:UBO",
                     organization="Vejle Kommune", stage=Stage.ADOPTED,
                     updated_at=followed + timedelta(minutes=1))
        )  # fmt: skip
    finally:
        await store.close()


async def test_dry_run_shows_who_would_get_what_and_why_not(tmp_path: Path) -> None:
    ws = Workspace(cwd=tmp_path, data=tmp_path / "data")
    assert ws("digest", "--dry-run").err.strip() == "Nobody follows a topic yet."
    await _followed(ws)
    run = ws("digest", "--dry-run", "--json", "--at", MONDAY)
    assert run.code == 0, run
    [row] = run.json_lines
    assert (row["user"], row["week"], row["send"], row["reason"]) == (
        ANNA, "2030-W02", True, None)  # fmt: skip
    [item] = row["items"]
    assert item["solution_id"] == SOLUTION
    assert item["text"].startswith("Vejle Kommune bruger nu Opstartsteam")
    assert "4,8 → 0,9" in item["text"]
    sunday = ws("digest", "--dry-run", "--at", "2030-01-06T10:00+01:00")
    assert sunday.code == 0, sunday
    assert sunday.out.splitlines()[0] == f"{ANNA} (da, ældrepleje): quiet hours"
    store = await open_store(ws.data)
    try:
        assert await store.outbox.count() == 0  # a dry run sends nothing
        assert await store.reach.count() == 0  # nor spends
    finally:
        await store.close()


async def test_send_now_sends_what_the_budget_allows_once(tmp_path: Path) -> None:
    ws = Workspace(cwd=tmp_path, data=tmp_path / "data")
    await _followed(ws)
    first = ws("digest", "--send-now")
    assert first.code == 0, first
    sent = int(first.err.split()[1])  # "Sent 1 digest(s); …", or 0 in quiet hours
    store = await open_store(ws.data)
    try:
        letters = await store.outbox.find(to=ANNA)
    finally:
        await store.close()
    assert len(letters) == sent  # what it says it sent is in the outbox, for the server
    again = ws("digest", "--send-now", "--json")
    assert again.code == 0, again
    assert again.out == ""  # nothing twice


def test_wrong_use_is_explained(tmp_path: Path) -> None:
    ws = Workspace(cwd=tmp_path, data=tmp_path / "data")
    neither = ws("digest")
    assert neither.code == 2
    assert "one of the arguments --dry-run --send-now is required" in neither.err
    backdated = ws("digest", "--send-now", "--at", MONDAY)
    assert backdated.code == 1
    assert backdated.err == "spred: --at goes with --dry-run only: what is sent goes out now\n"
    garbled = ws("digest", "--dry-run", "--at", "mandag")
    assert garbled.code == 1
    assert "--at must be a moment in ISO 8601" in garbled.err
    assert "Traceback" not in garbled.err
    for edge in ("9999-12-31T23:59", "0001-01-01T00:00"):  # no week after or before it
        off = ws("digest", "--dry-run", "--at", edge)
        assert (off.code, off.out) == (1, "")
        assert off.err == (
            f"spred: --at must be a moment in ISO 8601, e.g. 2026-12-07T09:00+01:00, not {edge!r}\n"
        )
