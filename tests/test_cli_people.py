"""`spred import-people` and `spred nudges` as operators run them."""

from __future__ import annotations

from pathlib import Path

import orjson

from tests.test_cli import Workspace

PEOPLE = [
    {
        "id": "bo",
        "name": "Bo Leder",
        "email": "bo@odense.eksempel.dk",
        "organization": "Odense Kommune",
        "unit": "Hjemmeplejen Vest",
        "role": "Leder",
    },
    {
        "id": "anna",
        "name": "Anna Holm",
        "email": "anna@odense.eksempel.dk",
        "organization": "Odense Kommune",
        "unit": "Hjemmeplejen Vest",
        "role": "Sygeplejerske",
        "manager_id": "bo",
        "slack_id": "U0ANNA",
    },
]


def test_import_people_from_json_and_csv_then_list_nudges(tmp_path: Path) -> None:
    ws = Workspace(cwd=tmp_path, data=tmp_path / "data")
    (tmp_path / "people.json").write_bytes(orjson.dumps(PEOPLE))
    run = ws("import-people", tmp_path / "people.json")
    assert run.code == 0, run
    assert "Imported 2 people (2 new, 0 updated; 1 managers)" in run.out
    (tmp_path / "people.csv").write_text(
        "id;name;organization;unit;manager_id\n"
        "carl;Carl Berg;Odense Kommune;Hjemmeplejen Vest;bo\n",
        encoding="utf-8-sig",
    )
    run = ws("import-people", tmp_path / "people.csv")
    assert run.code == 0, run
    assert "1 new" in run.out
    stored = orjson.loads((tmp_path / "data" / "people.json").read_bytes())
    assert sorted(stored["people"]) == ["anna", "bo", "carl"]
    run = ws("nudges", "--json")
    assert run.code == 0, run
    assert run.out == ""
    assert "No prompts" not in run.err


def test_invalid_people_are_named_and_nothing_is_imported(tmp_path: Path) -> None:
    ws = Workspace(cwd=tmp_path, data=tmp_path / "data")
    bad = [
        {"id": "anna", "name": "Anna", "manager_id": "ghost"},
        {"id": "bo", "name": "", "email": "no-at-sign"},
        {"id": "self", "name": "Self", "manager_id": "self"},
        {"id": "two words", "name": "X"},
        "not an object",
    ]
    (tmp_path / "bad.json").write_bytes(orjson.dumps(bad))
    run = ws("import-people", tmp_path / "bad.json")
    assert run.code == 1, run
    for fragment in (
        "people[0].manager_id: 'ghost' is nobody",
        "people[1].name: is required",
        "people[1].email",
        "people[2].manager_id: is the person's own id",
        "people[3].id",
        "people[4]: must be an object",
        "5 of 5 people are invalid; nothing was imported",
    ):
        assert fragment in run.err, run
    assert (
        not (tmp_path / "data" / "people.json").exists()
        or b"anna" not in (tmp_path / "data" / "people.json").read_bytes()
    )


def test_a_misspelt_column_is_named_and_a_wrong_file_says_people(tmp_path: Path) -> None:
    ws = Workspace(cwd=tmp_path, data=tmp_path / "data")
    (tmp_path / "people.csv").write_text(
        "id;name;Manager_ID\nbo;Bo Lind;\nanna;Anna Holm;bo\n", encoding="utf-8"
    )
    run = ws("import-people", tmp_path / "people.csv")
    assert run.code == 0, run
    assert "ignored the field(s) Manager_ID; a person has email, id, manager_id" in run.err
    (tmp_path / "object.json").write_bytes(b'{"id": "bo"}')
    run = ws("import-people", tmp_path / "object.json")
    assert "holds an object; expected a JSON list of people" in run.err
