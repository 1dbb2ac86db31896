"""The shipped lists of common words, and the maintainer's step that makes them."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from knowledge.common import common_form, load_common_words, main, write_lists


def test_everyday_words_are_common_in_any_spelling_and_topic_words_are_not() -> None:
    common = load_common_words()
    for word in ("erfaringer", "længe", "laenge", "problem", "because"):
        assert common_form(word) in common, word
    for word in ("byggetilladelser", "demens", "ventetid", "hjemmeplejen", "dyslexia"):
        assert common_form(word) not in common, word


def test_the_lists_are_made_from_wordfreq_above_the_zipf_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frequencies = {
        "da": {"længe": 1e-4, "ventetid": 1e-5, "og": 1e-2, "x": 1e-2, "2024": 1e-3},
        "en": {"because": 1e-3, "dyslexia": 1e-7},
    }
    fake = types.ModuleType("wordfreq")
    fake.get_frequency_dict = lambda language, wordlist: frequencies[language]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "wordfreq", fake)
    write_lists(tmp_path, zipf=4.5)  # Zipf 4.5: 10^-4.5 per word, about 3.2e-5
    danish = (tmp_path / "common.da.txt").read_text(encoding="utf-8").splitlines()
    english = (tmp_path / "common.en.txt").read_text(encoding="utf-8").splitlines()
    assert [w for w in danish if not w.startswith("#")] == ["længe", "og"]  # no digits, no "x"
    assert [w for w in english if not w.startswith("#")] == ["because"]


def test_making_the_lists_without_wordfreq_says_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "wordfreq", None)  # as if not installed
    with pytest.raises(SystemExit, match="make install-bench"):
        write_lists(tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("zipf", ["45", "0", "nan"])
def test_a_zipf_line_that_would_empty_or_fill_the_lists_is_refused(
    zipf: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["knowledge.common", "--zipf", zipf])
    with pytest.raises(SystemExit):
        main()
    assert "--zipf must be from 3 to 7" in capsys.readouterr().err
