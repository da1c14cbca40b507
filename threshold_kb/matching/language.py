"""Is this English? A cheap check so that another language gets a clear answer, not a guess.

Known words are common English function words, the words practitioners use to ask for a contact
("tel", "no", "pls"), and every word of the five documents: their indicators and levels, and the
names they give (each authority's names, aliases and towns, its contacts and routes), so that a
short question such as "LADO email for Stoke" is English. Short messages are given the benefit of
the doubt ("Stoke", "skip", "7").
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
# Asking for a contact, as practitioners type it: the services are in the documents' own names.
_CONTACT_WORDS = frozenset(
    """number numbers no tel telephone phone ring call email e-mail address contact contacts details detail
    line lines pls plz thx cheers info hub front door out hours ooh edt duty team mash lado dsl
    referral refer form link website""".split()
)
MIN_WORDS = 3
MIN_KNOWN_SHARE = 0.3


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    from threshold_kb import loader

    words = set(_COMMON) | _CONTACT_WORDS
    for authority in loader.load_all():
        texts = [authority.name, *authority.aliases, *authority.towns]
        texts += [indicator.text for indicator in authority.indicators]
        texts += [level.definition for level in authority.levels]
        texts += [f"{contact.name} {contact.role.replace('_', ' ')}" for contact in authority.contacts]
        texts += [f"{route.name} {route.kind.replace('_', ' ')}" for route in authority.special_routes]
        for text in texts:
            words.update(_WORD.findall(text.lower()))
    return frozenset(words)


def looks_english(text: str) -> bool:
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return True
    known = sum(word in _vocabulary() for word in words)
    return known / len(words) >= MIN_KNOWN_SHARE
