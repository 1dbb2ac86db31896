"""Validation of solutions (knowledge.solutions / knowledge.validation): every error names the
entry and the field, says what is wrong, and every error in an entry is reported at once."""

from __future__ import annotations

import copy
import unicodedata
from typing import Any

import pytest

from knowledge.solutions import (
    MAX_DESCRIPTION,
    MAX_ID,
    MAX_PROBLEM,
    MAX_SUMMARY,
    MAX_TITLE,
    Solution,
    parse_solution,
    parse_solutions,
)
from knowledge.validation import MAX_NESTING, FieldError, ValidationError
from tests.conftest import solution_dict

# The contract's schema, in its documented order.
SCHEMA_ORDER = [
    "id",
    "title",
    "problem",
    "summary",
    "description",
    "results",
    "organization",
    "unit",
    "contacts",
    "professions",
    "domains",
    "tags",
    "sponsors",
    "language",
    "status",
]
RESULT_ORDER = ["metric", "before", "after", "unit", "period", "source"]


def minimal(**changes: Any) -> dict[str, Any]:
    """Only what the contract requires."""
    entry: dict[str, Any] = {
        "id": "kortere-ventetid",
        "title": "Kortere ventetid",
        "summary": "Visitation samme dag.",
        "organization": "Odense Kommune",
        "results": [{"metric": "Ventetid", "before": 14}],
        "contacts": [{"name": "Mette Hansen", "email": "mette@odense.dk"}],
    }
    entry.update(changes)
    return entry


def errors_of(raw: object) -> list[str]:
    with pytest.raises(ValidationError) as info:
        parse_solution(raw, path="s")
    assert str(info.value) == "\n".join(str(e) for e in info.value.errors)
    return [str(e) for e in info.value.errors]


def with_result(**fields: Any) -> dict[str, Any]:
    return solution_dict(results=[{"metric": "Ventetid", **fields}])


def with_contact(**fields: Any) -> dict[str, Any]:
    return solution_dict(contacts=[fields])


# --- required fields -------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["id", "title", "summary", "organization"])
@pytest.mark.parametrize("value", ["<absent>", None, "", "   ", " \t\n "])
def test_required_field_missing_or_blank(field: str, value: object) -> None:
    raw = solution_dict()
    if value == "<absent>":
        del raw[field]
    else:
        raw[field] = value
    assert errors_of(raw) == [f"s.{field}: is required"]


def test_optional_text_fields_may_be_absent_or_null() -> None:
    raw = minimal(problem=None, description=None, unit=None)
    solution = parse_solution(raw, path="s")
    assert (solution.problem, solution.description, solution.unit) == ("", "", "")


# --- ids -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "slug",
    [
        "kortere ventetid",  # space
        "Kortere-Ventetid",  # capitals
        "ældre-pleje",  # æ
        "sundhed-på-tværs",  # å
        "føde-forløb",  # ø
        "kortere--ventetid",  # double hyphen
        "-kortere-ventetid",  # leading hyphen
        "kortere-ventetid-",  # trailing hyphen
        "kortere_ventetid",  # underscore
        "kortere/ventetid",
    ],
)
def test_bad_slug_is_refused_with_a_hint(slug: str) -> None:
    assert errors_of(solution_dict(slug)) == [
        f"s.id: {slug!r} is not valid: use lowercase a-z, 0-9 and single hyphens, "
        f"e.g. 'kortere-ventetid'"
    ]


@pytest.mark.parametrize("slug", ["a", "x1", "kortere-ventetid-2024", "a" * MAX_ID])
def test_good_slug_is_accepted(slug: str) -> None:
    assert parse_solution(solution_dict(slug), path="s").id == slug


def test_slug_too_long() -> None:
    assert errors_of(solution_dict("a" * (MAX_ID + 1))) == [
        f"s.id: is {MAX_ID + 1} characters long; at most {MAX_ID} allowed"
    ]


def test_id_must_be_text() -> None:
    assert errors_of(solution_dict(42)) == ["s.id: must be text, not a number"]


