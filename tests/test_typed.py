"""Numbers and terminal text read by one rule wherever people type them (knowledge.typed)."""

from __future__ import annotations

import pytest

from knowledge.typed import danish_number, utf8_or_latin1


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("12", 12),
        ("-3", -3),
        ("12,5", 12.5),
        ("12.5", 12.5),
        ("0,25", 0.25),
        ("1.250", 1250),  # Danish thousands
        ("1.234,5", 1234.5),
        ("1.234.567,25", 1234567.25),
        ("1 250", 1250),
        ("1\u00a0250,5", 1250.5),
        (" 14 ", 14),
        ("12,0", 12.0),
    ],
)
def test_danish_numbers(text: str, number: float) -> None:
    value = danish_number(text)
    assert value == number
    assert type(value) is type(number)


@pytest.mark.parametrize("text", ["", "mange", "cirka 14", "1,2,3", "12 %", "-"])
def test_not_a_number(text: str) -> None:
    assert danish_number(text) is None


def test_the_csv_reader_and_the_guided_dialogue_read_numbers_alike() -> None:
    from bot.flows.draft import _number
    from knowledge.transfer import _number as cell

    for text in ("1.250", "12,5", "1.234,5", "12.5", "1 250"):
        assert _number(text) == cell(text) == danish_number(text)


def test_utf8_else_latin1() -> None:
    assert utf8_or_latin1("Ældrepleje på Fyn".encode()) == "Ældrepleje på Fyn"
    assert utf8_or_latin1("Ældrepleje på Fyn".encode("latin-1")) == "Ældrepleje på Fyn"
    assert utf8_or_latin1(bytes(range(256))) == bytes(range(256)).decode("latin-1")
