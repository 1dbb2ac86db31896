"""`spred history ID [--json] [--undo]`, and owners and confirmed days through import,
export and transfer: the real command line, as operators run it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson

from tests.conftest import solution_dict
from tests.test_cli import Workspace, assert_one_line_error, spred, write_json

OWNED = solution_dict(
    "owned",
    contacts=[
        {"name": "Mette Hansen", "email": "mette.hansen@odense.eksempel.dk"},
        {"name": "Jens Graver", "slack_id": "U0JENS"},
    ],
    owner="U0JENS",
    confirmed="2025-03-14",
)
UNDATED = solution_dict("undated", title="Fælles maskinpulje til snerydning")


def test_history_shows_who_changed_what_and_undo_goes_back(tmp_path: Path) -> None:
    ws = Workspace(cwd=tmp_path, data=tmp_path / "data")
    assert ws("import", write_json(tmp_path / "a.json", [OWNED, UNDATED])).code == 0
    exported = {s["id"]: s for s in orjson.loads(ws("export").out)}
    assert (exported["owned"]["owner"], exported["owned"]["confirmed"]) == ("U0JENS", "2025-03-14")
    today = datetime.now(UTC).date().isoformat()
    assert exported["undated"]["confirmed"] in {today, _tomorrow(today)}  # dated on import

    changed = OWNED | {"results": [OWNED["results"][0] | {"after": 2}], "title": "Ny titel"}
    assert ws("import", write_json(tmp_path / "b.json", [changed])).code == 0
    shown = ws("history", "owned")
    assert shown.code == 0, shown
    [first, second] = shown.out.split("\nv2")
    assert first.startswith("v1  ")
    assert first.endswith("(first stored)")
    assert second.split("\n")[0].endswith("import   by cli")
    assert "title: Kortere ventetid i hjemmeplejen → Ny titel" in shown.out
    assert "results[0].after: 3 → 2" in shown.out
    rows = ws("history", "owned", "--json").json_lines
    assert [(r["version"], r["action"], r["by"]) for r in rows] == [
        (1, "import", "cli"),
        (2, "import", "cli"),
    ]
    assert {"field": "results[0].after", "before": 3, "after": 2} in rows[1]["changes"]

    undone = ws("history", "owned", "--undo")
    assert undone.code == 0, undone
    assert "Restored owned" in undone.out
    [back] = [s for s in orjson.loads(ws("export").out) if s["id"] == "owned"]
    assert (back["title"], back["results"][0]["after"]) == (OWNED["title"], 3)
    assert [r["action"] for r in ws("history", "owned", "--json").json_lines][-1] == "undo"

    # the history goes with everything else to another store
    moved = spred("transfer", "--from", ws.data, "--to", tmp_path / "moved", cwd=tmp_path)
    assert moved.code == 0, moved
    there = spred("history", "owned", "--json", cwd=tmp_path, data=tmp_path / "moved")
    assert there.json_lines == ws("history", "owned", "--json").json_lines

    # an export read back keeps owner and day, and changes nothing
    (tmp_path / "export.json").write_bytes(ws("export").stdout_bytes)
    assert ws("import", tmp_path / "export.json").code == 0
    assert len(ws("history", "owned", "--json").json_lines) == 3


def test_an_export_carries_the_history_to_another_store(tmp_path: Path) -> None:
    ws = Workspace(cwd=tmp_path, data=tmp_path / "data")
    assert ws("import", write_json(tmp_path / "a.json", [OWNED, UNDATED])).code == 0
    changed = OWNED | {"title": "Ny titel"}
    assert ws("import", write_json(tmp_path / "b.json", [changed])).code == 0
    first = ws("export").stdout_bytes
    [owned] = [s for s in orjson.loads(first) if s["id"] == "owned"]
    assert [(h["number"], h["action"], h["by"]) for h in owned["history"]] == [
        (1, "import", "cli"),
        (2, "import", "cli"),
    ]
    assert owned["history"][0]["previous"] is None
    assert owned["history"][1]["previous"]["title"] == OWNED["title"]

    other = Workspace(cwd=tmp_path, data=tmp_path / "other")
    (tmp_path / "out.json").write_bytes(first)
    brought = other("import", tmp_path / "out.json")
    assert brought.code == 0, brought
    assert "Imported 3 kept changes with them" in brought.out
    mine, theirs = (w("history", "owned", "--json").json_lines for w in (ws, other))
    assert theirs == mine  # not a change of its own: the history ends as it is
    assert other("export").stdout_bytes == first
    # read back into either store, nothing is kept twice
    assert other("import", tmp_path / "out.json").code == 0
    assert ws("import", tmp_path / "out.json").code == 0
    assert other("export").stdout_bytes == first
    assert ws("export").stdout_bytes == first


def test_a_bad_history_is_named_and_nothing_is_imported(tmp_path: Path) -> None:
    ws = Workspace(cwd=tmp_path, data=tmp_path / "data")
    bad = [
        {"number": 0, "action": "edit", "by": "cli", "at": "2026-01-01T00:00:00Z"},
        {"number": 2, "action": "<script>", "at": "i går", "previous": "x", "who": "y"},
    ]
    entries = [OWNED | {"history": bad}, UNDATED | {"history": {"number": 1}}]
    run = ws("import", write_json(tmp_path / "bad.json", entries))
    assert run.code == 1
    assert run.err.splitlines()[:6] == [
        "solutions[0].history[0].number: must be a whole number from 1",
        "solutions[0].history[1].action: '<script>' is not valid: a word like edit",
        "solutions[0].history[1].at: 'i går' is not a date and time like 2026-03-01T09:00:00Z",
        "solutions[0].history[1].previous: must be the solution as it was, or null",
        "solutions[0].history[1].who: is not a field of a kept change",
        "solutions[1].history: must be a list of kept changes",
    ]
    assert orjson.loads(ws("export").out) == []


def test_history_refuses_plainly(tmp_path: Path) -> None:
    ws = Workspace(cwd=tmp_path, data=tmp_path / "data")
    assert ws("import", write_json(tmp_path / "a.json", [OWNED])).code == 0
    assert_one_line_error(ws("history", "findes-ikke"), "no solution with id 'findes-ikke'")
    assert_one_line_error(ws("history", "findes-ikke", "--undo"), "no solution with id")
    assert_one_line_error(ws("history", "owned", "--undo"), "no earlier version")
    bad = write_json(tmp_path / "bad.json", [OWNED | {"owner": "nobody@example.org"}])
    run = ws("import", bad)
    assert run.code == 1, run
    assert "solutions[0].owner: 'nobody@example.org' is none of the contacts" in run.err


def test_a_csv_sheet_gives_owner_and_confirmed_day(tmp_path: Path) -> None:
    ws = Workspace(cwd=tmp_path, data=tmp_path / "data")
    sheet = tmp_path / "kb.csv"
    sheet.write_text(
        "id;title;summary;organization;result_metric;result_before;result_after;"
        "contact_name;contact_email;contact2_name;contact2_email;owner;confirmed\n"
        "ark;Ark-løsning;Kort;Vejle Kommune;Ventetid;14;5;Kim Berg;kim@vejle.dk;"
        "Bo Lund;bo@vejle.dk;bo@vejle.dk;14-03-2026\n",
        encoding="utf-8",
    )
    run = ws("import", sheet)
    assert run.code == 0, run
    [entry] = orjson.loads(ws("export").out)
    assert (entry["owner"], entry["confirmed"]) == ("bo@vejle.dk", "2026-03-14")


def _tomorrow(day: str) -> str:  # the import may run as the day turns
    from datetime import date, timedelta

    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()
