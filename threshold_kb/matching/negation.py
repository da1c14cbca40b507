"""Which words of a worry are negated ("no bruises", "not self-harming", "denies drinking")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from threshold_kb.matching.normalise import NEGATION_CUES, NEGATION_ENDS, STOPWORDS, stem, tokens

SCOPE = 6  # words a negation cue reaches, unless a clause ends first


def walk(text: str) -> Iterator[tuple[str, bool]]:
    """(word, negated) for every meaningful word of a text from `expand`, expansions included.

    Negation cues themselves are not yielded. Expansions share the negation state of the word
    before them, unless marked "{!...}" (always affirmed)."""
    remaining = 0  # words the current negation still reaches
    last_negated = False  # whether the last plain word was negated (expansions follow it)
    for plain, expansion in _PIECES.findall(text):
        if expansion:
            always = expansion.startswith("!")
            for word in tokens(expansion.lstrip("!")):
                if word not in STOPWORDS and len(word) > 1:
                    yield word, last_negated and not always
            continue
        for raw in _with_clause_breaks(plain):
            if raw == "|" or raw in NEGATION_ENDS:
                remaining, last_negated = 0, False
            elif raw in NEGATION_CUES or raw.endswith("n't"):
                remaining = SCOPE
            elif raw in STOPWORDS or len(raw) < 2:
                continue
            elif remaining > 0:
                remaining, last_negated = remaining - 1, True
                yield raw, True
            else:
                last_negated = False
                yield raw, False


def split_terms(text: str) -> tuple[list[str], set[str]]:
    """(affirmed content terms, negated content terms), stemmed.

    A term both affirmed somewhere and negated elsewhere counts as affirmed: saying it at all
    is a reason to look, and dropping it could under-triage."""
    affirmed: list[str] = []
    negated: set[str] = set()
    for word, is_negated in walk(text):
        (negated.add(stem(word)) if is_negated else affirmed.append(stem(word)))
    return affirmed, negated - set(affirmed)


def affirmed_text(text: str) -> str:
    """The words of a text from `expand` that are not negated, in order (for the encoder)."""
    return " ".join(word for word, is_negated in walk(text) if not is_negated)


_PIECES = re.compile(r"([^{}]+)|\{([^}]*)\}")


def _with_clause_breaks(text: str) -> list[str]:
    """Tokens, with '|' where punctuation closes a clause (a negation stops there)."""
    out: list[str] = []
    for index, chunk in enumerate(re.split(r"[.;,!?]", text)):
        if index:
            out.append("|")
        out.extend(tokens(chunk))
    return out


def negated_before(text: str, start: int) -> bool:
    """A negation cue in the three words before `start`, within its clause ("no disclosure")."""
    before = re.split(r"[.;,!?]", text[:start])[-1].split()[-3:]
    return any(w in NEGATION_CUES or w.endswith("n't") for w in before)