# --- lengths ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("title", MAX_TITLE),
        ("summary", MAX_SUMMARY),
        ("problem", MAX_PROBLEM),
        ("description", MAX_DESCRIPTION),
    ],
)
def test_text_length_limits(field: str, limit: int) -> None:
    at_limit = parse_solution(solution_dict(**{field: "x" * limit}), path="s")
    assert getattr(at_limit, field) == "x" * limit
    # Surrounding whitespace is trimmed before measuring.
    padded = parse_solution(solution_dict(**{field: "  " + "x" * limit + "\n"}), path="s")
    assert getattr(padded, field) == "x" * limit
    assert errors_of(solution_dict(**{field: "x" * (limit + 1)})) == [
        f"s.{field}: is {limit + 1} characters long; at most {limit} allowed"
    ]


def test_length_is_measured_after_nfc() -> None:
    # "å" typed as a + combining ring is two code points, one character after NFC.
    decomposed = "a\u030a" * MAX_TITLE
    solution = parse_solution(solution_dict(title=decomposed), path="s")
    assert solution.title == "å" * MAX_TITLE


# --- wrong types -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"title": 42}, "s.title: must be text, not a number"),
        ({"title": 4.5}, "s.title: must be text, not a number"),
        ({"title": True}, "s.title: must be text, not true/false"),
        ({"title": ["Kortere ventetid"]}, "s.title: must be text, not a list"),
        ({"summary": {"da": "Kort"}}, "s.summary: must be text, not an object"),
        ({"organization": 7}, "s.organization: must be text, not a number"),
        ({"description": False}, "s.description: must be text, not true/false"),
        ({"unit": ["a"]}, "s.unit: must be text, not a list"),
        ({"results": "14 → 3 dage"}, "s.results: must be a list, not text"),
        (
            {"results": {"metric": "Ventetid", "before": 14}},
            "s.results: must be a list, not an object",
        ),
        ({"results": ["Ventetid: 14 → 3"]}, "s.results[0]: must be an object, not text"),
        ({"results": [None]}, "s.results[0]: must be an object, not null"),
        ({"results": [[14, 3]]}, "s.results[0]: must be an object, not a list"),
        ({"contacts": "Mette Hansen"}, "s.contacts: must be a list, not text"),
        ({"contacts": ["mette@odense.dk"]}, "s.contacts[0]: must be an object, not text"),
        (
            {"contacts": [{"name": 5, "email": "m@o.dk"}]},
            "s.contacts[0].name: must be text, not a number",
        ),
        (
            {"contacts": [{"name": "M", "email": 5}]},
            "s.contacts[0].email: must be text, not a number",
        ),
        ({"tags": "ventetid"}, "s.tags: must be a list of text, not text"),
        ({"professions": {"a": 1}}, "s.professions: must be a list of text, not an object"),
        ({"retired": "ja"}, "s.retired: must be true or false, not text"),
    ],
)
def test_wrong_type_names_field_and_type(changes: dict[str, Any], expected: str) -> None:
    assert errors_of(solution_dict(**changes)) == [expected]


def test_result_metric_must_be_text() -> None:
    assert errors_of(with_result(metric=12, before=1)) == [
        "s.results[0].metric: must be text, not a number"
    ]


def test_batch_paths_name_the_entry_and_the_nested_field() -> None:
    entries = [solution_dict(f"losning-{i}") for i in range(3)]
    entries.append(solution_dict("losning-3", results=[{"metric": "Ventetid", "before": "12"}]))
    batch = parse_solutions(entries)
    assert [str(e) for e in batch.errors] == [
        "solutions[3].results[0].before: must be a number, not text ('12')"
    ]
    assert batch.rejected == 1
    assert [s.id for s in batch.solutions] == ["losning-0", "losning-1", "losning-2"]


