"""Text normalisation shared by the matcher and the index.

Many people type Danish without a Danish keyboard, so æ/ø/å and ae/oe/aa must meet: both
are folded to the ASCII spelling.
"""

from __future__ import annotations

import re
import unicodedata

_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_WORD = re.compile(r"[a-z0-9]+")

# Bounds on what one question may cost, whatever was pasted.
MAX_QUERY_CHARS = 1000
MAX_QUERY_TERMS = 32

_STOP_WORDS = """
af alle andet andre at blev bliver da de dem den denne der deres det dette dig din dine disse
du efter eller en end er et for fra god gode har hos hvad hvem hvor hvordan hvorfor hvis i ikke
ind jeg jer kan kun kunne man mange med meget men mig min mine mit nogen noget nu og om op os
over paa saa selv sig sin sine skal skulle som til ud under var vi vil ville vor vores naar
faa faar goere goer bedre ned nogle
a an and are as at be by can do does for from get has have how i in is it its me my of on or
our should so that the their them there these this to us was we what when where which who why
will with you your
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())


def fold(text: str) -> str:
    """Lower case, Danish letters spelled out in ASCII, other accents dropped."""
    text = unicodedata.normalize("NFC", text).casefold().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def terms(text: str, *, limit: int | None = None) -> list[str]:
    """Folded content words in order, stop words dropped; `limit` bounds work on pastes."""
    found = [w for w in _WORD.findall(fold(text)) if w not in STOP_WORDS and len(w) > 1]
    return found if limit is None else found[:limit]


def query_terms(question: str) -> list[str]:
    """The terms of a question, bounded in length and number, duplicates dropped."""
    return list(dict.fromkeys(terms(question[:MAX_QUERY_CHARS], limit=MAX_QUERY_TERMS * 4)))[
        :MAX_QUERY_TERMS
    ]
