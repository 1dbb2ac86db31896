"""Words common in everyday Danish or English ("erfaringer", "længe", "problem"): the
matcher never names one as a word of the question that an answer leaves unexplained, since
a common word rarely says what a question is about.

The lists in `data/common.da.txt` and `data/common.en.txt` are made from wordfreq's
frequencies (Zipf 4.5 and up: about one word in 30,000 and more often) by running
`python -m knowledge.common` with wordfreq installed (`make install-bench` installs it).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from knowledge.solutions import LANGUAGES
from knowledge.text import content_lines, danish_letters, fold, loose, shipped_text

MIN_ZIPF = 4.5
HEADER = (
    "# Words common in everyday {name}, made by `python -m knowledge.common` from wordfreq\n"
    "# (Zipf frequency {zipf} and up). One word a line.\n"
)
NAMES = {"da": "Danish", "en": "English"}


def common_form(word: str) -> str:
    """How a word is compared with the lists: "laenge", "længe" and "lange" all meet, as the
    matcher's looser spelling does."""
    return loose(danish_letters(fold(word)))


def load_common_words(language: str | None = None) -> frozenset[str]:
    """The common words of one language, or of both, each in its common_form."""
    found: set[str] = set()
    for each in LANGUAGES if language is None else (language,):
        lines = content_lines(shipped_text(f"common.{each}.txt"))
        found.update(common_form(line.strip()) for _, line in lines)
    return frozenset(found)


COMMON_BY_LANGUAGE = {language: load_common_words(language) for language in LANGUAGES}
COMMON_WORDS = COMMON_BY_LANGUAGE["da"] | COMMON_BY_LANGUAGE["en"]


def write_lists(directory: Path, *, zipf: float = MIN_ZIPF) -> None:
    """Regenerates the shipped lists from wordfreq (a maintainer's step, not a runtime one)."""
    try:  # only here: wordfreq is not a runtime dependency
        from wordfreq import get_frequency_dict
    except ImportError:
        raise SystemExit(
            "python -m knowledge.common needs wordfreq: run `make install-bench` first"
        ) from None

    lowest = 10 ** (zipf - 9)  # Zipf is log10 of frequency per billion words
    for language in LANGUAGES:
        frequencies = get_frequency_dict(language, wordlist="small")
        words = sorted(
            w for w, f in frequencies.items() if f >= lowest and w.isalpha() and len(w) > 1
        )
        body = "".join(f"{w}\n" for w in words)
        path = directory / f"common.{language}.txt"
        path.write_text(HEADER.format(name=NAMES[language], zipf=zipf) + body, encoding="utf-8")
        print(f"{path}: {len(words)} words")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--zipf", type=float, default=MIN_ZIPF, help="3 to 7 (default 4.5)")
    args = parser.parse_args()
    if not 3 <= args.zipf <= 7:  # below, nearly every word is common; above, none is
        parser.error(f"--zipf must be from 3 to 7, not {args.zipf}")
    write_lists(Path(__file__).with_name("data"), zipf=args.zipf)


if __name__ == "__main__":
    main()