def test_batch_path_prefix_is_configurable() -> None:
    batch = parse_solutions([solution_dict(title="")], path="import.json")
    assert batch.errors == [FieldError("import.json[0].title", "is required")]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12", "must be a number, not text ('12')"),
        ("12,5", "must be a number, not text ('12,5')"),
        ("", "must be a number, not text ('')"),
        (True, "must be a number, not true/false"),
        (False, "must be a number, not true/false"),
        ([12], "must be a number, not a list"),
        ({"value": 12}, "must be a number, not an object"),
        (float("nan"), "must be a finite number below 1e+12"),
        (float("inf"), "must be a finite number below 1e+12"),
        (float("-inf"), "must be a finite number below 1e+12"),
        (1e13, "must be a finite number below 1e+12"),
        (-(10**13), "must be a finite number below 1e+12"),
        (10**30, "must be a finite number below 1e+12"),
    ],
)
@pytest.mark.parametrize("side", ["before", "after"])
def test_bad_numbers(side: str, value: object, message: str) -> None:
    raw = with_result(**{side: value})
    if side == "after":
        raw["results"].append({"metric": "Andet", "before": 1})  # keep one quantified result
    assert errors_of(raw) == [f"s.results[0].{side}: {message}"]


def test_long_text_in_number_field_is_shortened_in_the_message() -> None:
    [error] = errors_of(with_result(before="9" * 200))
    assert error.startswith("s.results[0].before: must be a number, not text ('9999")
    assert len(error) < 120


@pytest.mark.parametrize("value", [0, 0.0, -3, 12.5, 1e12, -1e12, 10**12])
def test_good_numbers_are_kept(value: float) -> None:
    solution = parse_solution(with_result(before=value), path="s")
    assert solution.results[0].before == value
    assert type(solution.results[0].before) is type(value)


def test_integer_too_big_for_a_float_is_a_field_error() -> None:
    assert errors_of(with_result(before=10**400)) == [
        "s.results[0].before: must be a finite number below 1e+12"
    ]


# --- quantified result -----------------------------------------------------------------------


NO_NUMBER = (
    "s.results: needs at least one result with a number (before or after): "
    "the guide asks for documented, preferably quantified, results"
)


@pytest.mark.parametrize(
    "results",
    [
        "<absent>",
        None,
        [],
        [{"metric": "Tilfredshed"}],
        [{"metric": "Tilfredshed", "before": None, "after": None}],
        [{"metric": "Tilfredshed", "unit": "procent"}, {"metric": "Trivsel"}],
    ],
)
def test_no_quantified_result(results: object) -> None:
    raw = solution_dict()
    if results == "<absent>":
        del raw["results"]
    else:
        raw["results"] = results
    assert errors_of(raw) == [NO_NUMBER]


@pytest.mark.parametrize(
    "results",
    [
        [{"metric": "Ventetid", "before": 0}],  # zero is a number
        [{"metric": "Ventetid", "after": 0.0}],
        [{"metric": "Tilfredshed"}, {"metric": "Ventetid", "after": 3}],
    ],
)
def test_one_number_on_one_side_is_enough(results: list[dict[str, Any]]) -> None:
    solution = parse_solution(solution_dict(results=results), path="s")
    assert solution.key_result.metric == "Ventetid"


def test_result_without_metric() -> None:
    assert errors_of(solution_dict(results=[{"before": 14, "after": 3}])) == [
        "s.results[0].metric: is required"
    ]


# --- contacts --------------------------------------------------------------------------------


NO_CONTACT = "s.contacts: needs at least one contact person colleagues can reach"
UNREACHABLE = "is required (or a slack_id or teams_id) so colleagues can reach them"


@pytest.mark.parametrize("contacts", ["<absent>", None, []])
def test_no_contacts(contacts: object) -> None:
    raw = solution_dict()
    if contacts == "<absent>":
        del raw["contacts"]
    else:
        raw["contacts"] = contacts
    assert errors_of(raw) == [NO_CONTACT]


@pytest.mark.parametrize("name", ["<absent>", None, "", "  "])
def test_contact_without_name(name: object) -> None:
    contact: dict[str, Any] = {"email": "mette@odense.dk"}
    if name != "<absent>":
        contact["name"] = name
    assert errors_of(with_contact(**contact)) == ["s.contacts[0].name: is required"]


