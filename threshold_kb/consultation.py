"""Which follow-up questions a consultation still needs, decided from the worry itself.

The child's age is asked only when it is missing and would change the answer (an indicator the
worry matches has an age condition). "What are we worried about?" is asked only when the worry
could not be placed at a level, i.e. it is not yet clear. The other Signs of Safety questions are
always offered, and each can be skipped.
"""

from __future__ import annotations

import re

from threshold_kb.matching.age import age_from_text
from threshold_kb.matching.engine import Assessment
from threshold_kb.matching.normalise import content_terms

ALWAYS_ASKED = ("sos_working_well", "sos_needs_to_happen", "sos_scale")
_SCALE_WORDS = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten".split())}


def age_matters(assessment: Assessment) -> bool:
    return any(
        c.age_under is not None or c.age_over is not None or c.pre_or_non_mobile
        for c in (match.indicator.conditions for match in assessment.matches)
    )


VAGUE_BELOW = 4  # content words: "I'm worried about a child" says too little to place it


def follow_up_questions(assessment: Assessment, worry: str, age_known: bool) -> tuple[str, ...]:
    """Slot names to ask, in order: the age if it matters, "what are we worried about?" if the worry
    could not be placed or says too little, then the questions always asked."""
    asked = []
    if not age_known and age_from_text(worry) is None and age_matters(assessment):
        asked.append("child_age")
    if assessment.level is None or len(set(content_terms(worry))) < VAGUE_BELOW:
        asked.append("sos_worried")
    return (*asked, *ALWAYS_ASKED)


def parse_scale(text: str) -> int | None:
    """A 0-10 Signs of Safety scale from "6", "6/10", "about a 4", "ten"; None if there is none."""
    lowered = text.lower()
    found = re.search(r"(?<![\d.])(\d{1,2})(?:\s*(?:/|out of)\s*10)?(?![\d.])", lowered)
    if found:
        value = int(found.group(1))
        return value if 0 <= value <= 10 else None
    return next((_SCALE_WORDS[w] for w in re.findall(r"[a-z]+", lowered) if w in _SCALE_WORDS), None)


def parse_age(text: str) -> float | None:
    """The child's age in years from an answer like "7", "she's 14", "4 months", "Year 3"."""
    age = age_from_text(text)
    if age is not None:
        return age
    bare = re.fullmatch(r"\D{0,20}?(\d{1,2})\D{0,12}", text.strip())
    if bare and 0 <= int(bare.group(1)) <= 18:
        return float(bare.group(1))
    return None
