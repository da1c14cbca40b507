"""When the worry happens: now, or before, or again and again. The sentence encoder reads "dad has a
knife and is shouting" and "dad had a knife last summer" as nearly the same; these few features,
beside its vector in the danger model, carry the difference.

Two come from spaCy's tagger (en_core_web_md): the share of the message's verbs in the past tense
(VBD, VBN) and in the present or future (VBZ, VBP, VBG, MD). Four are marker words, read from the
text: now ("right now", "tonight", "about to"), a past time ("yesterday", "last week", "ago"), a
pattern ("again", "keeps", "third time", "for months") and a future ("will", "going to").

Without spaCy (it failed to load), the two tag shares are 0 and the words are read from the text:
the detector still works, a little less well, and says why in the log.
"""

from __future__ import annotations

import re

import numpy as np

from threshold_kb.english import TAGGING_ONLY, pipeline

FEATURES = ("now", "past_time", "pattern", "future", "past_verbs", "present_verbs")
_MARKERS = {
    "now": re.compile(
        r"\b(now|right now|tonight|currently|at the moment|as we speak|about to|on (his|her|their|my) way|"
        r"still (here|there|outside|inside|at|in)|"
        r"just (taken|swallowed|left|gone|run|been|said|told|turned up|arrived)|"
        r"this (minute|second|evening|afternoon)|can'?t find|waiting outside|at the (door|gate|window))\b"
    ),
    "past_time": re.compile(
        r"\b(yesterday|last (week|night|month|term|year|weekend|time|summer|spring|autumn|winter|christmas)|ago|"
        r"earlier (this|in the) (week|month|term|year)|previously|in the past|over the (weekend|holidays|summer)|"
        r"on (monday|tuesday|wednesday|thursday|friday|saturday|sunday)|used to|back in|"
        r"when (she|he|they) (was|were))\b"
    ),
    "pattern": re.compile(
        r"\b(again|keeps|kept|always|often|regularly|repeatedly|several times|many times|lots of times|"
        r"(\d+|second|third|fourth|fifth|few|couple of) times?|for (weeks|months|years|ages|a while)|"
        r"most (days|nights|weeks|mornings)|every (day|night|week|morning|weekend)|ongoing|on and off)\b"
    ),
    "future": re.compile(r"\b(will|won'?t|going to|gonna|plans? to|planning to|'ll)\b"),
}
_PAST_TAGS = frozenset({"VBD", "VBN"})
_PRESENT_TAGS = frozenset({"VBZ", "VBP", "VBG", "MD"})


WORD_FEATURES = 4  # the first four of FEATURES come from the words, the last two from the tagger


def word_features(text: str) -> np.ndarray:
    """The marker-word features: cheap, no model."""
    lowered = text.lower()
    return np.array(
        [1.0 if _MARKERS[name].search(lowered) else 0.0 for name in FEATURES[:WORD_FEATURES]], dtype=np.float32
    )


def tense_features(text: str, doc=None) -> np.ndarray:
    """The shares of the message's verbs in the past and in the present or future (spaCy's tagger).
    `doc`: the message already tagged by the same pipeline (Rasa's SpacyNLP), so it is not again."""
    past = present = 0.0
    nlp = pipeline() if doc is None else None
    if nlp is not None:
        doc = nlp(text[:2000], disable=TAGGING_ONLY)
    if doc is not None:
        verbs = [token.tag_ for token in doc if token.tag_.startswith(("VB", "MD"))]
        if verbs:
            past = sum(tag in _PAST_TAGS for tag in verbs) / len(verbs)
            present = sum(tag in _PRESENT_TAGS for tag in verbs) / len(verbs)
    return np.array([past, present], dtype=np.float32)


def time_features(text: str) -> np.ndarray:
    """The FEATURES of one message, each between 0 and 1."""
    return np.concatenate([word_features(text), tense_features(text)])
