"""The real command line (`python -m bot`), run as a subprocess the way operators run it.

Each start-up costs about half a second, so a test runs several commands and checks each.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest

from knowledge.solutions import parse_solutions
from knowledge.transfer import export_bytes
from tests.conftest import solution_dict


def sparse(slug: str, **fields: Any) -> dict[str, Any]:
    """A valid entry with only what the test names: optional text and lists left empty."""
    empty = {"problem": "", "description": "", "unit": "", "tags": [], "domains": [],
             "professions": [], "sponsors": []}  # fmt: skip
    return solution_dict(slug, **(empty | fields))


KB_ENTRIES: list[dict[str, Any]] = [
    sparse(
        "kortere-ventetid-hjemmepleje",
        title="Kortere ventetid i hjemmeplejen",
        summary="Visitation samme dag som henvendelsen.",
        organization="Aarhus Kommune",
        results=[{"metric": "Ventetid på visitation", "before": 14, "after": 3.5, "unit": "dage"}],
        contacts=[{"name": "Mette Hansen", "email": "mette.hansen@aarhus.dk", "role": "Leder"}],
        tags=["hjemmepleje", "visitation"],
    ),
    sparse(
        "digital-medicinhaandtering",
        title="Digital medicinhåndtering i hjemmeplejen",
        summary="Medicinlister på tablet i stedet for papir.",
        organization="Odense Kommune",
        results=[{"metric": "Medicinfejl", "before": 40, "after": 12, "unit": "pr. måned"}],
        contacts=[{"name": "Søren Østergaard", "slack_id": "U0123ABC"}],
        tags=["hjemmepleje", "medicin"],
        status="pilot",
    ),
    sparse(
        "hverdagsrehabilitering",
        title="Hverdagsrehabilitering i hjemmeplejen",
        summary="Træning i borgerens eget hjem.",
        organization="Vejle Kommune",
        results=[{"metric": "Borgere uden hjælp efter 12 uger", "after": 45, "unit": "procent"}],
        contacts=[{"name": "Åse Jørgensen", "teams_id": "29:abc-def"}],
        tags=["hjemmepleje", "rehabilitering"],
        status="scaled",
    ),
    sparse(
        "faerre-sygedage-paedagoger",
        title="Færre sygedage blandt pædagoger",
        summary="Fast sparring og fleksible vagtplaner i daginstitutioner.",
        organization="Københavns Kommune",
        results=[{"metric": "Sygedage pr. medarbejder", "before": 14.5, "after": 9}],
        contacts=[{"name": "Lars Nielsen", "email": "lars@kk.dk"}],
        domains=["dagtilbud"],
        professions=["pædagog"],
        x_kilde={"rapport": "KL 2024", "sider": [3, 4]},
    ),
    sparse(
        "papirloes-journal",
        title="Papirløs journal i hjemmeplejen",
        summary="Journalen på telefonen.",
        organization="Vejle Kommune",
        results=[{"metric": "Dokumentationstid", "before": 60, "after": 40, "unit": "minutter"}],
        contacts=[{"name": "Kim Berg", "email": "kim@vejle.dk"}],
        tags=["hjemmepleje"],
        retired=True,
    ),
]
KB_IDS = sorted(e["id"] for e in KB_ENTRIES)
NO_MATCH = "No solution in the knowledge base answers this well enough."


@dataclass(frozen=True, repr=False)
class Run:
    args: tuple[str, ...]
    code: int
    stdout_bytes: bytes
    err: str
    seconds: float

    @property
    def out(self) -> str:
        return self.stdout_bytes.decode()

    @property
    def json_lines(self) -> list[Any]:
        return [orjson.loads(line) for line in self.out.splitlines()]

    def __repr__(self) -> str:  # shown when an assertion fails
        return f"spred {' '.join(self.args)} -> {self.code}\n{self.out}\n{self.err}"


def base_env(**extra: str) -> dict[str, str]:
    """The caller's environment without any Spred setting, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPRED_")}
    env.update(extra)
    return env