@pytest.mark.parametrize(
    "contact",
    [
        {"name": "Mette Hansen"},
        {"name": "Mette Hansen", "email": "", "slack_id": "", "teams_id": None},
        {"name": "Mette Hansen", "role": "Leder", "email": "   "},
    ],
)
def test_contact_nobody_can_reach(contact: dict[str, Any]) -> None:
    assert errors_of(with_contact(**contact)) == [f"s.contacts[0].email: {UNREACHABLE}"]


def test_second_contact_path_is_indexed() -> None:
    raw = solution_dict(contacts=[{"name": "A", "email": "a@b.dk"}, {"name": "B"}])
    assert errors_of(raw) == [f"s.contacts[1].email: {UNREACHABLE}"]


@pytest.mark.parametrize(
    "contact",
    [
        {"name": "Mette Hansen", "slack_id": "U0123ABC"},
        {"name": "Mette Hansen", "teams_id": "29:1abc-DEF_ghi"},
        {"name": "Mette Hansen", "email": "mette.hansen@odense.dk"},
    ],
)
def test_contact_reachable_by_any_one_channel(contact: dict[str, Any]) -> None:
    solution = parse_solution(with_contact(**contact), path="s")
    assert solution.contacts[0].name == "Mette Hansen"


@pytest.mark.parametrize(
    "email",
    [
        "mette",
        "mette@odense",
        "@odense.dk",
        "mette@",
        "mette hansen@odense.dk",
        "mette@@odense.dk",
        "<mette@odense.dk>",
        'Mette "M" <mette@odense.dk>',
    ],
)
def test_malformed_email(email: str) -> None:
    # One error only: a malformed address is not also reported as a missing one.
    assert errors_of(with_contact(name="Mette", email=email)) == [
        f"s.contacts[0].email: {email!r} is not valid: expected an address like navn@kommune.dk"
    ]


@pytest.mark.parametrize("field", ["slack_id", "teams_id", "slack_team_id", "teams_tenant_id"])
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("U 123", "'U 123' is not valid"),
        ("<@U123>", "'<@U123>' is not valid"),
        ("U123\nU456", "must not contain line breaks or control characters"),
        ("x" * 201, "is 201 characters long; at most 200 allowed"),
    ],
)
def test_malformed_platform_id(field: str, value: str, message: str) -> None:
    assert errors_of(with_contact(name="Mette", email="m@o.dk", **{field: value})) == [
        f"s.contacts[0].{field}: {message}"
    ]


def test_email_is_trimmed() -> None:
    solution = parse_solution(with_contact(name="Mette", email="  m@odense.dk \n"), path="s")
    assert solution.contacts[0].email == "m@odense.dk"


# --- control characters and line breaks ------------------------------------------------------


SINGLE_LINE = "must not contain line breaks or control characters"


@pytest.mark.parametrize(
    "value",
    [
        "Kortere \x1b[31mventetid\x1b[0m",  # ANSI colour
        "Kortere \x1b]8;;https://evil.example\x07ventetid",  # OSC hyperlink
        "Kortere\x00ventetid",
        "Kortere\x07ventetid",
        "Kortere\x08ventetid",
        "Kortere\x7fventetid",
        "Kortere\x9bventetid",  # C1 CSI
        "Kortere\x85ventetid",  # C1 NEL
        "Linje et\nLinje to",
        "Linje et\r\nLinje to",
        "Linje et\rLinje to",
    ],
)
def test_single_line_field_refuses_control_characters_and_line_breaks(value: str) -> None:
    assert errors_of(solution_dict(title=value)) == [f"s.title: {SINGLE_LINE}"]


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"organization": "Odense\nKommune"}, "s.organization"),
        ({"unit": "Hjemmeplejen\x1b[2J"}, "s.unit"),
        ({"results": [{"metric": "Vente\ntid", "before": 1}]}, "s.results[0].metric"),
        ({"results": [{"metric": "V", "before": 1, "unit": "\x1b[1mdage"}]}, "s.results[0].unit"),
        ({"contacts": [{"name": "Mette\x1b[5m", "email": "m@o.dk"}]}, "s.contacts[0].name"),
        ({"contacts": [{"name": "M", "email": "m@o.dk", "role": "Le\nder"}]}, "s.contacts[0].role"),
        ({"tags": ["ok", "vente\ntid"]}, "s.tags[1]"),
        ({"sponsors": ["\x1b[31mKL"]}, "s.sponsors[0]"),
    ],
)
def test_control_characters_in_other_single_line_fields(changes: dict[str, Any], path: str) -> None:
    assert errors_of(solution_dict(**changes)) == [f"{path}: {SINGLE_LINE}"]


