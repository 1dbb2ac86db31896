"""The texts: both languages take the same values, every key the code names exists, and
every text is said somewhere."""

from __future__ import annotations

import re
import string
from pathlib import Path

from bot.i18n import TEXTS, listed, place, say
from bot.sessions import Flow
from knowledge.records import Stage

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(p for folder in ("bot", "adapters") for p in (ROOT / folder).rglob("*.py"))
# Keys chosen in code by a value: f"adopted_{stage}", f"expired_{flow}", …
PER_STAGE = ("adopted_", "adoption_already_", "adoption_notice_", "stage_")
PER_ACT = ("nudge_why_",)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_both_languages_of_every_text_take_the_same_placeholders() -> None:
    differing = {
        key: (sorted(_placeholders(da)), sorted(_placeholders(en)))
        for key, (da, en) in TEXTS.items()
        if _placeholders(da) != _placeholders(en)
    }
    assert differing == {}
    assert all(da.strip() and en.strip() for da, en in TEXTS.values())


def test_every_key_the_code_names_exists_and_every_text_is_used() -> None:
    texts = (ROOT / "bot" / "i18n.py").read_text(encoding="utf-8")
    helpers = texts[texts.index("\ndef say(") :]  # the table itself names every key
    source = "\n".join(p.read_text(encoding="utf-8") for p in SOURCES if p.name != "i18n.py")
    source += helpers
    named = set(re.findall(r"""["']([a-z][a-z0-9_]*)["']""", source))
    prefixes = set(re.findall(r"""f["']([a-z][a-z0-9_]*_)\{""", source))
    assert set(PER_STAGE + PER_ACT + ("status_", "expired_", "plan_")) <= prefixes
    for prefix in PER_STAGE:
        assert {f"{prefix}{stage}" for stage in Stage} <= TEXTS.keys(), prefix
    assert {f"nudge_why_{act}" for act in ("details", "contact", *Stage)} <= TEXTS.keys()
    assert {f"expired_{flow}" for flow in Flow if flow is not Flow.IDLE} <= TEXTS.keys()
    unused = {
        key
        for key in TEXTS
        if key not in named and not any(key.startswith(prefix) for prefix in prefixes)
    }
    assert unused == set()
    said = set(re.findall(r"""\bsay\(\s*(?:[a-z_.]+,\s*)?["']([a-z0-9_]+)["']""", source))
    raised = set(re.findall(r"""(?:Refusal|Problem)\(\s*["']([a-z0-9_]+)["']""", source))
    assert said | raised <= TEXTS.keys()


def test_names_in_a_sentence_are_joined_with_and_or_or() -> None:
    assert listed("da", []) == ""
    assert listed("da", ["Bo Berg"]) == "Bo Berg"
    assert listed("da", ["Bo Berg", "Kim Kragh"]) == "Bo Berg og Kim Kragh"
    assert listed("en", ["A", "B", "C"]) == "A, B and C"
    assert listed("da", ["“a”", "“b”"], joined_by="or") == "“a” eller “b”"


def test_a_place_in_a_sentence_names_the_unit_in_its_organisation() -> None:
    assert (
        place("da", "Odense Kommune", "Hjemmeplejen Vest") == "Hjemmeplejen Vest i Odense Kommune"
    )
    assert place("en", "Odense Kommune", "Home Care West") == "Home Care West at Odense Kommune"
    assert place("da", "Odense Kommune", "") == "Odense Kommune"


def test_no_text_pastes_a_stage_label_or_a_setting_into_a_sentence() -> None:
    for key, texts in TEXTS.items():
        for text in texts:
            assert "{stage}" not in text or key == "adopter_line", key
            assert "SPRED_" not in text, key
            assert "{platform}" not in text, key
    assert "afprøvede" not in say("da", "answers", question="x").lower()
    assert "proven" not in say("en", "answers", question="x").lower()
