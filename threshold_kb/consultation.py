"""Reading the consultation's own questions: whether the child's age matters, and the age given.

The child's age is asked only when it is missing and would change the answer (an indicator the
worry matches has an age condition). The triage questions are threshold_kb.triage's.
"""

from __future__ import annotations

import re

from threshold_kb.matching.age import age_from_text
from threshold_kb.matching.engine import Assessment


def age_matters(assessment: Assessment) -> bool:
    return any(
        c.age_under is not None or c.age_over is not None or c.pre_or_non_mobile
        for c in (match.indicator.conditions for match in assessment.matches)
    )


def parse_age(text: str) -> float | None:
    """The child's age in years from an answer like "7", "she's 14", "4 months", "Year 3"."""
    age = age_from_text(text)
    if age is not None:
        return age
    bare = re.fullmatch(r"\D{0,20}?(\d{1,2})\D{0,12}", text.strip())
    if bare and 0 <= int(bare.group(1)) <= 18:
        return float(bare.group(1))
    return None


# A worry about a different child ("Different child now: …", "another one - year 10 girl …").
_NEW_CHILD = re.compile(
    r"\b(different|another|new|second|separate|other|next|unrelated)\s+(child|kid|pupil|student|girl|boy|baby|"
    r"toddler|teenager|young person|family|case|one|worry|concern|referral|consultation)\b"
    r"|\bunrelated\b|\bdifferent (matter|issue|situation)\b",
    re.IGNORECASE,
)
# Said to be the same child ("new concern about the same girl").
_SAME_CHILD = re.compile(r"\bsame (child|kid|pupil|student|girl|boy|baby|family|one|case)\b", re.IGNORECASE)
# More of the worry in hand ("she also said …", "update: …", "forgot to say …").
_MORE = re.compile(
    r"^\W*(also|and|plus|update|updated|forgot|oh|btw|further|more|another thing|one more thing)\b|\balso\b",
    re.IGNORECASE,
)


def starts_afresh(text: str, consultation_done: bool) -> bool:
    """Whether a worry begins a new consultation rather than adding to the one in hand: it says it
    is about a different child, or the last one is finished and it is not more of it."""
    if _SAME_CHILD.search(text):
        return False
    if _NEW_CHILD.search(text):
        return True
    return consultation_done and not _MORE.search(text)
