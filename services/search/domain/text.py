"""Chinese-capable text keys, shared by both index backends (plain Python).

Text is normalized (NFKC, lower case, letters and digits only: CJK ideographs are letters), then
indexed as overlapping character bigrams plus single characters. A query of one character looks up
the single-character tokens; a query of k >= 2 characters is the phrase of its k-1 bigrams, which
matches exactly where the query occurs as a substring. This answers 1- and 2-character Chinese
queries correctly on SQLite 3.40.1, whose trigram tokenizer does not (search-testing.md).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MAX_QUERY_CHARS = 100
SEGMENT_BREAK = "zzz"  # a 3-letter token no query produces: keeps phrases inside one name
_USCC_FRAGMENT = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{4,18}$")


_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")  # \w is str.isalnum() (categories L and N) plus "_"


def normalize(text: str) -> str:
    """NFKC, lower case, only letters and digits (spaces and punctuation dropped)."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return _NOT_LETTER_OR_DIGIT.sub("", text.lower())


def bigrams(norm: str) -> list[str]:
    return list(map(str.__add__, norm, norm[1:]))


def bigram_text(texts: Iterable[str], *, normalized: bool = False) -> str:
    """The bigram token stream of several texts, with a break token between them."""
    parts = [" ".join(bigrams(t if normalized else normalize(t))) for t in texts]
    return f" {SEGMENT_BREAK} ".join(p for p in parts if p)


def unigram_text(texts: Iterable[str], *, normalized: bool = False) -> str:
    return " ".join(" ".join(t if normalized else normalize(t)) for t in texts if t)


def uscc_fragment(q: str) -> str | None:
    """The query as a (partial) USCC: 4-18 characters of the GB 32100 alphabet with a digit."""
    code = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", q)).upper()
    if _USCC_FRAGMENT.match(code) and any(ch.isdigit() for ch in code):
        return code
    return None


def strip_control(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
