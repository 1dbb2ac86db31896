"""The shipped Danish lemma table, and the maintainer's step that makes it."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from knowledge.lemmas import write_table
from knowledge.text import _DANISH_EXCEPTIONS as EXCEPTIONS
from knowledge.text import content_lines, danish_letters, key, shipped_text, stem


def _fake_libraries(
    monkeypatch: pytest.MonkeyPatch, lemmas: dict[str, str], known: set[str]
) -> None:
    class Factory:
        def get_dictionary(self, language: str) -> dict[str, str]:
            assert language == "da"
            return lemmas

    dictionaries = types.ModuleType("simplemma.strategies.dictionaries")
    dictionaries.DefaultDictionaryFactory = Factory  # type: ignore[attr-defined]
    for name in ("simplemma", "simplemma.strategies"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "simplemma.strategies.dictionaries", dictionaries)
    wordfreq = types.ModuleType("wordfreq")
    wordfreq.get_frequency_dict = lambda language, wordlist: dict.fromkeys(known, 1e-5)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "wordfreq", wordfreq)


def test_the_table_keeps_only_known_forms_whose_lemma_changes_their_stem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lemmas = {
        "ventede": "vente",  # Snowball: "vented" against "vent": kept
        "venter": "vente",  # the same stem already: left to the stemmer
        "udskrevet": "udskrive",  # kept: the lemma is known
        "sjældnede": "sjældne",  # neither is known: left out
        "Aarhus": "Aarhus",  # a name
        "covid19": "covid19",
        "aedes": "ae",  # read as "ædes", a form of "æde": left out
        "ædes": "æde",
        "risikoers": "risiko",  # written as the matcher reads it
    }
    _fake_libraries(monkeypatch, lemmas, known={"ventede", "udskrive", "Aarhus", "aedes", "risiko"})
    write_table(tmp_path)
    lines = (tmp_path / "lemmas.da.txt").read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if not line.startswith("#")] == [
        "risiko: risikørs",
        "udskrive: udskrevet",
        "vente: ventede",
    ]


def test_making_the_table_without_the_libraries_says_how_to_get_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "simplemma", None)  # as if not installed
    with pytest.raises(SystemExit, match="make install-bench"):
        write_table(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_every_shipped_form_changes_the_stem_it_would_get() -> None:
    lines = list(content_lines(shipped_text("lemmas.da.txt")))
    assert len(lines) > 1000
    for _, line in lines:
        lemma, _, forms = line.partition(":")
        for form in forms.split():
            assert stem(form, "da") != stem(lemma.strip(), "da"), line


def test_every_shipped_form_meets_its_lemma_however_it_is_spelt() -> None:
    """Each form takes its lemma's stem, however typed: "risikoers" as "risikørs"."""
    checked = 0
    for _, line in content_lines(shipped_text("lemmas.da.txt")):
        lemma, _, forms = line.partition(":")
        for form in forms.split():
            if danish_letters(form) not in EXCEPTIONS:  # the stem exceptions come first
                assert key(form, "da") == stem(lemma.strip(), "da"), (form, lemma)
                checked += 1
    assert checked > 1000
