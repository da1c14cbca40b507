"""Practitioner text and document text brought to comparable terms.

Both sides go through the same steps: lower case, markup and punctuation removed, a light
suffix-stripping stem. The practitioner's side is also expanded with the lexicon (lexicon.yml),
so that "DV" meets "domestic violence" without losing the original word.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

_TAG = re.compile(r"<[^>]+>")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
_WORD = re.compile(r"[a-z0-9%]+(?:'[a-z]+)?")

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just may me
    might more most my myself of off on once only or other our ours out over own same she should so
    some such than that the their theirs them themselves then there these they this those through to
    too under until up very was we were what when where which while who whom why will with would you
    your yours e g eg etc i.e ie""".split()
)
NEGATION_CUES = frozenset(
    {
        "no",
        "not",
        "never",
        "without",
        "denies",
        "denied",
        "nor",
        "none",
        "n't",
        "isn't",
        "wasn't",
        "doesn't",
        "don't",
        "didn't",
        "hasn't",
        "haven't",
        "aren't",
        "won't",
    }
)
NEGATION_ENDS = frozenset({"but", "although", "though", "however", "yet", "except"})


def clean(text: str) -> str:
    """Lower case, typographic quotes and dashes plain, markup gone, whitespace folded."""
    text = _TAG.sub(" ", text).translate(_QUOTES).lower()
    text = text.replace("•", " ").replace("-", " ").replace("/", " ")
    return " ".join(text.split())


def stem(word: str) -> str:
    """A deliberately small stemmer: plural and verb endings only, never below four letters."""
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("ly", ""), ("e", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)] + replacement
            break
    return word


def tokens(text: str) -> list[str]:
    return _WORD.findall(clean(text))


def content_terms(text: str) -> list[str]:
    """Stemmed words that carry meaning, in order."""
    return [stem(t) for t in tokens(text) if t not in STOPWORDS and t not in NEGATION_CUES and len(t) > 1]


@lru_cache(maxsize=1)
def lexicon() -> tuple[re.Pattern[str], dict[str, str]]:
    """One alternation of every phrase (longest first) and phrase -> expansion words."""
    data = yaml.safe_load((Path(__file__).with_name("lexicon.yml")).read_text(encoding="utf-8"))
    expansions = {clean(phrase): clean(" ".join(words)) for phrase, words in data["expansions"].items()}
    alternation = "|".join(re.escape(p) for p in sorted(expansions, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternation})\b"), expansions


def expand(text: str) -> str:
    """The practitioner's words, each lexicon phrase followed by its document terms in braces.

    One pass, so an expansion is never expanded again. "{words}" share the negation state of the
    phrase before them ("no bruises {injury bruising}"); "{!words}" are always affirmed, for
    phrases that are themselves negative ("didn't turn up {!disengaged missed}")."""
    pattern, expansions = lexicon()

    def with_expansion(match: re.Match[str]) -> str:
        phrase = match.group(0)
        negative = any(t in NEGATION_CUES or t.endswith("n't") for t in phrase.split())
        return f"{phrase} {{{'!' if negative else ''}{expansions[phrase]}}}"

    return pattern.sub(with_expansion, clean(text))