@pytest.mark.parametrize("field", ["problem", "summary", "description"])
def test_multiline_fields_allow_line_breaks_and_normalise_them(field: str) -> None:
    solution = parse_solution(
        solution_dict(**{field: "Linje et\r\nLinje to\rLinje tre\n\nAfsnit\tmed tab"}),
        path="s",
    )
    assert getattr(solution, field) == "Linje et\nLinje to\nLinje tre\n\nAfsnit\tmed tab"


@pytest.mark.parametrize("field", ["problem", "summary", "description"])
def test_multiline_fields_still_refuse_control_characters(field: str) -> None:
    assert errors_of(solution_dict(**{field: "Linje et\n\x1b[2JLinje to"})) == [
        f"s.{field}: must not contain control characters"
    ]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029"])
def test_unicode_line_separator_in_single_line_field(separator: str) -> None:
    assert errors_of(solution_dict(title=f"Linje et{separator}Linje to")) == [
        f"s.title: {SINGLE_LINE}"
    ]


# --- label lists -----------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["professions", "domains", "tags", "sponsors"])
def test_label_lists(field: str) -> None:
    assert errors_of(solution_dict(**{field: ["ok", 3, None, True]})) == [
        f"s.{field}[1]: must be text, not a number",
        f"s.{field}[2]: must be text, not null",
        f"s.{field}[3]: must be text, not true/false",
    ]
    assert errors_of(solution_dict(**{field: [f"l{i}" for i in range(31)]})) == [
        f"s.{field}: has 31 items; at most 30 allowed"
    ]
    assert errors_of(solution_dict(**{field: ["x" * 101]})) == [
        f"s.{field}[0]: is 101 characters long; at most 100 allowed"
    ]
    thirty = [f"l{i}" for i in range(30)]
    assert getattr(parse_solution(solution_dict(**{field: thirty}), path="s"), field) == tuple(
        thirty
    )


def test_too_many_results_and_contacts() -> None:
    results = [{"metric": f"m{i}", "before": i} for i in range(11)]
    contacts = [{"name": f"N{i}", "email": f"n{i}@o.dk"} for i in range(11)]
    assert errors_of(solution_dict(results=results, contacts=contacts)) == [
        "s.results: has 11 items; at most 10 allowed",
        "s.contacts: has 11 items; at most 10 allowed",
    ]
    ten = parse_solution(solution_dict(results=results[:10], contacts=contacts[:10]), path="s")
    assert (len(ten.results), len(ten.contacts)) == (10, 10)


def test_labels_are_trimmed_and_deduplicated_in_order() -> None:
    solution = parse_solution(
        solution_dict(
            tags=[" ventetid ", "visitation", "ventetid", "", "   ", "A\u030arhus", "Århus"],
            professions=["sygeplejerske", "Sygeplejerske"],
        ),
        path="s",
    )
    assert solution.tags == ("ventetid", "visitation", "Århus")
    assert solution.professions == ("sygeplejerske", "Sygeplejerske")  # case is kept
    assert solution.to_dict()["tags"] == ["ventetid", "visitation", "Århus"]


# --- language and status ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"language": "fr"}, "s.language: must be one of da, en, not 'fr'"),
        ({"language": "DA"}, "s.language: must be one of da, en, not 'DA'"),
        ({"language": "dansk"}, "s.language: must be one of da, en, not 'dansk'"),
        ({"language": 1}, "s.language: must be one of da, en, not a number"),
        ({"status": "done"}, "s.status: must be one of pilot, proven, scaled, not 'done'"),
        ({"status": "Proven"}, "s.status: must be one of pilot, proven, scaled, not 'Proven'"),
        (
            {"status": ["pilot"]},
            "s.status: must be one of pilot, proven, scaled, not a list",
        ),
    ],
)
def test_bad_language_or_status(changes: dict[str, Any], expected: str) -> None:
    assert errors_of(solution_dict(**changes)) == [expected]


