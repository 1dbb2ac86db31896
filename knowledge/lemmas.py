"""Danish inflected forms and their lemmas, for the forms the Snowball stemmer leaves apart
from their word: the past tense ("ventede" stems to "vented", "venter" to "vent"), strong
verbs ("udskrevet", "udskrive") and irregular plurals ("børn", "barn"). A nurse writes
"borgerne venter", the solution "borgerne ventede"; they must meet.

`data/lemmas.da.txt` is made from simplemma's Danish dictionary by running
`python -m knowledge.lemmas` with simplemma and wordfreq installed (`make install-bench`
installs both). It keeps only the forms whose lemma changes their Snowball stem, and only
words wordfreq knows (the form or its lemma), so the table stays small: the whole
dictionary holds 90,000 such forms, most of them rare.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from knowledge.text import danish_letters, stem

HEADER = (
    "# Danish inflected forms whose lemma the Snowball stemmer misses, made by\n"
    "# `python -m knowledge.lemmas` from simplemma's dictionary (forms or lemmas wordfreq\n"
    "# knows). Format: lemma: form form …\n"
)


def lemma_table() -> dict[str, list[str]]:
    """lemma → its forms that need it, from simplemma (a maintainer's step, not a runtime
    one)."""
    try:  # only here: neither is a runtime dependency
        from simplemma.strategies.dictionaries import DefaultDictionaryFactory
        from wordfreq import get_frequency_dict
    except ImportError:
        raise SystemExit(
            "python -m knowledge.lemmas needs simplemma and wordfreq: run `make install-bench`"
        ) from None

    dictionary = DefaultDictionaryFactory().get_dictionary("da")
    known = get_frequency_dict("da", wordlist="small")
    table: dict[str, list[str]] = defaultdict(list)
    for form in dictionary:
        lemma = dictionary[form].casefold()
        if not (form.isalpha() and form.islower() and lemma.isalpha()):
            continue  # names, abbreviations and numbers are left to the stemmer
        if not (form in known or lemma in known) or stem(form, "da") == stem(lemma, "da"):
            continue
        # Written as the matcher reads it, with ae/oe/aa as æ/ø/å; a form that this makes
        # another word ("aedes" read as "ædes", a form of "æde") is left out.
        spelt = danish_letters(form)
        if spelt == form or dictionary.get(spelt, lemma).casefold() == lemma:
            table[lemma].append(spelt)
    return {lemma: sorted(forms) for lemma, forms in sorted(table.items())}


def write_table(directory: Path) -> None:
    table = lemma_table()
    body = "".join(f"{lemma}: {' '.join(forms)}\n" for lemma, forms in table.items())
    path = directory / "lemmas.da.txt"
    path.write_text(HEADER + body, encoding="utf-8")
    print(f"{path}: {sum(map(len, table.values()))} forms of {len(table)} lemmas")


def main() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    write_table(Path(__file__).with_name("data"))


if __name__ == "__main__":
    main()
