"""Which words of a worry are negated ("no bruises", "not self-harming", "denies drinking")."""

from __future__ import annotations

import re

from threshold_kb.matching.normalise import NEGATION_CUES, NEGATION_ENDS, STOPWORDS, stem, tokens

SCOPE = 6  # words a negation cue reaches, unless a clause ends first


def split_terms(text: str) -> tuple[list[str], set[str]]:
    """(affirmed content terms, negated content terms) of a text from `expand`.

    A term both affirmed somewhere and negated elsewhere counts as affirmed: saying it at all
    is a reason to look, and dropping it could under-triage."""
    affirmed: list[str] = []
    negated: set[str] = set()
    remaining = 0  # words the current negation still reaches
    last_negated = False  # whether the last plain word was negated (expansions follow it)
    for plain, expansion in _PIECES.findall(text):
        if expansion:
            always = expansion.startswith("!")
            for term in _terms(expansion.lstrip("!")):
                (negated.add(term) if last_negated and not always else affirmed.append(term))
            continue
        for raw in _with_clause_breaks(plain):
            if raw == "|" or raw in NEGATION_ENDS:
                remaining, last_negated = 0, False
            elif raw in NEGATION_CUES or raw.endswith("n't"):
                remaining = SCOPE
            elif raw in STOPWORDS or len(raw) < 2:
                continue
            elif remaining > 0:
                negated.add(stem(raw))
                remaining, last_negated = remaining - 1, True
            else:
                affirmed.append(stem(raw))
                last_negated = False
    return affirmed, negated - set(affirmed)


_PIECES = re.compile(r"([^{}]+)|\{([^}]*)\}")


def _terms(text: str) -> list[str]:
    return [stem(t) for t in tokens(text) if t not in STOPWORDS and len(t) > 1]


def _with_clause_breaks(text: str) -> list[str]:
    """Tokens, with '|' where punctuation closes a clause (a negation stops there)."""
    out: list[str] = []
    for index, chunk in enumerate(re.split(r"[.;,!?]", text)):
        if index:
            out.append("|")
        out.extend(tokens(chunk))
    return out