def spred(
    *args: str | Path | bytes,
    cwd: Path,
    data: Path | None = None,
    env: dict[str, str] | None = None,
) -> Run:
    argv: list[str | bytes] = [a if isinstance(a, bytes) else str(a) for a in args]
    if data is not None:
        argv += ["--data", str(data)]
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bot", *argv],
        cwd=cwd,
        env=env if env is not None else base_env(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    shown = tuple(a.decode(errors="replace") if isinstance(a, bytes) else a for a in argv)
    return Run(
        shown,
        done.returncode,
        done.stdout,
        done.stderr.decode(errors="replace"),
        time.monotonic() - start,
    )


def assert_one_line_error(run: Run, *fragments: str, code: int = 1) -> None:
    assert run.code == code, run
    assert "Traceback" not in run.err, run
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run
    assert lines[0].startswith("spred: "), run
    for fragment in fragments:
        assert fragment in lines[0], run


def write_json(path: Path, value: object) -> Path:
    path.write_bytes(orjson.dumps(value))
    return path


@dataclass(frozen=True)
class Workspace:
    """A working directory with a data directory inside it."""

    cwd: Path
    data: Path

    def __call__(self, *args: str | Path | bytes, env: dict[str, str] | None = None) -> Run:
        return spred(*args, cwd=self.cwd, data=self.data, env=env)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return Workspace(cwd=tmp_path, data=tmp_path / "data")


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """A data directory holding KB_ENTRIES; the tests using it only read."""
    root = tmp_path_factory.mktemp("kb")
    workspace = Workspace(cwd=root, data=root / "data")
    run = workspace("import", write_json(root / "kb.json", KB_ENTRIES))
    assert run.code == 0, run
    store_file = workspace.data / "solutions.json"
    before = store_file.read_bytes()
    yield workspace
    assert store_file.read_bytes() == before  # nothing here wrote to it


# --- import ----------------------------------------------------------------------------------


def test_import_valid_file(ws: Workspace) -> None:
    source = write_json(ws.cwd / "kb.json", KB_ENTRIES)
    first = ws("import", source)
    assert first.code == 0, first
    assert first.out == f"Imported 5 solutions (5 new, 0 updated) into {ws.data}.\n"
    assert "Traceback" not in first.err
    # Upsert by id: importing again updates, and a changed entry replaces the old one.
    changed = [*KB_ENTRIES[:4], {**KB_ENTRIES[4], "title": "Papirløs journal, version 2"}]
    again = ws("import", write_json(ws.cwd / "v2.json", [*changed, solution_dict("helt-ny")]))
    assert again.code == 0, again
    assert again.out == f"Imported 6 solutions (1 new, 5 updated) into {ws.data}.\n"
    entries = orjson.loads(ws("export").stdout_bytes)
    assert [e["id"] for e in entries] == sorted([*KB_IDS, "helt-ny"])
    assert {e["id"]: e["title"] for e in entries}["papirloes-journal"] == (
        "Papirløs journal, version 2"
    )


def test_import_invalid_entries_imports_nothing(ws: Workspace) -> None:
    entries = [
        solution_dict("gyldig"),
        solution_dict("Ugyldigt Id", title=""),
        solution_dict("anden-gyldig", results=[{"metric": "Ventetid", "before": "12"}]),
        solution_dict("tredje", contacts=[{"name": "Mette"}]),
    ]
    run = ws("import", write_json(ws.cwd / "bad.json", entries))
    assert run.code == 1, run
    assert run.out == ""
    assert "Traceback" not in run.err
    assert run.err.splitlines() == [
        "solutions[1].id: 'Ugyldigt Id' is not valid: use lowercase a-z, 0-9 and single "
        "hyphens, e.g. 'kortere-ventetid'",
        "solutions[1].title: is required",
        "solutions[2].results[0].before: must be a number, not text ('12')",
        "solutions[3].contacts[0].email: is required (or a slack_id or teams_id) so colleagues "
        "can reach them",
        "spred: 3 of 4 entries are invalid; nothing was imported. Fix them, or use "
        "--skip-invalid to import the 1 valid ones.",
    ]
    export = ws("export")
    assert export.code == 0, export
    assert export.out == "[]\n"


def test_import_skip_invalid(ws: Workspace) -> None:
    entries = [
        solution_dict("gyldig"),
        solution_dict("ugyldig", summary=""),
        solution_dict("ogsaa-gyldig"),
        solution_dict("gyldig", title="Dublet"),
    ]
    run = ws("import", write_json(ws.cwd / "mixed.json", entries), "--skip-invalid")
    assert run.code == 1, run
    assert run.out == f"Imported 2 solutions (2 new, 0 updated) into {ws.data}.\n"
    assert "Traceback" not in run.err
    assert run.err.splitlines() == [
        "solutions[1].summary: is required",
        "solutions[3].id: 'gyldig' is used again; first used by solutions[0]",
        "spred: skipped 2 invalid entries (listed above).",
    ]
    entries_after = orjson.loads(ws("export").stdout_bytes)
    assert [(e["id"], e["title"]) for e in entries_after] == [
        ("gyldig", "Kortere ventetid i hjemmeplejen"),
        ("ogsaa-gyldig", "Kortere ventetid i hjemmeplejen"),
    ]


def test_import_wrong_types(ws: Workspace) -> None:
    entry = solution_dict(
        "typer",
        title=42,
        results="14 → 3",
        contacts=[{"name": "Mette", "email": "mette"}],
        tags="ventetid",
        language="fr",
    )
    run = ws("import", write_json(ws.cwd / "types.json", [entry, "ikke et objekt"]))
    assert run.code == 1, run
    assert "Traceback" not in run.err
    assert run.err.splitlines()[:-1] == [
        "solutions[0].title: must be text, not a number",
        "solutions[0].results: must be a list, not text",
        "solutions[0].contacts[0].email: 'mette' is not valid: expected an address like "
        "navn@kommune.dk",
        "solutions[0].tags: must be a list of text, not text",
        "solutions[0].language: must be one of da, en, not 'fr'",
        "solutions[1]: must be an object, not text",
    ]
    assert run.err.splitlines()[-1].startswith("spred: 2 of 2 entries are invalid")


def test_import_refuses_a_field_nested_too_deep_to_store(ws: Workspace) -> None:
    # 300 levels: more than the store's JSON writer takes, less than the reader refuses.
    deep = orjson.dumps(solution_dict("dyb")).replace(
        b'"id":', b'"x_noter":' + b"[" * 300 + b"]" * 300 + b',"id":', 1
    )
    source = ws.cwd / "dyb.json"
    source.write_bytes(b"[" + orjson.dumps(solution_dict("flad")) + b"," + deep + b"]")
    refused = ws("import", source)
    assert refused.code == 1, refused
    assert refused.err.splitlines()[0] == (
        "solutions[1].x_noter: has lists or objects nested more than 64 levels deep; Spred "
        "keeps fields it does not know only up to 64 levels"
    )
    assert not (ws.data / "solutions.json").exists()
    skipped = ws("import", source, "--skip-invalid")
    assert skipped.code == 1, skipped
    assert skipped.out == f"Imported 1 solutions (1 new, 0 updated) into {ws.data}.\n"
    assert [e["id"] for e in orjson.loads(ws("export").stdout_bytes)] == ["flad"]


def test_import_duplicate_ids_imports_nothing(ws: Workspace) -> None:
    entries = [solution_dict("a"), solution_dict("b"), solution_dict("a", title="Igen")]
    run = ws("import", write_json(ws.cwd / "dup.json", entries))
    assert run.code == 1, run
    assert run.err.splitlines() == [
        "solutions[2].id: 'a' is used again; first used by solutions[0]",
        "spred: 1 of 3 entries are invalid; nothing was imported. Fix them, or use "
        "--skip-invalid to import the 2 valid ones.",
    ]
    assert not (ws.data / "solutions.json").exists()


@pytest.mark.slow
def test_export_of_25000_solutions_imports_back_byte_identical(ws: Workspace) -> None:
    # Over 40 MB, the size an import was once refused at, though `spred export` wrote it.
    words = ["hjemmepleje", "ventetid", "visitation", "borgere", "trivsel", "træning", "sygefravær"]
    entries = [
        solution_dict(
            f"loesning-{i}",
            title=f"Løsning nummer {i}",
            description=" ".join(words[(i * 7 + j) % len(words)] for j in range(130)),
            x_kilde={"rapport": f"Rapport {i % 97}", "sider": [i % 5, i % 11]},
            confirmed="2026-03-14",  # as every export since Spred kept the day has one
        )
        for i in range(25_000)
    ]
    batch = parse_solutions(entries)
    assert batch.errors == []
    backup = ws.cwd / "backup.json"
    backup.write_bytes(export_bytes(batch.solutions))
    assert backup.stat().st_size > 40 * 1024 * 1024
    restored = ws("import", backup)
    assert restored.code == 0, restored
    assert restored.out == f"Imported 25000 solutions (25000 new, 0 updated) into {ws.data}.\n"
    again = ws.cwd / "again.json"
    assert ws("export", "-o", again).code == 0
    # the same bytes, but for the history each solution now has: one change, this import
    exported = orjson.loads(again.read_bytes())
    assert {tuple((h["number"], h["action"]) for h in e.pop("history")) for e in exported} == {
        ((1, "import"),)
    }
    assert orjson.dumps(exported, option=orjson.OPT_INDENT_2) + b"\n" == backup.read_bytes()


def test_import_csv(ws: Workspace) -> None:
    sheet = ws.cwd / "loesninger.csv"
    sheet.write_bytes(
        b"\xef\xbb\xbf"
        + "\r\n".join(
            [
                "id;title;summary;organization;tags;result_metric;result_before;result_after;"
                "result_unit;contact_name;contact_email;result2_metric;result2_after;x_kilde",
                'faerre-fald;Færre faldulykker;Træning og sensorer;Aalborg Kommune;"fald;ældre";'
                "Faldulykker;1.234,5;987,25;pr. år;Åse Ørum;aase@aalborg.dk;Tilfredshed;4,5;KL",
                "",
            ]
        ).encode()
    )
    run = ws("import", sheet)
    assert run.code == 0, run
    assert run.out == f"Imported 1 solutions (1 new, 0 updated) into {ws.data}.\n"
    [shown] = ws("show", "faerre-fald", "--json").json_lines
    assert shown["title"] == "Færre faldulykker"
    assert shown["tags"] == ["fald", "ældre"]
    assert shown["results"] == [
        {
            "metric": "Faldulykker",
            "before": 1234.5,
            "after": 987.25,
            "unit": "pr. år",
            "period": "",
            "source": "",
        },
        {
            "metric": "Tilfredshed",
            "before": None,
            "after": 4.5,
            "unit": "",
            "period": "",
            "source": "",
        },
    ]
    assert shown["contacts"] == [{"name": "Åse Ørum", "email": "aase@aalborg.dk", "role": ""}]
    assert shown["x_kilde"] == "KL"


# --- export ----------------------------------------------------------------------------------


def test_export_import_export_is_byte_identical(ws: Workspace) -> None:
    assert ws("import", write_json(ws.cwd / "kb.json", KB_ENTRIES)).code == 0
    first_file = ws.cwd / "first.json"
    exported = ws("export", "-o", first_file)
    assert exported.code == 0, exported
    assert exported.out == ""
    assert exported.err == f"Exported to {first_file}.\n"
    first = first_file.read_bytes()
    entries = orjson.loads(first)
    assert [e["id"] for e in entries] == KB_IDS
    by_id = {e["id"]: e for e in entries}
    assert by_id["papirloes-journal"]["retired"] is True
    assert by_id["faerre-sygedage-paedagoger"]["x_kilde"] == {"rapport": "KL 2024", "sider": [3, 4]}
    assert by_id["faerre-sygedage-paedagoger"]["results"][0]["before"] == 14.5

    other = Workspace(cwd=ws.cwd, data=ws.cwd / "andet")
    imported = other("import", first_file)
    assert imported.code == 0, imported
    second_file = ws.cwd / "second.json"
    assert other("export", "-o", second_file).code == 0
    assert second_file.read_bytes() == first
    to_stdout = other("export")
    assert to_stdout.code == 0, to_stdout
    assert to_stdout.stdout_bytes == first
    # Re-importing the export into its own store changes nothing.
    again = ws("import", first_file)
    assert again.out == f"Imported 5 solutions (0 new, 5 updated) into {ws.data}.\n"
    assert ws("export").stdout_bytes == first


def test_an_exported_file_is_shareable_while_the_store_stays_private(ws: Workspace) -> None:
    assert ws("import", write_json(ws.cwd / "kb.json", KB_ENTRIES)).code == 0
    exported = ws.cwd / "til-kollegaer.json"
    assert ws("export", "-o", exported).code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert exported.stat().st_mode & 0o777 == 0o644 & ~umask
    assert (ws.data / "solutions.json").stat().st_mode & 0o777 == 0o600 & ~umask


def test_export_of_an_empty_store(ws: Workspace) -> None:
    run = ws("export")
    assert (run.code, run.out) == (0, "[]\n")


def test_failed_export_leaves_no_temporary_file(ws: Workspace) -> None:
    target = ws.cwd / "eksport"
    target.mkdir()
    run = ws("export", "-o", target)
    assert_one_line_error(run, f"cannot write {target}")
    assert sorted(p.name for p in ws.cwd.iterdir()) == ["data", "eksport"]


# --- ask -------------------------------------------------------------------------------------


def test_ask_human(kb: Workspace) -> None:
    run = kb("ask", "Hvordan får vi kortere ventetid i hjemmeplejen?")
    assert run.code == 0, run
    lines = run.out.splitlines()
    assert lines[0].startswith("1. Kortere ventetid i hjemmeplejen — Aarhus Kommune (score ")
    assert lines[1] == "   Ventetid på visitation: 14 → 3,5 dage"
    assert lines[2].startswith("   id: kortere-ventetid-hjemmepleje; matched: ")
    assert "Traceback" not in run.err
    none = kb("ask", "kvantefysik", "på", "månen")  # several words make one question
    assert (none.code, none.out) == (0, NO_MATCH + "\n")
    near = kb("ask", "kortere ventetid i hjemmeplejen på ladestandere")
    assert near.out.splitlines()[2].endswith("; not mentioned: ladestandere")


def test_ask_json(kb: Workspace) -> None:
    run = kb("ask", "sygedage blandt paedagoger", "--json")
    assert run.code == 0, run
    [line] = run.json_lines
    assert set(line) == {"q", "matches"}
    assert line["q"] == "sygedage blandt paedagoger"
    [match] = line["matches"]
    assert set(match) == {"id", "title", "score"}
    assert match["id"] == "faerre-sygedage-paedagoger"
    assert match["title"] == "Færre sygedage blandt pædagoger"
    assert isinstance(match["score"], float)
    assert 0 < match["score"] <= 1


def test_ask_batch_json(kb: Workspace) -> None:
    questions = [
        "kortere ventetid hjemmepleje",
        "",
        "hjemmeplejen",
        "kvantefysik på månen",
        "Færre sygedage blandt pædagoger",
        "   ",
        "papirløs journal",  # retired: never an answer
    ]
    batch = kb.cwd / "spoergsmaal.txt"
    batch.write_text("\n".join(questions) + "\n", encoding="utf-8")
    run = kb("ask", "--batch", batch, "--json")
    assert run.code == 0, run
    assert run.err == ""
    lines = run.json_lines
    assert [line["q"] for line in lines] == questions
    for line in lines:
        assert set(line) == {"q", "matches"}
        scores = [m["score"] for m in line["matches"]]
        assert scores == sorted(scores, reverse=True)
        for match in line["matches"]:
            assert set(match) == {"id", "title", "score"}
    matches = [[m["id"] for m in line["matches"]] for line in lines]
    assert matches[0][0] == "kortere-ventetid-hjemmepleje"
    assert matches[1] == []
    assert sorted(matches[2]) == [
        "digital-medicinhaandtering",
        "hverdagsrehabilitering",
        "kortere-ventetid-hjemmepleje",
    ]
    assert matches[3] == []
    assert matches[4] == ["faerre-sygedage-paedagoger"]
    assert matches[5] == []
    assert matches[6] == []


def test_ask_batch_from_a_windows_file(kb: Workspace) -> None:
    batch = kb.cwd / "windows.txt"
    batch.write_bytes(b"\xef\xbb\xbf" + "hjemmeplejen\r\n\r\nsygedage pædagoger\r\n".encode())
    run = kb("ask", "--batch", batch, "--json", "--top", "1")
    assert run.code == 0, run
    lines = run.json_lines
    assert [line["q"] for line in lines] == ["hjemmeplejen", "", "sygedage pædagoger"]
    assert [len(line["matches"]) for line in lines] == [1, 0, 1]


def test_ask_batch_human(kb: Workspace) -> None:
    batch = kb.cwd / "to.txt"
    batch.write_text("sygedage pædagoger\nkvantefysik\n", encoding="utf-8")
    run = kb("ask", "--batch", batch)
    assert run.code == 0, run
    lines = run.out.splitlines()
    assert lines[0] == "? sygedage pædagoger"
    assert lines[1].startswith("1. Færre sygedage blandt pædagoger — Københavns Kommune")
    assert lines[-2:] == ["? kvantefysik", NO_MATCH]


def test_ask_batch_one_output_line_per_input_line(kb: Workspace) -> None:
    questions = ["hjemmeplejen", "ventetid\u2028hjemmepleje", "sygedage\x0cpædagoger"]
    batch = kb.cwd / "separatorer.txt"
    batch.write_text("\n".join(questions) + "\n", encoding="utf-8")
    run = kb("ask", "--batch", batch, "--json")
    assert run.code == 0, run
    assert len(run.json_lines) == len(questions)


def test_ask_top(kb: Workspace) -> None:
    default = kb("ask", "hjemmeplejen", "--json")
    one = kb("ask", "hjemmeplejen", "--json", "--top", "1")
    two = kb("ask", "--top", "2", "--json", "hjemmeplejen")
    assert [len(r.json_lines[0]["matches"]) for r in (default, one, two)] == [3, 1, 2]
    three = default.json_lines[0]["matches"]
    assert one.json_lines[0]["matches"] == three[:1]
    assert two.json_lines[0]["matches"] == three[:2]
    human = kb("ask", "hjemmeplejen", "--top", "2")
    assert [line[:3] for line in human.out.splitlines() if not line.startswith(" ")] == [
        "1. ",
        "2. ",
    ]


def test_ask_json_with_a_latin1_question(kb: Workspace) -> None:
    run = kb("ask", "\u00e6ldrepleje".encode("latin-1"), "--json")
    assert "Traceback" not in run.err, run
    assert run.code in (0, 1), run


# --- list, show ------------------------------------------------------------------------------


def test_list_and_show(kb: Workspace) -> None:
    listed = kb("list")
    assert listed.code == 0, listed
    rows = listed.out.splitlines()
    assert [row.split()[0] for row in rows] == KB_IDS
    retired = next(row for row in rows if row.startswith("papirloes-journal"))
    assert retired.endswith("Papirløs journal i hjemmeplejen [retired]")
    assert "[retired]" not in "".join(r for r in rows if r is not retired)

    as_json = kb("list", "--json")
    assert [e["id"] for e in as_json.json_lines] == KB_IDS

    shown = kb("show", "kortere-ventetid-hjemmepleje")
    assert shown.code == 0, shown
    text = shown.out
    assert text.startswith("Kortere ventetid i hjemmeplejen\n===============================\n")
    assert "Aarhus Kommune · proven" in text
    assert "  Ventetid på visitation: 14 → 3,5 dage" in text
    assert "  Mette Hansen, Leder, mette.hansen@aarhus.dk" in text
    assert text.rstrip().endswith("id: kortere-ventetid-hjemmepleje")

    [shown_json] = kb("show", "faerre-sygedage-paedagoger", "--json").json_lines
    [exported] = [e for e in as_json.json_lines if e["id"] == "faerre-sygedage-paedagoger"]
    assert shown_json == exported
    assert shown_json["x_kilde"] == {"rapport": "KL 2024", "sider": [3, 4]}

    unknown = kb("show", "findes-ikke")
    assert_one_line_error(unknown, "no solution with id 'findes-ikke'", "spred list")
    assert unknown.out == ""


def test_list_of_an_empty_store(ws: Workspace) -> None:
    run = ws("list")
    assert (run.code, run.out) == (0, "")
    assert "No solutions in" in run.err
    assert "spred load-demo" in run.err


# --- load-demo -------------------------------------------------------------------------------


def demo_count() -> int:
    from knowledge.kb import demo_solutions

    return len(demo_solutions())


def test_load_demo(ws: Workspace) -> None:
    expected = demo_count()
    assert expected > 0
    first = ws("load-demo", "--if-empty")
    assert first.code == 0, first
    assert first.out == f"Loaded {expected} demo solutions into {ws.data}.\n"
    store_file = ws.data / "solutions.json"
    stored = store_file.read_bytes()

    second = ws("load-demo", "--if-empty")
    assert (second.code, second.out) == (0, ""), second
    assert store_file.read_bytes() == stored

    again = ws("load-demo")  # without --if-empty: loaded again, upserted, no duplicates
    assert again.code == 0, again
    listed = ws("list")
    assert len(listed.out.splitlines()) == expected
    assert "Traceback" not in listed.err + again.err + first.err


def test_load_demo_if_empty_keeps_an_own_knowledge_base(ws: Workspace) -> None:
    assert ws("import", write_json(ws.cwd / "egen.json", [solution_dict("egen")])).code == 0
    run = ws("load-demo", "--if-empty")
    assert (run.code, run.out) == (0, ""), run
    assert ws("list").out.split()[0] == "egen"
    assert len(ws("list", "--json").json_lines) == 1


# --- demand ----------------------------------------------------------------------------------


def test_demand_on_an_empty_store(ws: Workspace) -> None:
    human = ws("demand")
    assert (human.code, human.out) == (0, "")
    assert human.err == "No open demand: every question so far found an answer.\n"
    as_json = ws("demand", "--json")
    assert (as_json.code, as_json.out, as_json.err) == (0, "", "")


def test_demand_lists_the_most_asked_first_and_marks_near_misses(ws: Workspace) -> None:
    import asyncio

    from knowledge.records import Demand
    from knowledge.store import open_store

    async def seed() -> None:
        store = await open_store(ws.data)
        await store.demand.upsert_many(
            [
                Demand(id="1", question="ladestandere i hjemmeplejen", asker="a", near_miss=True),
                Demand(id="2", question="Ladestandere i hjemmeplejen?", asker="b", near_miss=True),
                Demand(id="3", question="snerydning på kirkegården", asker="c"),
                Demand(id="4", question="snerydning på kirkegården", asker="d"),
                Demand(id="5", question="hundeluftning i parken", asker="e", near_miss=True),
                Demand(id="6", question="hundeluftning i parken", asker="f", near_miss=True),
                Demand(id="7", question="hundeluftning i parken", asker="g", near_miss=True),
            ]
        )
        await store.close()

    asyncio.run(seed())
    # Most asked first, as the contract says; of two asked as often, the one nothing
    # answered (weight) before the one only near misses answered.
    assert ws("demand", "--json").json_lines == [
        {"question": "hundeluftning i parken", "count": 3, "weight": 1.5, "near_miss": True},
        {"question": "snerydning på kirkegården", "count": 2, "weight": 2.0, "near_miss": False},
        {"question": "Ladestandere i hjemmeplejen?", "count": 2, "weight": 1.0, "near_miss": True},
    ]
    assert ws("demand").out.splitlines() == [
        "   3  hundeluftning i parken  (answered only by near misses)",
        "   2  snerydning på kirkegården",
        "   2  Ladestandere i hjemmeplejen?  (answered only by near misses)",
    ]


# --- data directory --------------------------------------------------------------------------


def test_spred_data_is_honoured_without_data(tmp_path: Path) -> None:
    from_env = tmp_path / "fra-miljoe"
    source = write_json(tmp_path / "kb.json", [solution_dict("via-miljoe")])
    run = spred("import", source, cwd=tmp_path, env=base_env(SPRED_DATA=str(from_env)))
    assert run.code == 0, run
    assert str(from_env) in run.out
    assert (from_env / "solutions.json").exists()
    assert not (tmp_path / "data").exists()
    # --data wins over SPRED_DATA.
    other = tmp_path / "andet"
    listed = spred("list", cwd=tmp_path, data=other, env=base_env(SPRED_DATA=str(from_env)))
    assert (listed.code, listed.out) == (0, "")
    assert not (other / "solutions.json").exists()


def test_default_data_directory_is_dot_data(tmp_path: Path) -> None:
    source = write_json(tmp_path / "kb.json", [solution_dict("standard")])
    run = spred("import", source, cwd=tmp_path)
    assert run.code == 0, run
    assert (tmp_path / "data" / "solutions.json").exists()


# --- user mistakes: one clear line, never a traceback ----------------------------------------


def _prepare_mistakes(root: Path) -> None:
    write_json(root / "good.json", [solution_dict()])
    (root / "a-file").write_text("not a directory")
    (root / "empty.json").write_bytes(b"")
    (root / "list.json").write_bytes(b"[]")
    (root / "object.json").write_bytes(b'{"id": "kortere-ventetid"}')
    (root / "broken.json").write_bytes(b'[\n  {"id": "a",}\n]')
    (root / "latin1.csv").write_bytes("id;title\nældre;Ældre\n".encode("latin-1"))
    (root / "noid.csv").write_bytes(b"title;summary\nT;S\n")
    (root / "latin1.txt").write_bytes("ældre\n".encode("latin-1"))
    (root / "corrupt").mkdir()
    (root / "corrupt" / "solutions.json").write_bytes(b"{ not json")
    (root / "newer").mkdir()
    (root / "newer" / "meta.json").write_bytes(b'{"schema_version": 999}')


def _mistakes(root: Path) -> dict[str, tuple[list[str | Path], dict[str, str], str]]:
    """name -> (arguments, extra environment, a fragment of the message)."""
    good = root / "good.json"
    a_file = root / "a-file"
    corrupt = root / "corrupt"
    newer = root / "newer"
    missing = root / "missing.json"
    return {
        "missing file": (["import", missing], {}, f"{missing}: no such file"),
        "directory": (["import", root], {}, "is a directory"),
        "empty file": (["import", root / "empty.json"], {}, "is empty"),
        "empty list": (["import", root / "list.json"], {}, "holds no solutions"),
        "object": (["import", root / "object.json"], {}, "holds an object"),
        "invalid JSON": (
            ["import", root / "broken.json"],
            {},
            "not valid JSON: trailing comma is not allowed at line 2, column 13",
        ),
        "not UTF-8": (["import", root / "latin1.csv"], {}, "is not UTF-8 text"),
        "no id column": (["import", root / "noid.csv"], {}, "no 'id' column"),
        "data is a file (import)": (
            ["import", good, "--data", a_file],
            {},
            str(a_file),
        ),
        "data is a file (list)": (["list", "--data", a_file], {}, str(a_file)),
        "data is a file (ask)": (["ask", "x", "--data", a_file], {}, str(a_file)),
        "SPRED_DATA is a file": (["export"], {"SPRED_DATA": str(a_file)}, str(a_file)),
        "top 0": (["ask", "x", "--top", "0"], {}, "--top must be 1 or more"),
        "no question": (["ask"], {}, "what is your question?"),
        "question and batch": (["ask", "x", "--batch", good], {}, "not both"),
        "batch missing": (["ask", "--batch", missing, "--json"], {}, "no such file"),
        "batch not UTF-8": (["ask", "--batch", root / "latin1.txt"], {}, "not UTF-8"),
        "export to missing dir": (["export", "-o", root / "nej" / "x.json"], {}, "cannot write"),
        "bad SPRED_LANGUAGE": (["list"], {"SPRED_LANGUAGE": "fr"}, "SPRED_LANGUAGE"),
        "bad SPRED_ADMINS": (["list"], {"SPRED_ADMINS": "alice"}, "SPRED_ADMINS"),
        "corrupt store": (["list", "--data", corrupt], {}, "not a readable Spred data file"),
        "newer store": (["list", "--data", newer], {}, "newer Spred"),
    }


MISTAKES = list(_mistakes(Path("/nonexistent")))


@pytest.fixture(scope="module")
def mistake_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mistakes")
    _prepare_mistakes(root)
    return root


@pytest.mark.parametrize("name", MISTAKES)
def test_user_mistake_gives_one_clear_line(name: str, mistake_root: Path) -> None:
    args, extra_env, fragment = _mistakes(mistake_root)[name]
    if "--data" not in args and "SPRED_DATA" not in extra_env:
        args = [*args, "--data", mistake_root / "data"]
    run = spred(*args, cwd=mistake_root, env=base_env(**extra_env))
    assert_one_line_error(run, fragment)
    assert run.out == ""


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["frobnicate"],
        ["import"],
        ["show"],
        ["ask", "x", "--top", "mange"],
        ["serve", "--port", "x"],
    ],
)
def test_usage_mistake_gives_usage_not_traceback(args: list[str], tmp_path: Path) -> None:
    run = spred(*args, cwd=tmp_path)
    assert run.code == 2, run
    assert "Traceback" not in run.err
    assert run.err.startswith("usage: spred")
    assert "error: " in run.err.splitlines()[-1]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_shows_on_a_terminal_for_long_imports(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.cli import Progress

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    long = Progress("validating", total=10_000)
    long.update(5_000)
    long.done()
    assert "validating [" + "#" * 15 + " " * 15 + "] 5000/10000" in terminal.getvalue()
    short = _Terminal()
    monkeypatch.setattr(sys, "stderr", short)
    Progress("validating", total=50).update(25)
    assert short.getvalue() == ""
