"""`spred export` and `spred import` carry local results (knowledge/evidence.py): with their
solution, one per place, checked by the rules of a solution's results; files without them
load as before."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson

from knowledge.records import Adoption, Stage
from knowledge.solutions import Result
from knowledge.store import open_store
from tests.conftest import solution_dict
from tests.test_cli import Workspace, write_json

VEJLE = {
    "organization": "Vejle Kommune",
    "unit": "Hjemmeplejen",
    "stage": "adopted",
    "measured_at": "2026-03-01T09:00:00Z",
    "result": {"metric": "Ventetid på visitation", "before": 14, "after": 5, "unit": "dage",
               "period": "2026", "source": ""},
}  # fmt: skip


async def _adoptions(data: Path) -> list[Adoption]:
    store = await open_store(data)
    try:
        return await store.adoptions.all()
    finally:
        await store.close()


async def test_local_results_go_out_and_come_back_once(tmp_path: Path) -> None:
    ws = Workspace(cwd=tmp_path, data=tmp_path / "data")
    # measured in the chat: an adoption with its reporter, whose id the export leaves out
    store = await open_store(ws.data)
    await store.adoptions.upsert(
        Adoption(id="kortere-ventetid:slack:U1", solution_id="kortere-ventetid", user="slack:U1",
                 user_name="Anna", organization="Horsens Kommune", stage=Stage.PILOTING,
                 local_result=Result(metric="Ventetid på visitation", before=9, after=4.5,
                                     unit="dage").to_dict(),
                 measured_at=datetime(2026, 5, 1, tzinfo=UTC))
    )  # fmt: skip
    await store.close()
    entries = [solution_dict(local_results=[VEJLE]), solution_dict("uden-tal")]
    run = ws("import", write_json(tmp_path / "in.json", entries))
    assert run.code == 0, run
    assert run.out.endswith("Imported 1 local results with them.\n"), run
    first = ws("export").stdout_bytes
    exported = {e["id"]: e for e in orjson.loads(first)}
    assert "local_results" not in exported["uden-tal"]  # nothing measured: as before
    places = exported["kortere-ventetid"]["local_results"]
    assert [p["organization"] for p in places] == ["Vejle Kommune", "Horsens Kommune"]
    assert places[0] == VEJLE
    assert places[1]["result"]["after"] == 4.5
    assert "slack:U1" not in first.decode()
    assert "Anna" not in first.decode()

    other = Workspace(cwd=tmp_path, data=tmp_path / "other")
    (tmp_path / "out.json").write_bytes(first)
    assert other("import", tmp_path / "out.json").code == 0
    assert other("export").stdout_bytes == first
    # importing it again, into either store, adds no place twice
    assert other("import", tmp_path / "out.json").code == 0
    assert ws("import", tmp_path / "out.json").code == 0
    assert ws("export").stdout_bytes == first
    assert len(await _adoptions(other.data)) == 2
    mine = await _adoptions(ws.data)
    assert len(mine) == 2
    horsens = next(a for a in mine if a.organization == "Horsens Kommune")
    assert (horsens.user, horsens.stage) == ("slack:U1", Stage.PILOTING)  # the same adoption


def test_bad_local_results_are_named_and_nothing_is_imported(tmp_path: Path) -> None:
    ws = Workspace(cwd=tmp_path, data=tmp_path / "data")
    bad = [
        VEJLE | {"result": VEJLE["result"] | {"before": "14 dage"}},
        VEJLE | {"result": VEJLE["result"] | {"after": None}},
        VEJLE | {"organization": "", "stage": "interested", "measured_at": "i går", "x": 1},
    ]
    entries = [solution_dict(local_results=bad), solution_dict("anden", local_results="mange")]
    run = ws("import", write_json(tmp_path / "in.json", entries))
    assert run.code != 0, run
    assert "Traceback" not in run.err
    for fragment in (
        "solutions[0].local_results[0].result.before: must be a number, not text ('14 dage')",
        "solutions[0].local_results[1].result: needs both before and after",
        "solutions[0].local_results[2].organization: is required",
        "solutions[0].local_results[2].stage: must be one of piloting, adopted",
        "solutions[0].local_results[2].measured_at: 'i går' is not a date and time",
        "solutions[0].local_results[2].x: is not a field of a local result",
        "solutions[1].local_results: must be a list of local results",
        "2 of 2 entries are invalid; nothing was imported",
    ):
        assert fragment in run.err, run
    assert ws("export").stdout_bytes == b"[]\n"
