"""Synonyms and the Danish ↔ English glossary, kept as data that admins can extend.

`data/synonyms.txt` holds Danish groups ("ledig | arbejdsløs | jobsøgende"), and
`data/glossary.tsv` Danish terms, a tab, English terms. Both ship with Spred; files of the
same names in the data directory add to them. A phrase in a question that belongs to a group
brings every other member of the group along, in either language, so "sick leave" finds
"sygefravær" and "arbejdsløs" finds "ledig".
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.text import ANY_STOP_WORDS, content_lines, key, shipped_text, words

Phrase = tuple[str, ...]  # index keys of the content words, in order
Member = tuple[str, Phrase]  # (language, phrase)

SHIPPED = ("synonyms.txt", "glossary.tsv")
log = logging.getLogger(__name__)
# Words a term can lose to the stop-word list and still mean the same: "de ældre" is
# "ældre". Any other loss changes the meaning: "it-hjælp" is not "hjælp", nor
# "ikke-uddannelsesparat" "uddannelsesparat", nor "gå i skole" "skole".
ARTICLES = frozenset({"de", "den", "det", "en", "et", "the", "a", "an"})
_CLITIC = re.compile(r"['’´]\w+")  # "sosu'er", "alzheimer's": the word without its ending


class LexiconError(ValueError):
    """A line of a synonym or glossary file cannot be read; names the file and line."""


@dataclass(slots=True)
class Lexicon:
    groups: list[tuple[Member, ...]] = field(default_factory=list)
    longest: int = 1
    _index: dict[Member, list[int]] = field(init=False, default_factory=lambda: defaultdict(list))
    _phrases: dict[str, dict[str, tuple[Phrase, ...]]] | None = field(init=False, default=None)

    def add_group(self, members: Iterable[tuple[str, str]], *, where: str = "") -> None:
        """Adds a group of (language, text) terms that mean the same; `where` (file:line)
        names a term left out in the log."""
        found: dict[Member, None] = {}
        for language, text in members:
            if _only_a_lesser_word(text):
                log.warning(
                    "%s: “%s” is a single everyday word once its stop words are gone, so it "
                    "is left out; write it without the stop word",
                    where or "synonyms",
                    text.strip(),
                )
            elif phrase := _phrase(text, language):
                found[(language, phrase)] = None
        group = tuple(found)
        if len(group) < 2:
            return
        number = len(self.groups)
        self.groups.append(group)
        self._phrases = None
        for member in group:
            self._index[member].append(number)
            self.longest = max(self.longest, len(member[1]))

    def vocabulary(self, language: str) -> frozenset[str]:
        """The index keys of every word of the terms in one language."""
        return frozenset(
            term for group in self.groups for lang, phrase in group if lang == language
            for term in phrase
        )  # fmt: skip

    def phrases(self) -> dict[str, dict[str, tuple[Phrase, ...]]]:
        """The terms of more than one word, in either language, by their first and second
        key: what a document holds as one term where the words stand together."""
        if self._phrases is None:
            found: dict[str, dict[str, dict[Phrase, None]]] = defaultdict(lambda: defaultdict(dict))
            for group in self.groups:
                for _, phrase in group:
                    if len(phrase) > 1:
                        found[phrase[0]][phrase[1]][phrase] = None
            self._phrases = {
                first: {second: tuple(each) for second, each in seconds.items()}
                for first, seconds in found.items()
            }
        return self._phrases

    def expansions(self, language: str, phrase: Phrase) -> list[Member]:
        """Every other member of the groups `phrase` belongs to."""
        found: dict[Member, None] = {}
        for number in self._index.get((language, phrase), ()):
            for member in self.groups[number]:
                found[member] = None
        found.pop((language, phrase), None)
        return list(found)

    def read_synonyms(self, text: str, *, name: str) -> None:
        for number, line in content_lines(text):
            terms = [t for t in line.split("|") if t.strip()]
            if len(terms) < 2:
                raise LexiconError(
                    f"{name}:{number}: a group needs two or more terms separated by '|'"
                )
            self.add_group((("da", t) for t in terms), where=f"{name}:{number}")

    def read_glossary(self, text: str, *, name: str) -> None:
        for number, line in content_lines(text):
            sides = line.split("\t")
            if len(sides) != 2 or not sides[0].strip() or not sides[1].strip():
                raise LexiconError(
                    f"{name}:{number}: expected Danish terms, one tab, English terms"
                )
            danish, english = (side.split("|") for side in sides)
            members = [("da", t) for t in danish] + [("en", t) for t in english]
            self.add_group(members, where=f"{name}:{number}")


def _content_words(text: str) -> tuple[list[str], list[str]]:
    """The words a question keeps of a term, and those it loses (articles aside)."""
    typed = words(_CLITIC.sub("", text))
    kept = [w for w in typed if w not in ANY_STOP_WORDS and len(w) > 1]
    lost = [w for w in typed if w not in kept and w not in ARTICLES]
    return kept, lost


def _only_a_lesser_word(text: str) -> bool:
    """Whether a term shrinks to a single word that means something else once a question's
    stop words are gone ("it-hjælp" to "hjælp"): it would make that everyday word a synonym
    of the whole group."""
    kept, lost = _content_words(text)
    return len(kept) == 1 and bool(lost)


def _phrase(text: str, language: str) -> Phrase:
    """The term's index keys, without the words a question loses too, or it could never be
    met."""
    return tuple(key(w, language) for w in _content_words(text)[0])


def load_lexicon(extra_dirs: Sequence[Path] = ()) -> Lexicon:
    """The shipped synonyms and glossary, plus any of the same name in `extra_dirs`."""
    lexicon = Lexicon()
    sources = [(f"knowledge/data/{name}", shipped_text(name)) for name in SHIPPED]
    for directory in extra_dirs:
        for name in SHIPPED:
            path = directory / name
            if path.is_file():
                sources.append((str(path), _read(path)))
    for name, text in sources:
        if name.endswith(".tsv"):
            lexicon.read_glossary(text, name=name)
        else:
            lexicon.read_synonyms(text, name=name)
    return lexicon


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise LexiconError(
            f"{path} is not UTF-8 text (byte {exc.start}); save it as UTF-8 and start again"
        ) from None
    except OSError as exc:
        raise LexiconError(f"{path}: {exc.strerror or exc}") from None
