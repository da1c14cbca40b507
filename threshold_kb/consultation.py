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