@pytest.mark.parametrize(("language", "status"), [("en", "scaled"), ("da", "proven")])
def test_good_language_and_status(language: str, status: str) -> None:
    solution = parse_solution(solution_dict(language=language, status=status), path="s")
    assert (solution.language, solution.status) == (language, status)


# --- batches ---------------------------------------------------------------------------------


def test_duplicate_ids_reject_the_later_entries_naming_the_first() -> None:
    batch = parse_solutions(
        [
            solution_dict("a"),
            solution_dict("b"),
            solution_dict("a", title="Anden udgave"),
            solution_dict(" a "),  # the same id once trimmed
        ]
    )
    assert [s.id for s in batch.solutions] == ["a", "b"]
    assert batch.solutions[0].title == "Kortere ventetid i hjemmeplejen"
    assert batch.errors == [
        FieldError("solutions[2].id", "'a' is used again; first used by solutions[0]"),
        FieldError("solutions[3].id", "'a' is used again; first used by solutions[0]"),
    ]
    assert batch.rejected == 2


def test_duplicate_is_reported_with_the_entrys_other_errors() -> None:
    batch = parse_solutions([solution_dict("a"), solution_dict("a", summary="")])
    assert [str(e) for e in batch.errors] == [
        "solutions[1].summary: is required",
        "solutions[1].id: 'a' is used again; first used by solutions[0]",
    ]


def test_entries_that_are_not_objects() -> None:
    batch = parse_solutions([solution_dict("a"), ["a"], "a", None, 5, True])
    assert [str(e) for e in batch.errors] == [
        "solutions[1]: must be an object, not a list",
        "solutions[2]: must be an object, not text",
        "solutions[3]: must be an object, not null",
        "solutions[4]: must be an object, not a number",
        "solutions[5]: must be an object, not true/false",
    ]
    assert batch.rejected == 5
    assert [s.id for s in batch.solutions] == ["a"]
    assert errors_of(["a"]) == ["s: must be an object, not a list"]


def test_every_error_in_one_entry_is_reported_in_schema_order() -> None:
    raw = {
        "id": "Kortere Ventetid",
        "title": "",
        "summary": 12,
        "description": "x" * (MAX_DESCRIPTION + 1),
        "results": [{"metric": "Ventetid", "before": "14", "after": True}],
        "organization": "Odense\x1b[31m",
        "contacts": [{"name": "", "email": "mette"}, {"name": "Bo"}],
        "tags": ["ok", 1],
        "language": "fr",
        "status": "done",
        "retired": "nej",
    }
    errors = errors_of(raw)
    assert [e.split(": ", 1)[0] for e in errors] == [
        "s.id",
        "s.title",
        "s.summary",
        "s.description",
        "s.results[0].before",
        "s.results[0].after",
        "s.organization",
        "s.contacts[0].name",
        "s.contacts[0].email",
        "s.contacts[1].email",
        "s.tags[1]",
        "s.language",
        "s.status",
        "s.retired",
    ]
    batch = parse_solutions([solution_dict("ok"), raw])
    assert len(batch.errors) == len(errors)
    assert {str(e).partition(".")[0] for e in batch.errors} == {"solutions[1]"}
    assert batch.rejected == 1


def test_progress_is_reported() -> None:
    seen: list[int] = []
    parse_solutions([solution_dict(f"l{i}") for i in range(3)], on_progress=seen.append)
    assert seen[0] == 0
    assert seen[-1] == 3


def test_input_is_not_modified() -> None:
    raw = solution_dict(title="  Kortere ventetid  ", tags=["a", "a"], x_kilde={"url": "u"})
    before = copy.deepcopy(raw)
    parse_solution(raw, path="s")
    parse_solutions([raw])
    assert raw == before


# --- good paths ------------------------------------------------------------------------------


