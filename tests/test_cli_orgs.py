"""`spred orgs` and `spred orgs rename` as operators run them, on a real data directory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from knowledge.records import Conversation, Organisation, Person
from knowledge.store import open_store
from tests.conftest import make_solution
from tests.test_cli import Workspace

INSTALLED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


async def _filled(data: Path) -> None:
    """Two installed workspaces and a tenant that only wrote, with solutions, people and
    conversations of each; written as `spred serve` would, through the store."""
    recently = datetime.now(UTC) - timedelta(days=2)
    long_ago = datetime.now(UTC) - timedelta(days=40)
    store = await open_store(data)
    try:
        await store.organisations.upsert_many(
            [
                Organisation(
                    id="slack:TAAR",
                    platform="slack",
                    name="Aarhus Kommune",
                    installed_at=INSTALLED,
                    installer="slack:UMETTE",
                    admins=("slack:UMETTE", "slack:UKAREN"),
                ),
                Organisation(
                    id="slack:TODE", platform="slack", name="Odense Kommune", installed_at=INSTALLED
                ),
                Organisation(id="teams:tenant-x", platform="teams", installed_at=INSTALLED),
            ]
        )
        await store.solutions.upsert_many(
            [
                make_solution("a-1", organization="Aarhus Kommune"),
                make_solution("a-2", organization="aarhus  KOMMUNE"),
                make_solution("a-retired", organization="Aarhus Kommune", retired=True),
                make_solution("o-1", organization="Odense Kommune"),
            ]
        )
        await store.people.upsert_many(
            [
                Person(id="karen", name="Karen", organization="Aarhus Kommune"),
                Person(id="bo", name="Bo", organization="Odense Kommune"),
                Person(id="anna", name="Anna", organization="Odense Kommune"),
            ]
        )
        await store.conversations.upsert_many(
            [
                # Karen in her DM and in a channel: one user
                _talk("slack:D1:UKAREN", "slack:UKAREN", "slack:TAAR", recently),
                _talk("slack:C9:UKAREN", "slack:UKAREN", "slack:TAAR", recently),
                _talk("slack:D2:UMETTE", "slack:UMETTE", "slack:TAAR", recently),
                _talk("slack:D3:UOLD", "slack:UOLD", "slack:TAAR", long_ago),  # not active
                _talk("slack:D4:UBO", "slack:UBO", "slack:TODE", recently),
                _talk("console:terminal:anna", "console:anna", "", recently),  # no workspace
            ]
        )
    finally:
        await store.close()


def _talk(key: str, user: str, org_id: str, at: datetime) -> Conversation:
    return Conversation(conversation_key=key, state="idle", updated_at=at, user=user, org_id=org_id)


async def test_orgs_lists_each_organisation_with_its_counts(tmp_path: Path) -> None:
    ws = Workspace(cwd=tmp_path, data=tmp_path / "data")
    await _filled(ws.data)
    run = ws("orgs", "--json")
    assert run.code == 0, run
    rows = [orjson.loads(line) for line in run.out.splitlines()]
    assert rows == [
        {
            "id": "slack:TAAR",
            "name": "Aarhus Kommune",
            "platform": "slack",
            "installed_at": "2026-11-02T09:00:00Z",
            "installer": "slack:UMETTE",
            "admins": ["slack:UMETTE", "slack:UKAREN"],
            "solutions": 2,
            "people": 1,
            "active_users_30d": 2,
        },
        {
            "id": "slack:TODE",
            "name": "Odense Kommune",
            "platform": "slack",
            "installed_at": "2026-11-02T09:00:00Z",
            "installer": "",
            "admins": [],
            "solutions": 1,
            "people": 2,
            "active_users_30d": 1,
        },
        {
            "id": "teams:tenant-x",
            "name": "",
            "platform": "teams",
            "installed_at": "2026-11-02T09:00:00Z",
            "installer": "",
            "admins": [],
            "solutions": 0,
            "people": 0,
            "active_users_30d": 0,
        },
    ]
    table = ws("orgs")
    assert table.code == 0, table
    lines = table.out.splitlines()
    assert lines[0].split() == [
        "ID",
        "NAME",
        "PLATFORM",
        "INSTALLED",
        "INSTALLER",
        "ADMINS",
        "SOLUTIONS",
        "PEOPLE",
        "ACTIVE",
        "30D",
    ]
    assert lines[1].split() == [
        "slack:TAAR",
        "Aarhus",
        "Kommune",
        "slack",
        "2026-11-02",
        "slack:UMETTE",
        "slack:UMETTE,",
        "slack:UKAREN",
        "2",
        "1",
        "2",
    ]
    assert lines[3].split()[:2] == ["teams:tenant-x", "–"]
    assert len(lines) == 4


async def test_orgs_rename_names_an_organisation_and_its_solutions_follow(
    tmp_path: Path,
) -> None:
    ws = Workspace(cwd=tmp_path, data=tmp_path / "data")
    await _filled(ws.data)
    run = ws("orgs", "rename", "teams:tenant-x", "  Odense   Kommune ")
    assert run.code == 0, run
    assert run.out == (
        "teams:tenant-x is now called 'Odense Kommune'. Note: slack:TODE has the same name; "
        "solutions and people of that name count for each.\n"
    )
    rows = {row["id"]: row for row in map(orjson.loads, ws("orgs", "--json").out.splitlines())}
    assert (rows["teams:tenant-x"]["name"], rows["teams:tenant-x"]["solutions"]) == (
        "Odense Kommune",
        1,
    )
    assert rows["teams:tenant-x"]["people"] == 2


async def test_orgs_refuses_an_unknown_id_or_a_bad_name_in_one_line(tmp_path: Path) -> None:
    ws = Workspace(cwd=tmp_path, data=tmp_path / "data")
    await _filled(ws.data)
    before = (ws.data / "organisations.json").read_bytes()
    unknown = ws("orgs", "rename", "slack:T404", "Nobody")
    assert (unknown.code, unknown.out) == (1, "")
    assert (
        unknown.err == "spred: no organisation with id 'slack:T404'; 'spred orgs' shows the ids\n"
    )
    for bad in ("   ", "x" * 201, "Aarhus\x1b[31m"):
        refused = ws("orgs", "rename", "slack:TAAR", bad)
        assert refused.code == 1, refused
        assert refused.err.startswith("spred: a name is 1 to 200 characters on one line")
        assert refused.err.count("\n") == 1
    usage = ws("orgs", "rename", "slack:TAAR")
    assert usage.code == 2, usage
    assert "the following arguments are required: name" in usage.err
    assert (ws.data / "organisations.json").read_bytes() == before


def test_orgs_on_an_empty_data_directory_says_so(tmp_path: Path) -> None:
    ws = Workspace(cwd=tmp_path, data=tmp_path / "data")
    run = ws("orgs")
    assert (run.code, run.out) == (0, "")
    assert run.err == "No organisation has installed or written to Spred yet.\n"
    as_json = ws("orgs", "--json")
    assert (as_json.code, as_json.out, as_json.err) == (0, "", "")
