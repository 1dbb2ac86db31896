"""Import files (JSON and CSV) and the export (knowledge.transfer)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge import json_list, transfer
from knowledge.solutions import Solution, parse_solutions
from knowledge.transfer import (
    ImportFileError,
    export_bytes,
    iter_entries,
    parse_csv,
    parse_json,
    read_entries,
    read_input,
)
from tests.conftest import solution_dict

BOM = b"\xef\xbb\xbf"


def valid(entries: list[Any]) -> list[Solution]:
    batch = parse_solutions(entries)
    assert batch.errors == []
    return batch.solutions


def write(path: Path, payload: bytes) -> Path:
    path.write_bytes(payload)
    return path


# --- JSON ------------------------------------------------------------------------------------


def test_json_list() -> None:
    entries = [solution_dict("a"), solution_dict("b")]
    assert parse_json(orjson.dumps(entries), name="f.json") == entries


@pytest.mark.parametrize("payload", [b"", b"   ", b"\n\r\n\t "])
def test_json_empty_file(payload: bytes) -> None:
    with pytest.raises(ImportFileError, match=r"^f\.json is empty; expected a JSON list"):
        parse_json(payload, name="f.json")


def test_json_file_with_only_a_bom_says_it_is_empty() -> None:
    # Notepad and Excel save an "empty" file as just a byte order mark.
    for payload in (BOM, BOM + b"\n"):
        with pytest.raises(ImportFileError, match=r"^f\.json is .*empty"):
            parse_json(payload, name="f.json")


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        (b'{"id": "a", "title": "T"}', "an object"),
        (b'"kortere-ventetid"', "a single value"),
        (b"42", "a single value"),
        (b"null", "a single value"),
        (b"true", "a single value"),
    ],
)
def test_json_not_a_list(payload: bytes, kind: str) -> None:
    with pytest.raises(ImportFileError) as info:
        parse_json(payload, name="f.json")
    assert str(info.value) == f"f.json holds {kind}; expected a JSON list of solutions [...]"


@pytest.mark.parametrize(
    ("payload", "line", "column"),
    [
        (b'[\n  {"id": "a"},\n  {"id": "b",}\n]', 3, 13),  # trailing comma
        (b'[\n  {"id": "a"}\n  {"id": "b"}\n]', 3, 3),  # missing comma
        (b"[1, 2", 1, 6),  # cut short
        (b"[NaN]", 1, 2),
        (b"[{'id': 'a'}]", 1, 3),  # single quotes
    ],
)
def test_invalid_json_names_line_and_column(payload: bytes, line: int, column: int) -> None:
    with pytest.raises(ImportFileError) as info:
        parse_json(payload, name="f.json")
    message = str(info.value)
    assert message.startswith("f.json is not valid JSON: ")
    assert message.endswith(f" at line {line}, column {column}")


def test_json_with_bom() -> None:
    entries = [solution_dict("ældre-ok-ikke-slug", title="Æblemost på plejehjem")]
    assert parse_json(BOM + orjson.dumps(entries), name="f.json") == entries
    assert parse_json(BOM + b"\n [] \n", name="f.json") == []


def test_json_not_utf8_says_so() -> None:
    payload = '[{"id": "a", "title": "Ældrepleje"}]'.encode("latin-1")
    with pytest.raises(ImportFileError, match=r"^f\.json is not valid JSON: .*UTF-8"):
        parse_json(payload, name="f.json")


def test_json_numbers_out_of_range_are_refused_or_caught() -> None:
    with pytest.raises(ImportFileError, match="not valid JSON"):
        parse_json(b'[{"before": 1e400}]', name="f.json")
    # An integer beyond 64 bits is read as a float, which the validator then refuses.
    entries = parse_json(
        orjson.dumps([solution_dict()]).replace(b'"before":14', b'"before":' + b"9" * 30),
        name="f.json",
    )
    batch = parse_solutions(entries)
    assert [str(e) for e in batch.errors] == [
        "solutions[0].results[0].before: must be a finite number below 1e+12"
    ]


# --- CSV -------------------------------------------------------------------------------------


CSV_HEADER = [
    "id",
    "title",
    "summary",
    "organization",
    "tags",
    "result_metric",
    "result_before",
    "result_after",
    "result_unit",
    "contact_name",
    "contact_email",
]
CSV_ROW = [
    "kortere-ventetid",
    "Kortere ventetid i hjemmeplejen",
    "Visitation samme dag",
    "Aarhus Kommune",
    "ventetid;visitation",
    "Ventetid",
    "14",
    "3",
    "dage",
    "Mette Hansen",
    "mette@aarhus.dk",
]
EXPECTED_ENTRY = {
    "id": "kortere-ventetid",
    "title": "Kortere ventetid i hjemmeplejen",
    "summary": "Visitation samme dag",
    "organization": "Aarhus Kommune",
    "tags": ["ventetid", "visitation"],
    "results": [{"metric": "Ventetid", "before": 14, "after": 3, "unit": "dage"}],
    "contacts": [{"name": "Mette Hansen", "email": "mette@aarhus.dk"}],
}


def csv_bytes(rows: list[list[str]], delimiter: str, *, bom: bool = False) -> bytes:
    def cell(value: str) -> str:
        special = delimiter in value or '"' in value or "\n" in value
        return '"' + value.replace('"', '""') + '"' if special else value

    text = "".join(delimiter.join(cell(v) for v in row) + "\r\n" for row in rows)
    return (BOM if bom else b"") + text.encode()


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("bom", [False, True])
def test_csv_delimiters_and_bom(delimiter: str, bom: bool) -> None:
    payload = csv_bytes([CSV_HEADER, CSV_ROW], delimiter, bom=bom)
    assert parse_csv(payload, name="f.csv") == [EXPECTED_ENTRY]
    [solution] = valid(parse_csv(payload, name="f.csv"))
    assert solution.tags == ("ventetid", "visitation")


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize(
    ("cell", "number"),
    [
        ("12", 12),
        ("-3", -3),
        ("12,5", 12.5),
        ("0,25", 0.25),
        ("-3,5", -3.5),
        ("1.234,5", 1234.5),
        ("1.234.567,25", 1234567.25),
        ("12.5", 12.5),
        ("1.250", 1250),  # thousands, as in the guided dialogue
        ("1 250", 1250),
    ],
)
def test_csv_danish_numbers(delimiter: str, cell: str, number: float) -> None:
    rows = [["id", "result_metric", "result_before"], ["a", "Ventetid", cell]]
    [entry] = parse_csv(csv_bytes(rows, delimiter), name="f.csv")
    before = entry["results"][0]["before"]
    assert before == number
    assert type(before) is type(number)


def test_csv_many_rows_with_decimal_commas_semicolon_delimited() -> None:
    rows = [["id", "title", "result_metric", "result_before", "result_after"]]
    rows += [[f"l{i}", f"Løsning {i}", "Tid", f"{i},5", f"1.{i:03d},75"] for i in range(40)]
    entries = parse_csv(csv_bytes(rows, ";"), name="f.csv")
    assert len(entries) == 40
    assert entries[7]["results"] == [{"metric": "Tid", "before": 7.5, "after": 1007.75}]


def test_csv_text_in_a_number_column_is_left_for_the_validator() -> None:
    rows = [CSV_HEADER, [*CSV_ROW[:6], "cirka 14", *CSV_ROW[7:]]]
    entries = parse_csv(csv_bytes(rows, ";"), name="f.csv")
    assert entries[0]["results"][0]["before"] == "cirka 14"
    assert [str(e) for e in parse_solutions(entries).errors] == [
        "solutions[0].results[0].before: must be a number, not text ('cirka 14')"
    ]


def test_csv_list_cells_are_split_on_semicolons() -> None:
    rows = [
        ["id", "tags", "professions", "domains", "sponsors"],
        ["a", "hjemmepleje; ældre ;;visitation ", "sygeplejerske", " ", "KL;Danske Regioner"],
    ]
    [entry] = parse_csv(csv_bytes(rows, ","), name="f.csv")
    assert entry == {
        "id": "a",
        "tags": ["hjemmepleje", "ældre", "visitation"],
        "professions": ["sygeplejerske"],
        "sponsors": ["KL", "Danske Regioner"],
    }


def test_csv_result_and_contact_column_groups() -> None:
    header = [
        "id",
        "title",
        "summary",
        "organization",
        "result2_metric",
        "result2_after",
        "result_metric",
        "result_before",
        "result_after",
        "result_source",
        "contact_name",
        "contact_email",
        "contact_role",
        "contact2_name",
        "contact2_slack_id",
        "contact3_name",
        "contact3_teams_id",
    ]
    row = [
        "to-resultater",
        "To resultater",
        "Resumé",
        "Vejle Kommune",
        "Tilfredshed",
        "87,5",
        "Ventetid",
        "14",
        "3",
        "Egen opgørelse",
        "Mette Hansen",
        "mette@vejle.dk",
        "Leder",
        "Søren Øst",
        "U0123ABC",
        "Åse",
        "29:abc",
    ]
    [entry] = parse_csv(csv_bytes([header, row], ";"), name="f.csv")
    assert entry["results"] == [
        {"metric": "Ventetid", "before": 14, "after": 3, "source": "Egen opgørelse"},
        {"metric": "Tilfredshed", "after": 87.5},
    ]
    assert entry["contacts"] == [
        {"name": "Mette Hansen", "email": "mette@vejle.dk", "role": "Leder"},
        {"name": "Søren Øst", "slack_id": "U0123ABC"},
        {"name": "Åse", "teams_id": "29:abc"},
    ]
    [solution] = valid([entry])
    assert [c.name for c in solution.contacts] == ["Mette Hansen", "Søren Øst", "Åse"]
    assert solution.key_result.metric == "Ventetid"


def test_csv_empty_cells_leave_a_group_out() -> None:
    header = ["id", "result_metric", "result_before", "result2_metric", "result2_before"]
    [entry] = parse_csv(csv_bytes([header, ["a", "Ventetid", "14", "", ""]], ","), name="f")
    assert entry["results"] == [{"metric": "Ventetid", "before": 14}]


def test_csv_unknown_columns_are_kept() -> None:
    header = [*CSV_HEADER, "x_kilde", "result_konfidens", "contact_telefon", "retired"]
    row = [*CSV_ROW, "KL-rapport 2024", "høj", "+45 12345678", "ja"]
    [entry] = parse_csv(csv_bytes([header, row], ";"), name="f.csv")
    assert entry["x_kilde"] == "KL-rapport 2024"
    assert entry["retired"] is True
    [solution] = valid([entry])
    out = solution.to_dict()
    assert out["x_kilde"] == "KL-rapport 2024"
    assert out["retired"] is True
    assert out["results"][0]["konfidens"] == "høj"
    assert out["contacts"][0]["telefon"] == "+45 12345678"


def test_csv_quoted_cells_keep_delimiters_quotes_and_line_breaks() -> None:
    rows = [
        ["id", "title", "description"],
        ["a", 'Projektet "Tryg hjemme", fase 2', "Første afsnit.\nAndet afsnit; med semikolon."],
    ]
    [entry] = parse_csv(csv_bytes(rows, ","), name="f.csv")
    assert entry["title"] == 'Projektet "Tryg hjemme", fase 2'
    assert entry["description"] == "Første afsnit.\nAndet afsnit; med semikolon."


def test_csv_apostrophes_are_plain_text() -> None:
    rows = [
        ["id", "title", "summary"],
        ["a", "'Tryg hjemme' i Aarhus", "Borgerne sagde 'ja' til ordningen"],
    ]
    [entry] = parse_csv(csv_bytes(rows, ";"), name="f.csv")
    assert entry["title"] == "'Tryg hjemme' i Aarhus"


def test_csv_semicolon_crlf_with_quoted_list_cell_last() -> None:
    rows = [["id", "title", "tags"], ["a", "Kortere ventetid", "ventetid;visitation"]]
    payload = csv_bytes(rows, ";")  # Excel: CRLF, and the cell holding ';' quoted
    assert b'"ventetid;visitation"\r\n' in payload
    assert parse_csv(payload, name="f.csv") == [
        {"id": "a", "title": "Kortere ventetid", "tags": ["ventetid", "visitation"]}
    ]


def test_csv_not_utf8() -> None:
    payload = "id;title\nældre;Ældrepleje\n".encode("cp1252")
    with pytest.raises(ImportFileError) as info:
        parse_csv(payload, name="f.csv")
    message = str(info.value)
    assert message.startswith("f.csv is not UTF-8 text (byte 9)")
    assert "save it as UTF-8" in message


def test_csv_missing_id_column() -> None:
    payload = csv_bytes([["titel", "resume"], ["Kortere ventetid", "Kort"]], ";")
    with pytest.raises(ImportFileError) as info:
        parse_csv(payload, name="f.csv")
    assert str(info.value) == "f.csv: the header row has no 'id' column (found: titel, resume)"


def test_csv_header_names_are_shown_on_one_printable_line() -> None:
    payload = "titel\x85ny linje;\u2028resume;\x1b[2J\n".encode()
    with pytest.raises(ImportFileError) as info:
        parse_csv(payload, name="f.csv")
    message = str(info.value)
    assert message == (
        "f.csv: the header row has no 'id' column "
        "(found: titel\\u0085ny linje, \\u2028resume, \\u001b[2J)"
    )
    assert len(message.splitlines()) == 1


@pytest.mark.parametrize("payload", [b"", b"\r\n\r\n", BOM, BOM + b"  \n"])
def test_csv_empty_file(payload: bytes) -> None:
    with pytest.raises(ImportFileError, match=r"^f\.csv is empty; expected a header row"):
        parse_csv(payload, name="f.csv")


def test_csv_header_only_gives_no_entries() -> None:
    assert parse_csv(b"id,title\r\n", name="f.csv") == []


def test_csv_nul_byte_reaches_the_validator_and_is_refused() -> None:
    entries = parse_csv(b"id,title\r\na,Kortere\x00ventetid\r\n", name="f.csv")
    assert entries == [{"id": "a", "title": "Kortere\x00ventetid"}]
    assert "solutions[0].title: must not contain line breaks or control characters" in [
        str(e) for e in parse_solutions(entries).errors
    ]


# --- reading files ---------------------------------------------------------------------------


def test_read_entries_by_suffix_and_content(tmp_path: Path) -> None:
    entries = [solution_dict("a")]
    as_json = orjson.dumps(entries)
    as_csv = csv_bytes([CSV_HEADER, CSV_ROW], ";")
    assert read_entries(write(tmp_path / "a.json", as_json)) == entries
    assert read_entries(write(tmp_path / "a.JSON", as_json)) == entries
    assert read_entries(write(tmp_path / "a", as_json)) == entries
    assert read_entries(write(tmp_path / "b", BOM + b"\n  " + as_json)) == entries
    assert read_entries(write(tmp_path / "a.csv", as_csv)) == [EXPECTED_ENTRY]
    assert read_entries(write(tmp_path / "a.tsv", csv_bytes([CSV_HEADER, CSV_ROW], "\t"))) == [
        EXPECTED_ENTRY
    ]
    assert read_entries(write(tmp_path / "c", as_csv)) == [EXPECTED_ENTRY]


def test_read_entries_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "findes-ikke.json"
    with pytest.raises(ImportFileError) as info:
        read_entries(missing)
    assert str(info.value) == f"{missing}: no such file"


def test_read_entries_directory(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError) as info:
        read_entries(tmp_path)
    assert str(info.value) == f"{tmp_path} is a directory; give the path of a .json or .csv file"


def test_a_file_of_any_size_is_read_one_entry_at_a_time(tmp_path: Path) -> None:
    entry = orjson.dumps(solution_dict())
    count = 3 * json_list.CHUNK // len(entry)
    source = write(tmp_path / "stor.json", b"[" + b",\n".join([entry] * count) + b"]")
    read_so_far: list[int] = []
    entries = iter_entries(source, on_progress=read_so_far.append)
    assert next(entries) == solution_dict()
    assert read_so_far[-1] < source.stat().st_size / 2  # the rest is not read yet
    assert sum(1 for _ in entries) == count - 1
    assert read_so_far[-1] == source.stat().st_size


def test_a_file_over_40_mb_is_not_refused_for_its_size(tmp_path: Path) -> None:
    big = tmp_path / "stor.json"
    with big.open("wb") as f:  # sparse: the size is real, the disk blocks are not
        f.truncate(41 * 1024 * 1024)
    with pytest.raises(ImportFileError) as info:  # NUL bytes: refused as JSON, at once
        read_entries(big)
    assert str(info.value) == (
        f"{big} is not valid JSON: unexpected character, expected a JSON value at line 1, column 1"
    )


def test_an_entry_too_big_to_hold_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_list, "MAX_ENTRY_BYTES", 1024 * 1024)
    monkeypatch.setattr(json_list, "CHUNK", 64 * 1024)
    huge = orjson.dumps(solution_dict("stor", x_bilag="x" * 2 * 1024 * 1024))
    source = write(
        tmp_path / "f.json", b"[\n" + orjson.dumps(solution_dict()) + b",\n" + huge + b"]"
    )
    with pytest.raises(ImportFileError) as info:
        read_entries(source)
    assert str(info.value) == (
        f"{source}: the entry starting at line 3 is more than 1 MB; Spred reads entries up "
        "to that size"
    )


def test_a_list_of_questions_is_still_read_whole_up_to_a_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transfer, "MAX_INPUT_BYTES", 1024)
    questions = write(tmp_path / "q.txt", b"ventetid?\n" * 200)
    with pytest.raises(ImportFileError, match=r"is 0\.1 MB; Spred reads at most 0 MB"):
        read_input(questions, what="a text file", verb="reads", advice="ask in turn")
    small = write(tmp_path / "lille.txt", b"ventetid?\n")
    assert read_input(small, what="a text file", verb="reads", advice="ask") == b"ventetid?\n"


# Values whose text has every kind of thing a scanner could trip on: strings holding
# brackets, quotes, escapes and line breaks, nesting, numbers, Danish letters.
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.sampled_from('a æ"\\[]{},:\n\t\u2028/'), max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(alphabet='ab[]"\\', max_size=3), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(
    entries=st.lists(JSON_VALUES, max_size=6),
    indent=st.booleans(),
    chunk=st.integers(1, 40),
)
@settings(max_examples=300, deadline=None)
def test_reading_in_chunks_gives_what_parsing_the_whole_file_gives(
    entries: list[Any], indent: bool, chunk: int
) -> None:
    payload = orjson.dumps(entries, option=orjson.OPT_INDENT_2 if indent else 0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(json_list, "CHUNK", chunk)
        assert parse_json(payload, name="f.json") == orjson.loads(payload)


@given(
    entries=st.lists(JSON_VALUES, min_size=1, max_size=4),
    cut=st.integers(0, 10_000),
    insert=st.sampled_from([b"", b",", b"]", b"[", b"}", b'"', b"x", b"\n", b" ,", b"\xff"]),
    chunk=st.integers(1, 40),
)
@settings(max_examples=300, deadline=None)
def test_an_invalid_file_is_refused_where_a_parse_of_it_all_fails(
    entries: list[Any], cut: int, insert: bytes, chunk: int
) -> None:
    whole = orjson.dumps(entries, option=orjson.OPT_INDENT_2)
    at = cut % (len(whole) + 1)
    payload = whole[:at] + insert + whole[at:]
    try:
        expected = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        expected = exc
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(json_list, "CHUNK", chunk)
        if not isinstance(expected, Exception):
            if isinstance(expected, list):
                assert parse_json(payload, name="f.json") == expected
            return
        with pytest.raises(ImportFileError) as info:
            parse_json(payload, name="f.json")
    message = str(info.value)
    assert message.startswith("f.json is not valid JSON: "), message
    # The line orjson names for the whole file (a truncated word may be named at its start
    # or its end). orjson names no place for a byte that is not UTF-8; this names one.
    if "UTF-8" not in expected.msg:
        assert f" at line {expected.lineno}, column " in message, (message, expected)


# --- export ----------------------------------------------------------------------------------


def rich_solutions() -> list[Solution]:
    return valid(
        [
            solution_dict(
                "oeget-trivsel-paa-plejehjem",
                title="Øget trivsel på plejehjem – “Tryg hverdag”",
                summary="Beboerne får faste kontaktpersoner.\nPårørende inddrages.",
                results=[
                    {"metric": "Trivsel", "before": 12.5, "after": 17.25, "unit": "point"},
                    {"metric": "Sygedage", "before": -0.5, "after": 1e-3},
                    {"metric": "Kvalitativ", "konfidens": "høj"},
                ],
                contacts=[
                    {"name": "Åse Ørum", "slack_id": "U0123ABC", "telefon": "+45 1234"},
                    {"name": "Bo", "email": "bo@aabenraa.dk", "teams_id": "29:abc"},
                ],
                x_kilde={"rapport": "KL 2024", "sider": [1, 2, 3], "nøgle": None},
                retired=True,
            ),
            solution_dict("a-foerst", language="en", status="scaled"),
            solution_dict("zz-sidst", results=[{"metric": "Tid", "after": 1000000000000}]),
            solution_dict("b-midt", tags=[], professions=[], sponsors=[], domains=[]),
        ]
    )


def test_export_is_sorted_by_id_and_stable() -> None:
    solutions = rich_solutions()
    payload = export_bytes(solutions)
    assert [e["id"] for e in orjson.loads(payload)] == [
        "a-foerst",
        "b-midt",
        "oeget-trivsel-paa-plejehjem",
        "zz-sidst",
    ]
    shuffled = list(solutions)
    random.Random(7).shuffle(shuffled)
    assert export_bytes(shuffled) == payload
    assert export_bytes(reversed(solutions)) == payload
    assert payload.endswith(b"}\n]\n")
    assert payload.startswith(b'[\n  {\n    "id": "a-foerst",\n')
    assert "Øget trivsel på plejehjem – “Tryg hverdag”".encode() in payload  # UTF-8, not \u


def test_export_of_nothing() -> None:
    assert export_bytes([]) == b"[]\n"


def test_export_is_the_import_schema() -> None:
    solutions = rich_solutions()
    exported = orjson.loads(export_bytes(solutions))
    assert exported == [s.to_dict() for s in sorted(solutions, key=lambda s: s.id)]


def test_export_parse_export_is_byte_identical() -> None:
    first = export_bytes(rich_solutions())
    second = export_bytes(valid(parse_json(first, name="export.json")))
    assert second == first
    third = export_bytes(valid(parse_json(second, name="export.json")))
    assert third == first
    retired = orjson.loads(first)[2]
    assert retired["retired"] is True
    assert retired["results"][0]["before"] == 12.5
    assert retired["x_kilde"] == {"rapport": "KL 2024", "sider": [1, 2, 3], "nøgle": None}
    assert retired["contacts"][0]["telefon"] == "+45 1234"


def test_csv_import_then_export_round_trips() -> None:
    header = [*CSV_HEADER, "result2_metric", "result2_after", "x_note"]
    row = [*CSV_ROW[:6], "12,5", "1.234,5", *CSV_ROW[8:], "Tilfredshed", "87", "Æ ø å"]
    first = export_bytes(valid(parse_csv(csv_bytes([header, row], ";"), name="f.csv")))
    assert b'"before": 12.5' in first
    assert b'"after": 1234.5' in first
    assert export_bytes(valid(parse_json(first, name="x.json"))) == first


def test_csv_row_with_more_cells_than_columns_is_refused_naming_the_line() -> None:
    payload = b"id,title,summary\r\nen,Titel,Et resum\xc3\xa9, med komma\r\n"
    with pytest.raises(ImportFileError, match=r"line 2 has more cells than the header"):
        parse_csv(payload, name="ark.csv")