def test_defaults() -> None:
    solution = parse_solution(minimal(), path="s")
    assert solution.language == "da"
    assert solution.status == "pilot"
    assert solution.retired is False
    assert (solution.problem, solution.description, solution.unit) == ("", "", "")
    assert (solution.professions, solution.domains, solution.tags, solution.sponsors) == (
        (),
        (),
        (),
        (),
    )
    out = solution.to_dict()
    assert out["language"] == "da"
    assert out["status"] == "pilot"
    assert "retired" not in out
    assert out["results"] == [
        {"metric": "Ventetid", "before": 14, "after": None, "unit": "", "period": "", "source": ""}
    ]
    assert out["contacts"] == [{"name": "Mette Hansen", "email": "mette@odense.dk", "role": ""}]


def test_null_and_empty_language_and_status_take_the_defaults() -> None:
    solution = parse_solution(minimal(language=None, status=""), path="s")
    assert (solution.language, solution.status) == ("da", "pilot")


def test_text_is_trimmed_and_nfc_normalised() -> None:
    raw = minimal(
        title="  Ældrepleje i A\u030arhus\t",
        summary="\n Ro\u0308dovre og Ko\u0308ge \n",
        organization=" Aarhus Kommune ",
        contacts=[{"name": " So\u0308ren \u00d8stergaard ", "email": " s@aarhus.dk "}],
        results=[{"metric": " Ventetid ", "before": 14, "unit": " dage "}],
    )
    solution = parse_solution(raw, path="s")
    assert solution.title == "Ældrepleje i Århus"
    assert solution.summary == "Rödovre og Köge"
    assert solution.organization == "Aarhus Kommune"
    assert solution.contacts[0].name == "Sören Østergaard"
    assert solution.contacts[0].email == "s@aarhus.dk"
    assert (solution.results[0].metric, solution.results[0].unit) == ("Ventetid", "dage")
    for text in (solution.title, solution.summary, solution.contacts[0].name):
        assert unicodedata.is_normalized("NFC", text)


def test_unknown_fields_survive_to_dict_at_every_level() -> None:
    raw = solution_dict(
        x_kilde={"url": "https://example.dk", "hentet": [2024, 5]},
        legacy_id=17,
        results=[{"metric": "Ventetid", "before": 14, "konfidens": "høj", "n": 120}],
        contacts=[{"name": "Mette", "email": "m@o.dk", "telefon": "+45 12345678"}],
    )
    solution = parse_solution(raw, path="s")
    out = solution.to_dict()
    assert out["x_kilde"] == {"url": "https://example.dk", "hentet": [2024, 5]}
    assert out["legacy_id"] == 17
    assert out["results"][0]["konfidens"] == "høj"
    assert out["results"][0]["n"] == 120
    assert out["contacts"][0]["telefon"] == "+45 12345678"
    # Unknown fields come after the known ones, in their original order.
    assert list(out)[-2:] == ["x_kilde", "legacy_id"]
    assert list(out["results"][0])[-2:] == ["konfidens", "n"]
    assert list(out["contacts"][0])[-1] == "telefon"
    # And a second pass changes nothing.
    assert parse_solution(out, path="s").to_dict() == out


def nested(levels: int) -> object:
    value: object = "bund"
    for i in range(levels):
        value = [value] if i % 2 else {"i": value}
    return value


def test_unknown_fields_nested_too_deep_are_refused_by_entry_and_field() -> None:
    good = solution_dict("ok", x_ok=nested(MAX_NESTING))
    deep = solution_dict(
        "dyb",
        x_dyb=nested(300),
        results=[{"metric": "Ventetid", "before": 14, "noter": nested(MAX_NESTING + 1)}],
        contacts=[{"name": "Mette", "email": "m@o.dk", "a b\n\x1b[2J": nested(900)}],
    )
    batch = parse_solutions([good, deep])
    assert [s.id for s in batch.solutions] == ["ok"]
    too_deep = f"has lists or objects nested more than {MAX_NESTING} levels deep"
    assert [str(e) for e in batch.errors] == [
        f"solutions[1].results[0].noter: {too_deep}; Spred keeps fields it does not know "
        f"only up to {MAX_NESTING} levels",
        f'solutions[1].contacts[0]["a b\\n\\u001b[2J"]: {too_deep}; Spred keeps fields it '
        f"does not know only up to {MAX_NESTING} levels",
        f"solutions[1].x_dyb: {too_deep}; Spred keeps fields it does not know only up to "
        f"{MAX_NESTING} levels",
    ]
    assert batch.solutions[0].to_dict()["x_ok"] == nested(MAX_NESTING)


