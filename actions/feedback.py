""""Was this right?" after every recommendation, and the practitioner's answer kept against the
consultation record's reference (threshold_kb/store/audit.py), the comment redacted there.

The buttons send `/give_feedback{"verdict": "right"}` (or wrong, unsure) and then
`/give_feedback{"decision": "3"}` (or not_yet): what the DSL or the front door decided. Typed
feedback ("no, wrong level, the DSL said level 2") is the intent give_feedback; its words are the
comment, and give the verdict and decision when they say them (threshold_kb/feedback.py).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import KnowledgeBaseAction, latest_text
from actions.kb import KnowledgeBase
from threshold_kb import feedback
from threshold_kb.store import audit, records

logger = logging.getLogger(__name__)

REFERENCE_SLOT, DECISION_SLOT = "consultation_reference", "feedback_decision"
QUESTION = "Was this right? Your answer is kept with your record, never the child's details."
NOTHING_YET = (
    "Thank you. There is no recommendation to give feedback on yet: tell me what is worrying you about "
    "the child and I will give the level and the next step."
)
ASK_DECISION = (
    "What did your DSL or the front door decide? You can also type a comment (leave out the child's name)."
)
NOT_KEPT = "Thank you. Your feedback could not be kept this time."


def offer(dispatcher: CollectingDispatcher, reference: str | None) -> list[EventType]:
    """After a recommendation kept under `reference`: the question and its buttons, and the slots
    that tie the answer to that record."""
    if not reference:  # no record, nothing to keep feedback against
        return []
    dispatcher.utter_message(text=QUESTION, buttons=feedback.verdict_buttons())
    return [SlotSet(REFERENCE_SLOT, reference), SlotSet(DECISION_SLOT, None)]


def _levels(kb: KnowledgeBase, slug: str | None) -> list[tuple[int, str]]:
    try:
        authority = kb.authority(slug)
    except Exception:  # the buttons are a convenience: "level 2" can be typed
        authority = None
    return [(level.number, level.label) for level in authority.levels] if authority else []


def record_feedback(kb: KnowledgeBase, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    reference = tracker.get_slot(REFERENCE_SLOT)
    if not reference:
        dispatcher.utter_message(text=NOTHING_YET)
        return []
    entities = {e.get("entity"): e.get("value") for e in (tracker.latest_message or {}).get("entities", [])}
    text = latest_text(tracker).strip()
    typed = not text.startswith("/")  # a button sends its payload; typed words are the comment
    verdict = feedback.clean_value(entities.get("verdict"), set(feedback.VERDICTS)) or (
        feedback.verdict_of(text) if typed else None)
    decision = feedback.clean_value(entities.get("decision")) or (feedback.decision_of(text) if typed else None)
    try:
        kept = audit.save_feedback(records.shared(), reference, verdict, decision, text if typed else None)
    except Exception as exc:  # said, never silent; the consultation goes on
        logger.error("feedback not kept: %s", type(exc).__name__)
        kept = False
    if not kept:
        dispatcher.utter_message(text=NOT_KEPT)
        return []
    if decision is None and not tracker.get_slot(DECISION_SLOT):
        buttons = feedback.decision_buttons(_levels(kb, tracker.get_slot("authority")))
        dispatcher.utter_message(text=f"Thank you. {ASK_DECISION}", buttons=buttons)
        return []
    dispatcher.utter_message(
        text=f"Thank you: your feedback is kept with your record {reference}. "
        "Record what was decided, and why, in your own organisation's system."
    )
    return [SlotSet(DECISION_SLOT, decision)] if decision else []


class ActionRecordFeedback(KnowledgeBaseAction):
    def name(self) -> str:
        return "action_record_feedback"

    def act(self, kb: KnowledgeBase, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        return record_feedback(kb, dispatcher, tracker)
