"""The child's age when the worry states it ("4 month old", "Year 4", "14yo", "toddler")."""

from __future__ import annotations

import re

_NUMBER_WORDS = {
    w: n
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen".split()
    )
}
_NUM = r"(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"\b{_NUM}\s*(?:weeks?|wks?)\s*old\b"), "weeks"),
    (re.compile(rf"\b{_NUM}\s*(?:months?|mths?|mo)\s*old\b"), "months"),
    (re.compile(rf"\b{_NUM}\s*(?:-\s*)?(?:years?|yrs?|yo|y\.o\.?)(?:\s*old)?\b"), "years"),
    (re.compile(rf"\baged?\s*{_NUM}\b"), "years"),
    (re.compile(r"\b(?:year|yr|y)\s*(\d{1,2})\b"), "school_year"),
    (re.compile(r"\breception\b"), "reception"),
    (re.compile(r"\b(?:newborn|new born|neonate)\b"), "newborn"),
    (re.compile(r"\b(?:baby|infant)\b"), "baby"),
    (re.compile(r"\btoddler\b"), "toddler"),
)


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _NUMBER_WORDS[text]


def age_from_text(text: str) -> float | None:
    """Age in years, or None. School years map to the younger age in the year (Year 4 -> 8)."""
    lowered = text.lower()
    for pattern, unit in _PATTERNS:
        match = pattern.search(lowered)
        if not match:
            continue
        if unit == "weeks":
            return round(_number(match.group(1)) / 52, 2)
        if unit == "months":
            return round(_number(match.group(1)) / 12, 2)
        if unit == "years":
            value = _number(match.group(1))
            if value <= 18:
                return float(value)
        if unit == "school_year":
            year = int(match.group(1))
            if 1 <= year <= 13:
                return float(year + 4)
        if unit == "reception":
            return 4.0
        if unit == "newborn":
            return 0.0
        if unit == "baby":
            return 0.5
        if unit == "toddler":
            return 2.0
    return None


def age_terms(age: float | None) -> str:
    """Document words that a known age brings with it (babies are pre-mobile)."""
    if age is None:
        return ""
    words = []
    if age < 1:
        words.append("baby infant pre mobile non mobile")
    elif age < 5:
        words.append("young child pre school early years under 5")
    words += [f"under {limit}" for limit in (13, 16, 18) if age < limit]
    return " ".join(words)