def test_a_choice_given_a_deeply_nested_value_names_its_kind() -> None:
    batch = parse_solutions([solution_dict(language=nested(2000), status={"a": 1})])
    assert [str(e) for e in batch.errors] == [
        "solutions[0].language: must be one of da, en, not a list",
        "solutions[0].status: must be one of pilot, proven, scaled, not an object",
    ]


def test_to_dict_key_order_is_the_schema_order() -> None:
    solution = parse_solution(
        solution_dict(
            contacts=[
                {
                    "teams_id": "29:abc",
                    "slack_id": "U1",
                    "role": "Leder",
                    "email": "m@o.dk",
                    "name": "Mette",
                }
            ],
            results=[
                {
                    "source": "s",
                    "period": "2023",
                    "unit": "dage",
                    "after": 3,
                    "before": 14,
                    "metric": "m",
                }
            ],
        )
        | {"status": "scaled", "language": "en"},  # given out of order on purpose
        path="s",
    )
    out = solution.to_dict()
    assert list(out) == SCHEMA_ORDER
    assert list(out["results"][0]) == RESULT_ORDER
    assert list(out["contacts"][0]) == ["name", "email", "role", "slack_id", "teams_id"]


def test_a_contacts_workspace_and_tenant_are_kept_and_name_their_organisations() -> None:
    contact = {
        "name": "Mette",
        "email": "m@o.dk",
        "slack_id": "U1",
        "teams_id": "29:abc",
        "slack_team_id": "T1",
        "teams_tenant_id": "72f988bf-86f1-41af-91ab-2d7cd011db47",
    }
    solution = parse_solution(solution_dict(contacts=[contact]), path="s")
    assert solution.contacts[0].org_ids() == (
        "slack:T1",
        "teams:72f988bf-86f1-41af-91ab-2d7cd011db47",
    )
    out = solution.to_dict()
    assert out["contacts"] == [{"role": "", **contact}]
    assert list(out["contacts"][0])[-2:] == ["slack_team_id", "teams_tenant_id"]
    assert parse_solution(out, path="s").to_dict() == out


def test_retired_is_kept_after_the_schema_fields() -> None:
    out = parse_solution(solution_dict(retired=True, x_extra=1), path="s").to_dict()
    assert list(out) == [*SCHEMA_ORDER, "retired", "x_extra"]
    assert out["retired"] is True
    assert "retired" not in parse_solution(solution_dict(retired=False), path="s").to_dict()


def test_from_dict_and_to_dict_round_trip() -> None:
    solution = Solution.from_dict(solution_dict(retired=True, x_kilde="KL"))
    assert Solution.from_dict(solution.to_dict()) == solution
    with pytest.raises(ValidationError, match=r"^solution\.title: is required$"):
        Solution.from_dict(solution_dict(title=""))


def test_retired_null_means_not_retired() -> None:
    assert parse_solution(minimal(retired=None), path="s").retired is False


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u202a"])
def test_bidirectional_overrides_are_refused(char: str) -> None:
    assert errors_of(minimal(summary=f"godt{char}tset")) == [
        "s.summary: must not contain control characters"
    ]


def test_conditions_are_checked_kept_and_written_only_when_given() -> None:
    given = parse_solution(minimal(conditions="En fast vagtplan.\nFaldgrube: ferie."), path="s")
    assert given.conditions == "En fast vagtplan.\nFaldgrube: ferie."
    out = given.to_dict()
    assert list(out)[-1] == "conditions"
    assert Solution.from_dict(out) == given
    assert "conditions" not in parse_solution(minimal(), path="s").to_dict()
    assert errors_of(minimal(conditions="x" * 2001)) == [
        "s.conditions: is 2001 characters long; at most 2000 allowed"
    ]
