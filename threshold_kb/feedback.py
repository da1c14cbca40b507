""""Was this right?": the practitioner's feedback on a recommendation, and what their designated
safeguarding lead (DSL) or the front door then decided.

Pure: the verdicts and decisions, their buttons' payloads, and reading them from a button's
entities or from typed words ("no, wrong level", "the DSL said level 2"). Kept by
threshold_kb/store/audit.py against the consultation record's reference; asked for by
actions/feedback.py after every recommendation.
"""

from __future__ import annotations

import json
import re
from typing import Any

INTENT = "give_feedback"
VERDICTS = {"right": "Yes, helpful", "wrong": "Not right", "unsure": "Not sure"}
NOT_YET = "not_yet"
MAX_COMMENT = 1000  # characters kept of a typed comment

_WRONG = re.compile(
    r"\b(not right|wrong|incorrect|not helpful|unhelpful|not useful|too (high|low)|disagree|"
    r"should (have )?been|no\b|nope)",
    re.IGNORECASE,
)
_UNSURE = re.compile(r"\b(not sure|unsure|don'?t know|do not know|no idea|maybe|possibly|hard to say)\b", re.IGNORECASE)
_RIGHT = re.compile(r"\b(yes|yeah|yep|right|correct|helpful|useful|spot on|agree|accurate|good|great)\b",
                    re.IGNORECASE)
_LEVEL = re.compile(r"\blevel\s*([1-4])\b", re.IGNORECASE)
_NOT_YET = re.compile(
    r"\b(not yet|no decision|(hasn'?t|haven'?t|has not|have not|not) (yet )?(decided|spoken|asked)|decided yet|"
    r"still waiting)\b",
    re.IGNORECASE,
)
# Who decides (the DSL, the front door), or that someone did: "I thought level 2" is not a decision.
_DECIDER = re.compile(r"\b(dsl|safeguarding lead|front door|mash|social care|they|decided|agreed)\b", re.IGNORECASE)


def payload(**values: str) -> str:
    """A button's payload: `/give_feedback{"verdict": "right"}`."""
    return f"/{INTENT}{json.dumps(values)}"


def verdict_buttons() -> list[dict[str, str]]:
    return [{"title": title, "payload": payload(verdict=key)} for key, title in VERDICTS.items()]


def decision_buttons(levels: list[tuple[int, str]]) -> list[dict[str, str]]:
    """One button per level of the authority ("Level 3: Targeted"), then "Not decided yet"."""
    buttons = [{"title": label, "payload": payload(decision=str(number))} for number, label in levels]
    return buttons + [{"title": "Not decided yet", "payload": payload(decision=NOT_YET)}]


def verdict_of(text: str) -> str | None:
    """The verdict typed words give ("yes that was helpful" -> right), or None."""
    text = text or ""
    if _UNSURE.search(text):
        return "unsure"
    if _WRONG.search(text):
        return "wrong"
    return "right" if _RIGHT.search(text) else None


def decision_of(text: str) -> str | None:
    """What the DSL or front door decided, when typed words say so ("my DSL said level 2"), or None."""
    text = text or ""
    if _NOT_YET.search(text):
        return NOT_YET
    level = _LEVEL.search(text)
    return level.group(1) if level and _DECIDER.search(text) else None


def clean_value(value: Any, allowed: set[str] | None = None) -> str | None:
    """An entity's value from a button, kept only if it is one of the known values."""
    value = str(value).strip().lower() if value is not None else ""
    if not value:
        return None
    if allowed is not None:
        return value if value in allowed else None
    return value if value == NOT_YET or (value.isdigit() and 0 < int(value) < 10) else None


def decision_label(decision: str | None) -> str:
    if not decision:
        return ""
    return "not yet" if decision == NOT_YET else f"Level {decision}"
