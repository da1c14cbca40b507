"""Is this English? A cheap check so that another language gets a clear answer, not a guess.

Known words are common English function words plus every word of the five documents. Short
messages are given the benefit of the doubt ("Stoke", "skip", "7").
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[^\W\d_]+")
_COMMON = frozenset(
    """a about after again all also am an and any are as at back be because been before being but by can
    could did do does doing don't down for from get got had has have he her here him his how i if in into is it
    its just know like me mum dad more my no not now of off on one or our out over please says said she so some
    than that the their them then there they this to too up us very was we well were what when where which who
    why will with would yes yo you your hi hello thanks thank ok okay yeah nope lad lass kid kids innit""".split()
)
MIN_WORDS = 3
MIN_KNOWN_SHARE = 0.3


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    from threshold_kb import loader

    words = set(_COMMON)
    for authority in loader.load_all():
        for indicator in authority.indicators:
            words.update(_WORD.findall(indicator.text.lower()))
        for level in authority.levels:
            words.update(_WORD.findall(level.definition.lower()))
    return frozenset(words)


def looks_english(text: str) -> bool:
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return True
    known = sum(word in _vocabulary() for word in words)
    return known / len(words) >= MIN_KNOWN_SHARE
